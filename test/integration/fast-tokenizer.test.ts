// The fast WordPiece encoder (src/runtime/fast-wordpiece.ts) must give exactly the ids of
// transformers.js' tokenizer for the bundled model: on the samples, on hand-picked Unicode edge cases,
// and on the public corpora in ../shared/datasets when they are present.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFastWordPiece } from '../../src/runtime/fast-wordpiece';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const tf: any = require('@huggingface/transformers');

const ROOT = path.resolve(__dirname, '../..');
const DIR = path.join(ROOT, 'models', 'product-forge', 'sentiment-en-zh');
const DATASETS = path.resolve(ROOT, '..', 'shared', 'datasets');

const EDGE_CASES = [
  '',
  '   ',
  'Café naïve résumé ÉCOLE',
  'emoji 😀👍🏽 ok!!!',
  'tab\there\u000bvt\u0085nel\u200bzero\ufeffbom\u2028ls',
  '[MASK] me [cls] x [SEP]',
  '𠀀𠀁 astral ideographs',
  'Ｆｕｌｌｗｉｄｔｈ！ ﬁ ligature',
  'İstanbul ß ΣΊΣΥΦΟΣ',
  '\u0000nul\uFFFDreplacement',
  'x'.repeat(150),
  'combining a\u0301b\u0308',
  '日本語のテキスト、한국어도。',
  '同步速度太慢了，每次都要等很久。客服回复很及时！',
  'price: $19.99 (was $24) -- 50% off #deal @team ~ `code` {x}',
  "don't won't can't it's",
  'unbelievablyyyyyy goooood superextraordinarilyhyphenated-words',
];

function lines(file: string, encoding: BufferEncoding, limit: number): string[] {
  return fs.readFileSync(file, encoding).split(/\r?\n/).slice(0, limit);
}

describe('fast WordPiece encoder', function () {
  this.timeout(300000);
  let tokenizer: any;
  let ref: (t: string) => number[];
  let fast: NonNullable<ReturnType<typeof createFastWordPiece>>;

  before(async () => {
    tf.env.allowRemoteModels = false;
    tokenizer = await tf.AutoTokenizer.from_pretrained(DIR, { local_files_only: true });
    ref = (t) => tokenizer.encode(t, { add_special_tokens: false });
    const json = JSON.parse(fs.readFileSync(path.join(DIR, 'tokenizer.json'), 'utf8'));
    const made = createFastWordPiece(json, ref);
    assert.ok(made, 'the bundled tokenizer.json is a BERT WordPiece pipeline');
    fast = made;
  });

  function mismatches(texts: string[]): string[] {
    const bad: string[] = [];
    for (const t of texts) {
      const a = ref(t);
      const b = fast.encode(t);
      if (a.length !== b.length || a.some((v, i) => v !== b[i])) bad.push(t);
    }
    return bad;
  }

  it('matches transformers.js on Unicode edge cases, and defers added-token literals to it', () => {
    const before = fast.fallbacks;
    assert.deepEqual(mismatches(EDGE_CASES), []);
    assert.ok(fast.fallbacks > before, '"[MASK] me [cls]" went to the library tokenizer');
    // Sanity: the edge cases really exercise the normalizer (accents stripped, CJK split).
    assert.deepEqual(fast.encode('Café'), ref('cafe'));
    assert.equal(fast.encode('客服回复').length, 4);
  });

  it('matches transformers.js on every line of the bundled samples', () => {
    const dir = path.join(ROOT, 'samples', 'feedback');
    const texts = fs.readdirSync(dir).filter((f) => !f.includes('gb18030')).flatMap((f) => lines(path.join(dir, f), 'utf8', 100000));
    assert.ok(texts.length > 50);
    assert.deepEqual(mismatches(texts), []);
  });

  it('matches transformers.js on the public English and Chinese corpora', function () {
    if (!fs.existsSync(DATASETS)) {
      console.log(`      (skipped: ${DATASETS} not found)`);
      this.skip();
    }
    const texts = [
      ...lines(path.join(DATASETS, 'sst2', 'stsa.binary.train'), 'utf8', 7000),
      ...lines(path.join(DATASETS, 'mr', 'rt-polarity.all'), 'latin1', 11000),
      ...lines(path.join(DATASETS, 'imdb', 'train.tsv'), 'utf8', 2000),
      ...lines(path.join(DATASETS, 'online_shopping_10_cats', 'online_shopping_10_cats.csv'), 'utf8', 20000),
      ...lines(path.join(DATASETS, 'waimai_10k', 'waimai_10k.csv'), 'utf8', 12000),
      ...lines(path.join(DATASETS, 'semeval2014_absa_train', 'Restaurants_Train_v2.xml'), 'utf8', 20000),
    ];
    assert.ok(texts.length > 50000);
    const bad = mismatches(texts);
    assert.deepEqual(bad.slice(0, 5), [], `${bad.length} of ${texts.length} texts differ`);
  });

  it('is not built for tokenizers with another pipeline', () => {
    const json = JSON.parse(fs.readFileSync(path.join(DIR, 'tokenizer.json'), 'utf8'));
    assert.equal(createFastWordPiece({ ...json, normalizer: { type: 'Sequence', normalizers: [] } }, ref), undefined);
    assert.equal(createFastWordPiece({ ...json, pre_tokenizer: { type: 'Whitespace' } }, ref), undefined);
    assert.equal(createFastWordPiece({ ...json, model: { ...json.model, type: 'BPE' } }, ref), undefined);
  });
});
