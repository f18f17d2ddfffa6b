// `product-forge analyze <file-or-folder…>`: sentiment, themes, aspects, trends of a feedback corpus,
// with the bundled local model. Markdown report to stdout by default.
import { existsSync, statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeFeedback, disposeAnalysis, OUTPUT_FORMATS, outputChunks, writeOutputFile, writeReport, type AnalysisResult, type AnalyzeProgress, type OutputFormat } from '../core/analysis';
import { assertOutputPath, assertWritableOutput, explainWriteError, pathExists, removeQuietly, type AccessFn } from '../core/fsutil';
import { delimiterName, openFeedbackInputs } from '../core/readers';
import type { DeviceSetting, SentimentClassifier } from '../core/types';
import type { RuntimeSentimentClassifier } from '../runtime/sentiment';
import { UserError } from '../core/types';
import { choice, numberFlag, parseArgs, stringFlag, type FlagSpec } from './args';
import { onStopSignals, printError, printWarning, reportFailure } from './errors';

export const DEFAULT_SENTIMENT_MODEL = 'product-forge/sentiment-en-zh';

export const ANALYZE_USAGE = `usage: product-forge analyze <file-or-folder…> [options]
  Reads .txt .md .csv .tsv .json .jsonl files (folders recursively) and reports sentiment, themes,
  mixed-feedback aspects, trends (date column), breakdowns (category columns) and rating agreement.
  --column NAME[,NAME…]    CSV/TSV column or JSON field with the text (default: detected); several,
                           comma-separated, are joined per row (e.g. --column title,review)
  --format md|csv|jsonl|json   output format (default: --out's extension when it is one of these, else md:
                           the Markdown report)
  --out, -o FILE           write the output to FILE (atomically; an existing file needs --force); - is stdout
  --force, -f              allow --out to replace an existing file
  --report-dir DIR         write a report folder (report.md, results.csv, summary.json, chart) under DIR;
                           then stdout gets the output only when --format or --out - is given
  --device auto|cpu|gpu    where the model runs (default auto)
  --model ID|DIR           sentiment model id or folder (default ${DEFAULT_SENTIMENT_MODEL}), or a
                           classifier saved by \`train --save DIR\` (or \`--name NAME\`: give NAME) that reads one
                           text column and predicts negative / positive (and optionally neutral), or ratings
                           (1-5, 0/1-10): your own labelled feedback
  --models-path DIR        folder of model folders searched before the bundled models (or PRODUCT_FORGE_MODELS_PATH)
  --low-confidence 0.6     items whose top score is below this are listed for review
  --two-way                negative or positive only, by P(negative) vs P(positive) (for data without a
                           neutral class, e.g. star ratings 1-2 vs 4-5); default: negative / neutral / positive
  --explain                every item gets the words that drove its label ("drivers" in jsonl/json,
                           a drivers column in csv; one more model input per word: several times slower).
                           Without it, only the items the report lists are explained
  --quiet, -q              no logs or progress on stderr`;

const SPEC: FlagSpec = {
  column: 'value', format: 'value', out: 'value', force: 'bool', 'report-dir': 'value', device: 'value', model: 'value',
  'models-path': 'value', 'low-confidence': 'value', explain: 'bool', 'two-way': 'bool', quiet: 'bool', help: 'bool',
};

export interface LoadedClassifier {
  classifier: SentimentClassifier;
  loadMs?: number;
  fallbackReason?: string;
  /** The folder the model or classifier was loaded from (never a place for output). */
  dir?: string;
  dispose(): Promise<void>;
}

export interface AnalyzeCliDeps {
  /** Loads the sentiment classifier (tests inject a deterministic one). Default: worker + bundled model. */
  loadClassifier?: (o: { model: string; modelsPath?: string; device: DeviceSetting; signal: AbortSignal; log: (level: 'info' | 'warn' | 'error', msg: string) => void }) => Promise<LoadedClassifier>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Aborts the run (default: SIGINT). */
  signal?: AbortSignal;
  /** How --out's and --report-dir's folders are checked for write access (default fs.promises.access; root ignores modes). */
  access?: AccessFn;
}

/**
 * What the model worker logs, as the CLI prints it: no info lines; the worker logs a failed request with its stack
 * (for the extension's output channel), but here that failure is the command's own one-line error, so it is left out,
 * and another error is its first line; PRODUCT_FORGE_DEBUG=1 prints them whole.
 */
export function workerLogForCli(log: (level: 'info' | 'warn' | 'error', msg: string) => void, debug = !!process.env.PRODUCT_FORGE_DEBUG): (level: 'info' | 'warn' | 'error', msg: string) => void {
  return (level, msg) => {
    if (level === 'info') return;
    if (level === 'error' && !debug) {
      if (/^\w+ failed: /.test(msg)) return;
      msg = msg.split('\n')[0];
    }
    log(level, msg);
  };
}

/** The default: resolve the model (folder, models path, bundled, cache), start the worker, load it. */
export async function loadRuntimeClassifier(o: Parameters<NonNullable<AnalyzeCliDeps['loadClassifier']>>[0]): Promise<LoadedClassifier> {
  const { resolveModel } = await import('../core/models/registry');
  const { ModelRuntime } = await import('../runtime/client');
  const { createSentimentClassifier } = await import('../runtime/sentiment');
  let modelId = o.model;
  let modelDir: string;
  let format: 'classifier' | undefined;
  const asDir = path.resolve(o.model);
  const { loadClassifier, savedClassifierDir } = await import('../core/train/artifact');
  const saved = savedClassifierDir(o.model);
  const isDir = existsSync(asDir) && statSync(asDir).isDirectory();
  if (saved) {
    // A classifier saved by `product-forge train --save` (or the Train view): checked before the worker starts.
    const { describeSentimentUse, sentimentUse } = await import('../core/train/sentiment');
    const c = await loadClassifier(saved);
    const use = sentimentUse(c);
    modelDir = saved;
    modelId = `classifier:${c.metadata.name}`;
    format = 'classifier';
    o.log('info', `saved classifier ${c.metadata.name} (${c.metadata.modelKind}, ${describeSentimentUse(use, c.metadata.labels)}) reads the text as "${use.textColumn}": ${saved}`);
    if (o.device === 'gpu') o.log('warn', 'a saved classifier runs on the CPU; --device gpu does not apply to it');
  } else if (isDir && existsSync(path.join(asDir, 'config.json'))) {
    modelDir = asDir;
    modelId = path.basename(asDir);
  } else if (isDir) {
    throw new UserError(`--model ${o.model} is a folder but neither a model (config.json, onnx/) nor a saved classifier (model.onnx, preprocessing.json, metadata.json)`);
  } else if (/^(\.|~|\/|[A-Za-z]:[\\/]|\\\\)/.test(o.model)) {
    throw new UserError(`--model ${o.model}: no such folder`);
  } else {
    const r = await resolveModel(o.model, {
      modelsPath: o.modelsPath ?? process.env.PRODUCT_FORGE_MODELS_PATH,
      bundledDir: path.resolve(__dirname, '..', 'models'),
      cacheDir: path.join(os.homedir(), '.cache', 'product-forge', 'models'),
      allowDownload: false,
      signal: o.signal,
    });
    modelDir = r.dir;
    o.log('info', `model ${o.model} from ${r.source}: ${r.dir}`);
  }
  const workerLog = workerLogForCli(o.log);
  const runtime = new ModelRuntime({ workerScript: path.join(__dirname, 'worker.js'), log: workerLog });
  try {
    const modelsPath = o.modelsPath ?? process.env.PRODUCT_FORGE_MODELS_PATH;
    const embedding = format
      ? { modelsPath, bundledDir: path.resolve(__dirname, '..', 'models'), cacheDir: path.join(os.homedir(), '.cache', 'product-forge', 'models'), device: o.device }
      : undefined;
    // its info lines (device, load time, why not the GPU) are the one line analyze prints once loaded
    const c = await createSentimentClassifier(runtime, { modelId, modelDir, device: o.device, log: workerLog, signal: o.signal, format, embedding });
    return {
      classifier: c,
      dir: modelDir,
      loadMs: c.loadResult.loadMs,
      fallbackReason: c.loadResult.fallbackReason,
      dispose: async () => {
        await c.dispose().catch(() => undefined);
        await runtime.dispose();
      },
    };
  } catch (e) {
    await runtime.dispose().catch(() => undefined);
    throw e;
  }
}

/** A classifier that can run the whole analysis job in the model worker (src/runtime/sentiment.ts). */
function isWorkerClassifier(c: SentimentClassifier): c is RuntimeSentimentClassifier {
  return typeof (c as Partial<RuntimeSentimentClassifier>).analyze === 'function';
}

function write(stream: NodeJS.WritableStream, s: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(s, (err) => (err ? reject(err) : resolve()));
  });
}

function fmtBytes(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

export async function runAnalyze(argv: string[], deps: AnalyzeCliDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const ac = new AbortController();
  // The worker's per-item temp file goes in a folder of this run's own, removed at the end whatever happened
  // (also when a cancel crosses a job that was just finishing).
  let tempDir: string | undefined;
  let reportWritten: string | undefined;
  const removeSignals = deps.signal ? () => undefined : onStopSignals((sig) => {
    if (sig !== 'EPIPE') stderr.write('\ncancelling… (press Ctrl+C again to quit at once)\n');
    ac.abort();
  }, () => { if (tempDir) removeQuietly(tempDir); }, stderr);
  if (deps.signal?.aborted) ac.abort();
  else deps.signal?.addEventListener('abort', () => ac.abort(), { once: true });
  const signal = ac.signal;

  let loaded: LoadedClassifier | undefined;
  let result: AnalysisResult | undefined;
  let quiet = false;
  const log = (level: 'info' | 'warn' | 'error', msg: string) => {
    if (level === 'error') printError(stderr, msg);
    else if (!quiet) level === 'warn' ? printWarning(stderr, msg) : stderr.write(`${msg}\n`);
  };
  try {
    const args = parseArgs(argv, SPEC);
    if (args.flags.has('help')) {
      await write(stdout, ANALYZE_USAGE + '\n');
      return 0;
    }
    quiet = args.flags.has('quiet');
    // Without --format, an --out file's extension picks it (results.csv, items.jsonl, summary.json, report.md).
    // `--out -` is stdout, as in predict and generate (not a file named "-")
    const toStdout = stringFlag(args, 'out') === '-';
    const out = toStdout ? undefined : stringFlag(args, 'out');
    const outExt = path.extname(out ?? '').slice(1).toLowerCase();
    const format = choice<OutputFormat>(args, 'format', OUTPUT_FORMATS, (OUTPUT_FORMATS as readonly string[]).includes(outExt) ? (outExt as OutputFormat) : 'md');
    if (outExt && !args.flags.has('format') && !(OUTPUT_FORMATS as readonly string[]).includes(outExt)) {
      throw new UserError(`--out ${stringFlag(args, 'out')}: .${outExt} is not an output format; name the file .md, .csv, .jsonl or .json, or give --format`);
    }
    const device = choice<DeviceSetting>(args, 'device', ['auto', 'cpu', 'gpu'], 'auto');
    const lowConfidence = numberFlag(args, 'low-confidence', 0.6, 0, 1);
    const force = args.flags.has('force');
    const reportDir = stringFlag(args, 'report-dir');
    const column = stringFlag(args, 'column');
    const model = stringFlag(args, 'model') ?? DEFAULT_SENTIMENT_MODEL;
    // jsonl/csv print only the per-item rows: no lists to explain unless every item is.
    const rowsOnly = (format === 'jsonl' || format === 'csv') && !reportDir;
    const explain = args.flags.has('explain') ? 'all' : rowsOnly ? 'none' : 'listed';
    const twoWay = args.flags.has('two-way');
    if (!args.positional.length) throw new UserError('analyze needs at least one file or folder; see --help');
    // an --out that cannot be written (a folder, under a file, a read-only or permission-denied folder, /proc or /sys)
    // is refused now, not after the whole analysis: one rule (assertWritableOutput) for every command's output
    if (out) await assertWritableOutput(out, '--out', deps.access, undefined, { fileName: `results.${format}` });
    if (reportDir && (await pathExists(reportDir)) && !statSync(reportDir).isDirectory()) throw new UserError(`--report-dir ${reportDir} is not a folder`);
    if (reportDir) await assertWritableOutput(path.join(reportDir, 'report'), '--report-dir', deps.access, undefined, { target: 'folder' });
    const outStat = out && existsSync(out) ? statSync(out) : undefined;
    if (outStat && !force) throw new UserError(`${out} already exists; choose another name or pass --force to replace it`);

    // Check the inputs before loading the model: bad input fails in milliseconds.
    // (files in a folder that cannot be read are skipped; the analysis warns about them)
    const { files, opened } = await openFeedbackInputs(args.positional, { column, signal, maxJsonBytes: undefined });
    // The output never replaces what is read (not even with --force): the inputs here, the model folder once found.
    if (out) await assertOutputPath(out, `--out ${out}`, { inputs: files });
    if (reportDir) await assertOutputPath(path.join(reportDir, 'report'), `--report-dir ${reportDir}`);
    const bytes = opened.reduce((a, f) => a + f.bytesTotal, 0);
    log('info', `reading ${opened.length} file${opened.length === 1 ? '' : 's'} (${fmtBytes(bytes)})`);
    // Which column of each table is read (and what else it found), before the model is loaded: a wrong pick shows at once.
    for (const f of opened) {
      if (!f.table || !f.textColumn) continue;
      const t = f.table;
      const what = t.format === 'json' || t.format === 'jsonl' ? 'field' : 'column';
      const roles = [t.dateColumn && !f.textColumns?.includes(t.dateColumn) ? `date ${JSON.stringify(t.dateColumn)}` : '', t.ratingColumn && !f.textColumns?.includes(t.ratingColumn) ? `rating ${JSON.stringify(t.ratingColumn)}` : ''].filter(Boolean);
      log('info', `${f.file}: text from the ${what}${(f.textColumns?.length ?? 0) > 1 ? 's' : ''} ${f.textColumns!.map((c) => JSON.stringify(c)).join(' + ')}${roles.length ? `; ${roles.join(', ')}` : ''} (${f.encoding}${t.delimiter ? `, ${delimiterName(t.delimiter)}-separated` : ''}${t.headerRows ? `, ${t.headerRows} header rows` : t.format.startsWith('json') ? '' : t.hasHeader ? ', first row read as the header' : ', no header row'})`);
    }

    const tLoad = Date.now();
    loaded = await (deps.loadClassifier ?? loadRuntimeClassifier)({ model, modelsPath: stringFlag(args, 'models-path'), device, signal, log });
    // the model or classifier folder (given, or found by id under --models-path or bundled) is read too
    if (loaded.dir && out) await assertOutputPath(out, `--out ${out}`, { readDirs: [loaded.dir] });
    if (loaded.dir && reportDir) await assertOutputPath(path.join(reportDir, 'report'), `--report-dir ${reportDir}`, { readDirs: [loaded.dir] });
    const c = loaded.classifier;
    log('info', `model ${c.modelId} on ${c.device} (loaded in ${loaded.loadMs ?? Date.now() - tLoad} ms)${loaded.fallbackReason ? `; GPU not used: ${loaded.fallbackReason}` : ''}`);

    const showProgress = !quiet && !!stderr.isTTY;
    let lastLine = 0;
    const onProgress = (p: AnalyzeProgress) => {
      if (!showProgress || Date.now() - lastLine < 250) return;
      lastLine = Date.now();
      const pct = p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 0;
      stderr.write(`\r${p.phase} ${pct}% · ${p.itemsDone} items`.padEnd(48));
    };
    const tAnalyze = Date.now();
    const base = args.positional.length === 1 ? path.basename(path.resolve(args.positional[0])) : 'feedback';
    const inputs = args.positional; // as given: sources in the output stay relative to the current folder
    let reportPath: string | undefined;
    if (isWorkerClassifier(c)) {
      // The default: the whole job runs in the model worker (no texts or scores cross threads).
      tempDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'product-forge-cli-'));
      const job = await c.analyze(
        // Rows only: skip themes and the clause pass they would not show.
        { inputs, column, lowConfidence, explain, twoWay, keepItems: true, itemsOnly: rowsOnly, tempDir, report: reportDir ? { workspaceDir: process.cwd(), baseName: base, reportsDir: path.resolve(reportDir) } : undefined },
        { signal, onProgress },
      );
      result = job.result;
      reportPath = job.report?.report;
    } else {
      result = await analyzeFeedback(inputs, { classifier: c, column, signal, onProgress, lowConfidence, explain, twoWay, log });
    }
    if (showProgress) stderr.write('\r'.padEnd(49) + '\r');
    const secs = (Date.now() - tAnalyze) / 1000;
    log('info', `${result.total} items in ${secs.toFixed(1)} s (${(result.total / Math.max(secs, 1e-3)).toFixed(1)} items/s) on ${c.device}`);

    if (reportDir && !reportPath) {
      const paths = await writeReport(result, { workspaceDir: process.cwd(), baseName: base, reportsDir: reportDir, signal });
      reportPath = paths.report;
    }
    reportWritten = reportPath;
    if (reportPath) log('info', `report written to ${reportPath}`);
    if (out) {
      await writeOutputFile(result, format, out, { overwrite: force, signal, markdown: { relativeTo: path.dirname(path.resolve(out)) } }).catch((e: unknown) => {
        throw explainWriteError(e, out, '--out');
      });
      log('info', `${format} written to ${out}`);
    } else if (!reportDir || args.flags.has('format') || toStdout) {
      for await (const chunk of outputChunks(result, format, { signal })) await write(stdout, chunk);
      if (format === 'md') await write(stdout, '\n');
    }
    return 0;
  } catch (e) {
    if (signal.aborted && reportWritten) {
      // cancelled after the report folder was written: "nothing was written" stays true
      await fsp.rm(path.dirname(reportWritten), { recursive: true, force: true }).catch(() => undefined);
    }
    return reportFailure(e, stderr, { aborted: signal.aborted, oneLine: true });
  } finally {
    if (result) await disposeAnalysis(result);
    if (loaded) await loaded.dispose().catch(() => undefined);
    if (tempDir) await fsp.rm(tempDir, { recursive: true, force: true }).catch(() => undefined);
    removeSignals(); // only now: a late copy of the same Ctrl+C must not cut the clean-up short
  }
}
