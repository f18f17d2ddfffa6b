// Background threads lower their own priority on Linux (PRODUCT_FORGE_WORKER_NICE) without touching the
// thread that started them (the extension host); other platforms are left alone.
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { lowerThreadPriority } from '../../src/runtime/priority';

describe('runtime: background thread priority', () => {
  it('does nothing without the setting, with 0, or off Linux', () => {
    assert.equal(lowerThreadPriority({}), undefined);
    assert.equal(lowerThreadPriority({ PRODUCT_FORGE_WORKER_NICE: '0' }), undefined);
    assert.equal(lowerThreadPriority({ PRODUCT_FORGE_WORKER_NICE: 'x' }), undefined);
    assert.equal(lowerThreadPriority({ PRODUCT_FORGE_WORKER_NICE: '10' }, 'win32'), undefined);
    assert.equal(lowerThreadPriority({ PRODUCT_FORGE_WORKER_NICE: '10' }, 'darwin'), undefined);
  });

  it('on Linux lowers only the calling worker thread', async function () {
    if (process.platform !== 'linux') this.skip();
    const before = os.getPriority(0);
    const src = path.resolve(__dirname, '../../src/runtime/priority.ts');
    const code = `
      const { parentPort } = require('node:worker_threads');
      const os = require('node:os');
      require('tsx/cjs/api').register();
      const { lowerThreadPriority } = require(${JSON.stringify(src)});
      const set = lowerThreadPriority({ PRODUCT_FORGE_WORKER_NICE: '7' });
      parentPort.postMessage({ set, now: os.getPriority(0) });`;
    const w = new Worker(code, { eval: true });
    const msg = await new Promise<{ set: number; now: number }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    assert.equal(msg.set, Math.max(7, before));
    assert.equal(msg.now, Math.max(7, before));
    assert.equal(os.getPriority(0), before, 'the starting thread keeps its priority');
  });
});
