// Waits for a model's files (engine/model-loads.ts): many at once, all failed by a shutdown's drop.
import { afterEach, describe, expect, it } from 'vitest';
import { ShuttingDownError } from '../../src/errors.js';
import { ModelLoads } from '../../src/engine/model-loads.js';

const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);

describe('ModelLoads', () => {
  afterEach(() => {
    process.off('warning', onWarning);
    warnings.length = 0;
  });

  it('fails every wait under way when dropped, and later ones at once', async () => {
    const loads = new ModelLoads(() => new Promise(() => {})); // a download that never ends
    const waits = Array.from({ length: 3 }, () => loads.resolve('nano'));
    loads.drop();
    for (const wait of waits) await expect(wait).rejects.toBeInstanceOf(ShuttingDownError);
    await expect(loads.resolve('nano')).rejects.toBeInstanceOf(ShuttingDownError);
  });

  it('lets a busy gateway wait on a model from many syntheses at once without a listener warning', async () => {
    process.on('warning', onWarning);
    const loads = new ModelLoads(async () => ({ files: {} as never, loadS: 0 }));
    await Promise.all(Array.from({ length: 64 }, () => loads.resolve('nano')));
    await new Promise((r) => setImmediate(r)); // warnings are emitted on a later tick
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });
});
