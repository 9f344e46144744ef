// The Dockerfile review checklist as a test (hadolint is not packaged for Debian or npm here): fast,
// no container runtime needed. The image itself was built and run once by hand (docs/operations.md "Docker").
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** Dockerfile → instructions, with comments dropped and `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (line.startsWith('#')) return; // comment inside a continuation
    if (pending === '') start = i + 1;
    pending += `${line.replace(/\\$/, '').trim()} `;
    if (line.endsWith('\\')) return;
    const [op = '', ...rest] = pending.trim().split(/\s+/);
    out.push({ op: op.toUpperCase(), args: rest.join(' '), line: start });
    pending = '';
  });
  return out;
}

function stages(all: Instruction[]): { from: Instruction; body: Instruction[] }[] {
  const result: { from: Instruction; body: Instruction[] }[] = [];
  for (const ins of all) {
    if (ins.op === 'FROM') result.push({ from: ins, body: [] });
    else result.at(-1)?.body.push(ins);
  }
  return result;
}

const text = readFileSync('Dockerfile', 'utf8');
const all = parseDockerfile(text);
const [build, runtime] = stages(all);
const runs = (body: Instruction[]) => body.filter((i) => i.op === 'RUN').map((i) => i.args);
const env = (body: Instruction[]) =>
  Object.fromEntries(
    body
      .filter((i) => i.op === 'ENV')
      .flatMap((i) => [...i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1], m[2]])),
  ) as Record<string, string>;

describe('Dockerfile', () => {
  it('has two named stages from a pinned node:20-slim, never latest', () => {
    expect(stages(all).map((s) => s.from.args)).toEqual([
      'node:20-slim AS build',
      'node:20-slim AS runtime',
    ]);
    for (const s of stages(all)) expect(s.from.args).not.toMatch(/:latest\b|^[^:\s]+(\s|$)/);
  });

  it('has no syntax directive, which would pull a frontend image', () => {
    expect(text).not.toMatch(/^#\s*syntax\s*=/im);
  });

  it('compiles with npm ci and npm run build in the build stage', () => {
    const cmds = runs(build!.body).join(' && ');
    expect(cmds).toMatch(/\bnpm ci\b/);
    expect(cmds).toMatch(/\bnpm run build\b/);
  });

  it('installs only production dependencies in the runtime stage and copies dist/ from the build', () => {
    const cmds = runs(runtime!.body).join(' && ');
    expect(cmds).toMatch(/\bnpm ci\b[^&]*--omit=dev/);
    expect(cmds).not.toMatch(/\bnpm (i|install)\b/);
    const copies = runtime!.body.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).toContain('--from=build /app/dist ./dist');
    expect(copies.join(' ')).not.toMatch(/node_modules/);
    // onnxruntime-node's binaries for other systems are dropped, and the one kept is checked.
    expect(cmds).toMatch(/case "\$d" in \*\/linux\/"\$arch"\) ;; \*\) rm -rf "\$d"/);
    expect(cmds).toMatch(
      /test -n "\$\(ls node_modules\/onnxruntime-node\/bin\/napi-v\*\/linux\/"\$arch"\/\)"/,
    );
  });

  it('keeps apt layers small and installs libespeak-ng only for the native phonemizer', () => {
    for (const cmd of runs(all).filter((c) => c.includes('apt-get install'))) {
      expect(cmd).toContain('--no-install-recommends');
      expect(cmd).toContain('rm -rf /var/lib/apt/lists/*');
    }
    const backend = 'src/kitten/frontend/phonemize/espeak-native.ts';
    const native = existsSync(backend) && readFileSync(backend, 'utf8').includes('libespeak-ng');
    expect(runs(runtime!.body).some((c) => /install\b.*\blibespeak-ng1\b/.test(c))).toBe(native);
  });

  it('serves on 0.0.0.0:7860 as a non-root user with the cache on a volume', () => {
    const e = env(runtime!.body);
    expect(e).toMatchObject({
      HOST: '0.0.0.0',
      PORT: '7860',
      KITTENTTS_CACHE_DIR: '/home/node/.cache/kittentts',
    });
    // 10200: the Wyoming door's conventional port (on when KITTENTTS_WYOMING_PORT is set).
    expect(runtime!.body.find((i) => i.op === 'EXPOSE')?.args).toBe('7860 10200');
    expect(runtime!.body.find((i) => i.op === 'VOLUME')?.args).toBe(`["${e.KITTENTTS_CACHE_DIR}"]`);
    const users = runtime!.body.filter((i) => i.op === 'USER');
    expect(users.at(-1)?.args).toBe('node');
    // Nothing after the last USER runs as root.
    const lastUser = runtime!.body.lastIndexOf(users.at(-1)!);
    expect(runtime!.body.slice(lastUser).some((i) => i.op === 'RUN')).toBe(false);
  });

  it('checks health with node against /api/health and starts the compiled server', () => {
    const health = all.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    expect(health).toMatch(/CMD \["node", "-e", .*\/api\/health/);
    expect(health).not.toMatch(/curl|wget/);
    expect(all.at(-1)).toMatchObject({ op: 'CMD', args: '["node", "dist/src/main.js"]' });
    expect(existsSync('src/main.ts')).toBe(true);
    expect(JSON.parse(readFileSync('tsconfig.build.json', 'utf8'))).toMatchObject({
      include: ['src', 'workers'],
    });
  });

  it('copies only files that exist and carries no secrets', () => {
    for (const ins of all.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      for (const src of ins.args.split(/\s+/).slice(0, -1)) expect(existsSync(src), src).toBe(true);
    }
    for (const ins of all.filter((i) => i.op === 'ENV' || i.op === 'ARG')) {
      expect(ins.args).not.toMatch(/(TOKEN|SECRET|PASSWORD|API_KEYS?)\s*=/i);
    }
  });

  it('is built from an npm configuration that never downloads CUDA files', () => {
    // Dependency install scripts are off (onnxruntime-node's postinstall would fetch CUDA files).
    expect(readFileSync('.npmrc', 'utf8')).toMatch(/^ignore-scripts=true$/m);
  });
});

describe('.dockerignore', () => {
  const ignored = readFileSync('.dockerignore', 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('keeps local builds, dependencies and secrets out of the context', () => {
    for (const p of ['node_modules', 'dist', '.git', '.env', '.standin'])
      expect(ignored).toContain(p);
  });

  it('keeps every file the build needs', () => {
    const needed = [
      'package.json',
      'package-lock.json',
      '.npmrc',
      'tsconfig.json',
      'tsconfig.build.json',
      'src',
      'workers',
    ];
    for (const p of needed)
      expect(ignored.some((i) => i === p || i === `${p}/` || i === '*')).toBe(false);
  });
});

describe('compose.yaml', () => {
  const compose = readFileSync('compose.yaml', 'utf8');

  it('publishes port 7860 and keeps the model cache in a named volume', () => {
    expect(compose).toMatch(/^\s+- ['"]7860:7860['"]$/m);
    expect(compose).toMatch(/^\s+- kittentts-cache:\/home\/node\/\.cache\/kittentts$/m);
    expect(compose).toMatch(/^volumes:\n\s+kittentts-cache:/m);
  });

  it('shows how to publish the Wyoming port for Home Assistant', () => {
    expect(compose).toMatch(/^\s+# - ['"]10200:10200['"]$/m);
    expect(compose).toMatch(/^\s+# KITTENTTS_WYOMING_PORT: ['"]10200['"]$/m);
  });
});
