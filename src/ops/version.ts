// The gateway's version, read once from its package.json (the one source: the OpenAPI document and
// the Wyoming `info` state it). The nearest package.json above this module: ../../ from src/ops/,
// ../../../ from the build's dist/src/ops/.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function readVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above src/ops/version.ts');
    dir = up;
  }
}

export const GATEWAY_VERSION = readVersion();
