// Model registry: the bundled manifest (models/manifest.json) and where a model id resolves to on
// disk. Order: productForge.modelsPath -> the extension's bundled models/ -> the cache -> a download
// (only when allowed and the user consents): a manifest model with its pinned sha256 per file, any other
// model from the Hugging Face hub (./hub, when the caller names the task) verified by the hashes the hub
// lists. No 'vscode' import: the CLI uses it as is.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, throwIfAborted, UserError } from '../types';
import { downloadModel } from './download';
import { planHubDownload, type HubEntry, type HubTask } from './hub';

export interface ManifestFile {
  /** Relative to the model folder, '/'-separated (e.g. "onnx/model.onnx"). */
  path: string;
  /** sha256 (hex): every file of a manifest model; of a hub model, the files stored with git LFS. */
  sha256?: string;
  size: number;
  /** git blob sha1 (hex) of the file: a hub model's small files (not stored with LFS). */
  gitSha1?: string;
}
/** A file to download or check: the manifest's and the hub's alike. */
export type ModelFile = ManifestFile;
export interface ManifestEntry {
  id: string;
  task: 'text-classification' | 'text-generation' | string;
  labels?: string[];
  languages?: string[];
  description?: string;
  license?: string;
  dtype?: string;
  maxLength?: number;
  files: ManifestFile[];
  /** Base URL the files are downloaded from (file URL = url + '/' + file.path); default the Hugging Face hub. */
  url?: string;
  /** 'hub': not in the manifest; planned from the Hugging Face hub's file listing (see ./hub HubEntry). */
  source?: 'manifest' | 'hub';
}
export interface Manifest {
  version: 1;
  models: ManifestEntry[];
}

export type ModelSource = 'setting' | 'bundled' | 'cache' | 'download';
export interface ResolvedModel {
  /** Absolute path of the model folder (Hugging Face layout). */
  dir: string;
  source: ModelSource;
  entry?: ManifestEntry;
}

export interface ResolveOptions {
  /** productForge.modelsPath: a folder holding <modelId>/ folders, or one model folder itself. */
  modelsPath?: string;
  /** The extension's models/ folder (manifest.json + bundled model folders). */
  bundledDir: string;
  /** Where downloads go (the extension's global storage /models, or ~/.cache/product-forge/models for the CLI). */
  cacheDir?: string;
  allowDownload?: boolean;
  /**
   * Asked before every download; resolve false to decline. Gets the manifest entry, or for a model from the
   * Hugging Face hub a HubEntry (source 'hub', the ONNX file and dtype chosen, the files with their sizes).
   */
  confirmDownload?: (entry: ManifestEntry) => Promise<boolean>;
  /**
   * The task the model is for. Given, a model that is not in the manifest can be downloaded from the Hugging
   * Face hub (when allowDownload, cacheDir and confirmDownload are given): its JSON files and the ONNX variant
   * best for the task. Not given, only manifest models are ever downloaded.
   */
  task?: HubTask;
  /** The hub's base URL (a mirror; tests). Default: env PRODUCT_FORGE_HUB_URL, else https://huggingface.co. */
  hubUrl?: string;
  onProgress?: (file: string, loaded: number, total: number) => void;
  signal?: AbortSignal;
  /** 'size': sizes only; 'sha256' (default): sizes always, sha256 once per (path, mtime, size) per process. */
  verify?: 'size' | 'sha256';
  /** Adds to the resolution steps logged by the caller (e.g. "bundled: onnx/model.onnx size mismatch"). */
  log?: (msg: string) => void;
}

const MODEL_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

export function isValidModelId(id: string): boolean {
  return typeof id === 'string' && MODEL_ID.test(id) && !id.includes('..');
}

/** resolveModel found no copy: the model is not installed (and, for a hub model, downloads were not allowed). */
export class ModelNotInstalledError extends UserError {
  constructor(
    message: string,
    readonly modelId: string,
    /** Where a download would come from: the manifest's pinned files, the Hugging Face hub, or nowhere. */
    readonly downloadFrom: 'manifest' | 'hub' | undefined,
  ) {
    super(message);
  }
}

/** The user declined the download the caller asked about (confirmDownload answered false): nothing was downloaded. */
export class DownloadDeclinedError extends UserError {
  constructor(message: string, readonly modelId: string) {
    super(message);
  }
}

/** The file a hub download leaves in the model folder: what was downloaded, for the checks of later loads. */
export const HUB_RECORD_FILE = '.product-forge-download.json';

interface HubRecord {
  id: string;
  source: 'hub';
  hub: string;
  onnx: string;
  dtype: string;
  downloadedAt: string;
  files: ManifestFile[];
}

/** The record of a hub download in dir, as an entry to verify the folder against; undefined when there is none. */
function readHubRecord(dir: string, modelId: string): ManifestEntry | undefined {
  const file = path.join(dir, HUB_RECORD_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as HubRecord;
    if (r.id !== modelId || !Array.isArray(r.files) || !r.files.every((f) => f && validRelPath(f.path) && Number.isSafeInteger(f.size))) return undefined;
    return { id: r.id, task: 'hub', files: r.files, dtype: r.dtype, source: 'hub' };
  } catch {
    return undefined;
  }
}

function validRelPath(p: unknown): p is string {
  if (typeof p !== 'string' || !p || p.startsWith('/') || p.includes('\\')) return false;
  return p.split('/').every((seg) => seg && seg !== '.' && seg !== '..');
}

/** Reads <bundledDir>/manifest.json. A missing manifest is an empty one (user models still work); a malformed one is a UserError. */
export function loadManifest(bundledDir: string): Manifest {
  const file = path.join(bundledDir, 'manifest.json');
  if (!existsSync(file)) return { version: 1, models: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`Model manifest ${file} is not valid JSON (${(err as Error).message}). Reinstall the extension.`);
  }
  const bad = (why: string): never => {
    throw new UserError(`Model manifest ${file} is invalid: ${why}. Reinstall the extension.`);
  };
  const m = raw as Partial<Manifest>;
  if (!m || typeof m !== 'object' || m.version !== 1) bad('expected {"version": 1, "models": [...]}');
  if (!Array.isArray(m.models)) bad('"models" must be a list');
  for (const [i, e] of (m.models as ManifestEntry[]).entries()) {
    if (!e || typeof e !== 'object' || !isValidModelId(e.id)) bad(`models[${i}] has no valid id`);
    if (typeof e.task !== 'string') bad(`${e.id} has no task`);
    if (!Array.isArray(e.files) || !e.files.length) bad(`${e.id} lists no files`);
    for (const f of e.files) {
      if (!f || !validRelPath(f.path)) bad(`${e.id} has an invalid file path ${JSON.stringify(f?.path)}`);
      if (!Number.isInteger(f.size) || f.size < 0) bad(`${e.id} ${f.path} has no valid size`);
      if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(f.sha256)) bad(`${e.id} ${f.path} has no valid sha256`);
    }
    if (e.maxLength !== undefined && (!Number.isInteger(e.maxLength) || e.maxLength < 8)) bad(`${e.id} has an invalid maxLength`);
  }
  return m as Manifest;
}

/** sha256 already checked, by "path|mtimeMs|size". */
const verifiedHashes = new Set<string>();

/** For tests: forget which files were already hashed. */
export function clearVerificationCache(): void {
  verifiedHashes.clear();
}

/** Hex digest of a file's bytes, streamed (cancellable between chunks). */
async function digestFile(hash: Hash, file: string, signal?: AbortSignal): Promise<string> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      if (signal?.aborted) throw new CancelledError();
      hash.update(chunk as Buffer);
    }
  } finally {
    stream.destroy();
  }
  return hash.digest('hex');
}

export function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  return digestFile(createHash('sha256'), file, signal);
}

/** git's blob id of a file: sha1("blob <size>\0" + bytes). */
export function gitBlobSha1File(file: string, size: number, signal?: AbortSignal): Promise<string> {
  return digestFile(createHash('sha1').update(`blob ${size}\0`), file, signal);
}

const FIX_HINT =
  'Reinstall the extension, set productForge.modelsPath to a folder that has it, or enable productForge.allowModelDownloads.';
const HUB_FIX_HINT = 'Delete the folder and download the model again, or set productForge.modelsPath to a folder that has it.';

/**
 * Checks a model folder against its manifest entry: every file present, sizes equal, and (mode
 * 'sha256') hashes equal, each file hashed at most once per (path, mtime, size). Throws a UserError
 * naming the first bad file.
 */
export async function verifyModelDir(dir: string, entry: ManifestEntry, mode: 'size' | 'sha256' = 'sha256', signal?: AbortSignal, fixHint = FIX_HINT): Promise<void> {
  for (const f of entry.files) {
    const file = path.join(dir, ...f.path.split('/'));
    let st;
    try {
      st = statSync(file);
    } catch {
      throw new UserError(`Model file ${file} is missing. ${fixHint}`);
    }
    if (!st.isFile()) throw new UserError(`Model file ${file} is not a file. ${fixHint}`);
    if (st.size !== f.size) {
      throw new UserError(`Model file ${file} is corrupt (${st.size} bytes, expected ${f.size}). ${fixHint}`);
    }
    if (mode === 'sha256' && (f.sha256 || f.gitSha1)) {
      const key = `${file}|${st.mtimeMs}|${st.size}`;
      if (verifiedHashes.has(key)) continue;
      throwIfAborted(signal);
      if (f.sha256) {
        const actual = await sha256File(file, signal);
        if (actual.toLowerCase() !== f.sha256.toLowerCase()) {
          throw new UserError(`Model file ${file} is corrupt (sha256 mismatch). ${fixHint}`);
        }
      } else if ((await gitBlobSha1File(file, st.size, signal)) !== f.gitSha1!.toLowerCase()) {
        throw new UserError(`Model file ${file} is corrupt (git sha1 mismatch). ${fixHint}`);
      }
      verifiedHashes.add(key);
    }
  }
}

/** A folder that looks like a Hugging Face model (for models not in the manifest). */
function checkUserModelDir(dir: string): void {
  for (const rel of ['config.json', 'tokenizer.json']) {
    if (!existsSync(path.join(dir, rel))) {
      throw new UserError(`Model file ${path.join(dir, rel)} is missing: a model folder needs config.json, tokenizer.json and onnx/*.onnx.`);
    }
  }
  if (!existsSync(path.join(dir, 'onnx'))) {
    throw new UserError(`Model folder ${dir} has no onnx/ folder: export the model to ONNX (onnx/model.onnx) first.`);
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Where <modelId> could be under productForge.modelsPath. */
function settingCandidates(modelsPath: string, modelId: string): string[] {
  const root = path.resolve(modelsPath);
  const out = [path.join(root, ...modelId.split('/'))];
  const last = modelId.split('/').pop()!;
  if (last !== modelId) out.push(path.join(root, last));
  return out;
}

/** modelsPath may be the model folder itself: when named like the model, or holding the manifest's files at their sizes. */
function isModelFolderItself(root: string, modelId: string, entry?: ManifestEntry): boolean {
  if (!existsSync(path.join(root, 'config.json'))) return false;
  if (path.basename(root) === modelId.split('/').pop()) return true;
  if (!entry) return false;
  return entry.files.every((f) => {
    try {
      return statSync(path.join(root, ...f.path.split('/'))).size === f.size;
    } catch {
      return false;
    }
  });
}

/** Finds a model folder, verifying it; downloads it into the cache when allowed and confirmed. */
export async function resolveModel(modelId: string, opts: ResolveOptions): Promise<ResolvedModel> {
  if (!isValidModelId(modelId)) {
    throw new UserError(`"${modelId}" is not a valid model id: use "name" or "owner/name" (letters, digits, ".", "-", "_").`);
  }
  throwIfAborted(opts.signal);
  const manifest = loadManifest(opts.bundledDir);
  const entry = manifest.models.find((m) => m.id === modelId);
  const mode = opts.verify ?? 'sha256';
  const log = opts.log ?? (() => undefined);

  // 1. productForge.modelsPath: the user's own copies; presence is checked, contents are theirs.
  if (opts.modelsPath && opts.modelsPath.trim()) {
    const mp = opts.modelsPath.trim();
    if (!isDir(mp)) {
      throw new UserError(`productForge.modelsPath "${mp}" is not a folder. Fix or clear the setting.`);
    }
    const candidates = settingCandidates(mp, modelId);
    if (isModelFolderItself(path.resolve(mp), modelId, entry)) candidates.push(path.resolve(mp));
    for (const dir of candidates) {
      if (!isDir(dir) || !existsSync(path.join(dir, 'config.json'))) continue;
      if (entry) {
        for (const f of entry.files) {
          const file = path.join(dir, ...f.path.split('/'));
          if (!existsSync(file)) throw new UserError(`Model file ${file} is missing. Copy the complete model there or fix productForge.modelsPath.`);
        }
      } else {
        checkUserModelDir(dir);
      }
      return { dir, source: 'setting', entry };
    }
    log(`${modelId} is not in productForge.modelsPath (${mp}).`);
  }

  let firstError: UserError | undefined;
  const tryDir = async (dir: string): Promise<boolean> => {
    if (!isDir(dir)) return false;
    try {
      if (entry) await verifyModelDir(dir, entry, mode, opts.signal);
      else {
        checkUserModelDir(dir);
        // A model downloaded from the hub is checked against what was downloaded (sizes; hashes once per file and process).
        const record = readHubRecord(dir, modelId);
        if (record) await verifyModelDir(dir, record, mode, opts.signal, HUB_FIX_HINT);
      }
      return true;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      log(err.message);
      firstError ??= err;
      return false;
    }
  };

  // 2. bundled with the extension (only manifest models are bundled)
  const bundled = path.join(path.resolve(opts.bundledDir), ...modelId.split('/'));
  if (entry && (await tryDir(bundled))) return { dir: bundled, source: 'bundled', entry };

  // 3. the download cache
  const cached = opts.cacheDir ? path.join(path.resolve(opts.cacheDir), ...modelId.split('/')) : undefined;
  if (cached && (await tryDir(cached))) return { dir: cached, source: 'cache', entry };

  // 4. download: a manifest model with its pinned hashes; any other from the Hugging Face hub when the caller names the task
  const where = `productForge.modelsPath${opts.modelsPath ? ` (${opts.modelsPath})` : ' (not set)'}`;
  if (!entry && !opts.task) {
    throw firstError ??
      new ModelNotInstalledError(`Model ${modelId} was not found: it is not a bundled model and no folder ${modelId} exists in ${where}.`, modelId, undefined);
  }
  if (!opts.allowDownload || !cached) {
    if (firstError) throw firstError;
    if (!entry) {
      throw new ModelNotInstalledError(
        `Model ${modelId} was not found: it is not a bundled model and no folder ${modelId} exists in ${where}${cached ? ' or in the download cache' : ''}. ` +
          `Enable productForge.allowModelDownloads to download it (from the Hugging Face hub, after asking you), or set productForge.modelsPath to a folder that has it.`,
        modelId,
        'hub',
      );
    }
    const sizeMb = (entry.files.reduce((s, f) => s + f.size, 0) / 1e6).toFixed(1);
    throw new ModelNotInstalledError(
      `Model ${modelId} is not installed. Enable productForge.allowModelDownloads to download it (${sizeMb} MB), or set productForge.modelsPath to a folder that has it.`,
      modelId,
      'manifest',
    );
  }
  const declined = () =>
    new DownloadDeclinedError(`Model ${modelId} was not downloaded (declined). Run the command again and accept the download, or set productForge.modelsPath to a folder that has it.`, modelId);
  if (!entry) {
    if (!opts.confirmDownload) throw declined(); // nobody to ask: nothing is listed or downloaded
    if (firstError) log(`${firstError.message} Downloading ${modelId} again.`);
    return downloadFromHub(modelId, opts.task!, cached, opts, log, declined);
  }
  const ok = opts.confirmDownload ? await opts.confirmDownload(entry) : false;
  throwIfAborted(opts.signal);
  if (!ok) throw declined();
  await downloadModel(entry, cached, { signal: opts.signal, onProgress: opts.onProgress });
  // Freshly hashed while downloading; record so the next load does not hash again.
  await verifyModelDir(cached, entry, 'size', opts.signal);
  rememberVerified(cached, entry.files);
  return { dir: cached, source: 'download', entry };
}

function rememberVerified(dir: string, files: ManifestFile[]): void {
  for (const f of files) {
    const file = path.join(dir, ...f.path.split('/'));
    const st = statSync(file);
    verifiedHashes.add(`${file}|${st.mtimeMs}|${st.size}`);
  }
}

/** Lists the model on the hub, chooses its files for the task, asks, downloads and verifies them into `target`. */
async function downloadFromHub(
  modelId: string,
  task: HubTask,
  target: string,
  opts: ResolveOptions,
  log: (msg: string) => void,
  declined: () => DownloadDeclinedError,
): Promise<ResolvedModel> {
  const plan: HubEntry = await planHubDownload(modelId, task, { base: opts.hubUrl, signal: opts.signal });
  const total = plan.files.reduce((s, f) => s + f.size, 0);
  log(`${modelId} on the Hugging Face hub (${plan.hub}): ${plan.onnx} (${plan.dtype}) and ${plan.files.length - 1} other file${plan.files.length === 2 ? '' : 's'}, ${(total / 1e6).toFixed(1)} MB.`);
  throwIfAborted(opts.signal);
  const ok = await opts.confirmDownload!(plan);
  throwIfAborted(opts.signal);
  if (!ok) throw declined();
  const record: HubRecord = {
    id: modelId,
    source: 'hub',
    hub: plan.hub,
    onnx: plan.onnx,
    dtype: plan.dtype,
    downloadedAt: new Date().toISOString(),
    files: plan.files.map((f) => ({ path: f.path, size: f.size, ...(f.sha256 ? { sha256: f.sha256 } : { gitSha1: f.gitSha1 }) })),
  };
  await downloadModel(plan, target, { signal: opts.signal, onProgress: opts.onProgress, record: { file: HUB_RECORD_FILE, data: record } });
  rememberVerified(target, plan.files);
  log(`Downloaded ${modelId} (${plan.onnx}, verified) into ${target}.`);
  return { dir: target, source: 'download' };
}
