// Prediction with a saved classifier: preprocessing in JS (preprocessing.json), the network through
// onnxruntime-node (model.onnx). A file is streamed in row chunks (read, predicted, written, then the next), so
// memory stays bounded whatever its size; the output CSV is written atomically next to nothing the user owns.
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { assertOutputPath, assertWritableOutput, AtomicFileWriter, explainWriteError, pathExists, writeOrAbort, type AccessFn, type DrainableStream } from '../fsutil';
import { escapeFormula } from '../csvFormula';
import { keepOnnxRuntimeLocal } from '../ortPrivacy';
import { throwIfAborted, UserError } from '../types';
import { loadClassifier, type LoadedClassifier } from './artifact';
import { areGeneratedNames, csvField, matchRespelledColumns, normalizedColumns, readTableChunks, respelledColumnWarnings, tableDecimalComma, tableFromRecords, type Table } from './csv';
import { ONNX_INPUT, ONNX_PROBABILITIES } from './onnx';
import { embedColumns, embeddingColumns, type TextEmbedder } from './embed';
import { describeInputIssues, Preprocessor, type InputIssues } from './preprocess';
import { csrToDense } from './sparse';

type Ort = typeof import('onnxruntime-node');
let ortPromise: Promise<Ort> | undefined;
function ort(): Promise<Ort> {
  keepOnnxRuntimeLocal();
  ortPromise ??= import('onnxruntime-node').then((m) => ((m as unknown as { default?: Ort }).default?.InferenceSession ? (m as unknown as { default: Ort }).default : m));
  return ortPromise;
}

export interface Prediction {
  label: string;
  confidence: number;
  probabilities: number[];
}

/** A saved classifier ready to predict: preprocessing + an onnxruntime session. */
export class OnnxClassifier {
  private constructor(
    readonly loaded: LoadedClassifier,
    readonly pre: Preprocessor,
    private readonly session: import('onnxruntime-node').InferenceSession,
    private readonly ortMod: Ort,
    /** The text embedding model, for classifiers trained with embedding text features. */
    readonly embedder?: TextEmbedder,
  ) {}

  /**
   * `embedderFor` loads the text embedding model a classifier names (called only for classifiers trained
   * with embeddings; a UserError from it explains what to install).
   */
  static async load(dir: string, opts: { embedderFor?: (model: string, sha256: string) => Promise<TextEmbedder> } = {}): Promise<OnnxClassifier> {
    const loaded = await loadClassifier(dir);
    const emb = embeddingColumns(loaded.preprocessing);
    let embedder: TextEmbedder | undefined;
    if (emb.length) {
      if (!opts.embedderFor) throw new UserError(`${dir} reads its text through the embedding model ${emb[0].model}, and no embedding model can be loaded here`);
      embedder = await opts.embedderFor(emb[0].model, emb[0].sha256);
    }
    const o = await ort();
    let session: import('onnxruntime-node').InferenceSession;
    try {
      session = await o.InferenceSession.create(loaded.modelPath, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    } catch (e) {
      throw new UserError(`${loaded.modelPath} could not be loaded by onnxruntime (${(e as Error).message.split('\n')[0]})`);
    }
    return new OnnxClassifier(loaded, new Preprocessor(loaded.preprocessing), session, o, embedder);
  }

  get labels(): string[] {
    return this.loaded.metadata.labels;
  }

  /**
   * Rows predictProba gives onnxruntime at a time (dense input batches of at most ~4M floats). A file predicted in
   * chunks of a multiple of this many rows runs the very same batches as the whole file at once.
   */
  get batchRows(): number {
    return Math.max(1, Math.min(4096, Math.floor(4_000_000 / Math.max(this.pre.nFeatures, 1))));
  }

  /** Probabilities (rows x classes) for every row of a table whose feature columns are normalised. */
  async predictProba(table: Table, signal?: AbortSignal, onProgress?: (done: number, total: number) => void, issues?: InputIssues): Promise<Float32Array> {
    const K = this.labels.length;
    const D = this.pre.nFeatures;
    const out = new Float32Array(table.rowCount * K);
    const batch = this.batchRows;
    for (let start = 0; start < table.rowCount; start += batch) {
      throwIfAborted(signal);
      const end = Math.min(table.rowCount, start + batch);
      const idx = Array.from({ length: end - start }, (_, i) => start + i);
      const embedded = this.pre.usesEmbeddings ? await embedColumns(this.pre.spec, [{ table, rows: idx }], this.embedder, { signal }) : undefined;
      const X = this.pre.transform(table, idx, signal, embedded, issues);
      const dense = csrToDense(X);
      const feeds = { [ONNX_INPUT]: new this.ortMod.Tensor('float32', dense, [end - start, D]) };
      const res = await this.session.run(feeds, [ONNX_PROBABILITIES]);
      out.set(res[ONNX_PROBABILITIES].data as Float32Array, start * K);
      onProgress?.(end, table.rowCount);
    }
    return out;
  }

  /** Predicts rows given as column -> value records (a typed row, or one text). */
  async predictRecords(records: Record<string, string>[]): Promise<Prediction[]> {
    const cols = this.pre.inputColumns;
    const missing = cols.filter((c) => !records.every((r) => c in r));
    if (missing.length) throw new UserError(`values are needed for: ${missing.join(', ')}`);
    const t = tableFromRecords(cols, records.map((r) => cols.map((c) => String(r[c] ?? ''))));
    const p = await this.predictProba(t);
    return toPredictions(p, this.labels);
  }

  async dispose(): Promise<void> {
    await this.session.release?.();
  }
}

export function toPredictions(p: ArrayLike<number>, labels: string[]): Prediction[] {
  const K = labels.length;
  const out: Prediction[] = [];
  for (let r = 0; r < p.length / K; r++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (p[r * K + k] > p[r * K + best]) best = k;
    const probabilities = Array.from({ length: K }, (_, k) => p[r * K + k]);
    out.push({ label: labels[best], confidence: probabilities[best], probabilities });
  }
  return out;
}

export interface PredictFileOptions {
  /** Replace `out` if it exists (default: refuse). */
  force?: boolean;
  signal?: AbortSignal;
  /**
   * Progress of the whole job: the file is read, predicted and written chunk by chunk, so predictFile reports stage
   * 'predicting' with the bytes of the input done and its size, after each chunk is written (and once more at the
   * end with done = total). Reading and writing happen within that stage, so it is the only one.
   */
  onProgress?: (stage: 'predicting', done: number, total: number) => void;
  /** Loads the embedding model of a classifier trained with embeddings (OnnxClassifier.load). */
  embedderFor?: (model: string, sha256: string) => Promise<TextEmbedder>;
  /**
   * Most rows a file may have (default: no limit, memory does not depend on the length of the file); a longer file is
   * refused and no output file is left (with `stream`, what was written to it stays written).
   */
  maxRows?: number;
  /**
   * Rows read, predicted and written at a time (default: the classifier's batchRows, so the batches are those of a
   * whole-file prediction and the output is the same byte for byte; tests use small chunks).
   */
  chunkRows?: number;
  /** Write the CSV here (e.g. stdout for `--out -`) instead of the file `out`, which is then only a name. */
  stream?: DrainableStream;
  /** The write-access check of the output folder (tests; default fs.promises.access). */
  access?: AccessFn;
  /** The option that names the output in messages (default '--out'). */
  outFlag?: string;
  /** What to do when the output's folder cannot be written (default: choose another outFlag). */
  writeAdvice?: string;
}

export interface PredictFileResult {
  out: string;
  rows: number;
  counts: Record<string, number>;
  columns: { prediction: string; confidence: string };
  /** Values the classifier could not read as trained (describeInputIssues), one line per column and kind. */
  warnings: string[];
}

/** Output files being written (their temp files): Ctrl+C pressed twice ends the process at once, and they go with it. */
const unfinished = new Set<AtomicFileWriter>();
let exitHook = false;
function dropTempsOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const w of unfinished) {
      try {
        fs.unlinkSync(w.tempPath);
      } catch {
        /* already gone */
      }
    }
  });
}

/** Output names of other formats than CSV, which predict refuses rather than fill with CSV text. */
const NOT_CSV_EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson', '.md', '.markdown', '.xlsx', '.xlsm', '.xls', '.ods', '.parquet', '.html', '.htm', '.pdf', '.onnx', '.arff']);

/** `<dir>/<base>.predictions.csv`, or `<base>.predictions-2.csv`, ... : the first name not taken. */
export async function defaultPredictionsPath(csv: string): Promise<string> {
  const dir = path.dirname(csv);
  const base = path.basename(csv).replace(/\.[^.]+$/, '');
  for (let n = 1; n < 10000; n++) {
    const p = path.join(dir, `${base}.predictions${n === 1 ? '' : `-${n}`}.csv`);
    if (!(await pathExists(p))) return p;
  }
  throw new UserError(`no free output name next to ${csv}`);
}

/** Predicts every row of `csv` and writes a new CSV: the input columns + prediction + confidence. */
export async function predictFile(model: OnnxClassifier | string, csv: string, out: string, opts: PredictFileOptions = {}): Promise<PredictFileResult> {
  const flag = opts.outFlag ?? '--out';
  if (!opts.stream) {
    // never onto the input, nor into the classifier's own folder (it would replace the model being used)
    await assertOutputPath(out, `${flag} ${out}`, { inputs: [csv], readDirs: typeof model === 'string' ? [model] : [] });
    // the output is CSV text: a name that promises another format would hold CSV a program then fails to open
    const ext = path.extname(out).toLowerCase();
    if (NOT_CSV_EXTENSIONS.has(ext)) {
      throw new UserError(`predict writes CSV (the input's columns plus prediction and confidence), not ${ext.slice(1).toUpperCase()}; give ${flag} a .csv name (e.g. ${out.slice(0, out.length - ext.length)}.csv)`);
    }
    // a folder that cannot be written is found now, not after the predictions
    await assertWritableOutput(out, flag, opts.access, opts.writeAdvice, { fileName: 'predictions.csv' });
  }
  const clf = typeof model === 'string' ? await OnnxClassifier.load(model, { embedderFor: opts.embedderFor }) : model;
  if (!opts.stream) {
    const absOut = path.resolve(out);
    const outStat = await fsp.stat(absOut).catch(() => undefined);
    if (outStat?.isDirectory()) throw new UserError(`${flag} ${out} is a folder; give a file name (e.g. ${path.join(out, 'predictions.csv')})`);
    if (!opts.force && outStat) throw new UserError(`${out} already exists; choose another ${flag} or pass --force to replace it`);
  }
  const need = clf.pre.inputColumns;
  const maxRows = opts.maxRows;
  const stream = opts.stream;
  const signal = opts.signal;
  // A classifier trained on a file without a header reads columns c0, c1, ...: a file of the same kind (whose first
  // row names none of them) is read without a header too, so its first row is data. The dialect, the header and the
  // file's number format (decimal comma) are decided from the start of the file before the first row, as readTable does.
  // Chunks of whole batches (about 8,192 rows), so onnxruntime runs the very batches of a whole-file prediction.
  const batchRows = clf.batchRows;
  const chunks = readTableChunks(csv, { signal, keepRaw: true, minColumns: 1, maxRows, expectColumns: need, chunkRows: opts.chunkRows ?? batchRows * Math.max(1, Math.floor(8192 / batchRows)) });
  const issues: InputIssues = new Map();
  const counts: Record<string, number> = {};
  let rows = 0;
  let columns: string[] | undefined;
  let predCol = 'prediction', confCol = 'confidence';
  let readWarnings: string[] = [];
  /** The file's names of the classifier's columns it spells differently ('sex ' for 'Sex'): file name -> classifier name. */
  let renamed = new Map<string, string>();
  let w: AtomicFileWriter | undefined;
  const write = async (s: string) => {
    try {
      await (stream ? writeOrAbort(stream, s, signal) : w!.write(s));
    } catch (e) {
      throw explainWriteError(e, out, flag);
    }
  };
  try {
    for await (const chunk of chunks) {
      throwIfAborted(signal);
      const raw = chunk.table;
      const d = raw.dialect.delimiter;
      const decimalComma = tableDecimalComma(raw);
      // Cells are copied as the input wrote them. A user's own CSV is not escaped (its cells are the user's, and a
      // spreadsheet reads them the same in either file). Files Product Forge wrote escaped (results, the labels file:
      // csvFormula.ts) were read with the escape dropped, which is put back, so the copy stays as safe as its input: a
      // results copy's header begins as its input's, and the labels file's predictions at their default place beside
      // it are known by that place, so both read back unescaped; elsewhere a formula-like text keeps its apostrophe.
      const cell = raw.formulaEscaped ? escapeFormula : (v: string) => v;
      if (!columns) {
        // the header is known from the first chunk: a file without the classifier's columns is refused before any output
        renamed = matchRespelledColumns(need, raw.columns);
        const missing = clf.pre.missingColumns(raw.columns.map((c) => renamed.get(c) ?? c));
        if (missing.length) {
          const headerless = !raw.dialect.hasHeader && areGeneratedNames(need);
          throw new UserError(`${csv} lacks column(s) the classifier was trained on: ${missing.join(', ')}. It has: ${raw.columns.slice(0, 30).join(', ')}. ${headerless
            ? `It was read without a header row, like the classifier's training file: give every column of the training file, in its order (the target's column may be left empty).`
            : 'Rename the columns or use a file with the same layout as the training data.'}`);
        }
        columns = raw.columns;
        const taken = new Set(columns);
        const free = (n: string) => { let u = n, k = 2; while (taken.has(u)) u = `${n}_${k++}`; taken.add(u); return u; };
        predCol = free('prediction');
        confCol = free('confidence');
        if (!stream) {
          try {
            w = await AtomicFileWriter.create(out, { overwrite: !!opts.force });
          } catch (e) {
            throw explainWriteError(e, out, flag);
          }
          unfinished.add(w);
          dropTempsOnExit();
        }
        // a file with a byte-order mark or in another encoding than UTF-8 (Excel's exports) gets a UTF-8 one: a
        // spreadsheet then reads the accents of the copied cells as it read the input's
        if (!stream && raw.encoding && (raw.encoding.bom || raw.encoding.name !== 'utf-8')) await write('\ufeff');
        // a file without a header row gets one: its columns' generated names
        await write([...columns, predCol, confCol].map((c) => csvField(cell(c), d)).join(d) + '\n');
      }
      if (chunk.last && raw.truncated) {
        throw new UserError(`${csv} has more than ${maxRows!.toLocaleString('en-US')} rows, the most predict reads from one file; split it into smaller files and predict each (${stream ? 'the output is incomplete' : 'nothing was written'})`);
      }
      if (raw.rowCount) {
        const proba = await clf.predictProba(normalizedColumns(renamed.size ? { ...raw, columns: raw.columns.map((c) => renamed.get(c) ?? c) } : raw, need), signal, undefined, issues);
        const preds = toPredictions(proba, clf.labels);
        const lines: string[] = [];
        for (let r = 0; r < raw.rowCount; r++) {
          const cells = raw.data.map((col) => csvField(cell(col[r]), d));
          const conf = preds[r].confidence.toFixed(4);
          // written in the file's own number format: a ';' file of decimal commas gets 0,9363, as a spreadsheet there reads it
          cells.push(csvField(cell(preds[r].label), d), decimalComma ? conf.replace('.', ',') : conf);
          counts[preds[r].label] = (counts[preds[r].label] ?? 0) + 1;
          lines.push(cells.join(d));
        }
        throwIfAborted(signal);
        await write(lines.join('\n') + '\n');
        rows += raw.rowCount;
      }
      if (chunk.last) readWarnings = raw.warnings;
      opts.onProgress?.('predicting', chunk.bytesDone, chunk.bytesTotal);
    }
    // What needs the whole file (an unclosed quote, too many ragged rows, the row limit) fails after some rows were
    // written: into the temp file, which is then removed. Only `stream` (--out -) has already passed them on.
    try {
      await w?.commit();
    } catch (e) {
      throw explainWriteError(e, out, flag);
    }
  } catch (e) {
    await w?.abort();
    // with --out -, what the end of the file refuses (ragged rows, an unclosed quote) comes after rows already sent
    if (stream && rows && e instanceof UserError && !/output is incomplete/.test(e.message)) {
      throw new UserError(`${e.message} The ${rows.toLocaleString('en-US')} rows before it were already written to standard output, so that output is incomplete.`);
    }
    throw e;
  } finally {
    if (w) unfinished.delete(w);
  }
  return { out, rows, counts, columns: { prediction: predCol, confidence: confCol }, warnings: [...readWarnings.map((w) => `${path.basename(csv)}: ${w}`), ...respelledColumnWarnings(renamed), ...describeInputIssues(issues)] };
}
