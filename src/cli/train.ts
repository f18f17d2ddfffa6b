// `product-forge train <csv> --target COL [--features a,b] [--model auto|logreg|mlp|rf|gb] [--test-split 0.2 | --test FILE]
//                       [--seed 0] [--save DIR] [--json] [--class-weight none|balanced] [--epochs N] [--hidden 64,32] ...`
// `product-forge predict <model-dir> <csv> --out FILE [--force] [--json]`
import { existsSync, statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError, type DeviceSetting } from '../core/types';
import { TEXT_FEATURES, type TextFeatures } from '../core/train/embed';
import type { LoadedEmbedder } from '../runtime/embedder';
import { readTable } from '../core/train/csv';
import { profileTable } from '../core/train/infer';
import { trainClassifier, type ModelChoice, type TrainOptions } from '../core/train/trainer';
import { trainOptionProblem, type CheckedTrainOption } from '../core/train/options';
import { importanceLines } from '../core/train/importance';
import { candidatesText } from '../core/train/importance-format';
import { classWordLines } from '../core/train/class-words';
import { assertReplaceableClassifierDir, CLASSIFIERS_DIR, saveClassifier, savedClassifierDir } from '../core/train/artifact';
import { choice, parseArgs, type FlagSpec, type ParsedArgs } from './args';
import { assertOutputPath, assertWritableOutput, safeName } from '../core/fsutil';
import { onStopSignals, printError, printWarning, reportFailure } from './errors';
import { defaultPredictionsPath, predictFile } from '../core/train/predict';
import { createFoldPool } from '../runtime/cv-pool';

const TRAIN_FLAGS: FlagSpec = {
  target: 'value', features: 'value', model: 'value', 'test-split': 'value', test: 'value', seed: 'value', save: 'value', json: 'bool',
  'class-weight': 'value', epochs: 'value', 'batch-size': 'value', 'learning-rate': 'value', hidden: 'value', dropout: 'value',
  'validation-share': 'value', c: 'value', 'max-iter': 'value', trees: 'value', rounds: 'value', name: 'value', quiet: 'bool', help: 'bool',
  'text-features': 'value', 'embedding-model': 'value', 'models-path': 'value', device: 'value', force: 'bool',
};
const PREDICT_FLAGS: FlagSpec = {
  out: 'value', force: 'bool', json: 'bool', quiet: 'bool', help: 'bool', 'embedding-model': 'value', 'models-path': 'value', device: 'value',
};

const TRAIN_USAGE = `usage: product-forge train <file.csv> --target COLUMN [options]
  --features a,b,c          feature columns (default: all but identifiers, near-unique columns and target leaks)
  --model auto|logreg|mlp|rf|gb  model (default auto: picks by cross-validated accuracy, or by a validation split
                            from 5,000 training rows; rf = random forest, gb = gradient-boosted trees)
  --test-split 0.2          share of rows held out for the metrics (stratified)   | --test FILE  a separate test file
  --seed 0                  random seed for splits and initialisation
  --save DIR                save the classifier (model.onnx, preprocessing.json, metadata.json) to DIR
                            (created). --name NAME saves to ${CLASSIFIERS_DIR}/NAME instead
  --force, -f               replace the classifier already saved there (no other folder is ever replaced)
  --class-weight none|balanced, --validation-share 0.1, --c 1 (logreg), --max-iter 300
  --hidden 64[,32] --dropout 0 --epochs 200 --batch-size 200 --learning-rate 0.001 (mlp; auto's network: 0.01)
  --trees 100 (rf), --rounds 100 (gb)
  --text-features tfidf|embeddings|both   text columns as TF-IDF word/character n-grams, as sentence embeddings
                            from a local model, or both (default: tfidf; both when --embedding-model is given)
  --embedding-model ID|DIR  a sentence-embedding model (Hugging Face layout, onnx/model.onnx): a folder, or an id
                            found under --models-path DIR (or PRODUCT_FORGE_MODELS_PATH); --device auto|cpu|gpu
  --json                    print {accuracy, macro_f1, per_class, confusion, fit_seconds, model, ...} as JSON
  --quiet, -q               no stage or progress lines on stderr (--json implies it)`;
const PREDICT_USAGE = `usage: product-forge predict <model-dir> <file.csv> [--out FILE] [--force] [--json] [-q]
  <model-dir>: the folder \`train --save\` wrote, or a NAME saved with \`train --name\` (.product-forge/classifiers/NAME).
  writes a new CSV with the input columns plus prediction and confidence (default: NAME.predictions.csv beside NAME.csv,
  or NAME.predictions-2.csv… when that exists; --out - writes it to standard output). Files of any size are streamed
  (memory does not grow with the file); the output file appears only when complete (Ctrl+C or an error leaves none;
  with --out -, an error at the end of the file says the rows already written are incomplete).
  A classifier trained with text embeddings finds its embedding model by id under --models-path DIR (or
  PRODUCT_FORGE_MODELS_PATH), or in --embedding-model DIR; it must be the same model (checked by sha256);
  --device auto|cpu|gpu says where that embedding model runs (default auto).
  --force, -f replaces an existing --out file; --json prints the summary as JSON; --quiet, -q: no progress on stderr.`;

function num(flags: Map<string, string | true>, name: string, integer = false): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !isFinite(x) || (integer && !Number.isInteger(x))) {
    throw new UserError(`--${name} needs a ${integer ? 'whole ' : ''}number (got "${String(v)}")`);
  }
  return x;
}

function str(flags: Map<string, string | true>, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

function list(v: string | undefined): string[] | undefined {
  return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);
}

function fail(e: unknown): number {
  return reportFailure(e, process.stderr);
}

function withSigint<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const remove = onStopSignals((sig) => {
    if (sig !== 'EPIPE') process.stderr.write('\ncancelling… (press Ctrl+C again to quit at once)\n');
    ac.abort();
  });
  return run(ac.signal).finally(remove);
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function progress(quiet: boolean, label: string) {
  let last = -1;
  return (done: number, total: number) => {
    if (quiet || (!process.stderr.isTTY && total < 20_000_000)) return;
    const p = Math.floor((done / Math.max(total, 1)) * 100);
    if (p !== last && (p % 10 === 0 || process.stderr.isTTY)) {
      last = p;
      process.stderr.write(process.stderr.isTTY ? `\r${label} ${p}%${p >= 100 ? '\n' : ''}` : `${label} ${p}%\n`);
    }
  };
}

function deviceFlag(args: ParsedArgs): DeviceSetting {
  return choice<DeviceSetting>(args, 'device', ['auto', 'cpu', 'gpu'], 'auto');
}

/** The engine's names of train's settings, as the options that set them (the Train view shows the engine's). */
/** The flag that sets each checked option, named in its message ("--epochs must be …"). */
const TRAIN_OPTION_FLAGS: Record<CheckedTrainOption, string> = {
  testSplit: '--test-split', validationShare: '--validation-share', C: '--c', hidden: '--hidden', dropout: '--dropout', epochs: '--epochs',
  batchSize: '--batch-size', learningRate: '--learning-rate', seed: '--seed', nTrees: '--trees', nRounds: '--rounds', model: '--model',
  textFeatures: '--text-features',
};

/** Checks train's numeric options before any file is read; a bad value is named by its flag. */
function checkTrainOptions(o: TrainOptions): void {
  const problem = trainOptionProblem(o, (k) => TRAIN_OPTION_FLAGS[k]);
  if (problem) throw new UserError(problem);
}

/** The local sentence-embedding model named by --embedding-model (or recorded in a classifier). */
async function openEmbedder(idOrDir: string, flags: Map<string, string | true>, device: DeviceSetting, quiet: boolean, signal: AbortSignal, expectSha256?: string): Promise<LoadedEmbedder> {
  const { findEmbeddingModel, loadTextEmbedder } = await import('../runtime/embedder');
  const found = await findEmbeddingModel(idOrDir, {
    modelsPath: str(flags, 'models-path') ?? process.env.PRODUCT_FORGE_MODELS_PATH,
    bundledDir: path.resolve(__dirname, '..', 'models'),
    cacheDir: path.join(os.homedir(), '.cache', 'product-forge', 'models'),
    signal,
  });
  const e = await loadTextEmbedder({ ...found, device, signal, expectSha256, log: (level, msg) => { if (level === 'error') printError(process.stderr, msg); else if (level === 'warn') printWarning(process.stderr, msg); } });
  if (!quiet) process.stderr.write(`text embeddings: ${e.modelId} (${e.dims} values) on ${e.device}\n${e.fallbackReason ? `GPU not used for ${e.modelId}: ${e.fallbackReason}\n` : ''}`);
  return e;
}

export async function runTrain(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, TRAIN_FLAGS);
    const { positional, flags } = args;
    if (flags.has('help')) { process.stdout.write(TRAIN_USAGE + '\n'); return 0; }
    if (positional.length !== 1) throw new UserError(`train needs exactly one CSV file (got ${positional.length ? positional.join(' ') : 'none'}); see --help`);
    const target = str(flags, 'target');
    if (!target) throw new UserError('--target COLUMN is required (the column to predict); see --help');
    if (flags.has('test') && flags.has('test-split')) throw new UserError('use either --test FILE or --test-split, not both');
    const saveArg = str(flags, 'save');
    const saveName = str(flags, 'name');
    if (saveArg && saveName) throw new UserError('use either --save DIR or --name NAME, not both');
    if (saveArg === '' || saveName === '' || (saveName !== undefined && !saveName.trim())) throw new UserError(`--${saveArg === '' ? 'save' : 'name'} needs a folder or name`);
    // --save DIR is used as given; --name NAME becomes the folder name the Train view would give it
    const saveTarget = saveArg ? path.resolve(saveArg) : saveName ? path.resolve(CLASSIFIERS_DIR, safeName(saveName, 'classifier')) : undefined;
    const force = flags.has('force');
    // checked before training, so a long run does not end in a refusal
    let intoEmptyFolder = false;
    const saveFlag = saveArg ? '--save' : '--name';
    if (saveTarget) {
      await assertOutputPath(saveTarget, saveArg ? `--save ${saveArg}` : `--name ${saveName}`);
      // the classifier is written into a temp folder beside it, then renamed: that folder must take new entries
      await assertWritableOutput(saveTarget, saveFlag, undefined, undefined, { target: 'folder' });
    }
    if (saveTarget && existsSync(saveTarget)) {
      const shown = saveArg ? `--save ${saveArg}` : path.relative(process.cwd(), saveTarget) || saveTarget;
      if (!statSync(saveTarget).isDirectory()) throw new UserError(`${shown} is a file; give the folder to save the classifier in (it is created)`);
      await assertReplaceableClassifierDir(saveTarget); // a folder of anything else is never replaced
      intoEmptyFolder = (await fsp.readdir(saveTarget)).length === 0; // a folder made for it: used as it is
      if (!force && !intoEmptyFolder) throw new UserError(`${shown} already exists; pass --force to replace the classifier saved there, or choose another ${saveArg ? 'folder' : 'name'}`);
    }
    const json = flags.has('json');
    const quiet = json || flags.has('quiet');
    const model = choice<ModelChoice>(args, 'model', ['auto', 'logreg', 'mlp', 'rf', 'gb'], 'auto');
    const hidden = list(str(flags, 'hidden'))?.map((h) => {
      const x = Number(h);
      if (!Number.isInteger(x)) throw new UserError(`--hidden needs whole numbers like 64 or 64,32 (got "${h}")`);
      return x;
    });
    const cw = flags.has('class-weight') ? choice(args, 'class-weight', ['none', 'balanced'] as const, 'none') : undefined;
    const textFeatures = choice<TextFeatures>(args, 'text-features', TEXT_FEATURES, flags.has('embedding-model') ? 'both' : 'tfidf');
    const embeddingModel = str(flags, 'embedding-model');
    if (textFeatures !== 'tfidf' && !embeddingModel) throw new UserError(`--text-features ${textFeatures} needs --embedding-model ID|DIR (a local sentence-embedding model)`);
    const device = deviceFlag(args);
    const numbers = {
      testSplit: num(flags, 'test-split'), seed: num(flags, 'seed', true), epochs: num(flags, 'epochs', true), batchSize: num(flags, 'batch-size', true),
      learningRate: num(flags, 'learning-rate'), hidden, dropout: num(flags, 'dropout'), validationShare: num(flags, 'validation-share'),
      C: num(flags, 'c'), maxIter: num(flags, 'max-iter', true), nTrees: num(flags, 'trees', true), nRounds: num(flags, 'rounds', true),
    };
    checkTrainOptions({ target, model, classWeight: cw, ...numbers });
    return await withSigint(async (signal) => {
      const file = positional[0];
      const table = await readTable(file, { signal, onProgress: progress(quiet, 'reading') });
      const testFile = str(flags, 'test');
      // the test file is read in its own dialect (its delimiter, header and number format), not the training file's
      const testTable = testFile ? await readTable(testFile, { signal }) : undefined;
      const profiles = profileTable(table);
      const embedder = textFeatures !== 'tfidf' ? await openEmbedder(embeddingModel!, flags, device, quiet, signal) : undefined;
      const opts: TrainOptions = {
        target, features: list(str(flags, 'features')), model, testTable, testName: testFile, classWeight: cw, ...numbers, signal,
        textFeatures, embedder,
        onStage: (s) => { if (!quiet) process.stderr.write(`${s}...\n`); },
      };
      const pool = createFoldPool();
      let r: Awaited<ReturnType<typeof trainClassifier>>;
      try {
        r = await trainClassifier(table, { ...opts, foldRunner: pool.run }, profiles);
      } finally {
        await pool.dispose();
        await embedder?.dispose();
      }
      let saved: string | undefined;
      if (saveTarget) {
        saved = await saveClassifier(r, { parent: path.dirname(saveTarget), name: path.basename(saveTarget), profiles, source: path.resolve(file), signal, onExisting: force || intoEmptyFolder ? 'replace' : 'refuse', exactName: true, flag: saveFlag });
      }
      const m = r.metrics;
      if (json) {
        process.stdout.write(JSON.stringify({
          accuracy: m.accuracy,
          macro_f1: m.macroF1,
          per_class: Object.fromEntries(m.perClass.map((c) => [c.label, { precision: c.precision, recall: c.recall, f1: c.f1, support: c.support }])),
          confusion: m.confusion,
          labels: r.classifier.labels,
          fit_seconds: r.fitSeconds,
          importance: r.importance
            ? {
                rows: r.importance.rows, repeats: r.importance.repeats, baseline_accuracy: r.importance.baseline, baseline_log_loss: r.importance.baselineLoss, seconds: r.importance.seconds,
                columns: r.importance.columns.map((c) => ({ column: c.column, accuracy_drop: c.drop, sd: c.sd, log_loss_rise: c.lossRise })),
              }
            : null,
          class_words: r.classWords ? Object.fromEntries(r.classWords.map((c) => [c.label, c.words])) : null,
          model: r.classifier.network.kind,
          candidates: r.candidates,
          features: r.classifier.features,
          excluded: r.excluded,
          train_rows: r.trainRows,
          test_rows: r.testRows,
          warnings: r.warnings,
          saved: saved ?? null,
        }) + '\n');
        return 0;
      }
      const out: string[] = [];
      out.push(`model: ${r.classifier.network.kind}${r.candidates.length > 1 ? ` (validation accuracy: ${candidatesText(r.candidates, (m) => m, pct)})` : ''}`);
      out.push(`features (${r.classifier.features.length}): ${r.classifier.features.join(', ')}`);
      for (const e of r.excluded) out.push(`  excluded ${e.name}: ${e.reason}`);
      out.push(`rows: ${r.trainRows} train, ${r.testRows} test; fit ${r.fitSeconds.toFixed(2)} s`);
      out.push(`accuracy ${pct(m.accuracy)}   macro-F1 ${pct(m.macroF1)}`);
      const w = Math.max(5, ...m.perClass.map((c) => c.label.length));
      out.push(`${'class'.padEnd(w)}  precision  recall     f1  support`);
      for (const c of m.perClass) out.push(`${c.label.padEnd(w)}  ${c.precision.toFixed(3).padStart(9)}  ${c.recall.toFixed(3).padStart(6)}  ${c.f1.toFixed(3).padStart(5)}  ${String(c.support).padStart(7)}`);
      if (m.perClass.length <= 12) {
        out.push('confusion (rows: true, columns: predicted):');
        out.push(`${''.padEnd(w)}  ${m.perClass.map((c) => c.label.slice(0, 8).padStart(8)).join(' ')}`);
        m.confusion.forEach((row, k) => out.push(`${m.perClass[k].label.padEnd(w)}  ${row.map((v) => String(v).padStart(8)).join(' ')}`));
      }
      if (r.importance) out.push(...importanceLines(r.importance));
      if (r.classWords) out.push(...classWordLines(r.classWords));
      for (const wn of r.warnings) out.push(`warning: ${wn}`);
      if (saved) out.push(`saved: ${saved}`);
      process.stdout.write(out.join('\n') + '\n');
      return 0;
    });
  } catch (e) {
    return fail(e);
  }
}

export async function runPredict(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, PREDICT_FLAGS);
    const { positional, flags } = args;
    if (flags.has('help')) { process.stdout.write(PREDICT_USAGE + '\n'); return 0; }
    if (positional.length !== 2) throw new UserError(`predict needs a classifier folder (or name) and a CSV file (got ${positional.length ? positional.join(' ') : 'none'}); see --help`);
    const [ref, csv] = positional;
    // A bare name is a classifier saved by `train --name` (.product-forge/classifiers/<name>).
    const modelDir = savedClassifierDir(ref) ?? ref;
    if (!existsSync(modelDir)) throw new UserError(`${ref}: no such classifier folder (give the folder \`train --save\` wrote, or a name under .product-forge/classifiers)`);
    const json = flags.has('json');
    const quiet = json || flags.has('quiet');
    const outArg = str(flags, 'out');
    if (outArg === '') throw new UserError('--out needs a file name (or - for standard output)');
    // --out - writes the CSV to standard output (and the summary to stderr)
    const toStdout = outArg === '-';
    const out = toStdout ? '-' : outArg ?? (await defaultPredictionsPath(csv));
    const device = deviceFlag(args);
    return await withSigint(async (signal) => {
      const bar = progress(quiet, 'predicting');
      let embedder: LoadedEmbedder | undefined;
      let r: Awaited<ReturnType<typeof predictFile>>;
      try {
        r = await predictFile(modelDir, csv, out, {
          force: flags.has('force'),
          signal,
          stream: toStdout ? process.stdout : undefined,
          onProgress: (_stage, d, t) => bar(d, t),
          embedderFor: async (model, sha256) => (embedder = await openEmbedder(str(flags, 'embedding-model') ?? model, flags, device, quiet, signal, sha256)),
        });
      } finally {
        await embedder?.dispose();
      }
      for (const w of r.warnings) printWarning(process.stderr, w);
      const summary = toStdout ? process.stderr : process.stdout;
      if (json) summary.write(JSON.stringify({ out: r.out, rows: r.rows, counts: r.counts, warnings: r.warnings }) + '\n');
      else summary.write(`wrote ${r.rows} predictions to ${toStdout ? 'standard output' : r.out} (${Object.entries(r.counts).map(([k, v]) => `${k}: ${v}`).join(', ')})\n`);
      return 0;
    });
  } catch (e) {
    return fail(e);
  }
}
