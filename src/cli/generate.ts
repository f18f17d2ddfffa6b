// `product-forge generate prd|copy|personas --brief FILE [--evidence FILE|DIR ...] [--backend local|openai-compatible|template]
//   [--options JSON] [--out FILE [--force]] [--model ID|DIR [--download]] [--endpoint URL] [--models-path DIR] [--max-new-tokens N]`
// Streams the Markdown document to stdout or atomically into --out. API key: env PRODUCT_FORGE_API_KEY.
import { existsSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertOutputPath, assertWritableOutput, atomicWriteFile, AtomicFileWriter, isInside, realPathOf, writeOrAbort } from '../core/fsutil';
import { productForgeOutputKind } from '../core/readers';
import {
  BACKEND_KINDS,
  BackendUnavailableError,
  DOC_KINDS,
  generateDocument,
  HttpError,
  IncompleteOutputError,
  LocalGenerator,
  loadEvidence,
  normalizeChannel,
  normalizeFramework,
  OpenAICompatibleGenerator,
  parseBrief,
  readTextFile,
  type BackendKind,
  type DocKind,
  type GenerateOptions,
  type TextGenerator,
} from '../core/generate';
import { CancelledError, UserError } from '../core/types';
import { EXIT, isStdoutClosed, onStopSignals, printError, printWarning, reportFailure } from './errors';

const USAGE = `usage: product-forge generate prd|copy|personas --brief FILE [--evidence FILE|DIR ...]
  [--backend local|openai-compatible|template] [--options JSON] [--out FILE|- [--force]] [-q]
  [--model ID|DIR] [--download] [--endpoint URL] [--models-path DIR] [--max-new-tokens N]
options JSON: {"audience","tone","channel":"landing-page|app-store|email|social-post","framework":"AIDA|PAS|FAB|BAB","variants":N,"count":N|"auto","seed":N,"temperature":T}
  single options as flags: --audience A --tone T --channel C --framework F --variants N --personas N|auto (= "count")
--force, -f: replace an existing --out file (never with an incomplete document: when the language model stops mid-answer,
  --out is left as it was and the partial document, marked incomplete, is saved beside it as NAME.incomplete.EXT:
  prd.incomplete.md for --out prd.md)
--quiet, -q: no evidence notes, download progress or "wrote FILE" on stderr
backend: local by default (onnx-community/Qwen2.5-0.5B-Instruct when installed, or --model); when neither --backend nor --model
  is given and no local model is installed, the document is written with the template backend (said on stderr)
--download: a local model that is not installed is downloaded from the Hugging Face hub (the flag is the consent):
  its config and tokenizer files and one ONNX variant (the smaller of q4 and q8, else fp32), each verified against the hub's
  sha256 / git sha1, into ~/.cache/product-forge/models/<owner>/<name>; progress on stderr (not with -q)
env: PRODUCT_FORGE_API_KEY (openai-compatible), PRODUCT_FORGE_MODELS_PATH (local models folder),
  PRODUCT_FORGE_HUB_URL (a Hugging Face hub mirror for --download)`;

const DEFAULT_LOCAL_MODEL = 'onnx-community/Qwen2.5-0.5B-Instruct';
const DEFAULT_ENDPOINT = 'http://localhost:11434/v1';
const DEFAULT_REMOTE_MODEL = 'llama3.2';

interface Args {
  kind: DocKind;
  brief: string;
  evidence: string[];
  backend: BackendKind;
  /** --backend was given (else the default, local, may fall back to template). */
  backendGiven?: boolean;
  options: GenerateOptions;
  out?: string;
  force: boolean;
  quiet?: boolean;
  model?: string;
  endpoint: string;
  modelsPath?: string;
  /** --download: a local model that is not installed may be downloaded (the flag is the consent). */
  download?: boolean;
}

/** The options without a value. */
const SWITCHES = new Set(['--force', '--quiet', '--download']);

function parseArgs(argv: string[], warnings: string[] = []): Args {
  const [kind, ...given] = argv;
  // --flag=value is --flag value, as in the other commands: the value after '=' is one even when it starts with '-'
  // ("--brief=-notes.md"), and a switch takes true/false there ("--force=true")
  const inline = new Set<number>();
  const rest: string[] = [];
  for (const f of given) {
    const m = /^(--[a-z-]+)=(.*)$/s.exec(f);
    if (!m) rest.push(f);
    else if (SWITCHES.has(m[1]) && /^(true|false)$/i.test(m[2])) { if (/^true$/i.test(m[2])) rest.push(m[1]); }
    else { rest.push(m[1]); inline.add(rest.length); rest.push(m[2]); }
  }
  if (!kind) throw new UserError('generate needs a document: prd, copy or personas; see --help');
  if (!(DOC_KINDS as string[]).includes(kind)) throw new UserError(`unknown document "${kind}": use prd, copy or personas; see --help`);
  const a: Partial<Args> & { evidence: string[]; options: GenerateOptions } = { kind: kind as DocKind, evidence: [], options: {}, force: false, backend: 'local', endpoint: DEFAULT_ENDPOINT };
  const need = (i: number, flag: string) => {
    const v = rest[i + 1];
    if (v === undefined || (v.startsWith('-') && v !== '-' && !inline.has(i + 1))) throw new UserError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < rest.length; i++) {
    const f = rest[i];
    switch (f) {
      case '--brief': a.brief = need(i++, f); break;
      case '--evidence':
        a.evidence.push(need(i++, f));
        while (rest[i + 1] !== undefined && !rest[i + 1].startsWith('-')) a.evidence.push(rest[++i]);
        break;
      case '--backend': {
        const b = need(i++, f);
        if (!(BACKEND_KINDS as string[]).includes(b)) throw new UserError(`unknown backend "${b}": use local, openai-compatible or template`);
        a.backend = b as BackendKind;
        a.backendGiven = true;
        break;
      }
      case '--options': {
        const raw = need(i++, f);
        let o: unknown;
        try {
          o = JSON.parse(raw);
        } catch {
          throw new UserError(`--options is not valid JSON: ${raw}`);
        }
        if (!o || typeof o !== 'object' || Array.isArray(o)) throw new UserError('--options must be a JSON object');
        Object.assign(a.options, normalizeOptions(o as Record<string, unknown>, (m) => warnings.push(m)));
        break;
      }
      case '--out': {
        const o = need(i++, f);
        a.out = o === '-' ? undefined : o; // '-': stdout, the default
        break;
      }
      case '--force': case '-f': a.force = true; break;
      case '--quiet': case '-q': a.quiet = true; break;
      case '--model': a.model = need(i++, f); break;
      case '--endpoint': a.endpoint = need(i++, f); break;
      case '--models-path': a.modelsPath = need(i++, f); break;
      case '--download': a.download = true; break;
      case '--max-new-tokens': a.options.maxNewTokens = positiveInt(need(i++, f), f); break;
      case '--channel': case '--framework': case '--tone': case '--audience': case '--variants': case '--personas':
        Object.assign(a.options, normalizeOptions({ [f === '--personas' ? 'count' : f.slice(2)]: need(i++, f) }, (m) => warnings.push(m)));
        break;
      default:
        throw new UserError(`unknown option ${f}; see --help`);
    }
  }
  if (!a.brief) throw new UserError('--brief FILE is required (the brief the document is drafted from); see --help');
  return a as Args;
}

function positiveInt(v: unknown, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${name} must be a positive integer (got ${String(v)})`);
  return n;
}

/** Checks and normalizes --options (and the single-option flags); `warn` hears about values brought into range. */
export function normalizeOptions(o: Record<string, unknown>, warn: (message: string) => void = () => undefined): GenerateOptions {
  const out: GenerateOptions = {};
  if (o.audience !== undefined) out.audience = String(o.audience);
  if (o.tone !== undefined) out.tone = String(o.tone).toLowerCase();
  if (o.channel !== undefined) {
    const c = normalizeChannel(String(o.channel));
    if (!c) throw new UserError(`unknown channel "${String(o.channel)}": use landing-page, app-store, email or social-post`);
    out.channel = c;
  }
  if (o.framework !== undefined) {
    const f = normalizeFramework(String(o.framework));
    if (!f) throw new UserError(`unknown framework "${String(o.framework)}": use AIDA, PAS, FAB or BAB`);
    out.framework = f;
  }
  const atMost = (name: string, n: number, max: number, what: string) => {
    if (n > max) warn(`${name} ${n} is more than ${max}: ${max} ${what} are written`);
    return Math.min(max, n);
  };
  if (o.variants !== undefined) out.variants = atMost('variants', positiveInt(o.variants, 'variants'), 10, 'variants');
  if (o.count !== undefined) out.count = o.count === 'auto' ? 'auto' : atMost('count', positiveInt(o.count, 'count'), 6, 'personas');
  if (o.seed !== undefined) {
    const n = typeof o.seed === 'string' && o.seed.trim() !== '' ? Number(o.seed) : o.seed;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new UserError(`seed must be a whole number of 0 or more (got ${JSON.stringify(o.seed)})`);
    out.seed = n;
  }
  if (o.temperature !== undefined) {
    const n = typeof o.temperature === 'string' && o.temperature.trim() !== '' ? Number(o.temperature) : o.temperature;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 2) throw new UserError(`temperature must be a number from 0 to 2 (got ${JSON.stringify(o.temperature)})`);
    out.temperature = n;
  }
  if (o.maxNewTokens !== undefined) out.maxNewTokens = positiveInt(o.maxNewTokens, 'maxNewTokens');
  return out;
}

function alternatives(backend: BackendKind): string {
  const alt: Record<BackendKind, string> = {
    local: '--backend openai-compatible --endpoint URL',
    'openai-compatible': '--backend local --model ID',
    template: '',
  };
  return `try ${[alt[backend], '--backend template'].filter(Boolean).join(' or ')}`;
}

function workerScript(): string {
  const candidates = [process.env.PRODUCT_FORGE_WORKER, path.join(__dirname, 'worker.js'), path.resolve(__dirname, '..', '..', 'dist', 'worker.js')];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) throw new BackendUnavailableError('The model worker (dist/worker.js) is missing: run `npm run build`', 'local');
  return found;
}

async function localBackend(args: Args, signal: AbortSignal, cleanup: (fn: () => Promise<void>) => void): Promise<TextGenerator> {
  const id = args.model ?? DEFAULT_LOCAL_MODEL;
  let dir: string;
  let modelId = id;
  const asDir = path.resolve(id);
  if (existsSync(path.join(asDir, 'config.json')) && statSync(asDir).isDirectory()) {
    dir = asDir;
    modelId = path.basename(asDir);
  } else if (/^(\.|~|\/|[A-Za-z]:[\\/]|\\\\)/.test(id) || (existsSync(asDir) && statSync(asDir).isDirectory())) {
    // a path, not an id
    throw new UserError(existsSync(asDir) ? `--model ${id} is not a model folder (no config.json): a text-generation model in the Hugging Face layout has config.json, tokenizer.json and onnx/` : `--model ${id}: no such folder`);
  } else {
    const { resolveModel, ModelNotInstalledError } = await import('../core/models/registry');
    const cacheDir = path.join(os.homedir(), '.cache', 'product-forge', 'models');
    const modelsPath = args.modelsPath ?? process.env.PRODUCT_FORGE_MODELS_PATH;
    const progress = downloadProgress(!!args.quiet);
    try {
      const r = await resolveModel(id, {
        modelsPath,
        bundledDir: path.resolve(__dirname, '..', 'models'),
        cacheDir,
        task: 'text-generation',
        allowDownload: !!args.download,
        // --download is the consent: say what comes, from where, and where it goes
        confirmDownload: async (e) => {
          progress.start(e, path.join(cacheDir, ...id.split('/')));
          return true;
        },
        onProgress: progress.update,
        signal,
      });
      progress.end();
      dir = r.dir;
    } catch (e) {
      progress.end();
      if (e instanceof ModelNotInstalledError && e.downloadFrom && !args.download) {
        throw new BackendUnavailableError(
          `No local model "${id}" found (not in --models-path${modelsPath ? ` ${modelsPath}` : ''} or ${path.join(cacheDir, ...id.split('/'))}); ` +
            `pass --download to download it from the Hugging Face hub, or --models-path DIR with a folder that has it`,
          'local',
        );
      }
      if (e instanceof UserError) {
        const why = e.message.replace(/\s+/g, ' ');
        throw new BackendUnavailableError(args.download ? `Could not get the local model "${id}": ${why.replace(/\.$/, '')}` : `No local model "${id}" found (${why})`, 'local');
      }
      throw e;
    }
  }
  const { ModelRuntime } = await import('../runtime/client');
  const runtime = new ModelRuntime({ workerScript: workerScript(), log: (level, msg) => level === 'error' ? printError(process.stderr, msg) : level === 'warn' && printWarning(process.stderr, msg) });
  cleanup(() => runtime.dispose());
  await runtime.request('load', { modelId, modelDir: dir, task: 'text-generation', device: 'cpu' }, { signal });
  return new LocalGenerator(runtime, modelId);
}

/** --download's lines on stderr: what is downloaded, then each file's progress (at most every 2 s); nothing with -q. */
function downloadProgress(quiet: boolean): {
  start: (e: { id: string; files: { path: string; size: number }[]; url?: string; source?: string; onnx?: unknown; dtype?: string }, dir: string) => void;
  update: (file: string, loaded: number, total: number) => void;
  end: () => void;
} {
  const out = (s: string) => { if (!quiet) process.stderr.write(s); };
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const tty = !!process.stderr.isTTY;
  let last = 0;
  let current = '';
  let open = false;
  return {
    start: (e, dir) => {
      const total = e.files.reduce((s, f) => s + f.size, 0);
      let host = 'huggingface.co';
      try {
        if (e.url) host = new URL(e.url).host;
      } catch {
        /* the default */
      }
      const what = typeof e.onnx === 'string' ? `${e.onnx} (${e.dtype}) and ${e.files.length - 1} config/tokenizer files` : `${e.files.length} files`;
      out(`product-forge: downloading ${e.id} from ${host}: ${what}, ${mb(total)} MB, each file verified, into ${dir}\n`);
    },
    update: (file, loaded, total) => {
      const now = Date.now();
      const done = loaded >= total;
      if (file === current && !done && now - last < 2000) return;
      if (file !== current && !done && total < 1e6) return; // small files: one line when done
      current = file;
      last = now;
      const line = `product-forge: downloading ${file}: ${mb(loaded)} / ${mb(total)} MB${done ? ' done' : ''}`;
      if (tty) {
        out(`\r${line}\x1b[K${done ? '\n' : ''}`);
        open = !done;
      } else out(`${line}\n`);
    },
    end: () => {
      if (open) out('\n');
      open = false;
    },
  };
}

export async function runGenerate(argv: string[]): Promise<number> {
  const ac = new AbortController();
  const removeSignals = onStopSignals((sig) => {
    if (sig !== 'EPIPE') process.stderr.write('\ncancelling… (press Ctrl+C again to quit at once)\n');
    ac.abort();
  });
  let quiet = false;
  const warn = (m: string) => printWarning(process.stderr, m);
  const note = (m: string) => { if (!quiet) process.stderr.write(`product-forge: note: ${m}\n`); };
  const cleanups: (() => Promise<void>)[] = [];
  let writer: AtomicFileWriter | undefined;
  let args: Args | undefined;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const optionWarnings: string[] = [];
    args = parseArgs(argv, optionWarnings);
    quiet = !!args.quiet;
    for (const w of optionWarnings) warn(w);
    let existed = false;
    if (args.out) {
      // the document never replaces the brief or the evidence it is drafted from (not even with --force); a document
      // generate wrote earlier into an evidence folder is not read as evidence, so it may be replaced
      const evidenceDirs = args.evidence.filter((e) => existsSync(e) && statSync(e).isDirectory());
      const outReal = await realPathOf(args.out);
      existed = existsSync(args.out);
      const inFolder = existed && (await Promise.all(evidenceDirs.map(realPathOf))).some((d) => isInside(d, outReal));
      if (inFolder && (await productForgeOutputKind(args.out)) !== 'a generated document') {
        throw new UserError(`--out ${args.out} is evidence being read (it is in ${evidenceDirs.join(', ')}); an input is never modified: choose another name`);
      }
      await assertOutputPath(args.out, `--out ${args.out}`, { inputs: [args.brief, ...args.evidence] });
      // a folder, or a place no file can be created in (read-only, no permission, /proc), is refused before any model loads
      await assertWritableOutput(args.out, '--out', undefined, undefined, { fileName: `${args.kind}.md` });
      // an existing file without --force is refused now, not after the model has loaded and the document is drafted
      if (existed && !args.force && statSync(args.out).isFile()) throw new UserError(`${args.out} already exists; choose another name or pass --force to replace it`);
      if (!/\.(md|markdown|mdx|txt)$/i.test(args.out)) warn(`the document is Markdown: ${args.out} will hold Markdown whatever its extension (name it .md to open it as such)`);
    }
    const brief = parseBrief(await readTextFile(args.brief));
    const evidence = await loadEvidence(args.evidence, { signal: ac.signal });
    for (const n of evidence.notes ?? []) note(n);
    let backend: TextGenerator | 'template' = 'template';
    if (args.backend === 'openai-compatible') {
      backend = new OpenAICompatibleGenerator({ endpoint: args.endpoint, model: args.model ?? DEFAULT_REMOTE_MODEL, apiKey: process.env.PRODUCT_FORGE_API_KEY || undefined });
    } else if (args.backend === 'local') {
      try {
        backend = await localBackend(args, ac.signal, (fn) => cleanups.push(fn));
      } catch (e) {
        // Nothing asked for a model: a first run without one still gets the evidence-based document.
        if (!(e instanceof BackendUnavailableError) || args.backendGiven || args.model || args.download) throw e;
        process.stderr.write(
          `product-forge: note: ${e.message}; writing with the template backend (the evidence, quotes and counts, no drafted prose). ` +
            `For drafted prose: --backend local --model DIR, or --backend openai-compatible --endpoint URL.\n`,
        );
      }
    }
    if (args.out) writer = await AtomicFileWriter.create(args.out, { overwrite: args.force });
    const sink = writer;
    // what went into --out's temp file: kept apart (NAME.incomplete.md) when the document turns out incomplete
    let written = '';
    const write = async (s: string) => {
      if (sink) {
        written += s;
        await sink.write(s);
      } else if (isStdoutClosed()) throw new CancelledError();
      // a closed pipe never drains: the stop (EPIPE) aborts the wait
      else await writeOrAbort(process.stdout, s, ac.signal);
    };
    // With a language model, the chunks are held until the model has answered once (the header and the sections
    // Product Forge fills come first), so an unreachable backend prints one line instead of a half document.
    let held: string[] | undefined = backend === 'template' ? undefined : [];
    let answered = false;
    const model = backend === 'template' ? backend : answeredOnce(backend, () => (answered = true));
    try {
      for await (const chunk of generateDocument({ kind: args.kind, brief, evidence, options: args.options, backend: model, signal: ac.signal, onWarning: warn, linkBase: args.out ? path.relative(path.dirname(path.resolve(args.out)), process.cwd()) || undefined : undefined })) {
        if (held) {
          held.push(chunk);
          if (!answered) continue;
          const h = held.join('');
          held = undefined;
          await write(h);
        } else await write(chunk);
      }
      if (held?.length) await write(held.join(''));
    } catch (e) {
      if (held?.length && !(e instanceof BackendUnavailableError || e instanceof CancelledError || (e instanceof UserError && !(e instanceof IncompleteOutputError)))) await write(held.join(''));
      if (e instanceof IncompleteOutputError && sink && args.out && !ac.signal.aborted) {
        // --out is only ever a complete document (a script or make must not take a partial one for the result, and
        // --force never replaces a file with one): what was written, marked incomplete, goes beside it
        await sink.abort();
        writer = undefined;
        const kept = await keepIncomplete(args.out, written).catch(() => undefined);
        warn(`${args.out} was ${existed ? 'kept as it was' : 'not written'}: the document is incomplete${kept ? `; the partial document, marked so, is in ${kept}` : ''}`);
      }
      throw e;
    }
    if (writer) {
      await writer.commit();
      if (!quiet) process.stderr.write(`wrote ${args.out}\n`);
    }
    return 0;
  } catch (e) {
    await writer?.abort();
    if (isStdoutClosed()) return EXIT.stdoutClosed;
    if (e instanceof HttpError && !ac.signal.aborted && args) {
      // 401/403: this server can't be used with this key; 404: a wrong --model or --endpoint; 429 / 5xx: it failed now
      printError(process.stderr, e.status >= 429 ? e.message : `${e.message.replace(/\.$/, '')}; ${alternatives(args.backend)}`);
      return e.status === 401 || e.status === 403 ? EXIT.backendUnavailable : e.status === 404 ? EXIT.badInput : EXIT.failed;
    }
    if (e instanceof BackendUnavailableError && !ac.signal.aborted) {
      printError(process.stderr, `${e.message.replace(/\.$/, '')}; ${alternatives(e.backend)}`);
      return EXIT.backendUnavailable;
    }
    if (e instanceof IncompleteOutputError && !ac.signal.aborted) {
      printError(process.stderr, `the language model stopped mid-answer: ${e.message}`);
      return EXIT.failed;
    }
    return reportFailure(e, process.stderr, { aborted: ac.signal.aborted, cancelled: args?.out ? `cancelled; ${args.out} was not written` : 'cancelled' });
  } finally {
    for (const c of cleanups) await c().catch(() => undefined);
    removeSignals(); // after the clean-up, which a late copy of the same Ctrl+C must not cut short
  }
}

/**
 * Saves an incomplete document beside `out` as NAME.incomplete.md (NAME.incomplete-2.md… when taken: never over a
 * file), atomically; returns its path.
 */
async function keepIncomplete(out: string, text: string): Promise<string> {
  const p = path.parse(out);
  for (let n = 1; n < 100; n++) {
    // named as --out was given (relative stays relative)
    const file = path.join(p.dir, `${p.name}.incomplete${n === 1 ? '' : `-${n}`}${p.ext || '.md'}`);
    try {
      await atomicWriteFile(file, text);
      return file;
    } catch (e) {
      if (!(e instanceof UserError && /already exists/.test(e.message))) throw e;
    }
  }
  throw new Error(`no free name for ${p.name}.incomplete${p.ext}`);
}

/** The generator, telling `onAnswer` when its first token arrives. */
function answeredOnce(inner: TextGenerator, onAnswer: () => void): TextGenerator {
  return {
    get label() {
      return inner.label;
    },
    get lastFinishReason() {
      return inner.lastFinishReason;
    },
    get lastContextFull() {
      return inner.lastContextFull;
    },
    async *stream(req) {
      for await (const t of inner.stream(req)) {
        onAnswer();
        yield t;
      }
    },
  };
}
