// A loaded model is not released under a request that uses it: an unload or a reload replacing it (a setting
// changed while an analysis, classify, explain or generate request runs) frees it once the last holder is done.
import assert from 'node:assert/strict';
import { errorCode } from '../../src/runtime/errors';
import { deferredRelease, settleReleases } from '../../src/runtime/handlers/load';

function tracked() {
  const log: string[] = [];
  const errors: unknown[] = [];
  const r = deferredRelease(async () => void log.push('released'), (e) => errors.push(e), 'The model m');
  return { log, errors, ...r };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('runtime: deferred model release', () => {
  it('releases at once when nothing holds the model', async () => {
    const t = tracked();
    await t.release();
    assert.deepEqual(t.log, ['released']);
  });

  it('waits for every holder, then releases once', async () => {
    const t = tracked();
    const a = t.hold();
    const b = t.hold();
    await t.release();
    await t.release(); // an unload, then a reload replacing it
    assert.deepEqual(t.log, [], 'still held by two requests');
    a();
    a(); // letting go twice counts once
    await tick();
    assert.deepEqual(t.log, [], 'still held by one request');
    b();
    await tick();
    assert.deepEqual(t.log, ['released']);
  });

  it('before the worker exits, a release still waiting for its holder is done, and one under way has finished', async () => {
    // the CLI unloads the model on Ctrl+C while the cancelled analysis still holds it; shutdown must not exit before
    // that release (exiting with ONNX sessions half-released aborts the process)
    const log: string[] = [];
    let finish!: () => void;
    const slow = deferredRelease(() => new Promise<void>((r) => { log.push('slow started'); finish = () => { log.push('slow done'); r(); }; }), () => undefined, 'slow');
    const held = tracked();
    held.hold(); // never let go: the job outlived its cancel
    await held.release();
    const running = slow.release(); // under way, not finished yet
    assert.deepEqual([held.log, log], [[], ['slow started']]);
    let settled = false;
    const s = settleReleases().then(() => (settled = true));
    await tick();
    assert.deepEqual(held.log, ['released'], 'the waiting release was forced');
    assert.equal(settled, false, 'settleReleases returned before the release under way finished');
    finish();
    await running;
    await s;
    assert.deepEqual(log, ['slow started', 'slow done']);
    // nothing left: it returns at once
    await settleReleases();
  });

  it('a holder letting go without a release wanted keeps the model', async () => {
    const t = tracked();
    t.hold()();
    await tick();
    assert.deepEqual(t.log, []);
    await t.release();
    assert.deepEqual(t.log, ['released']);
  });

  it('force releases under holders (the worker shutting down after cancelling its jobs)', async () => {
    const t = tracked();
    const a = t.hold();
    await t.release(true);
    assert.deepEqual(t.log, ['released']);
    a();
    await tick();
    assert.deepEqual(t.log, ['released'], 'not released twice');
  });

  it('a released model cannot be held again (not-loaded: the client loads it again)', async () => {
    const t = tracked();
    await t.release();
    assert.throws(() => t.hold(), (e: unknown) => errorCode(e) === 'not-loaded' && /The model m was unloaded/.test((e as Error).message));
  });

  it('a failed release is reported, not thrown at the last holder', async () => {
    const errors: unknown[] = [];
    const r = deferredRelease(async () => { throw new Error('boom'); }, (e) => errors.push(e));
    const a = r.hold();
    await r.release();
    assert.doesNotThrow(a);
    await tick();
    assert.equal((errors[0] as Error)?.message, 'boom');
  });
});
