// Downloads a model into the cache: a manifest model (pinned sha256 per file) or a model planned from the
// Hugging Face hub (./hub: sha256 of LFS files, the git blob sha1 of small ones). Every file is streamed into
// a temp folder next to the target (hashed while it streams, size and hash checked), then the folder is
// renamed into place. Cancelled or failed downloads remove the temp folder: nothing half-written is left behind.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { CancelledError, UserError } from '../types';
import { hubBase } from './hub';
import type { ManifestEntry, ManifestFile } from './registry';

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (file: string, loaded: number, total: number) => void;
  /** A JSON file written into the model folder before it is moved into place (what was downloaded, for later checks). */
  record?: { file: string; data: unknown };
}

/** URL of one file: entry.url + '/' + path, or the Hugging Face hub's resolve URL (PRODUCT_FORGE_HUB_URL for a mirror). */
export function fileUrl(entry: ManifestEntry, relPath: string): string {
  const encoded = relPath.split('/').map(encodeURIComponent).join('/');
  if (entry.url) return `${entry.url.replace(/\/+$/, '')}/${encoded}`;
  return `${hubBase()}/${entry.id}/resolve/main/${encoded}`;
}

const hint = (entry: ManifestEntry) =>
  entry.source === 'hub' ? `or put a copy of ${entry.id} in productForge.modelsPath.` : 'or set productForge.modelsPath to a folder that has the model.';

export async function downloadModel(entry: ManifestEntry, targetDir: string, opts: DownloadOptions = {}): Promise<void> {
  const { signal } = opts;
  // Every file is checked: one the listing gives no hash for is never downloaded.
  for (const f of entry.files) {
    if (!f.sha256 && !f.gitSha1) throw new UserError(`${entry.id} ${f.path} has no hash to check it against: it is not downloaded.`);
  }
  const parent = path.dirname(targetDir);
  mkdirSync(parent, { recursive: true });
  sweepStaleDownloads(parent, path.basename(targetDir));
  const tmp = path.join(parent, `.${path.basename(targetDir)}.download-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    for (const f of entry.files) {
      if (signal?.aborted) throw new CancelledError();
      await downloadFile(entry, f, path.join(tmp, ...f.path.split('/')), opts);
    }
    if (signal?.aborted) throw new CancelledError();
    if (opts.record) writeFileSync(path.join(tmp, opts.record.file), `${JSON.stringify(opts.record.data, null, 2)}\n`);
    // Replace an existing (corrupt or partial) copy: move it aside first so the rename is atomic.
    let old: string | undefined;
    if (existsSync(targetDir)) {
      old = `${tmp}.old`;
      renameSync(targetDir, old);
    }
    renameSync(tmp, targetDir);
    if (old) rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Seconds without a byte before a download is given up (a server that stalls would otherwise hang it forever). */
export let DOWNLOAD_IDLE_MS = 60_000;
export function setDownloadIdleMsForTest(ms: number): void {
  DOWNLOAD_IDLE_MS = ms;
}

/**
 * Removes the temp folders of earlier downloads of this model that a killed process left (".<name>.download-<pid>-…"
 * whose process is gone, or older than a day): a model is hundreds of MB.
 */
function sweepStaleDownloads(parent: string, name: string): void {
  const prefix = `.${name}.download-`;
  let entries: string[];
  try {
    entries = readdirSync(parent).filter((n: string) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const n of entries) {
    const pid = Number(n.slice(prefix.length).split('-')[0]);
    let alive = false;
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    let old = false;
    try {
      old = Date.now() - statSync(path.join(parent, n)).mtimeMs > 86_400_000;
    } catch {
      continue;
    }
    // (one of this process's own downloads may be running: only an old one of its own goes)
    const orphan = pid !== process.pid && !alive;
    if (orphan || old) rmSync(path.join(parent, n), { recursive: true, force: true });
  }
}

async function downloadFile(entry: ManifestEntry, f: ManifestFile, dest: string, opts: DownloadOptions): Promise<void> {
  const { path: rel, size } = f;
  const url = fileUrl(entry, rel);
  // The caller's cancel, or no byte for DOWNLOAD_IDLE_MS.
  const idle = new AbortController();
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ((stalled = true), idle.abort()), DOWNLOAD_IDLE_MS);
  };
  const onAbort = () => idle.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  touch();
  try {
    return await fetchFile(entry, f, dest, opts, url, rel, size, idle.signal, touch);
  } catch (err) {
    if (stalled && !opts.signal?.aborted) {
      throw new UserError(`Could not download ${entry.id}: ${url} stopped sending (nothing for ${Math.max(1, Math.round(DOWNLOAD_IDLE_MS / 1000))} s). Try again later, ${hint(entry)}`);
    }
    throw err;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

async function fetchFile(entry: ManifestEntry, f: ManifestFile, dest: string, opts: DownloadOptions, url: string, rel: string, size: number, signal: AbortSignal, touch: () => void): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (err) {
    if (signal.aborted) throw new CancelledError();
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new UserError(`Could not download ${entry.id} (${url}: ${cause}). Check the network connection, ${hint(entry)}`);
  }
  if (!res.ok || !res.body) {
    if (entry.source === 'hub' && (res.status === 401 || res.status === 403)) {
      throw new UserError(
        `Could not download ${entry.id}: ${url} answered HTTP ${res.status}: the model is gated or private on the Hugging Face hub, and Product Forge sends no token. Accept its terms there, download it yourself, and put its folder in productForge.modelsPath.`,
      );
    }
    throw new UserError(`Could not download ${entry.id}: ${url} answered HTTP ${res.status}. Try again later, ${hint(entry)}`);
  }
  mkdirSync(path.dirname(dest), { recursive: true });
  const out = createWriteStream(dest);
  const sha256: Hash | undefined = f.sha256 ? createHash('sha256') : undefined;
  // git's blob id: sha1("blob <size>\0" + bytes)
  const sha1: Hash | undefined = f.gitSha1 ? createHash('sha1').update(`blob ${size}\0`) : undefined;
  let loaded = 0;
  let lastReport = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      touch();
      if (signal.aborted) throw new CancelledError();
      loaded += chunk.byteLength;
      if (loaded > size) break;
      sha256?.update(chunk);
      sha1?.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
      const now = Date.now();
      if (now - lastReport > 100 || loaded === size) {
        lastReport = now;
        opts.onProgress?.(rel, loaded, size);
      }
    }
    if (size === 0) opts.onProgress?.(rel, 0, 0);
    out.end();
    await finished(out);
  } catch (err) {
    out.destroy();
    if (signal.aborted) throw new CancelledError();
    if (err instanceof CancelledError || err instanceof UserError) throw err;
    throw new UserError(`Could not download ${entry.id} (${url}: ${(err as Error).message}). Try again, ${hint(entry)}`);
  }
  if (loaded !== size) {
    throw new UserError(`Download of ${entry.id} ${rel} has ${loaded > size ? 'more than ' : ''}${loaded} bytes, expected ${size}. Try again later, ${hint(entry)}`);
  }
  if (sha256 && sha256.digest('hex') !== f.sha256!.toLowerCase()) {
    throw new UserError(`Download of ${entry.id} ${rel} failed its sha256 check. Try again later, ${hint(entry)}`);
  }
  if (sha1 && sha1.digest('hex') !== f.gitSha1!.toLowerCase()) {
    throw new UserError(`Download of ${entry.id} ${rel} failed its git sha1 check (its bytes are not the hub's). Try again later, ${hint(entry)}`);
  }
}
