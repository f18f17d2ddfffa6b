// The bundled sentiment model (models/product-forge/sentiment-en-zh), loaded through transformers.js exactly as
// the extension ships it: manifest integrity, config/tokenizer consistency, and clear-cut predictions.
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const tf: any = require('@huggingface/transformers');

const ROOT = path.resolve(__dirname, '../..');
const MODELS = path.join(ROOT, 'models');
const ID = 'product-forge/sentiment-en-zh';
const DIR = path.join(MODELS, ID);
const LABELS = ['negative', 'neutral', 'positive'];

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('bundled sentiment model (transformers.js, CPU)', function () {
  this.timeout(120000);
  let tokenizer: any;
  let model: any;
  const config = JSON.parse(fs.readFileSync(path.join(DIR, 'config.json'), 'utf8'));
  const tokJson = JSON.parse(fs.readFileSync(path.join(DIR, 'tokenizer.json'), 'utf8'));
  const manifest = JSON.parse(fs.readFileSync(path.join(MODELS, 'manifest.json'), 'utf8'));

  before(async () => {
    tf.env.allowRemoteModels = false;
    tf.env.localModelPath = MODELS + '/';
    tokenizer = await tf.AutoTokenizer.from_pretrained(ID);
    model = await tf.AutoModelForSequenceClassification.from_pretrained(ID, { dtype: 'fp32', device: 'cpu' });
  });
  after(async () => {
    await model?.dispose?.();
  });

  async function classify(texts: string[]): Promise<number[][]> {
    const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: 256 });
    const { logits } = await model(inputs);
    const [n, k] = logits.dims;
    const out: number[][] = [];
    for (let i = 0; i < n; i++) out.push(softmax(Array.from(logits.data.slice(i * k, (i + 1) * k) as Float32Array)));
    return out;
  }

  it('manifest lists every shipped file with a matching sha256 and size', () => {
    const entry = manifest.models.find((m: any) => m.id === ID);
    assert.ok(entry, 'manifest entry');
    assert.equal(manifest.version, 1);
    assert.equal(entry.task, 'text-classification');
    assert.deepEqual(entry.labels, LABELS);
    assert.deepEqual(entry.languages, ['en', 'zh']);
    assert.equal(entry.maxLength, config.max_position_embeddings);
    const paths = entry.files.map((f: any) => f.path).sort();
    for (const need of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx']) {
      assert.ok(paths.includes(need), `manifest lists ${need}`);
    }
    let total = 0;
    for (const f of entry.files) {
      const buf = fs.readFileSync(path.join(DIR, f.path));
      assert.equal(buf.length, f.size, `${f.path} size`);
      assert.equal(crypto.createHash('sha256').update(buf).digest('hex'), f.sha256, `${f.path} sha256`);
      total += buf.length;
    }
    assert.ok(total < 25e6, `shipped files ${total} bytes <= 25 MB`);
    assert.ok(fs.existsSync(path.join(DIR, 'README.md')) && fs.existsSync(path.join(DIR, 'metrics.json')));
  });

  it('config and tokenizer agree', () => {
    assert.equal(config.model_type, 'bert');
    assert.deepEqual(config.id2label, { 0: 'negative', 1: 'neutral', 2: 'positive' });
    assert.deepEqual(config.label2id, { negative: 0, neutral: 1, positive: 2 });
    assert.equal(Object.keys(tokJson.model.vocab).length, config.vocab_size);
    assert.equal(tokJson.model.type, 'WordPiece');
    assert.equal(tokJson.normalizer.type, 'BertNormalizer');
    assert.equal(tokJson.model.vocab['[PAD]'], config.pad_token_id);
    const ids: number[] = tokenizer.encode('Great app 很好用');
    assert.equal(ids[0], tokJson.model.vocab['[CLS]']);
    assert.equal(ids[ids.length - 1], tokJson.model.vocab['[SEP]']);
    assert.ok(ids.every((i) => i >= 0 && i < config.vocab_size));
    // each CJK character is its own token, and unseen words still tokenize without [UNK]
    const toks: string[] = tokenizer.tokenize('很好用');
    assert.deepEqual(toks, ['很', '好', '用']);
    assert.ok(!tokenizer.tokenize('zxqvbnmplk').includes('[UNK]'));
  });

  it('classifies clear English and Chinese sentences, probabilities sum to 1', async () => {
    const cases: Array<[string, string]> = [
      ['I absolutely love this app, it is fantastic and works perfectly.', 'positive'],
      ['Great support team, they fixed my problem quickly. Thank you!', 'positive'],
      ['This update is terrible, it crashes constantly and I hate it.', 'negative'],
      ['Worst purchase ever, completely useless and a waste of money.', 'negative'],
      ['这个产品非常好用，我很喜欢，强烈推荐！', 'positive'],
      ['服务态度很好，速度也快，非常满意。', 'positive'],
      ['质量太差了，用了一天就坏了，非常失望。', 'negative'],
      ['客服态度恶劣，再也不会买了，垃圾。', 'negative'],
    ];
    const probs = await classify(cases.map((c) => c[0]));
    probs.forEach((p, i) => {
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'probabilities sum to 1');
      const pred = LABELS[p.indexOf(Math.max(...p))];
      assert.equal(pred, cases[i][1], `${cases[i][0]} -> ${p.map((x) => x.toFixed(3)).join(' ')}`);
    });
  });

  it('batched (padded) and single inference agree', async () => {
    const texts = ['ok', 'The new dashboard is slow but the export feature is really useful.', '还行吧'];
    const batched = await classify(texts);
    for (let i = 0; i < texts.length; i++) {
      const [single] = await classify([texts[i]]);
      single.forEach((v, j) => assert.ok(Math.abs(v - batched[i][j]) < 1e-4));
    }
  });
});
