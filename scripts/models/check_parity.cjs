// Checks that transformers.js (tokenizer + ONNX model) reproduces the PyTorch token ids and probabilities
// written by train_sentiment.py. Usage: node scripts/models/check_parity.cjs <parity_reference.json>
const path = require('node:path');
const fs = require('node:fs');
const { env, AutoTokenizer, AutoModelForSequenceClassification } = require('@huggingface/transformers');

(async () => {
  const ref = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  env.allowRemoteModels = false;
  env.localModelPath = path.resolve(__dirname, '..', '..', 'models') + '/';
  const id = 'product-forge/sentiment-en-zh';
  const tok = await AutoTokenizer.from_pretrained(id);
  const model = await AutoModelForSequenceClassification.from_pretrained(id, { dtype: 'fp32', device: 'cpu' });
  let worst = 0, idMismatch = 0;
  for (let i = 0; i < ref.texts.length; i++) {
    const ids = tok.encode(ref.texts[i]);
    if (JSON.stringify(ids) !== JSON.stringify(ref.ids[i])) {
      idMismatch++;
      console.log('ids differ for', JSON.stringify(ref.texts[i]), '\n js', ids.join(' '), '\n py', ref.ids[i].join(' '));
    }
  }
  let idMismatch2 = 0;
  (ref.id_texts || []).forEach((t, i) => {
    // The build truncates to [CLS] + 254 tokens + [SEP]; transformers.js' own truncation drops the final [SEP]
    // instead, so compare the untruncated ids cut the build's way (Product Forge windows long texts itself).
    let ids = tok.encode(t);
    if (ids.length > 256) ids = [...ids.slice(0, 255), ids[ids.length - 1]];
    if (JSON.stringify(ids) !== JSON.stringify(ref.id_texts_ids[i])) {
      idMismatch2++;
      if (idMismatch2 <= 3) console.log('ids differ for', JSON.stringify(t.slice(0, 200)));
    }
  });
  console.log(`tokenizer parity on ${(ref.id_texts || []).length} sampled training texts: ${idMismatch2} mismatches`);
  idMismatch += idMismatch2;
  // batched (padded) run, to check padding/masking too
  const inputs = tok(ref.texts, { padding: true, truncation: true, max_length: 256 });
  const { logits } = await model(inputs);
  const [n, k] = logits.dims;
  for (let i = 0; i < n; i++) {
    const z = Array.from(logits.data.slice(i * k, i * k + k));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / s);
    for (let j = 0; j < k; j++) worst = Math.max(worst, Math.abs(p[j] - ref.probs[i][j]));
  }
  console.log(`parity: ${ref.texts.length} texts, token-id mismatches ${idMismatch}, max |p_js - p_torch| = ${worst.toExponential(2)}`);
  if (idMismatch || worst > 1e-4) process.exit(1);
})().catch((e) => { console.error(e); process.exit(1); });
