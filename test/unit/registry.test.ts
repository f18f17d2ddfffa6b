import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CancelledError, UserError } from '../../src/core/types';
import { clearVerificationCache, DownloadDeclinedError, loadManifest, resolveModel, type ManifestEntry } from '../../src/core/models/registry';

const ID = 'acme/tiny-sentiment';
const FILES: Record<string, Buffer> = {
  'config.json': Buffer.from(JSON.stringify({ model_type: 'bert', id2label: { 0: 'negative', 1: 'neutral', 2: 'positive' } })),
  'tokenizer.json': Buffer.from(JSON.stringify({ model: { type: 'WordPiece' } })),
  'onnx/model.onnx': Buffer.alloc(300_000, 7),
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function entry(url?: string): ManifestEntry {
  return {
    id: ID,
    task: 'text-classification',
    labels: ['negative', 'neutral', 'positive'],
    maxLength: 128,
    files: Object.entries(FILES).map(([p, b]) => ({ path: p, size: b.length, sha256: sha(b) })),
    ...(url ? { url } : {}),
  };
}

function writeModel(dir: string, files = FILES): void {
  for (const [rel, buf] of Object.entries(files)) {
    const f = path.join(dir, ...rel.split('/'));
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, buf);
  }
}

function listAll(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    out.push(path.relative(dir, p));
    if (statSync(p).isDirectory()) out.push(...listAll(p).map((x) => path.join(name, x)));
  }
  return out;
}

describe('model registry', () => {
  let tmp: string;
  let bundledDir: string;
  let cacheDir: string;
  let modelsPath: string;

  beforeEach(() => {
    clearVerificationCache();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pf-registry-'));
    bundledDir = path.join(tmp, 'bundled');
    cacheDir = path.join(tmp, 'cache');
    modelsPath = path.join(tmp, 'user-models');
    mkdirSync(bundledDir);
    mkdirSync(modelsPath);
    writeFileSync(path.join(bundledDir, 'manifest.json'), JSON.stringify({ version: 1, models: [entry()] }));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  describe('manifest', () => {
    it('loads entries', () => {
      const m = loadManifest(bundledDir);
      assert.equal(m.models[0].id, ID);
      assert.equal(m.models[0].files.length, 3);
    });
    it('a missing manifest is empty', () => {
      assert.deepEqual(loadManifest(path.join(tmp, 'nowhere')).models, []);
    });
    it('a malformed manifest is a clear UserError', () => {
      writeFileSync(path.join(bundledDir, 'manifest.json'), '{"version":1,"models":[{"id":"x","task":"t","files":[{"path":"../evil","size":1,"sha256":"00"}]}]}');
      assert.throws(() => loadManifest(bundledDir), (e: Error) => e instanceof UserError && /invalid file path "\.\.\/evil"/.test(e.message));
      writeFileSync(path.join(bundledDir, 'manifest.json'), '{oops');
      assert.throws(() => loadManifest(bundledDir), /is not valid JSON.*Reinstall the extension/);
    });
  });

  describe('resolution order', () => {
    it('modelsPath (folder of models) wins over bundled and cache', async () => {
      writeModel(path.join(modelsPath, ...ID.split('/')));
      writeModel(path.join(bundledDir, ...ID.split('/')));
      writeModel(path.join(cacheDir, ...ID.split('/')));
      const r = await resolveModel(ID, { modelsPath, bundledDir, cacheDir });
      assert.equal(r.source, 'setting');
      assert.equal(r.dir, path.join(modelsPath, 'acme', 'tiny-sentiment'));
      assert.equal(r.entry?.id, ID);
    });

    it('modelsPath may be the model folder itself', async () => {
      const own = path.join(tmp, 'tiny-sentiment');
      writeModel(own);
      const r = await resolveModel(ID, { modelsPath: own, bundledDir });
      assert.deepEqual([r.source, r.dir], ['setting', own]);
    });

    it('a modelsPath folder of another model is not taken for this one', async () => {
      const other = path.join(tmp, 'some-other-model');
      writeModel(other, { ...FILES, 'onnx/model.onnx': Buffer.alloc(10) });
      writeModel(path.join(bundledDir, ...ID.split('/')));
      const r = await resolveModel(ID, { modelsPath: other, bundledDir });
      assert.equal(r.source, 'bundled');
    });

    it('bundled wins over cache; cache is used when nothing is bundled', async () => {
      writeModel(path.join(bundledDir, ...ID.split('/')));
      writeModel(path.join(cacheDir, ...ID.split('/')));
      assert.equal((await resolveModel(ID, { modelsPath: '', bundledDir, cacheDir })).source, 'bundled');
      rmSync(path.join(bundledDir, 'acme'), { recursive: true });
      const r = await resolveModel(ID, { bundledDir, cacheDir });
      assert.deepEqual([r.source, r.dir], ['cache', path.join(cacheDir, 'acme', 'tiny-sentiment')]);
    });

    it('a user model that is not in the manifest is allowed from modelsPath', async () => {
      writeModel(path.join(modelsPath, 'my-model'));
      const r = await resolveModel('my-model', { modelsPath, bundledDir });
      assert.equal(r.source, 'setting');
      assert.equal(r.entry, undefined);
    });

    it('an unknown model says where it was looked for', async () => {
      await assert.rejects(resolveModel('nobody/nothing', { modelsPath, bundledDir, cacheDir, allowDownload: true }), (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.match(e.message, /^Model nobody\/nothing was not found: .*productForge\.modelsPath/);
        return true;
      });
    });

    it('rejects invalid ids and a modelsPath that is not a folder', async () => {
      await assert.rejects(resolveModel('../etc', { bundledDir }), /is not a valid model id/);
      await assert.rejects(resolveModel(ID, { bundledDir, modelsPath: path.join(tmp, 'typo') }), /productForge\.modelsPath ".*typo" is not a folder\. Fix or clear the setting\./);
    });
  });

  describe('missing or corrupt files', () => {
    const dir = () => path.join(bundledDir, ...ID.split('/'));

    it('a missing file is named with what to do', async () => {
      writeModel(dir());
      rmSync(path.join(dir(), 'onnx', 'model.onnx'));
      await assert.rejects(resolveModel(ID, { bundledDir }), (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.equal(
          e.message,
          `Model file ${path.join(dir(), 'onnx', 'model.onnx')} is missing. Reinstall the extension, set productForge.modelsPath to a folder that has it, or enable productForge.allowModelDownloads.`,
        );
        return true;
      });
    });

    it('a size mismatch is corrupt', async () => {
      writeModel(dir(), { ...FILES, 'onnx/model.onnx': Buffer.alloc(1000, 7) });
      await assert.rejects(resolveModel(ID, { bundledDir, verify: 'size' }), /model\.onnx is corrupt \(1000 bytes, expected 300000\)\. Reinstall/);
    });

    it('a sha256 mismatch is corrupt; verify "size" skips hashing', async () => {
      writeModel(dir(), { ...FILES, 'onnx/model.onnx': Buffer.alloc(300_000, 8) });
      await assert.rejects(resolveModel(ID, { bundledDir }), /model\.onnx is corrupt \(sha256 mismatch\)/);
      assert.equal((await resolveModel(ID, { bundledDir, verify: 'size' })).source, 'bundled');
    });

    it('hashes a file once per (path, mtime, size)', async () => {
      writeModel(dir());
      const f = path.join(dir(), 'onnx', 'model.onnx');
      utimesSync(f, 1_700_000_000, 1_700_000_000);
      assert.equal((await resolveModel(ID, { bundledDir })).source, 'bundled');
      // Same size and mtime, different bytes: the remembered verification is trusted.
      writeFileSync(f, Buffer.alloc(300_000, 9));
      utimesSync(f, 1_700_000_000, 1_700_000_000);
      assert.equal((await resolveModel(ID, { bundledDir })).source, 'bundled');
      // A new mtime means the file changed: it is hashed again and found corrupt.
      utimesSync(f, 1_700_000_100, 1_700_000_100);
      await assert.rejects(resolveModel(ID, { bundledDir }), /sha256 mismatch/);
    });

    it('a corrupt bundled copy falls back to a good cached copy', async () => {
      writeModel(dir(), { ...FILES, 'onnx/model.onnx': Buffer.alloc(5) });
      writeModel(path.join(cacheDir, ...ID.split('/')));
      assert.equal((await resolveModel(ID, { bundledDir, cacheDir })).source, 'cache');
    });
  });

  describe('download', () => {
    let server: http.Server;
    let base: string;
    let requests: string[];
    let serve: (rel: string, res: http.ServerResponse) => void;

    beforeEach(async () => {
      requests = [];
      serve = (rel, res) => {
        const buf = FILES[rel];
        if (!buf) {
          res.writeHead(404).end('not found');
          return;
        }
        res.writeHead(200, { 'content-length': buf.length }).end(buf);
      };
      server = http.createServer((req, res) => {
        const rel = decodeURIComponent(req.url!.replace(/^\/files\//, ''));
        requests.push(rel);
        serve(rel, res);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`;
      writeFileSync(path.join(bundledDir, 'manifest.json'), JSON.stringify({ version: 1, models: [entry(base)] }));
    });
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('is refused when downloads are not allowed', async () => {
      await assert.rejects(resolveModel(ID, { bundledDir, cacheDir }), (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.match(e.message, /^Model acme\/tiny-sentiment is not installed\. Enable productForge\.allowModelDownloads to download it \(0\.3 MB\)/);
        return true;
      });
      assert.deepEqual(requests, []);
    });

    it('declined consent is a clear error and downloads nothing', async () => {
      let asked: ManifestEntry | undefined;
      await assert.rejects(
        resolveModel(ID, { bundledDir, cacheDir, allowDownload: true, confirmDownload: async (e) => ((asked = e), false) }),
        (e: Error) => e instanceof DownloadDeclinedError && e instanceof UserError && e.modelId === ID && /was not downloaded \(declined\)/.test(e.message),
      );
      assert.equal(asked?.id, ID);
      assert.deepEqual(requests, []);
      assert.deepEqual(listAll(cacheDir), []);
    });

    it('downloads over HTTP with progress, verifies, and installs into the cache atomically', async () => {
      const progress: Array<[string, number, number]> = [];
      const r = await resolveModel(ID, {
        bundledDir,
        cacheDir,
        allowDownload: true,
        confirmDownload: async () => true,
        onProgress: (f, l, t) => progress.push([f, l, t]),
      });
      assert.equal(r.source, 'download');
      assert.equal(r.dir, path.join(cacheDir, 'acme', 'tiny-sentiment'));
      for (const [rel, buf] of Object.entries(FILES)) assert.ok(readFileSync(path.join(r.dir, ...rel.split('/'))).equals(buf), rel);
      assert.deepEqual(requests.sort(), Object.keys(FILES).sort());
      assert.deepEqual(progress.filter((p) => p[1] === p[2]).map((p) => p[0]).sort(), Object.keys(FILES).sort());
      assert.deepEqual(listAll(path.join(cacheDir, 'acme')).filter((n) => n.startsWith('.')), [], 'no temp folder left');
      // Next time it comes from the cache without any request.
      requests.length = 0;
      assert.equal((await resolveModel(ID, { bundledDir, cacheDir, allowDownload: true })).source, 'cache');
      assert.deepEqual(requests, []);
    });

    it('a download with wrong bytes fails the sha256 check and leaves nothing behind', async () => {
      serve = (rel, res) => {
        const buf = Buffer.from(FILES[rel]);
        if (rel === 'onnx/model.onnx') buf[1000] ^= 0xff;
        res.writeHead(200, { 'content-length': buf.length }).end(buf);
      };
      await assert.rejects(
        resolveModel(ID, { bundledDir, cacheDir, allowDownload: true, confirmDownload: async () => true }),
        /Download of acme\/tiny-sentiment onnx\/model\.onnx failed its sha256 check/,
      );
      assert.deepEqual(listAll(path.join(cacheDir, 'acme')), []);
    });

    it('an HTTP error names the URL and status', async () => {
      serve = (_rel, res) => res.writeHead(404).end();
      await assert.rejects(
        resolveModel(ID, { bundledDir, cacheDir, allowDownload: true, confirmDownload: async () => true }),
        (e: Error) => e instanceof UserError && e.message.includes(`${base}/config.json answered HTTP 404`),
      );
    });

    it('cancelling mid-download rejects with CancelledError and leaves nothing behind', async () => {
      const ac = new AbortController();
      serve = (rel, res) => {
        const buf = FILES[rel];
        res.writeHead(200, { 'content-length': buf.length });
        if (rel !== 'onnx/model.onnx') return void res.end(buf);
        res.write(buf.subarray(0, 100_000)); // then stall
      };
      const p = resolveModel(ID, {
        bundledDir,
        cacheDir,
        allowDownload: true,
        confirmDownload: async () => true,
        signal: ac.signal,
        onProgress: (f, loaded) => {
          if (f === 'onnx/model.onnx' && loaded > 0) ac.abort();
        },
      });
      await assert.rejects(p, (e: Error) => e instanceof CancelledError);
      assert.deepEqual(listAll(path.join(cacheDir, 'acme')), [], 'no partial model, no temp folder');
    });
  });
});
