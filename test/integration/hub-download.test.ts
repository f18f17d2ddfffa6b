// Models that are not in the manifest, downloaded from the Hugging Face hub: a local HTTP server stands in for
// the hub (its tree API, paginated, and its resolve URLs, LFS files behind a redirect) serving a copy of the tiny
// random decoder. resolveModel lists, asks, downloads one ONNX variant, verifies every file (sha256 of LFS
// files, git blob sha1 of small ones) and installs it atomically; the model worker loads the q4-only folder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseHubFiles, nextLink, variantPreference, type HubEntry, type HubTreeEntry } from '../../src/core/models/hub';
import { clearVerificationCache, HUB_RECORD_FILE, ModelNotInstalledError, resolveModel, type ManifestEntry, type ResolveOptions } from '../../src/core/models/registry';
import { CancelledError, UserError } from '../../src/core/types';
import { ModelRuntime } from '../../src/runtime/client';
import { q4Repo, startHub as startFakeHub, type FakeHub } from '../helpers/fake-hub';

const ROOT = path.resolve(__dirname, '../..');
const WORKER = path.join(ROOT, 'dist/worker.js');
const ID = 'acme/tiny-chat';

function listAll(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    out.push(name);
    if (fs.statSync(p).isDirectory()) out.push(...listAll(p).map((x) => `${name}/${x}`));
  }
  return out.sort();
}

const startHub = (files: Map<string, Buffer>, id = ID) => startFakeHub(files, id);

describe('models from the Hugging Face hub (local stand-in for the hub)', function () {
  this.timeout(120000);
  let tmp: string;
  let bundledDir: string;
  let cacheDir: string;
  let hub: FakeHub;
  const target = () => path.join(cacheDir, 'acme', 'tiny-chat');
  const opts = (o: Partial<ResolveOptions> = {}): ResolveOptions => ({
    bundledDir,
    cacheDir,
    task: 'text-generation',
    hubUrl: hub.base,
    allowDownload: true,
    confirmDownload: async () => true,
    ...o,
  });

  beforeEach(async () => {
    clearVerificationCache();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-hub-'));
    bundledDir = path.join(tmp, 'bundled');
    cacheDir = path.join(tmp, 'cache');
    fs.mkdirSync(bundledDir);
    fs.writeFileSync(path.join(bundledDir, 'manifest.json'), JSON.stringify({ version: 1, models: [] }));
    hub = await startHub(q4Repo());
  });
  afterEach(async () => {
    await hub.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('choosing the files', () => {
    const names = (e: HubEntry) => e.files.map((f) => f.path);
    const row = (p: string, size = 10): HubTreeEntry => ({ type: 'file', path: p, size, oid: 'a'.repeat(40), ...(p.includes('.onnx') ? { lfs: { oid: 'b'.repeat(64), size } } : {}) });
    const base = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja', 'README.md', 'merges.txt'].map((p) => row(p));
    const variants = ['model.onnx', 'model.onnx_data', 'model_q4.onnx', 'model_quantized.onnx', 'model_fp16.onnx', 'model_q4f16.onnx'].map((p) => row(`onnx/${p}`));

    it('text-generation: the JSON files and q4, then q8, then fp32', () => {
      const e = chooseHubFiles(ID, [...base, ...variants], 'text-generation');
      assert.equal(e.onnx, 'onnx/model_q4.onnx');
      assert.equal(e.dtype, 'q4');
      assert.deepEqual(names(e), ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja', 'onnx/model_q4.onnx']);
      assert.equal(e.url, `https://huggingface.co/${ID}/resolve/main`);
      const q8 = chooseHubFiles(ID, [...base, ...variants.filter((v) => !v.path.includes('_q4.'))], 'text-generation');
      assert.equal(q8.onnx, 'onnx/model_quantized.onnx');
      const fp32 = chooseHubFiles(ID, [...base, ...variants.filter((v) => !/_q4\.|_quantized/.test(v.path))], 'text-generation');
      assert.deepEqual(names(fp32).slice(-2), ['onnx/model.onnx', 'onnx/model.onnx_data']);
      assert.deepEqual(variantPreference('text-generation').slice(0, 3), ['q4', 'q8', 'fp32']);
      // a q4 export larger than the q8 one (embeddings kept in fp32): the smaller download
      const sized = [...base, row('onnx/model_q4.onnx', 786_000_000), row('onnx/model_quantized.onnx', 497_000_000)];
      assert.equal(chooseHubFiles(ID, sized, 'text-generation').dtype, 'q8');
      assert.equal(chooseHubFiles(ID, [...base, row('onnx/model_q4.onnx', 400_000_000), row('onnx/model_quantized.onnx', 497_000_000)], 'text-generation').dtype, 'q4');
    });

    it('feature-extraction: fp32 (with its external data chunks, in order), then q8', () => {
      const chunks = ['model.onnx_data_2', 'model.onnx_data_1', 'model.onnx_data_x', 'model.onnx_data10'].map((p) => row(`onnx/${p}`));
      const e = chooseHubFiles(ID, [...base, ...variants, ...chunks], 'feature-extraction');
      assert.equal(e.dtype, 'fp32');
      assert.deepEqual(names(e).filter((p) => p.startsWith('onnx/')), ['onnx/model.onnx', 'onnx/model.onnx_data', 'onnx/model.onnx_data_1', 'onnx/model.onnx_data_2']);
      const q8 = chooseHubFiles(ID, [...base, ...variants.filter((v) => !/model\.onnx/.test(v.path))], 'feature-extraction');
      assert.equal(q8.onnx, 'onnx/model_quantized.onnx');
    });

    it('no usable ONNX file, no onnx/ folder, no config.json: clear errors', () => {
      assert.throws(() => chooseHubFiles(ID, [...base, row('onnx/decoder_model_merged.onnx'), row('onnx/encoder.onnx')], 'text-generation'), (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.match(e.message, /^Model acme\/tiny-chat on the Hugging Face hub has no ONNX file transformers\.js loads for text-generation .*its onnx\/ folder has: decoder_model_merged\.onnx, encoder\.onnx\./);
        return true;
      });
      assert.throws(() => chooseHubFiles(ID, base, 'text-generation'), /has no onnx\/ folder: it is not exported to ONNX/);
      assert.throws(() => chooseHubFiles(ID, [...base.slice(1), ...variants], 'text-generation'), /has no config\.json: it is not a model in the layout transformers\.js reads/);
      assert.throws(() => chooseHubFiles(ID, [...base, { type: 'file', path: 'onnx/model.onnx', size: 5 }], 'feature-extraction'), /cannot be verified/);
    });

    it('follows Link rel="next"', () => {
      assert.equal(nextLink('<https://h/api/x?cursor=2>; rel="next"', 'https://h/api/x'), 'https://h/api/x?cursor=2');
      assert.equal(nextLink('</api/x?c=3>; rel="prev", </api/x?c=4>; rel=next', 'https://h/api/x'), 'https://h/api/x?c=4');
      assert.equal(nextLink(null, 'https://h/'), undefined);
      assert.equal(nextLink('<https://h/a>; rel="prev"', 'https://h/'), undefined);
    });
  });

  it('downloads the q4 variant with consent, verifies it, and the model worker loads it and generates; the next resolve uses the cache without the hub', async function () {
    let asked: ManifestEntry | undefined;
    const progress: [string, number, number][] = [];
    const log: string[] = [];
    const r = await resolveModel(ID, opts({ confirmDownload: async (e) => ((asked = e), true), onProgress: (f, l, t) => progress.push([f, l, t]), log: (m) => log.push(m) }));
    assert.equal(r.source, 'download');
    assert.equal(r.dir, target());
    // what the dialog gets: the id and the files with their sizes (the extension shows e.id and the total MB)
    const want = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_q4.onnx'];
    assert.equal(asked?.id, ID);
    assert.equal(asked?.source, 'hub');
    assert.equal((asked as HubEntry).onnx, 'onnx/model_q4.onnx');
    assert.deepEqual(asked?.files.map((f) => f.path), want);
    assert.equal(asked?.files.reduce((s, f) => s + f.size, 0), want.reduce((s, p) => s + hub.files.get(p)!.length, 0));
    // only the chosen files were fetched, all of them verified and in place; nothing else is left
    assert.deepEqual(hub.requests.filter((q) => q !== 'tree').sort(), [...want].sort());
    assert.ok(hub.requests.filter((q) => q === 'tree').length >= 2, 'the paginated listing was followed');
    for (const p of want) assert.ok(fs.readFileSync(path.join(r.dir, ...p.split('/'))).equals(hub.files.get(p)!), p);
    assert.deepEqual(listAll(r.dir), [HUB_RECORD_FILE, ...want, 'onnx'].sort());
    assert.deepEqual(listAll(path.join(cacheDir, 'acme')), ['tiny-chat', ...listAll(r.dir).map((p) => `tiny-chat/${p}`)].sort(), 'no temp folder');
    assert.deepEqual(progress.filter(([, l, t]) => l === t).map(([f]) => f).sort(), [...want].sort());
    assert.ok(log.some((m) => /onnx\/model_q4\.onnx \(q4\)/.test(m)), log.join('\n'));

    // the model worker loads the q4-only folder (no dtype given) and generates
    if (fs.existsSync(WORKER)) {
      const workerLog: string[] = [];
      const rt = new ModelRuntime({ workerScript: WORKER, log: (_l, m) => workerLog.push(m) });
      try {
        await rt.request('load', { modelId: ID, modelDir: r.dir, task: 'text-generation', device: 'cpu' });
        assert.ok(workerLog.some((m) => /has no onnx\/model\.onnx; loading onnx\/model_q4\.onnx \(dtype q4\)/.test(m)), workerLog.join('\n'));
        const g = await rt.request('generate', { modelId: ID, messages: [{ role: 'user', content: 'Write a summary of the feedback.' }], maxNewTokens: 6 });
        assert.ok(g.tokens > 0 && g.tokens <= 6);
        assert.ok(g.text.length > 0);
      } finally {
        await rt.dispose();
      }
    } else console.log('      (dist/worker.js not built: the load was not tried)');

    // the hub is gone: the cache is found, checked against the download record (hashes again in a new process)
    await hub.close();
    clearVerificationCache();
    const again = await resolveModel(ID, opts());
    assert.deepEqual([again.source, again.dir], ['cache', target()]);
    // and a damaged cached file is noticed
    const cfg = path.join(target(), 'config.json');
    fs.writeFileSync(cfg, Buffer.from(fs.readFileSync(cfg).toString().replace('llama', 'LLAMA')));
    await assert.rejects(resolveModel(ID, opts({ allowDownload: false })), /config\.json is corrupt \(git sha1 mismatch\)\. Delete the folder and download the model again/);
    hub = await startHub(q4Repo()); // for afterEach
  });

  it('a damaged cached copy is downloaded again when downloads are allowed', async () => {
    await resolveModel(ID, opts());
    fs.truncateSync(path.join(target(), 'onnx', 'model_q4.onnx'), 100);
    hub.requests.length = 0;
    const r = await resolveModel(ID, opts());
    assert.equal(r.source, 'download');
    assert.ok(fs.readFileSync(path.join(target(), 'onnx', 'model_q4.onnx')).equals(hub.files.get('onnx/model_q4.onnx')!));
    assert.deepEqual(listAll(path.join(cacheDir, 'acme')).filter((n) => n.startsWith('.')), []);
  });

  it('PRODUCT_FORGE_HUB_URL points at a mirror; the fp32 file is taken when it is the only one', async () => {
    const files = q4Repo();
    files.set('onnx/model.onnx', files.get('onnx/model_q4.onnx')!);
    files.delete('onnx/model_q4.onnx');
    hub.files = files;
    const prev = process.env.PRODUCT_FORGE_HUB_URL;
    process.env.PRODUCT_FORGE_HUB_URL = `${hub.base}/`;
    try {
      const r = await resolveModel(ID, opts({ hubUrl: undefined }));
      assert.equal(r.source, 'download');
      assert.ok(fs.existsSync(path.join(r.dir, 'onnx', 'model.onnx')));
      assert.ok(!fs.existsSync(path.join(r.dir, 'onnx', 'model_fp16.onnx')));
    } finally {
      if (prev === undefined) delete process.env.PRODUCT_FORGE_HUB_URL;
      else process.env.PRODUCT_FORGE_HUB_URL = prev;
    }
  });

  it('a file with other bytes fails its check, named, and nothing is left behind', async () => {
    // an LFS file (sha256)
    hub.onFile = (rel, res) => {
      if (rel !== 'onnx/model_q4.onnx') return false;
      const buf = Buffer.from(hub.files.get(rel)!);
      buf[5000] ^= 0xff;
      res.writeHead(200, { 'content-length': buf.length }).end(buf);
      return true;
    };
    await assert.rejects(resolveModel(ID, opts()), (e: Error) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /^Download of acme\/tiny-chat onnx\/model_q4\.onnx failed its sha256 check\. Try again later, or put a copy of acme\/tiny-chat in productForge\.modelsPath\.$/);
      return true;
    });
    assert.deepEqual(listAll(cacheDir), ['acme']);
    // a small file (git blob sha1)
    hub.onFile = (rel, res) => {
      if (rel !== 'tokenizer_config.json') return false;
      const buf = Buffer.from(hub.files.get(rel)!.toString().replace('4096', '9999'));
      res.writeHead(200, { 'content-length': buf.length }).end(buf);
      return true;
    };
    await assert.rejects(resolveModel(ID, opts()), /Download of acme\/tiny-chat tokenizer_config\.json failed its git sha1 check/);
    // a short file
    hub.onFile = (rel, res) => {
      if (rel !== 'config.json') return false;
      res.writeHead(200).end(hub.files.get(rel)!.subarray(0, 10));
      return true;
    };
    await assert.rejects(resolveModel(ID, opts()), /Download of acme\/tiny-chat config\.json has 10 bytes, expected \d+/);
    assert.deepEqual(listAll(cacheDir), ['acme']);
  });

  it('cancelling mid-download leaves nothing behind', async () => {
    const ac = new AbortController();
    hub.onFile = (rel, res) => {
      if (!rel.endsWith('.onnx')) return false;
      const buf = hub.files.get(rel)!;
      res.writeHead(200, { 'content-length': buf.length });
      res.write(buf.subarray(0, 100_000)); // then stall
      return true;
    };
    const p = resolveModel(ID, opts({ signal: ac.signal, onProgress: (f, loaded) => { if (f.endsWith('.onnx') && loaded > 0) ac.abort(); } }));
    await assert.rejects(p, (e: Error) => e instanceof CancelledError);
    assert.deepEqual(listAll(cacheDir), ['acme']);
  });

  it('declined consent is a clear error and downloads nothing', async () => {
    await assert.rejects(resolveModel(ID, opts({ confirmDownload: async () => false })), (e: Error) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /^Model acme\/tiny-chat was not downloaded \(declined\)\./);
      return true;
    });
    assert.deepEqual(hub.requests.filter((q) => q !== 'tree'), []);
    assert.ok(!fs.existsSync(target()));
  });

  it('without productForge.allowModelDownloads: says that enabling it downloads from the hub, and asks the hub nothing', async () => {
    await assert.rejects(resolveModel(ID, opts({ allowDownload: false })), (e: Error) => {
      assert.ok(e instanceof ModelNotInstalledError);
      assert.equal(e.downloadFrom, 'hub');
      assert.match(e.message, /^Model acme\/tiny-chat was not found: .*productForge\.modelsPath \(not set\) or in the download cache\. Enable productForge\.allowModelDownloads to download it \(from the Hugging Face hub, after asking you\), or set productForge\.modelsPath to a folder that has it\.$/);
      return true;
    });
    // a caller that names no task never downloads a model that is not in the manifest
    await assert.rejects(resolveModel(ID, opts({ task: undefined })), /^UserError: Model acme\/tiny-chat was not found: it is not a bundled model and no folder acme\/tiny-chat exists in productForge\.modelsPath \(not set\)\.$/);
    assert.deepEqual(hub.requests, []);
  });

  it('404, 401 / 403 (gated or private) and an unreachable hub are clear errors', async () => {
    hub.onTree = (res) => (res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Repository not found"}'), true);
    await assert.rejects(resolveModel(ID, opts()), (e: Error) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /^There is no model "acme\/tiny-chat" on the Hugging Face hub \(127\.0\.0\.1:\d+ answered 404: Repository not found\)\. Check the model id/);
      return true;
    });
    hub.onTree = (res) => (res.writeHead(401, { 'x-error-code': 'GatedRepo', 'x-error-message': 'Access to model acme/tiny-chat is restricted.' }).end(), true);
    await assert.rejects(resolveModel(ID, opts()), /^UserError: Model acme\/tiny-chat on the Hugging Face hub is gated or private \(127\.0\.0\.1:\d+ answered 401: Access to model acme\/tiny-chat is restricted\.\).*productForge\.modelsPath/);
    hub.onTree = (res) => (res.writeHead(401, { 'x-error-code': 'RepoNotFound' }).end('{"error":"Repository not found"}'), true);
    await assert.rejects(resolveModel(ID, opts()), /There is no model "acme\/tiny-chat" on the Hugging Face hub/);
    // gated files behind a public listing
    hub.onTree = undefined;
    hub.onFile = (rel, res) => (rel.endsWith('.onnx') ? (res.writeHead(403).end(), true) : false);
    await assert.rejects(resolveModel(ID, opts()), /model_q4\.onnx answered HTTP 403: the model is gated or private on the Hugging Face hub/);
    // a repository without ONNX files
    hub.onFile = undefined;
    hub.files = new Map([...q4Repo()].filter(([p]) => !p.endsWith('.onnx')).concat([['onnx/decoder_model.onnx', Buffer.alloc(10)], ['onnx/encoder_model.onnx', Buffer.alloc(10)]]));
    await assert.rejects(resolveModel(ID, opts()), /has no ONNX file transformers\.js loads for text-generation .*its onnx\/ folder has: decoder_model\.onnx, encoder_model\.onnx\./);
    // a port nobody listens on
    const gone = http.createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const port = (gone.address() as AddressInfo).port;
    await new Promise((r) => gone.close(r));
    await assert.rejects(resolveModel(ID, opts({ hubUrl: `http://127.0.0.1:${port}` })), (e: Error) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /^The Hugging Face hub \(127\.0\.0\.1:\d+\) cannot be reached to download acme\/tiny-chat \(ECONNREFUSED\)\. .*put its folder in productForge\.modelsPath \(as <modelsPath>\/acme\/tiny-chat\)\.$/);
      return true;
    });
    assert.deepEqual(listAll(cacheDir).filter((n) => n !== 'acme'), [], 'no model folder, no temp folder');
  });

  describe('product-forge generate --model ID --download', () => {
    const FIX = path.join(ROOT, 'test/fixtures/generate');
    let home: string | undefined;
    let hubEnv: string | undefined;
    beforeEach(() => {
      home = process.env.HOME;
      hubEnv = process.env.PRODUCT_FORGE_HUB_URL;
      process.env.HOME = tmp;
      process.env.PRODUCT_FORGE_HUB_URL = hub.base;
    });
    afterEach(() => {
      process.env.HOME = home;
      if (hubEnv === undefined) delete process.env.PRODUCT_FORGE_HUB_URL;
      else process.env.PRODUCT_FORGE_HUB_URL = hubEnv;
    });

    async function cli(args: string[]): Promise<{ code: number; err: string; out: string }> {
      const { runGenerate } = await import('../../src/cli/generate');
      let err = '';
      let out = '';
      const origErr = process.stderr.write.bind(process.stderr);
      const origOut = process.stdout.write.bind(process.stdout);
      (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => ((err += s), true);
      (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => ((out += s), true);
      try {
        return { code: await runGenerate(args), err, out };
      } finally {
        (process.stderr as unknown as { write: typeof origErr }).write = origErr;
        (process.stdout as unknown as { write: typeof origOut }).write = origOut;
      }
    }
    const base = ['prd', '--brief', path.join(FIX, 'brief.md'), '--backend', 'local', '--model', ID, '--max-new-tokens', '6', '--models-path', path.join(ROOT, 'test/fixtures/generate')];

    it('without --download says that --download gets it, and asks the hub nothing', async () => {
      const r = await cli(base);
      assert.equal(r.code, 3, r.err);
      assert.match(r.err, /^product-forge: No local model "acme\/tiny-chat" found \(not in --models-path .* or .*acme\/tiny-chat\); pass --download to download it from the Hugging Face hub, or --models-path DIR with a folder that has it; try /);
      assert.deepEqual(hub.requests, []);
    });

    it('downloads with progress on stderr (none with -q), then generates; the next run uses the cache', async function () {
      if (!fs.existsSync(WORKER)) this.skip();
      const r = await cli([...base, '--download']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /^product-forge: downloading acme\/tiny-chat from 127\.0\.0\.1:\d+: onnx\/model_q4\.onnx \(q4\) and 4 config\/tokenizer files, \d+\.\d MB, each file verified, into .*\.cache\/product-forge\/models\/acme\/tiny-chat$/m);
      assert.match(r.err, /product-forge: downloading onnx\/model_q4\.onnx: 0\.6 \/ 0\.6 MB done/);
      assert.match(r.out, /Drafted by a language model \(local: acme\/tiny-chat\)/);
      assert.ok(fs.existsSync(path.join(tmp, '.cache', 'product-forge', 'models', 'acme', 'tiny-chat', 'onnx', 'model_q4.onnx')));
      hub.requests.length = 0;
      const again = await cli([...base, '--download', '-q']);
      assert.equal(again.code, 0, again.err);
      assert.deepEqual(hub.requests, [], 'from the cache');
      assert.doesNotMatch(again.err, /downloading/);
    });

    it('-q downloads silently; a failed download is a clear error (exit 3)', async function () {
      if (!fs.existsSync(WORKER)) this.skip();
      hub.onTree = (res) => (res.writeHead(404).end(), true);
      const r = await cli([...base, '--download', '-q']);
      assert.equal(r.code, 3);
      assert.match(r.err, /There is no model "acme\/tiny-chat" on the Hugging Face hub/);
      hub.onTree = undefined;
      const ok = await cli([...base, '--download', '-q']);
      assert.equal(ok.code, 0, ok.err);
      assert.doesNotMatch(ok.err, /downloading/);
    });
  });
});
