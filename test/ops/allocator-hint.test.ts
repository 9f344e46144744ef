// The allocator setting that lets idle workers' memory leave the process: the advice the gateway
// logs at start, and the places that apply it (npm start, the Docker image).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allocatorHint, SHIPPED_GLIBC_TUNABLES } from '../../src/ops/allocator-hint.js';

const GLIBC = '2.36';

/** What `npm start` runs after building, with `node dist/src/main.js` swapped for a probe. */
function startEnvironment(env: Record<string, string>): string {
  const scripts = (
    JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }
  ).scripts;
  const launch = scripts.start.split(' && ').at(-1)!;
  expect(launch).toMatch(/ node dist\/src\/main\.js$/);
  const probe = launch.replace(
    / node dist\/src\/main\.js$/,
    ` "${process.execPath}" -e 'process.stdout.write(process.env.GLIBC_TUNABLES ?? "")'`,
  );
  return execFileSync('sh', ['-c', probe], {
    env: { PATH: process.env.PATH ?? '', ...env },
  }).toString();
}

describe('allocatorHint', () => {
  it('advises fixing the mmap threshold when glibc runs idle renewal without it', () => {
    expect(allocatorHint({}, GLIBC, 30_000)).toContain(`GLIBC_TUNABLES=${SHIPPED_GLIBC_TUNABLES}`);
  });

  it('gives no advice when the threshold is fixed, alone or among other tunables', () => {
    expect(allocatorHint({ GLIBC_TUNABLES: SHIPPED_GLIBC_TUNABLES }, GLIBC, 30_000)).toBeNull();
    const mixed = 'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072';
    expect(allocatorHint({ GLIBC_TUNABLES: mixed }, GLIBC, 30_000)).toBeNull();
    expect(allocatorHint({ MALLOC_MMAP_THRESHOLD_: '131072' }, GLIBC, 30_000)).toBeNull();
  });

  it('gives no advice without glibc or without idle renewal', () => {
    expect(allocatorHint({}, undefined, 30_000)).toBeNull();
    expect(allocatorHint({}, GLIBC, 0)).toBeNull();
  });

  it('names another tunable than the threshold as no fix', () => {
    expect(allocatorHint({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, GLIBC, 1)).not.toBeNull();
  });
});

describe('the shipped allocator setting', () => {
  it('is what npm start gives node when the environment has none', () => {
    expect(startEnvironment({})).toBe(SHIPPED_GLIBC_TUNABLES);
  });

  it("leaves an operator's own GLIBC_TUNABLES as it is under npm start", () => {
    expect(startEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })).toBe(
      'glibc.malloc.arena_max=2',
    );
  });

  it("is in the Docker image's environment", () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).toMatch(
      new RegExp(`GLIBC_TUNABLES=${SHIPPED_GLIBC_TUNABLES.replace(/\./g, '\\.')}\\s*$`, 'm'),
    );
  });
});
