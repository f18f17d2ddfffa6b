// `npm run bench:train`: our classifier trainer vs scikit-learn on public datasets.
// Every dataset gets one stratified 80/20 split (seed 0); the same train/test CSVs go to our trainer
// (in-process, through tsx: auto, logreg, rf and gb) and to scripts/bench/train_sklearn.py (LogisticRegression, MLPClassifier(64),
// RandomForest(100); text: TfidfVectorizer + LogisticRegression) run with /usr/bin/python3. A second table shows both
// forests over seeds 0-4, since the first table's "best sk" takes sklearn's forest at one seed.
// With PF_EMBEDDING_MODEL=DIR (a local sentence-embedding model, Hugging Face layout with onnx/model.onnx) the text
// sets are also trained with "TF-IDF + embeddings" and "embeddings" text features (a third table); none is bundled,
// so without it that table is skipped with a note.
// Usage: node scripts/bench/train.mjs [--only name,name] [--json FILE] [--no-sklearn]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// ONNX Runtime's telemetry off here too (src/core/ortPrivacy.ts): this script loads onnxruntime-node itself.
process.env.ORT_DISABLE_TELEMETRY = '1';

// Our engine is TypeScript: run this script under tsx (re-executed once with --import tsx).
if (!process.env.PF_BENCH_TSX) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, PF_BENCH_TSX: '1' } });
  process.exit(r.status ?? 1);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const datasets = path.resolve(root, '..', 'shared', 'datasets');
const { readTable, takeRows, csvField } = await import('../../src/core/train/csv.ts');
const { profileTable, proposeFeatures } = await import('../../src/core/train/infer.ts');
const { stratifiedSplit, sortLabels } = await import('../../src/core/train/metrics.ts');
const { trainClassifier } = await import('../../src/core/train/trainer.ts');
const { createFoldPool } = await import('../../src/runtime/cv-pool.ts');
const embeddingDir = process.env.PF_EMBEDDING_MODEL ? path.resolve(process.env.PF_EMBEDDING_MODEL) : null;
let embedder = null;
if (embeddingDir) {
  const { loadTextEmbedder } = await import('../../src/runtime/embedder.ts');
  embedder = await loadTextEmbedder({ modelId: path.basename(embeddingDir), modelDir: embeddingDir, device: 'cpu' });
  console.log(`text embeddings: ${embedder.modelId} (${embedder.dims} values) on ${embedder.device}`);
}

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : null;
const noSk = args.includes('--no-sklearn');

// name, file (relative to datasets), target (null = last column; 'c0' = first), text?
const SETS = [
  { name: 'titanic', file: 'titanic/titanic.csv', target: 'Survived' },
  { name: 'iris', file: 'uci_small_tabular/iris.csv' },
  { name: 'wine', file: 'uci_small_tabular/wine.csv' },
  { name: 'pima', file: 'uci_small_tabular/pima-indians-diabetes.csv' },
  { name: 'breast-cancer', file: 'uci_small_tabular/breast-cancer-wisconsin.data' },
  { name: 'ionosphere', file: 'uci_small_tabular/ionosphere.csv' },
  { name: 'sonar', file: 'uci_small_tabular/sonar.csv' },
  { name: 'glass', file: 'uci_small_tabular/glass.csv' },
  { name: 'mushroom', file: 'mushroom/agaricus-lepiota.data', target: 'c0' },
  { name: 'car', file: 'car_evaluation/car.data' },
  { name: 'german-credit', file: 'german_credit/german.csv' },
  // Weka's copies of UCI sets (ARFF, turned into CSV here): a rare class (hypothyroid: 2 rows of 3,772), 7 and 19 classes,
  // nominal features (vote, breast-cancer-nominal), a 57-row set (labor: its test split has 11 rows, one row is 9.1
  // points), a 1.4% minority class (unbalanced) and long news texts (Reuters-21578 grain / corn vs the rest).
  { name: 'hypothyroid', file: 'weka_uci_arff/data/hypothyroid.arff' },
  { name: 'segment', file: 'weka_uci_arff/data/segment-challenge.arff' },
  { name: 'soybean', file: 'weka_uci_arff/data/soybean.arff' },
  { name: 'vote', file: 'weka_uci_arff/data/vote.arff' },
  { name: 'breast-cancer-nominal', file: 'weka_uci_arff/data/breast-cancer.arff' },
  { name: 'labor', file: 'weka_uci_arff/data/labor.arff' },
  { name: 'unbalanced', file: 'weka_uci_arff/data/unbalanced.arff' },
  { name: 'reuters-grain', file: 'weka_uci_arff/data/ReutersGrain-train.arff', text: true },
  { name: 'reuters-corn', file: 'weka_uci_arff/data/ReutersCorn-train.arff', text: true },
  { name: 'banking77', file: 'banking77/train.csv', target: 'category', text: true },
  // scikit-learn's bundled sets (Debian's python3-sklearn; shared/datasets/README.md quotes sklearn's scores on them).
  { name: 'sk-breast-cancer', sklearn: 'load_breast_cancer' },
  { name: 'sk-digits', sklearn: 'load_digits' },
];

if (!existsSync(datasets)) {
  console.error(`bench:train needs the shared datasets at ${datasets} (../shared/datasets from the repo root); not found.`);
  process.exit(1);
}
const py = '/usr/bin/python3';
let skOk = !noSk;
if (skOk) {
  const r = spawnSync(py, ['-c', 'import sklearn, numpy; print(sklearn.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`sklearn not importable with ${py} (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}); showing our numbers only`);
    skOk = false;
  } else console.log(`sklearn ${r.stdout.trim()} (${py})`);
}

/** Writes one of sklearn's bundled datasets as CSV (features f0.., then target). argv: loader name, output file. */
const SKLEARN_EXPORT = `
import csv, sys
import sklearn.datasets as ds
d = getattr(ds, sys.argv[1])()
with open(sys.argv[2], 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow([f'f{i}' for i in range(d.data.shape[1])] + ['target'])
    for x, y in zip(d.data, d.target):
        w.writerow([repr(float(v)) for v in x] + [int(y)])
`;

/** ARFF (dense rows) -> CSV with a header row; '?' stays as the missing marker the reader knows. */
function arffToCsv(src, dest) {
  const cols = [], rows = [];
  let data = false;
  for (const raw of readFileSync(src, 'latin1').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('%')) continue;
    if (data) { rows.push(splitArff(line)); continue; }
    const m = /^@attribute\s+('[^']*'|"[^"]*"|\S+)/i.exec(line);
    if (m) cols.push(m[1].replace(/^['"]|['"]$/g, ''));
    else if (/^@data/i.test(line)) data = true;
  }
  writeFileSync(dest, [cols, ...rows].map((r) => r.map((v) => csvField(v)).join(',')).join('\n') + '\n');
}
function splitArff(line) {
  const out = [];
  let cur = '', q = '', esc = false;
  for (const ch of line) {
    // quoted values escape with a backslash (\' \" \\ and \n for a newline)
    if (esc) { cur += ch === 'n' ? '\n' : ch === 't' ? '\t' : ch; esc = false; }
    else if (q && ch === '\\') esc = true;
    else if (q) { if (ch === q) q = ''; else cur += ch; }
    else if (ch === "'" || ch === '"') q = ch;
    else if (ch === ',') { out.push(cur.trim()); cur = ''; }
    else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function writeCsv(file, table, columns) {
  const idx = columns.map((c) => table.columns.indexOf(c));
  const lines = [columns.map((c) => csvField(c)).join(',')];
  for (let r = 0; r < table.rowCount; r++) lines.push(idx.map((c) => csvField(table.data[c][r])).join(','));
  writeFileSync(file, lines.join('\n') + '\n');
}

// Auto's cross-validation folds run on a pool of threads as in the CLI and the Train view: its helper is the
// built dist/cv-worker.js, so build first (a few seconds) to measure the current sources.
if (spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' }).status !== 0) process.exit(1);
const pool = createFoldPool();
console.log(`auto's cross-validation: this thread + ${pool.helpers} helper thread(s) (${os.availableParallelism()} cores); sklearn runs on one thread`);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pf-bench-train-'));
const rows = [];
try {
  for (const set of SETS) {
    if (only && !only.includes(set.name)) continue;
    let file = set.sklearn ? path.join(tmp, `${set.name}.csv`) : path.join(datasets, set.file);
    if (set.sklearn) {
      if (!skOk) { console.log(`${set.name}: comes from sklearn, which is not available; skipped`); continue; }
      const r = spawnSync(py, ['-c', SKLEARN_EXPORT, set.sklearn, file], { encoding: 'utf8' });
      if (r.status !== 0) { console.log(`${set.name}: export failed (${(r.stderr || '').trim().split('\n').pop()}); skipped`); continue; }
    }
    if (!existsSync(file)) { console.log(`${set.name}: ${file} missing, skipped`); continue; }
    if (file.endsWith('.arff')) {
      const csv = path.join(tmp, `${set.name}.csv`);
      arffToCsv(file, csv);
      file = csv;
    }
    const table = await readTable(file);
    const target = set.target ?? table.columns[table.columns.length - 1];
    const profiles = profileTable(table);
    const { features } = proposeFeatures(table, profiles, target);
    // The split: stratified 80/20, seed 0, over rows with a target.
    const ti = table.columns.indexOf(target);
    const labels = sortLabels(new Set(table.data[ti].filter((v) => v !== '')));
    const li = new Map(labels.map((l, i) => [l, i]));
    const keep = [], y = [];
    for (let r = 0; r < table.rowCount; r++) if (li.has(table.data[ti][r])) { keep.push(r); y.push(li.get(table.data[ti][r])); }
    const sp = stratifiedSplit(y, labels.length, 0.2, 0);
    const train = takeRows(table, Array.from(sp.train, (i) => keep[i]));
    const test = takeRows(table, Array.from(sp.test, (i) => keep[i]));
    const row = { name: set.name, rows: table.rowCount, train: train.rowCount, test: test.rowCount, classes: labels.length, features: features.length };
    // Our tree models on the tabular sets (wide sparse text features are not a forest's job; auto skips them there).
    for (const model of set.text ? ['auto', 'logreg'] : ['auto', 'logreg', 'rf', 'gb']) {
      const t0 = performance.now();
      const r = await trainClassifier(train, { target, features, model, seed: 0, testTable: test, foldRunner: pool.run }, profiles);
      // The fit, beside sklearn's fit: the column importance measured after it (importance.ts) is timed on its own.
      const importance = r.explainSeconds ?? 0;
      row[`ours_${model}`] = { accuracy: r.metrics.accuracy, macroF1: r.metrics.macroF1, fit_seconds: (performance.now() - t0) / 1000 - importance, importance_seconds: importance, model: r.classifier.network.kind };
    }
    if (set.text && embedder) {
      // Auto with sentence embeddings beside (both) or instead of (embeddings) the TF-IDF n-grams; the time includes embedding.
      for (const textFeatures of ['both', 'embeddings']) {
        const t0 = performance.now();
        const r = await trainClassifier(train, { target, features, model: 'auto', seed: 0, testTable: test, foldRunner: pool.run, textFeatures, embedder }, profiles);
        const importance = r.explainSeconds ?? 0;
        row[`ours_emb_${textFeatures}`] = { accuracy: r.metrics.accuracy, macroF1: r.metrics.macroF1, fit_seconds: (performance.now() - t0) / 1000 - importance, importance_seconds: importance, model: r.classifier.network.kind };
      }
    }
    if (!set.text) {
      // Our forest over seeds 0-4, beside sklearn's (one seed's score can be a lucky or unlucky draw).
      const accs = [row.ours_rf.accuracy];
      for (let seed = 1; seed < 5; seed++) accs.push((await trainClassifier(train, { target, features, model: 'rf', seed, testTable: test, importance: false }, profiles)).metrics.accuracy);
      row.ours_rf_seeds = { accuracy: accs.reduce((a, b) => a + b) / accs.length, min: Math.min(...accs), max: Math.max(...accs) };
    }
    if (skOk) {
      const cols = [target, ...features];
      writeCsv(path.join(tmp, 'train.csv'), train, cols);
      writeCsv(path.join(tmp, 'test.csv'), test, cols);
      const job = {
        train: path.join(tmp, 'train.csv'), test: path.join(tmp, 'test.csv'), target,
        columns: features.map((f) => ({ name: f, type: profiles[table.columns.indexOf(f)].type })),
        models: set.text ? ['logreg'] : ['logreg', 'mlp64', 'rf100', 'rf100_seeds'],
      };
      writeFileSync(path.join(tmp, 'job.json'), JSON.stringify(job));
      const r = spawnSync(py, [path.join(root, 'scripts', 'bench', 'train_sklearn.py'), path.join(tmp, 'job.json')], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
      for (const line of r.stdout.split('\n').filter(Boolean)) {
        const o = JSON.parse(line);
        if (o.model) row[`sk_${o.model}`] = o;
        else if (o.error) { console.log(`sklearn: ${o.error}`); skOk = false; }
      }
      if (r.status !== 0) console.log(`sklearn failed on ${set.name}: ${r.stderr.trim().split('\n').pop()}`);
    }
    rows.push(row);
    const a = row.ours_auto, l = row.ours_logreg, f = row.ours_rf, g = row.ours_gb;
    console.log(`${set.name}: ours auto ${(a.accuracy * 100).toFixed(2)}% (${a.model}, ${a.fit_seconds.toFixed(2)} s + column importance and words ${a.importance_seconds.toFixed(2)} s), logreg ${(l.accuracy * 100).toFixed(2)}% (${l.fit_seconds.toFixed(2)} s)${f ? `, rf ${(f.accuracy * 100).toFixed(2)}% (${f.fit_seconds.toFixed(2)} s)` : ''}${g ? `, gb ${(g.accuracy * 100).toFixed(2)}% (${g.fit_seconds.toFixed(2)} s)` : ''}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
  await pool.dispose();
  await embedder?.dispose();
}

const fmt = (o) => (o && o.accuracy !== undefined ? `${(o.accuracy * 100).toFixed(1).padStart(5)} ${o.fit_seconds.toFixed(2).padStart(5)}s` : o?.error ? '  error    ' : '     -     ');
console.log('\naccuracy % and fit seconds; stratified 80/20 split, seed 0');
const head = ['dataset', 'rows', 'ours auto', 'model', 'ours logreg', 'ours rf', 'ours gb', 'sk LR', 'sk MLP64', 'sk RF100', 'best sk', 'delta'];
const nameW = Math.max(14, ...rows.map((r) => r.name.length));
const w = [nameW, 6, 12, 6, 12, 12, 12, 12, 12, 12, 8, 6];
console.log(head.map((h, i) => h.padEnd(w[i])).join(' '));
for (const r of rows) {
  const sk = ['sk_logreg', 'sk_mlp64', 'sk_rf100'].map((k) => r[k]?.accuracy).filter((x) => x !== undefined);
  const best = sk.length ? Math.max(...sk) : undefined;
  const cells = [r.name, String(r.rows), fmt(r.ours_auto), r.ours_auto.model, fmt(r.ours_logreg), fmt(r.ours_rf), fmt(r.ours_gb), fmt(r.sk_logreg), fmt(r.sk_mlp64), fmt(r.sk_rf100),
    best === undefined ? '-' : (best * 100).toFixed(1), best === undefined ? '-' : ((r.ours_auto.accuracy - best) * 100).toFixed(1)];
  console.log(cells.map((c, i) => c.padEnd(w[i])).join(' '));
}
// The forests' spread over seeds: "best sk" above takes sklearn's forest at seed 0 only.
const spread = rows.filter((r) => r.ours_rf_seeds);
if (spread.length) {
  const pct = (o) => (o ? `${(o.accuracy * 100).toFixed(1)} [${(o.min * 100).toFixed(1)}-${(o.max * 100).toFixed(1)}]` : '-');
  console.log('\nrandom forests over seeds 0-4: mean [min-max] accuracy %; best sk* = best of sk LR, sk MLP64 and the sk forest\'s 5-seed mean');
  const h2 = ['dataset', 'ours rf', 'sk RF100', 'best sk*', 'ours auto - best sk*'];
  const w2 = [nameW, 20, 20, 9, 6];
  console.log(h2.map((h, i) => h.padEnd(w2[i])).join(' '));
  for (const r of spread) {
    const sk = [r.sk_logreg?.accuracy, r.sk_mlp64?.accuracy, r.sk_rf100_seeds?.accuracy].filter((x) => x !== undefined);
    const best = sk.length ? Math.max(...sk) : undefined;
    console.log([r.name, pct(r.ours_rf_seeds), pct(r.sk_rf100_seeds), best === undefined ? '-' : (best * 100).toFixed(1), best === undefined ? '-' : ((r.ours_auto.accuracy - best) * 100).toFixed(1)].map((c, i) => c.padEnd(w2[i])).join(' '));
  }
}
const textRows = rows.filter((r) => SETS.find((s) => s.name === r.name)?.text);
if (textRows.length) {
  if (!embedder) console.log('\ntext sets with embeddings: skipped (set PF_EMBEDDING_MODEL to a local sentence-embedding model folder; none is bundled)');
  else {
    console.log(`\ntext sets, auto with text embeddings from ${embedder.modelId} (fit seconds include embedding every distinct text)`);
    const h3 = ['dataset', 'TF-IDF', 'TF-IDF + emb', 'emb only', 'sk LR'];
    const w3 = [nameW, 18, 18, 18, 12];
    console.log(h3.map((h, i) => h.padEnd(w3[i])).join(' '));
    const f3 = (o) => (o ? `${fmt(o)} ${o.model}` : '-');
    for (const r of textRows) console.log([r.name, f3(r.ours_auto), f3(r.ours_emb_both), f3(r.ours_emb_embeddings), fmt(r.sk_logreg)].map((c, i) => c.padEnd(w3[i])).join(' '));
  }
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
