// Reading deploy/ the way its tools do: a kustomization's resources (folders included), YAML
// documents, Kubernetes quantities and label selectors, durations, and the Dockerfile's runtime ENV
// (what a container starts with before a manifest adds anything).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
  /** Where it was read from (not part of the object). */
  file: string;
}

/** Every document of a YAML file, failing on any syntax error (the yaml package only records them). */
export function readYamlDocs(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  return docs.map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map(String).join('; ')}`);
    return doc.toJS({ maxAliasCount: 10 }) as unknown;
  });
}

export function readYaml<T = Record<string, unknown>>(file: string): T {
  const [doc, ...rest] = readYamlDocs(file);
  if (rest.length) throw new Error(`${file}: expected one YAML document`);
  return doc as T;
}

interface Kustomization {
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

/** The objects a kustomization builds from its resources (files and folders), in order. */
export function loadKustomization(dir: string): K8sObject[] {
  const k = readYaml<Kustomization>(path.join(dir, 'kustomization.yaml'));
  return (k.resources ?? []).flatMap((entry) => {
    const target = path.join(dir, entry);
    if (statSync(target).isDirectory()) return loadKustomization(target);
    return readYamlDocs(target).map((doc) => ({ ...(doc as K8sObject), file: target }));
  });
}

export function readKustomization(dir: string): Kustomization {
  return readYaml<Kustomization>(path.join(dir, 'kustomization.yaml'));
}

/** Every .yaml file under a folder. */
export function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f))
    .sort();
}

/** CPU quantity in cores: "2", "2500m", "0.5". */
export function cpuCores(q: string | number): number {
  const s = String(q);
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(s);
  if (!m) throw new Error(`not a CPU quantity: ${s}`);
  return Number(m[1]) / (m[2] ? 1000 : 1);
}

const MEMORY_UNITS: Record<string, number> = {
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  K: 1e3 / 2 ** 20,
  M: 1e6 / 2 ** 20,
  G: 1e9 / 2 ** 20,
};

/** Memory quantity in MiB: "1280Mi", "2Gi", "500M". */
export function memoryMiB(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)$/.exec(q);
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  return Number(m[1]) * MEMORY_UNITS[m[2]!]!;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}

/** A label selector (or a Service's plain selector map) against a set of labels; empty selects nothing. */
export function selects(
  selector: LabelSelector | Record<string, string>,
  labels: Record<string, string> = {},
): boolean {
  if ('matchExpressions' in selector && selector.matchExpressions?.length) {
    throw new Error('matchExpressions are not used in deploy/ (extend this helper first)');
  }
  const wanted = ('matchLabels' in selector ? selector.matchLabels : selector) as Record<
    string,
    string
  >;
  const pairs = Object.entries(wanted ?? {});
  return pairs.length > 0 && pairs.every(([k, v]) => labels[k] === v);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "1h", "60s", "1m30s" → ms; a bare number is `bareUnit` (HAProxy: ms; Kubernetes fields: s). */
export function durationMs(value: string | number, bareUnit: 'ms' | 's'): number {
  const s = String(value).trim();
  if (/^\d+$/.test(s)) return Number(s) * DURATION_UNITS[bareUnit]!;
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== s) {
    throw new Error(`not a duration: ${s}`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0);
}

/** ENV of the Dockerfile's last stage: what the image's process starts with. */
export function dockerfileRuntimeEnv(file = 'Dockerfile'): Record<string, string> {
  const joined = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const lastStage = joined.split(/^FROM\s/m).at(-1) ?? '';
  const env: Record<string, string> = {};
  for (const line of lastStage.split('\n').filter((l) => /^ENV\s/.test(l))) {
    for (const m of line.slice(4).matchAll(/(\w+)=("[^"]*"|\S+)/g)) {
      env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
    }
  }
  return env;
}

/** The Dockerfile's last USER. */
export function dockerfileUser(file = 'Dockerfile'): string | undefined {
  const users = [...readFileSync(file, 'utf8').matchAll(/^USER\s+(\S+)/gm)];
  return users.at(-1)?.[1];
}
