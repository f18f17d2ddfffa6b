import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CancelledError, UserError } from '../../src/core/types';
import { ModelRuntime, type RestartEvent } from '../../src/runtime/client';
import { buildWorker, repoRoot } from './runtime.helpers';

/** A minimal but real BERT WordPiece tokenizer, so 'load' gets past the tokenizer to the ONNX file. */
function writeTinyModelFolder(dir: string, onnxBytes: Buffer): void {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'good', 'bad', '##s'];
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '[PAD]'), special(1, '[UNK]'), special(2, '[CLS]'), special(3, '[SEP]')],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  };
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'BertTokenizer', cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', do_lower_case: true, model_max_length: 512 }),
  );
  writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ model_type: 'bert', architectures: ['BertForSequenceClassification'], id2label: { 0: 'negative', 1: 'neutral', 2: 'positive' }, label2id: { negative: 0, neutral: 1, positive: 2 }, max_position_embeddings: 512, vocab_size: vocab.length }),
  );
  writeFileSync(path.join(dir, 'onnx', 'model.onnx'), onnxBytes);
}

describe('runtime client with a real worker', function () {
  this.timeout(60000);
  let workerScript: string;
  let runtime: ModelRuntime;
  const logs: string[] = [];
  let tmp: string;

  before(async () => {
    workerScript = await buildWorker();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pf-client-'));
  });
  beforeEach(() => {
    logs.length = 0;
    runtime = new ModelRuntime({ workerScript, log: (level, msg) => logs.push(`${level}: ${msg}`) });
  });
  afterEach(async () => {
    await runtime.dispose();
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('starts the worker lazily and answers ping', async () => {
    assert.equal(runtime.running, false, 'no worker before the first request');
    const r = await runtime.request('ping', {});
    assert.equal(runtime.running, true);
    assert.equal(r.pid, process.pid);
    assert.ok(r.threadId > 0, 'runs in a worker thread');
    assert.deepEqual(r.models, []);
    assert.equal(r.versions.node, process.versions.node);
  });

  it('handles concurrent requests by id', async () => {
    const slow = runtime.request('ping', { delayMs: 300 });
    const fast = runtime.request('ping', {});
    const order: string[] = [];
    await Promise.all([slow.then(() => order.push('slow')), fast.then(() => order.push('fast'))]);
    assert.deepEqual(order, ['fast', 'slow']);
  });

  it('cancels a request: rejects with CancelledError at once and the worker keeps serving', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const p = runtime.request('ping', { delayMs: 30000 }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(p, (err: Error) => err instanceof CancelledError);
    assert.ok(Date.now() - t0 < 5000, 'rejected promptly');
    const again = await runtime.request('ping', {});
    assert.ok(again.threadId > 0);
    assert.equal(runtime.generation, 0, 'cancel does not restart the worker');
  });

  it('rejects an already-aborted request without starting a worker', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(runtime.request('ping', {}, { signal: ac.signal }), CancelledError);
    assert.equal(runtime.running, false);
  });

  it('a stopped worker rejects pending requests clearly and the next request starts a new one', async () => {
    const first = await runtime.request('ping', {});
    const events: RestartEvent[] = [];
    runtime.onRestart((e) => events.push(e));
    const pending = [runtime.request('ping', { delayMs: 30000 }), runtime.request('ping', { delayMs: 30000 })];
    await new Promise((r) => setTimeout(r, 50));
    const outcomes = pending.map((p) => p.then(() => undefined, (err: Error & { code?: string }) => err));
    await runtime.terminateWorker('simulated crash');
    for (const err of await Promise.all(outcomes)) {
      assert.ok(err, 'pending request rejected');
      assert.equal(err.code, 'worker-stopped');
      assert.match(err.message, /^The model worker stopped unexpectedly \(exit code \d+: simulated crash\)\. It will be restarted on the next request\.$/);
    }
    assert.equal(runtime.generation, 1);
    assert.equal(events.length, 1);
    assert.equal(events[0].generation, 1);
    const second = await runtime.request('ping', {});
    assert.notEqual(second.threadId, first.threadId, 'a fresh worker thread');
    assert.ok(logs.some((l) => l.includes('The model worker stopped')));
  });

  it('maps worker errors to UserError with a code', async () => {
    await assert.rejects(
      runtime.request('load', { modelId: 'x', modelDir: 'relative/dir', task: 'text-classification', device: 'cpu' }),
      (err: Error & { code?: string }) => err instanceof UserError && err.code === 'bad-request' && /absolute path/.test(err.message),
    );
    const missing = path.join(tmp, 'does-not-exist');
    await assert.rejects(
      runtime.request('load', { modelId: 'x', modelDir: missing, task: 'text-classification', device: 'cpu' }),
      (err: Error & { code?: string }) => err instanceof UserError && err.code === 'model-missing' && err.message.includes(missing),
    );
    await assert.rejects(
      runtime.request('classify', { modelId: 'never-loaded', texts: ['hi'] }),
      (err: Error & { code?: string }) => err instanceof UserError && err.code === 'not-loaded',
    );
  });

  it('names the missing ONNX file of a model folder', async () => {
    const dir = path.join(tmp, 'no-onnx');
    writeTinyModelFolder(dir, Buffer.from('x'));
    rmSync(path.join(dir, 'onnx', 'model.onnx'));
    await assert.rejects(
      runtime.request('load', { modelId: 'tiny', modelDir: dir, task: 'text-classification', device: 'cpu' }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'model-missing');
        assert.ok(err.message.startsWith(`Model file ${path.join(dir, 'onnx', 'model.onnx')} is missing.`), err.message);
        return true;
      },
    );
  });

  it('reports a corrupt ONNX file as model-corrupt, naming it (real onnxruntime)', async () => {
    const dir = path.join(tmp, 'corrupt');
    writeTinyModelFolder(dir, Buffer.from('this is not an onnx protobuf at all'.repeat(10)));
    await assert.rejects(
      runtime.request('load', { modelId: 'tiny', modelDir: dir, task: 'text-classification', device: 'cpu' }),
      (err: Error & { code?: string }) => {
        assert.ok(err instanceof UserError, String(err));
        assert.equal(err.code, 'model-corrupt', err.message);
        assert.ok(err.message.includes(path.join(dir, 'onnx', 'model.onnx')), err.message);
        assert.ok(!err.message.includes('\n'), 'one line');
        return true;
      },
    );
    // The worker survives a failed load.
    assert.deepEqual((await runtime.request('ping', {})).models, []);
  });

  it('loads a text-generation model (causal LM) on the CPU, refuses to classify with it, unloads it', async function () {
    const dir = path.join(repoRoot, 'test', 'fixtures', 'models', 'tiny-random-decoder');
    if (!existsSync(path.join(dir, 'onnx', 'model.onnx'))) this.skip();
    const r = await runtime.request('load', { modelId: 'tiny-decoder', modelDir: dir, task: 'text-generation', device: 'auto', dtype: 'fp32' });
    assert.equal(r.device, 'cpu');
    assert.ok(r.loadMs >= 0);
    if (process.platform === 'linux' && process.arch === 'x64') assert.match(r.fallbackReason ?? '', /^cuda: /);
    const again = await runtime.request('load', { modelId: 'tiny-decoder', modelDir: dir, task: 'text-generation', device: 'cpu', dtype: 'fp32' });
    assert.equal(again.cached, true, 'same folder and device: nothing reloaded');
    assert.deepEqual((await runtime.request('ping', {})).models, ['tiny-decoder']);
    await assert.rejects(
      runtime.request('classify', { modelId: 'tiny-decoder', texts: ['x'] }),
      (err: Error & { code?: string }) => err.code === 'bad-request' && /loaded for text-generation/.test(err.message),
    );
    await assert.rejects(
      runtime.request('load', { modelId: 'tiny-decoder', modelDir: dir, task: 'text-generation', device: 'cpu', dtype: 'q4' }),
      (err: Error & { code?: string }) => err.code === 'model-missing' && err.message.includes(path.join(dir, 'onnx', 'model_q4.onnx')),
    );
    assert.deepEqual(await runtime.request('unload', { modelId: 'tiny-decoder' }), { unloaded: true });
    assert.deepEqual(await runtime.request('unload', { modelId: 'tiny-decoder' }), { unloaded: false });
  });

  it('a missing worker script is a clear UserError', async () => {
    const rt = new ModelRuntime({ workerScript: path.join(tmp, 'no-worker.js') });
    await assert.rejects(rt.request('ping', {}), (err: Error & { code?: string }) => {
      assert.ok(err instanceof UserError);
      assert.equal(err.code, 'runtime-unavailable');
      assert.match(err.message, /no-worker\.js is missing\. Reinstall the extension/);
      return true;
    });
    await rt.dispose();
  });

  it('after dispose, requests fail clearly', async () => {
    await runtime.request('ping', {});
    const pending = runtime.request('ping', { delayMs: 30000 }).then(() => undefined, (err: Error) => err);
    await runtime.dispose();
    assert.match(String((await pending)?.message), /shut down/);
    await assert.rejects(runtime.request('ping', {}), /shut down/);
  });
});
