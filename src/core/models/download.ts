// Downloads a manifest model into the cache: every file is streamed into a temp folder next to the
// target (hashed while it streams, size and sha256 checked), then the folder is renamed into place.
// Cancelled or failed downloads remove the temp folder: nothing half-written is left behind.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { CancelledError, UserError } from '../types';
import type { ManifestEntry } from './registry';

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (file: string, loaded: number, total: number) => void;
}

/** URL of one file: entry.url + '/' + path, or the Hugging Face hub's resolve URL. */
export function fileUrl(entry: ManifestEntry, relPath: string): string {
  const encoded = relPath.split('/').map(encodeURIComponent).join('/');
  if (entry.url) return `${entry.url.replace(/\/+$/, '')}/${encoded}`;
  return `https://huggingface.co/${entry.id}/resolve/main/${encoded}`;
}

export async function downloadModel(entry: ManifestEntry, targetDir: string, opts: DownloadOptions = {}): Promise<void> {
  const { signal } = opts;
  const parent = path.dirname(targetDir);
  mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `.${path.basename(targetDir)}.download-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    for (const f of entry.files) {
      if (signal?.aborted) throw new CancelledError();
      await downloadFile(entry, f.path, f.size, f.sha256, path.join(tmp, ...f.path.split('/')), opts);
    }
    if (signal?.aborted) throw new CancelledError();
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

async function downloadFile(
  entry: ManifestEntry,
  rel: string,
  size: number,
  sha256: string,
  dest: string,
  opts: DownloadOptions,
): Promise<void> {
  const url = fileUrl(entry, rel);
  let res: Response;
  try {
    res = await fetch(url, { signal: opts.signal, redirect: 'follow' });
  } catch (err) {
    if (opts.signal?.aborted) throw new CancelledError();
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new UserError(`Could not download ${entry.id} (${url}: ${cause}). Check the network connection, or set productForge.modelsPath to a folder that has the model.`);
  }
  if (!res.ok || !res.body) {
    throw new UserError(`Could not download ${entry.id}: ${url} answered HTTP ${res.status}. Set productForge.modelsPath to a folder that has the model.`);
  }
  mkdirSync(path.dirname(dest), { recursive: true });
  const out = createWriteStream(dest);
  const hash = createHash('sha256');
  let loaded = 0;
  let lastReport = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (opts.signal?.aborted) throw new CancelledError();
      loaded += chunk.byteLength;
      if (loaded > size) break;
      hash.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
      const now = Date.now();
      if (now - lastReport > 100 || loaded === size) {
        lastReport = now;
        opts.onProgress?.(rel, loaded, size);
      }
    }
    out.end();
    await finished(out);
  } catch (err) {
    out.destroy();
    if (opts.signal?.aborted) throw new CancelledError();
    if (err instanceof CancelledError || err instanceof UserError) throw err;
    throw new UserError(`Could not download ${entry.id} (${url}: ${(err as Error).message}). Try again, or set productForge.modelsPath to a folder that has the model.`);
  }
  if (loaded !== size) {
    throw new UserError(`Download of ${entry.id} ${rel} has ${loaded > size ? 'more than ' : ''}${loaded} bytes, expected ${size}. Try again later, or set productForge.modelsPath to a folder that has the model.`);
  }
  const actual = hash.digest('hex');
  if (actual.toLowerCase() !== sha256.toLowerCase()) {
    throw new UserError(`Download of ${entry.id} ${rel} failed its sha256 check. Try again later, or set productForge.modelsPath to a folder that has the model.`);
  }
}
