// The model downloader against a server that misbehaves: one that stalls mid-file is given up after the idle
// limit (the download would otherwise hang until cancelled), and temp folders of downloads a killed process left
// are swept before the next download of that model.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DOWNLOAD_IDLE_MS, downloadModel, setDownloadIdleMsForTest } from '../../src/core/models/download';
import type { ManifestEntry } from '../../src/core/models/registry';
import { UserError } from '../../src/core/types';

describe('model downloads: a stalling server and stale temp folders', () => {
  const body = Buffer.from('x'.repeat(1000));
  const sha256 = createHash('sha256').update(body).digest('hex');
  let server: http.Server;
  let base: string;
  let dir: string;
  let stall = false;
  const before0 = DOWNLOAD_IDLE_MS;

  before(async () => {
    server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-length': String(body.length) });
      if (stall) res.write(body.subarray(0, 10)); // then nothing, connection left open
      else res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-dl-'));
  });
  after(async () => {
    setDownloadIdleMsForTest(before0);
    server.closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const entry = (): ManifestEntry => ({ id: 'acme/tiny', task: 'text-generation', files: [{ path: 'a.bin', size: body.length, sha256 }], url: base } as ManifestEntry);

  it('a server that stops sending is given up after the idle limit, leaving nothing', async () => {
    stall = true;
    setDownloadIdleMsForTest(500);
    const target = path.join(dir, 'acme', 'tiny');
    const t0 = Date.now();
    await assert.rejects(downloadModel(entry(), target), (e: Error) => e instanceof UserError && /stopped sending \(nothing for 1 s\)/.test(e.message));
    assert.ok(Date.now() - t0 < 5000);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'acme')), []);
  });

  it('temp folders of dead processes are swept; a running one of this process is kept', async () => {
    stall = false;
    const parent = path.join(dir, 'acme');
    fs.mkdirSync(parent, { recursive: true });
    const dead = path.join(parent, '.tiny.download-999999-deadbeef');
    const mine = path.join(parent, `.tiny.download-${process.pid}-cafe0001`);
    fs.mkdirSync(dead);
    fs.writeFileSync(path.join(dead, 'a.bin'), 'partial');
    fs.mkdirSync(mine);
    await downloadModel(entry(), path.join(parent, 'tiny'));
    assert.equal(fs.readFileSync(path.join(parent, 'tiny', 'a.bin'), 'utf8'), body.toString());
    assert.equal(fs.existsSync(dead), false);
    assert.equal(fs.existsSync(mine), true);
  });
});
