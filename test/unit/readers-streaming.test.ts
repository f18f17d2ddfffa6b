import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventEmitter, getEventListeners } from 'node:events';
import { writeOrAbort } from '../../src/core/fsutil';
import { openFeedbackFile } from '../../src/core/readers';
import { CancelledError } from '../../src/core/types';

describe('readers: streaming large files', function () {
  this.timeout(120000);
  let dir: string;
  let file: string;
  let rows = 0;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-stream-'));
    file = path.join(dir, 'big.csv');
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, 'id,date,platform,comment\n');
    let size = 0;
    const words = ['sync', 'crash', 'love', 'slow', 'export', 'great', 'login', 'battery', 'price', 'support'];
    while (size < 50 * 1024 * 1024) {
      const lines: string[] = [];
      for (let i = 0; i < 5000; i++, rows++) {
        const w = words[rows % words.length];
        lines.push(`${rows},2024-0${(rows % 9) + 1}-1${rows % 10},${rows % 2 ? 'iOS' : 'Android'},"Row ${rows}: the ${w} is ""notable"", said user ${rows * 7}\nsecond line of ${w} feedback with some padding text"`);
      }
      const chunk = lines.join('\n') + '\n';
      fs.writeSync(fd, chunk);
      size += Buffer.byteLength(chunk);
    }
    fs.closeSync(fd);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a ~50 MB CSV as a stream with bounded memory (rss growth < 200 MB)', async () => {
    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const f = await openFeedbackFile(file, { batchSize: 256 });
    let n = 0;
    let lastLine = 0;
    let lastBytes = 0;
    for await (const b of f.batches()) {
      n += b.items.length;
      lastLine = b.items[b.items.length - 1].line;
      assert.ok(b.bytesDone >= lastBytes);
      lastBytes = b.bytesDone;
      if (n % 20480 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    assert.equal(n, rows);
    assert.equal(lastLine, 2 + (rows - 1) * 2, 'physical line of the last row (two lines per row)');
    assert.equal(lastBytes, fs.statSync(file).size);
    const growthMb = (peak - base) / 1048576;
    assert.ok(growthMb < 200, `rss grew by ${growthMb.toFixed(0)} MB`);
  });

  it('stops promptly when cancelled', async () => {
    const ac = new AbortController();
    const f = await openFeedbackFile(file, { batchSize: 256, signal: ac.signal });
    let n = 0;
    await assert.rejects(
      (async () => {
        for await (const b of f.batches()) {
          n += b.items.length;
          if (n > 10000) ac.abort();
        }
      })(),
      CancelledError,
    );
    assert.ok(n < 20000);
  });
});

describe('writeOrAbort (stdout of the CLI)', () => {
  /** A stream that asks for 'drain' on every write. */
  const slow = () => {
    const e = new EventEmitter();
    return Object.assign(e, { written: [] as string[], write(s: string) { this.written.push(s); return false; } });
  };

  it('waits for drain on each write and leaves no listener behind (no MaxListeners warning on long outputs)', async () => {
    const stream = slow();
    const ac = new AbortController();
    for (let i = 0; i < 50; i++) {
      const p = writeOrAbort(stream, `line ${i}\n`, ac.signal);
      setImmediate(() => stream.emit('drain'));
      await p;
    }
    assert.equal(stream.written.length, 50);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
    assert.equal(stream.listenerCount('drain'), 0);
  });

  it('a stream that never drains (a closed pipe) ends the wait when the signal aborts', async () => {
    const stream = slow();
    const ac = new AbortController();
    const p = writeOrAbort(stream, 'x', ac.signal);
    setTimeout(() => ac.abort(), 10);
    await assert.rejects(p, CancelledError);
    assert.equal(stream.listenerCount('drain'), 0);
  });
});
