// Models that are not in the manifest, from the Hugging Face hub: the repository's file listing (tree API),
// the files transformers.js reads for a task (its JSON files and ONE ONNX variant with its external data),
// each with the hash the hub gives for it (sha256 of LFS files, the git blob sha1 of small ones), so the
// download (./download) can verify every byte. No 'vscode' import: the CLI uses it as is.
import { CancelledError, throwIfAborted, UserError } from '../types';
import type { ManifestEntry, ModelFile } from './registry';

export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** The tasks a hub model is downloaded for (they decide which ONNX variant is taken). */
export type HubTask = 'text-generation' | 'feature-extraction' | 'text-classification';

/** One row of the hub's tree API (GET /api/models/<id>/tree/main?recursive=true). */
export interface HubTreeEntry {
  type: 'file' | 'directory' | string;
  path: string;
  size?: number;
  /** git blob sha1 (hex) of the file as stored in git (for an LFS file: of its pointer). */
  oid?: string;
  /** For files stored with git LFS: oid is the file's sha256, size its size. */
  lfs?: { oid: string; size: number };
}

/** A download planned from the hub: a manifest-like entry (id, files with sizes and hashes, url) plus what was chosen. */
export interface HubEntry extends ManifestEntry {
  source: 'hub';
  /** The ONNX file chosen (e.g. "onnx/model_q4.onnx"). */
  onnx: string;
  /** Its transformers.js dtype (q4, q8, fp32, ...). */
  dtype: string;
  /** The hub's base URL the files come from. */
  hub: string;
}

/** onnx/model<suffix>.onnx per dtype, as transformers.js names the variants (the loader uses it too). */
export const DTYPE_SUFFIX: Record<string, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/**
 * Which variant is downloaded, best first. Text generation: q4 or q8, whichever is the smaller download (a 0.5B
 * model is ~0.5-0.8 GB instead of ~2 GB in fp32), then fp32; embeddings and classifiers: fp32 (exact), then q8. Any other variant after those.
 */
export function variantPreference(task: HubTask): string[] {
  const first = task === 'text-generation' ? ['q4', 'q8', 'fp32'] : ['fp32', 'q8'];
  return [...first, ...['q4', 'q8', 'fp32', 'int8', 'uint8', 'fp16', 'q4f16', 'bnb4'].filter((d) => !first.includes(d))];
}

/** The JSON files transformers.js reads for a model (required ones must be in the repository). */
const JSON_FILES: { path: string; required: boolean }[] = [
  { path: 'config.json', required: true },
  { path: 'generation_config.json', required: false },
  { path: 'tokenizer.json', required: true },
  { path: 'tokenizer_config.json', required: true },
  { path: 'special_tokens_map.json', required: false },
  { path: 'chat_template.jinja', required: false },
  { path: 'chat_template.json', required: false },
];

/** The hub's base URL: the option, else PRODUCT_FORGE_HUB_URL, else https://huggingface.co (no trailing slash). */
export function hubBase(override?: string): string {
  const raw = (override || process.env.PRODUCT_FORGE_HUB_URL || DEFAULT_HUB_URL).trim();
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UserError(`The Hugging Face hub address "${raw}" (PRODUCT_FORGE_HUB_URL) is not a URL.`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UserError(`The Hugging Face hub address "${raw}" must be an http(s) URL.`);
  return raw.replace(/\/+$/, '');
}

function hostOf(base: string): string {
  try {
    return new URL(base).host;
  } catch {
    return base;
  }
}

export interface ListOptions {
  /** Hub base URL (see hubBase). */
  base?: string;
  signal?: AbortSignal;
  /** Per request, in ms (default 30 s): a listing that hangs is a hub that cannot be reached. */
  timeoutMs?: number;
}

const MAX_PAGES = 50;
const MAX_ENTRIES = 50_000;

/** The next page of a paginated listing: Link: <url>; rel="next". */
export function nextLink(header: string | null, current: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /(^|;)\s*rel\s*=\s*"?next"?\s*(;|$)/i.test(m[2])) {
      try {
        return new URL(m[1], current).href;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const placeHint = (id: string) =>
  `Or download ${id} yourself (config.json, tokenizer.json, tokenizer_config.json and an onnx/model*.onnx) and put its folder in productForge.modelsPath (as <modelsPath>/${id}).`;

/** Fetch with the caller's signal and a timeout; network failures become the "cannot be reached" UserError. */
async function hubFetch(url: string, id: string, base: string, opts: ListOptions): Promise<Response> {
  throwIfAborted(opts.signal);
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    return await fetch(url, { signal, redirect: 'follow', headers: { accept: 'application/json' } });
  } catch (err) {
    if (opts.signal?.aborted) throw new CancelledError();
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = timeout.aborted ? 'no answer in time' : cause?.code && /^E[A-Z]+$/.test(cause.code) ? cause.code : (cause?.message ?? (err as Error).message);
    throw new UserError(`The Hugging Face hub (${hostOf(base)}) cannot be reached to download ${id} (${why}). Check the network connection (or PRODUCT_FORGE_HUB_URL for a mirror). ${placeHint(id)}`);
  }
}

/** A hub answer that is not 200, as a UserError that says what it means for this model. */
async function hubHttpError(res: Response, id: string, base: string): Promise<UserError> {
  const code = res.headers.get('x-error-code') ?? '';
  let detail = res.headers.get('x-error-message') ?? '';
  if (!detail) {
    try {
      const body = (await res.text()).slice(0, 500);
      try {
        detail = String((JSON.parse(body) as { error?: unknown }).error ?? '');
      } catch {
        detail = body.trim().split('\n')[0].slice(0, 200);
      }
    } catch {
      /* no body */
    }
  }
  const host = hostOf(base);
  if (res.status === 404 || code === 'RepoNotFound' || code === 'EntryNotFound') {
    return new UserError(`There is no model "${id}" on the Hugging Face hub (${host} answered ${res.status}${detail ? `: ${detail}` : ''}). Check the model id (owner/name, as on ${host}).`);
  }
  if (code === 'RevisionNotFound') {
    return new UserError(`Model ${id} on the Hugging Face hub has no "main" branch (${host} answered ${res.status}). ${placeHint(id)}`);
  }
  if (res.status === 401 || res.status === 403) {
    return new UserError(
      `Model ${id} on the Hugging Face hub is gated or private (${host} answered ${res.status}${detail ? `: ${detail}` : ''}); Product Forge downloads only public models and sends no token. ` +
        `If it exists, accept its terms on ${host}, download it yourself, and put its folder in productForge.modelsPath (as <modelsPath>/${id}).`,
    );
  }
  if (res.status === 429) {
    return new UserError(`The Hugging Face hub (${host}) is rate-limiting requests (HTTP 429) while listing ${id}. Try again in a few minutes. ${placeHint(id)}`);
  }
  return new UserError(`The Hugging Face hub (${host}) answered HTTP ${res.status}${detail ? ` (${detail})` : ''} while listing ${id}. Try again later. ${placeHint(id)}`);
}

/** Lists every file of the model's main branch (following Link rel="next" pages). */
export async function listHubFiles(id: string, opts: ListOptions = {}): Promise<HubTreeEntry[]> {
  const base = hubBase(opts.base);
  const encodedId = id.split('/').map(encodeURIComponent).join('/');
  let url: string | undefined = `${base}/api/models/${encodedId}/tree/main?recursive=true`;
  const out: HubTreeEntry[] = [];
  const seen = new Set<string>();
  for (let page = 0; url; page++) {
    if (page >= MAX_PAGES || seen.has(url)) throw new UserError(`The Hugging Face hub's file listing of ${id} did not end (more than ${MAX_PAGES} pages). ${placeHint(id)}`);
    seen.add(url);
    const res = await hubFetch(url, id, base, opts);
    if (!res.ok) throw await hubHttpError(res, id, base);
    let rows: unknown;
    try {
      rows = await res.json();
    } catch (err) {
      if (opts.signal?.aborted) throw new CancelledError();
      throw new UserError(`The Hugging Face hub (${hostOf(base)}) sent a file listing of ${id} that is not JSON (${(err as Error).message}). Try again later. ${placeHint(id)}`);
    }
    if (!Array.isArray(rows)) throw new UserError(`The Hugging Face hub (${hostOf(base)}) sent an unexpected file listing of ${id} (not a list). ${placeHint(id)}`);
    for (const r of rows) {
      if (r && typeof r === 'object' && typeof (r as HubTreeEntry).path === 'string') out.push(r as HubTreeEntry);
    }
    if (out.length > MAX_ENTRIES) throw new UserError(`The Hugging Face hub lists more than ${MAX_ENTRIES} files for ${id}: not a model Product Forge can download. ${placeHint(id)}`);
    url = nextLink(res.headers.get('link'), url);
  }
  return out;
}

function validRelPath(p: string): boolean {
  if (!p || p.startsWith('/') || p.includes('\\')) return false;
  return p.split('/').every((seg) => seg && seg !== '.' && seg !== '..');
}

/** A listed file as a file to download, with its size and the hash to check. */
function toModelFile(e: HubTreeEntry, id: string): ModelFile {
  const bad = (why: string): never => {
    throw new UserError(`The Hugging Face hub's listing of ${id} has ${why} for ${e.path}: it cannot be verified, so it is not downloaded. ${placeHint(id)}`);
  };
  if (!validRelPath(e.path)) bad('an unsafe path');
  if (e.lfs) {
    if (typeof e.lfs.oid !== 'string' || !/^[0-9a-f]{64}$/i.test(e.lfs.oid)) bad('no sha256');
    if (!Number.isSafeInteger(e.lfs.size) || e.lfs.size < 0) bad('no size');
    return { path: e.path, size: e.lfs.size, sha256: e.lfs.oid.toLowerCase() };
  }
  if (typeof e.oid !== 'string' || !/^[0-9a-f]{40}$/i.test(e.oid)) bad('no git sha1');
  if (!Number.isSafeInteger(e.size) || (e.size as number) < 0) bad('no size');
  return { path: e.path, size: e.size as number, gitSha1: (e.oid as string).toLowerCase() };
}

/**
 * The files to download for a task: the JSON files transformers.js reads and one ONNX variant
 * (onnx/model<suffix>.onnx, best by variantPreference) with its external data (.onnx_data, .onnx_data_1, ...).
 */
export function chooseHubFiles(id: string, entries: HubTreeEntry[], task: HubTask, base = DEFAULT_HUB_URL): HubEntry {
  const files = new Map(entries.filter((e) => e.type === 'file').map((e) => [e.path, e]));
  const chosen: ModelFile[] = [];
  for (const j of JSON_FILES) {
    const e = files.get(j.path);
    if (e) chosen.push(toModelFile(e, id));
    else if (j.required) {
      throw new UserError(
        `Model ${id} on the Hugging Face hub has no ${j.path}: it is not a model in the layout transformers.js reads (config.json, tokenizer.json, tokenizer_config.json, onnx/). Look for an ONNX version of it (for example under onnx-community/ on ${hostOf(base)}).`,
      );
    }
  }
  let dtype: string | undefined;
  for (const d of variantPreference(task)) {
    if (files.has(`onnx/model${DTYPE_SUFFIX[d]}.onnx`)) {
      dtype = d;
      break;
    }
  }
  // Text generation: of q4 and q8, the smaller download (a q4 export that keeps its embeddings in fp32 can be the larger)
  const sizeOf = (d: string) => {
    const f = `onnx/model${DTYPE_SUFFIX[d]}.onnx`;
    let s = 0;
    for (const [p, e] of files) if (p === f || p.startsWith(`${f}_data`)) s += e.lfs?.size ?? e.size ?? 0;
    return s;
  };
  if (task === 'text-generation' && dtype === 'q4' && files.has(`onnx/model${DTYPE_SUFFIX.q8}.onnx`) && sizeOf('q8') < sizeOf('q4')) dtype = 'q8';
  if (!dtype) {
    const inOnnx = [...files.keys()].filter((p) => p.startsWith('onnx/')).map((p) => p.slice(5));
    throw new UserError(
      inOnnx.length
        ? `Model ${id} on the Hugging Face hub has no ONNX file transformers.js loads for ${task} (onnx/model.onnx, onnx/model_q4.onnx, onnx/model_quantized.onnx, ...); its onnx/ folder has: ${inOnnx.slice(0, 20).join(', ')}${inOnnx.length > 20 ? `, and ${inOnnx.length - 20} more` : ''}. Choose another model (for example from onnx-community/ on ${hostOf(base)}).`
        : `Model ${id} on the Hugging Face hub has no onnx/ folder: it is not exported to ONNX. Choose an ONNX version of it (for example from onnx-community/ on ${hostOf(base)}), or export it (onnx/model.onnx) and put it in productForge.modelsPath.`,
    );
  }
  const onnx = `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
  chosen.push(toModelFile(files.get(onnx)!, id));
  // External data: onnx/<name>.onnx_data, then _data_1, _data_2, ... as transformers.js names the chunks.
  const dataPrefix = `${onnx}_data`;
  const data = [...files.keys()].filter((p) => p === dataPrefix || (p.startsWith(`${dataPrefix}_`) && /^_\d+$/.test(p.slice(dataPrefix.length))));
  data.sort((a, b) => chunkIndex(a, dataPrefix) - chunkIndex(b, dataPrefix));
  for (const p of data) chosen.push(toModelFile(files.get(p)!, id));
  return { id, task, dtype, onnx, files: chosen, url: `${base}/${id.split('/').map(encodeURIComponent).join('/')}/resolve/main`, source: 'hub', hub: base };
}

function chunkIndex(p: string, prefix: string): number {
  return p === prefix ? 0 : Number(p.slice(prefix.length + 1));
}

/** Lists the model on the hub and chooses its files for the task. */
export async function planHubDownload(id: string, task: HubTask, opts: ListOptions = {}): Promise<HubEntry> {
  const base = hubBase(opts.base);
  const entries = await listHubFiles(id, { ...opts, base });
  return chooseHubFiles(id, entries, task, base);
}
