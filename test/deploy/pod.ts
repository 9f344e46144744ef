// The gateway's pod as the manifests define it, and the settings its container starts with: the
// Dockerfile's ENV, then the ConfigMap it reads, then its own env, parsed by the gateway's config.
import { loadConfig, type Config } from '../../src/config.js';
import { dockerfileRuntimeEnv, type K8sObject, type LabelSelector } from './manifests.js';

export interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: {
    requests?: { cpu?: string; memory?: string };
    limits?: { cpu?: string; memory?: string };
  };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  enableServiceLinks?: boolean;
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown>;
  topologySpreadConstraints?: { labelSelector: LabelSelector }[];
}

export function gatewayPod(objects: K8sObject[]) {
  const deployment = objects.find(
    (o) => o.kind === 'Deployment' && o.metadata.name === 'kittentts-gateway',
  ) as (K8sObject & { spec: Record<string, unknown> }) | undefined;
  if (!deployment) throw new Error('no Deployment kittentts-gateway');
  const template = deployment.spec.template as {
    metadata: { labels: Record<string, string> };
    spec: PodSpec;
  };
  const container = template.spec.containers.find((c) => c.name === 'gateway');
  if (!container) throw new Error('no container "gateway"');
  const fromConfigMaps = (container.envFrom ?? [])
    .map((e) => e.configMapRef?.name)
    .filter((name): name is string => name !== undefined)
    .map((name) => {
      const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
      if (!cm) throw new Error(`the container reads a ConfigMap ${name} that is not deployed`);
      return (cm as unknown as { data: Record<string, string> }).data;
    });
  const settings: Record<string, string> = Object.assign(
    {},
    dockerfileRuntimeEnv(),
    ...fromConfigMaps,
    Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? ''])),
  );
  const config: Config = loadConfig(settings);
  return {
    deployment,
    pod: { ...template.spec, labels: template.metadata.labels },
    container,
    settings,
    config,
  };
}
