// deploy/kubernetes checked offline: every object against the Kubernetes schemas
// (kubernetes-models), and against the gateway itself — its settings parser, its routes on a real
// gateway, its shutdown timing, the Dockerfile's user and paths, the measured memory figures.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ROUTE_DOCS } from '../../src/http/openapi/paths.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  cpuCores,
  dockerfileRuntimeEnv,
  dockerfileUser,
  loadKustomization,
  memoryMiB,
  readKustomization,
  selects,
  yamlFilesUnder,
  type K8sObject,
} from './manifests.js';
import { gatewayPod, type Container, type PodSpec, type Probe } from './pod.js';

const DIR = path.join('deploy', 'kubernetes');
const KUBECTL = spawnSync('kubectl', ['version', '--client']).status === 0;
const objects = loadKustomization(DIR);
const find = (kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${DIR} has no ${kind} ${name}`);
  return found as K8sObject & { spec: Record<string, unknown> };
};
const { deployment, pod, container, settings, config } = gatewayPod(objects);

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};
const validate = (o: K8sObject) => {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) throw new Error(`${o.file}: no schema for ${o.apiVersion} ${o.kind}`);
  const { file: _file, ...data } = o;
  new Model(data as never).validate();
};
const portOf = (c: Container, ref: string | number) =>
  c.ports?.find((p) => p.name === ref || p.containerPort === ref);
const probes = (): [string, Probe][] => [
  ['readiness', container.readinessProbe!],
  ['liveness', container.livenessProbe!],
];

describe('deploy/kubernetes', () => {
  it('builds every manifest in its folder from kustomization.yaml, each object once', () => {
    const files = yamlFilesUnder(DIR).filter((f) => path.basename(f) !== 'kustomization.yaml');
    expect([...new Set(objects.map((o) => o.file))].sort()).toEqual(files);
    const ids = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('validates every object against the Kubernetes schemas', () => {
    expect(new Set(objects.map((o) => `${o.apiVersion}/${o.kind}`))).toEqual(
      new Set(Object.keys(MODELS)),
    );
    for (const o of objects) expect(() => validate(o), `${o.file} ${o.kind}`).not.toThrow();
    // The validator is live: the same Deployment with a port given by name is refused.
    const broken = structuredClone(deployment) as K8sObject;
    const spec = (broken as unknown as { spec: { template: { spec: PodSpec } } }).spec;
    spec.template.spec.containers[0]!.ports![0]!.containerPort = 'http' as never;
    expect(() => validate(broken)).toThrow(/containerPort must be integer/);
  });

  it.skipIf(!KUBECTL)(
    `renders with kubectl kustomize to the same objects, the image mapped by images:${KUBECTL ? '' : ' (skipped: kubectl is not installed)'}`,
    () => {
      const run = spawnSync('kubectl', ['kustomize', DIR], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const rendered = parseAllDocuments(run.stdout).map((d) => d.toJS() as K8sObject);
      const id = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
      expect(rendered.map(id).sort()).toEqual(objects.map(id).sort());
      const image = readKustomization(DIR).images![0]!;
      const renderedPod = rendered.find((o) => id(o) === id(deployment))!.spec as {
        template: { spec: PodSpec };
      };
      expect(renderedPod.template.spec.containers[0]!.image).toBe(
        `${image.newName}:${image.newTag}`,
      );
    },
  );

  it('runs the image of the version in package.json', () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const [name, tag] = container.image.split(':');
    expect(tag).toBe(version);
    expect(readKustomization(DIR).images).toContainEqual(
      expect.objectContaining({ name, newTag: version }),
    );
  });

  it('gives the gateway settings its own parser accepts, each one in the settings table', () => {
    expect(() => loadConfig(settings)).not.toThrow();
    const page = readFileSync('docs/settings.md', 'utf8');
    const table = page.slice(page.indexOf('## Settings'), page.indexOf('## Limits'));
    const documented = new Set([...table.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((m) => m[1]));
    const cm = find('ConfigMap', 'kittentts-gateway') as unknown as {
      data: Record<string, string>;
    };
    for (const key of Object.keys(cm.data)) expect(documented, key).toContain(key);
  });

  it('probes the container port the gateway listens on', () => {
    for (const [kind, probe] of probes()) {
      expect(probe.httpGet, kind).toBeDefined();
      expect(portOf(container, probe.httpGet!.port)?.containerPort, kind).toBe(config.port);
    }
  });

  describe('against a real gateway with API keys on', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway({ KITTENTTS_API_KEYS: 'deploy-test-key' });
    });
    afterAll(async () => gw?.cleanup());

    const documentedGet = (p: string) => ROUTE_DOCS.some((r) => r.method === 'get' && r.path === p);

    it('has its liveness probe answer 200 without a key, on a documented route', async () => {
      const p = container.livenessProbe!.httpGet!.path;
      expect(documentedGet(p)).toBe(true);
      expect((await fetch(`${gw.url}${p}`)).status).toBe(200);
    });

    it('has its readiness probe on GET /api/ready?redis=optional, documented and answered without a key', async () => {
      const p = container.readinessProbe!.httpGet!.path;
      const probe = new URL(p, 'http://pod');
      expect(probe.pathname).toBe('/api/ready');
      // A Redis outage (every pod shares it) must not take every pod out of the Service.
      expect(Object.fromEntries(probe.searchParams)).toEqual({ redis: 'optional' });
      expect(documentedGet(probe.pathname), `${p} is not in the OpenAPI route table`).toBe(true);
      const doc = (await (
        await fetch(`${gw.url}/openapi.json`, { headers: { 'x-api-key': 'deploy-test-key' } })
      ).json()) as {
        paths: Record<string, { get: { parameters?: { name: string; schema: unknown }[] } }>;
      };
      expect(doc.paths['/api/ready']!.get.parameters).toContainEqual(
        expect.objectContaining({
          name: 'redis',
          schema: expect.objectContaining({ enum: expect.arrayContaining(['optional']) }),
        }),
      );
      // 503 while the default model loads, then 200; anything else (401, 404) is final.
      const seen: number[] = [];
      const deadline = Date.now() + 30_000;
      while (seen.at(-1) !== 200 && Date.now() < deadline) {
        seen.push((await fetch(`${gw.url}${p}`)).status);
        if (![200, 503].includes(seen.at(-1)!)) break;
        if (seen.at(-1) === 503) await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen.at(-1), `statuses seen: ${[...new Set(seen)].join(', ')}`).toBe(200);
    });
  });

  it('asks for one core per inference thread, with a little headroom in the limit', () => {
    // Set, not derived: the default (cores ÷ threads) would count the node's cores.
    expect(settings.KITTENTTS_WORKERS).toBeDefined();
    const threads = config.workers * config.threadsPerWorker;
    const { requests, limits } = container.resources!;
    expect(cpuCores(requests!.cpu!)).toBe(threads);
    expect(cpuCores(limits!.cpu!)).toBeGreaterThanOrEqual(threads);
    expect(cpuCores(limits!.cpu!)).toBeLessThan(threads + 1);
  });

  it('asks for the memory bench/ measured for that many workers, plus the synthesis cache', () => {
    // Each worker once it has run its longest chunk (bench question 19, today's settings), and
    // the most one one-shot request adds on top (question 10, today's allocator).
    const workersBench = JSON.parse(readFileSync('bench/results/worker-memory.json', 'utf8')) as {
      results: {
        rows: { name: string; workers: number; report: { after: number[] } }[];
      };
    };
    const oneShots = JSON.parse(readFileSync('bench/results/memory.json', 'utf8')) as {
      results: { rows: { variant: string; peakExtraMB: number }[] };
    };
    const today = workersBench.results.rows.find(
      (r) => r.workers === 2 && r.name.startsWith('today'),
    )!;
    const longestChunkPeakMB = Math.max(...today.report.after) / 2 ** 20;
    const requestMB = Math.max(
      ...oneShots.results.rows
        .filter((r) => r.variant === 'glibc default')
        .map((r) => r.peakExtraMB),
    );
    // The bench's figures (MiB, cache off) scaled per worker; conservative for the one request.
    const perWorker = (mb: number) => (mb / today.workers) * config.workers;
    const cacheMiB = config.synthCacheBytes / 2 ** 20;
    const { requests, limits } = container.resources!;
    expect(memoryMiB(requests!.memory!)).toBeGreaterThanOrEqual(
      perWorker(longestChunkPeakMB) + cacheMiB,
    );
    expect(memoryMiB(limits!.memory!)).toBeGreaterThanOrEqual(
      perWorker(longestChunkPeakMB) + requestMB + cacheMiB,
    );
  });

  it('gives the drain its whole time before the kill: grace ≥ preStop + drain + a running chunk', () => {
    const preStopS = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
    expect(preStopS).toBeGreaterThan(0);
    const drainS = config.shutdownTimeoutMs / 1000;
    // src/shutdown.ts: past the deadline a running chunk gets max(30 s, timeout), then 2 s for
    // connections to close.
    const runningChunkS = Math.max(30, drainS) + 2;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      preStopS + drainS + runningChunkS,
    );
    // Readiness turns 503 on SIGTERM; it must be noticed well within the drain.
    const r = container.readinessProbe!;
    expect((r.periodSeconds ?? 10) * (r.failureThreshold ?? 3)).toBeLessThan(drainS);
  });

  it('runs as the image user, non-root, with a read-only root and every written path on a volume', () => {
    expect(dockerfileUser()).toBe('node');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    const mounted = (container.volumeMounts ?? []).map((m) => m.mountPath);
    expect(mounted).toContain(config.cacheDir);
    expect(mounted).toContain('/tmp');
    expect(dockerfileRuntimeEnv().KITTENTTS_CACHE_DIR).toBe(config.cacheDir);
    // Nothing but the manifests adds to the environment the settings are read from.
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('leaves the replica count to an autoscaler that targets the Deployment', () => {
    const hpa = find('HorizontalPodAutoscaler', 'kittentts-gateway');
    expect(deployment.spec.replicas).toBeUndefined();
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: deployment.apiVersion,
      kind: deployment.kind,
      name: deployment.metadata.name,
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas as number);
    // A CPU utilization target needs a CPU request to be a share of.
    expect(JSON.stringify(hpa.spec.metrics)).toContain('"cpu"');
    expect(container.resources?.requests?.cpu).toBeDefined();
  });

  it('budgets disruptions over exactly the gateway pods, leaving evictions possible', () => {
    const pdb = find('PodDisruptionBudget', 'kittentts-gateway');
    const selector = pdb.spec.selector as Record<string, string>;
    expect(selects(selector, pod.labels)).toBe(true);
    for (const other of workloads().filter((w) => w !== deployment)) {
      expect(selects(selector, templateOf(other).labels)).toBe(false);
    }
    const minReplicas = find('HorizontalPodAutoscaler', 'kittentts-gateway').spec
      .minReplicas as number;
    if (pdb.spec.minAvailable !== undefined) {
      expect(pdb.spec.minAvailable).toBeLessThan(minReplicas);
    } else expect(pdb.spec.maxUnavailable).toBeGreaterThanOrEqual(1);
  });

  it('selects each workload with its own selector, its Service and its spread constraint', () => {
    for (const w of workloads()) {
      const t = templateOf(w);
      expect(selects(w.spec.selector as Record<string, string>, t.labels), w.file).toBe(true);
      const services = objects.filter(
        (o) =>
          o.kind === 'Service' &&
          selects(
            (o as { spec?: { selector?: Record<string, string> } }).spec!.selector!,
            t.labels,
          ),
      );
      expect(services, `one Service for ${w.metadata.name}`).toHaveLength(1);
      const ports = (services[0] as unknown as { spec: { ports: { targetPort: string }[] } }).spec
        .ports;
      for (const p of ports) expect(portOf(t.spec.containers[0]!, p.targetPort)).toBeDefined();
      for (const c of t.spec.topologySpreadConstraints ?? []) {
        expect(selects(c.labelSelector, t.labels)).toBe(true);
      }
    }
    const svc = find('Service', 'kittentts-gateway').spec as { sessionAffinity?: string };
    expect(svc.sessionAffinity ?? 'None').toBe('None');
  });

  it('points the gateway at the example Redis Service, which is marked as an example', () => {
    const url = new URL(settings.KITTENTTS_REDIS_URL!);
    const redis = find('Service', url.hostname);
    const ports = (redis.spec.ports as { port: number }[]).map((p) => p.port);
    expect(ports).toContain(Number(url.port || 6379));
    const statefulSet = find('StatefulSet', url.hostname);
    expect(readFileSync(statefulSet.file, 'utf8')).toMatch(/^# EXAMPLE ONLY/);
    expect(readFileSync(redis.file, 'utf8')).toMatch(/^# EXAMPLE ONLY/);
  });
});

function workloads() {
  return objects.filter(
    (o) => o.kind === 'Deployment' || o.kind === 'StatefulSet',
  ) as (K8sObject & {
    spec: Record<string, unknown>;
  })[];
}

function templateOf(w: K8sObject & { spec: Record<string, unknown> }) {
  const t = w.spec.template as { metadata: { labels: Record<string, string> }; spec: PodSpec };
  return { labels: t.metadata.labels, spec: t.spec };
}
