// deploy/compose.yaml and deploy/haproxy.cfg: three replicas from this repository's Dockerfile,
// each on Redis, all of them behind HAProxy; the balancer's timeouts and health check checked
// against the gateway's own settings, and the file against haproxy itself (`haproxy -c`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { dockerfileRuntimeEnv, durationMs, loadKustomization, readYaml } from './manifests.js';
import { gatewayPod } from './pod.js';

interface ComposeService {
  build?: string;
  image?: string;
  environment?: Record<string, string | number>;
  cpus?: number | string;
  ports?: string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  volumes?: string[];
}

const COMPOSE = path.join('deploy', 'compose.yaml');
const HAPROXY_CFG = path.join('deploy', 'haproxy.cfg');
const compose = readYaml<{ services: Record<string, ComposeService> }>(COMPOSE);
const gateways = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);
const configOf = (s: ComposeService) =>
  loadConfig({
    ...dockerfileRuntimeEnv(),
    ...Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)])),
  });

/** haproxy.cfg → sections (`global`, `defaults`, `backend gateways` …) of tokenized lines. */
function haproxySections(text: string): Map<string, string[][]> {
  const sections = new Map<string, string[][]>();
  let current: string[][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trimEnd();
    if (!line.trim()) continue;
    if (!/^\s/.test(line)) sections.set(line.trim(), (current = []));
    else current.push(line.trim().split(/\s+/));
  }
  return sections;
}
const cfg = haproxySections(readFileSync(HAPROXY_CFG, 'utf8'));
const section = (name: string) => {
  const s = cfg.get(name);
  if (!s) throw new Error(`${HAPROXY_CFG} has no section "${name}"`);
  return s;
};
const directive = (lines: string[][], ...words: string[]) =>
  lines.find((l) => words.every((w, i) => l[i] === w))?.slice(words.length);
const timeout = (name: string) => {
  const v = directive(section('defaults'), 'timeout', name)?.[0];
  if (!v) throw new Error(`no "timeout ${name}" in defaults`);
  return durationMs(v, 'ms');
};
const frontend = section([...cfg.keys()].find((k) => k.startsWith('frontend '))!);
const backendName = directive(frontend, 'default_backend')![0]!;
const backend = section(`backend ${backendName}`);

function findHaproxy(): string | undefined {
  return ['haproxy', '/usr/sbin/haproxy'].find((bin) => spawnSync(bin, ['-v']).status === 0);
}
const HAPROXY = findHaproxy();

describe('deploy/compose.yaml', () => {
  it('runs three gateway replicas built from the repository Dockerfile, the same image each', () => {
    expect(gateways.map(([name]) => name)).toHaveLength(3);
    for (const [name, s] of gateways) {
      expect(existsSync(path.join(path.dirname(COMPOSE), s.build!, 'Dockerfile')), name).toBe(true);
      expect(s.image).toBe(gateways[0]![1].image);
    }
  });

  it('points every replica at the Redis service, started before them and health-checked', () => {
    for (const [name, s] of gateways) {
      const url = new URL(String(s.environment?.KITTENTTS_REDIS_URL));
      expect(url.protocol, name).toBe('redis:');
      const redis = compose.services[url.hostname];
      expect(redis?.image, `${name} → ${url.hostname}`).toMatch(/^redis:/);
      expect(Number(url.port || 6379)).toBe(6379);
      expect(s.depends_on).toMatchObject({ [url.hostname]: { condition: 'service_healthy' } });
      expect(redis!.healthcheck?.test.join(' ')).toMatch(/redis-cli ping/);
    }
  });

  it('gives each replica one core per inference thread, with valid settings', () => {
    for (const [name, s] of gateways) {
      expect(s.environment?.KITTENTTS_WORKERS, name).toBeDefined();
      const config = configOf(s);
      expect(Number(s.cpus), name).toBe(config.workers * config.threadsPerWorker);
    }
  });

  it('stops a replica no sooner than its drain and a running chunk allow', () => {
    for (const [name, s] of gateways) {
      const drainMs = configOf(s).shutdownTimeoutMs;
      // src/shutdown.ts: the drain, then max(30 s, drain) for a running chunk, 2 s to close.
      expect(durationMs(s.stop_grace_period ?? '10s', 's'), name).toBeGreaterThanOrEqual(
        drainMs + Math.max(30_000, drainMs) + 2000,
      );
    }
  });

  it('publishes only the balancer, on the port its frontend binds', () => {
    for (const [name, s] of gateways) expect(s.ports, name).toBeUndefined();
    const balancer = Object.values(compose.services).find((s) => /^haproxy:/.test(s.image ?? ''));
    expect(balancer?.volumes).toContain('./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const [published] = balancer!.ports!;
    const bind = directive(frontend, 'bind')![0]!;
    expect(published).toBe(`${bind.split(':').at(-1)}:${bind.split(':').at(-1)}`);
  });
});

describe('deploy/haproxy.cfg', () => {
  it('lists exactly the compose replicas as servers, at the port they listen on', () => {
    const servers = backend.filter((l) => l[0] === 'server');
    expect(servers.map((l) => l[1]).sort()).toEqual(gateways.map(([name]) => name).sort());
    for (const [, name, address] of servers) {
      const s = compose.services[name!]!;
      expect(address).toBe(`${name}:${configOf(s).port}`);
    }
    // Every server is health-checked (on the default-server line or its own).
    const checked = (l: string[] | undefined) => l?.includes('check') ?? false;
    expect(checked(directive(backend, 'default-server')) || servers.every(checked)).toBe(true);
  });

  it('balances round robin and checks the same readiness path as the Kubernetes probe', () => {
    expect(directive(backend, 'balance')).toEqual(['roundrobin']);
    expect(directive(backend, 'option')).toEqual(['httpchk']);
    const { container } = gatewayPod(loadKustomization(path.join('deploy', 'kubernetes')));
    expect(directive(backend, 'http-check', 'send')).toEqual([
      'meth',
      'GET',
      'uri',
      container.readinessProbe!.httpGet!.path,
    ]);
    expect(directive(backend, 'http-check', 'expect')).toEqual(['status', '200']);
  });

  it('never replays a POST or DELETE a replica may already have applied', () => {
    const lines = [...section('defaults'), ...frontend, ...backend];
    const retryOn = directive(lines, 'retry-on') ?? [];
    expect(retryOn).toContain('conn-failure');
    // Every other retry-on condition fires after the request was sent to a replica.
    const afterSent = retryOn.filter((c) => !['conn-failure', 'none'].includes(c));
    if (afterSent.length > 0) {
      expect(directive(lines, 'http-request', 'disable-l7-retry')).toEqual([
        'if',
        'METH_POST',
        '||',
        'METH_DELETE',
      ]);
    }
  });

  it('keeps WebSockets, SSE and kept-alive connections open as long as the gateway does', () => {
    const config = configOf(gateways[0]![1]);
    // A silent WebSocket is the gateway's to close (session idle timeout), not the balancer's.
    expect(timeout('tunnel')).toBeGreaterThanOrEqual(config.sessionTtlMs);
    // A silent SSE stream gets a heartbeat comment; the balancer waits longer than that.
    expect(timeout('client')).toBeGreaterThan(config.sseHeartbeatMs);
    expect(timeout('server')).toBeGreaterThan(config.sseHeartbeatMs);
    // The balancer closes idle client connections before the gateway would close its side.
    expect(timeout('http-keep-alive')).toBeLessThan(config.keepAliveTimeoutMs);
  });

  it.skipIf(!HAPROXY)(
    `is a valid configuration for haproxy -c${HAPROXY ? '' : ' (skipped: haproxy is not installed; .ci/run installs the Debian package)'}`,
    () => {
      const run = spawnSync(HAPROXY!, ['-c', '-f', HAPROXY_CFG], { encoding: 'utf8' });
      const out = `${run.stdout}${run.stderr}`;
      expect(run.status, out).toBe(0);
      expect(out).toMatch(/Configuration file is valid/);
      // The only warnings allowed: replica names resolve inside compose's network, not here.
      const warnings = out.split('\n').filter((l) => l.includes('[WARNING]'));
      for (const w of warnings) {
        expect(w).toMatch(/could not resolve address '(gateway-\d+)', disabling server/);
      }
    },
  );
});
