// File-system helpers shared by the engine, the CLI and the extension: atomic writes (temp file in the
// same folder + rename), names that never collide with an existing file, and timestamps for names.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { CancelledError, throwIfAborted, UserError } from './types';

/** A temp path next to `target` (same folder, so rename is atomic on one file system). */
export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function pathExists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

export interface AtomicWriteOptions {
  /** Replace an existing file (default false: a UserError is thrown when `target` exists). */
  overwrite?: boolean;
  /** Create missing parent folders (default true). */
  mkdir?: boolean;
}

/**
 * Writes `data` to `target` atomically: into a temp file in the same folder, then renamed.
 * Without `overwrite`, refuses an existing target; a link()-based commit makes that check race-free.
 */
export async function atomicWriteFile(target: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const w = await AtomicFileWriter.create(target, opts);
  try {
    await w.write(data);
    await w.commit();
  } catch (e) {
    await w.abort();
    throw e;
  }
}

/**
 * Streams data into a temp file next to `target`; `commit()` moves it into place, `abort()` removes it.
 * Nothing is visible at `target` until commit.
 */
export class AtomicFileWriter {
  private done = false;
  private constructor(readonly target: string, readonly tempPath: string, private readonly handle: fsp.FileHandle, private readonly overwrite: boolean) {}

  static async create(target: string, opts: AtomicWriteOptions = {}): Promise<AtomicFileWriter> {
    const abs = path.resolve(target);
    if (opts.mkdir !== false) await fsp.mkdir(path.dirname(abs), { recursive: true });
    const st = await fsp.stat(abs).catch(() => undefined);
    if (st?.isDirectory()) throw new UserError(`${target} is a folder; give a file name inside it`);
    // a device, pipe or socket is never replaced by a file (not even with --force)
    if (st && !st.isFile()) throw new UserError(`${target} is not a regular file; choose a file name`);
    if (!opts.overwrite && st) {
      throw new UserError(`${target} already exists; choose another name or pass --force to replace it`);
    }
    const tmp = tempPathFor(abs);
    const handle = await fsp.open(tmp, 'wx');
    return new AtomicFileWriter(abs, tmp, handle, !!opts.overwrite);
  }

  async write(data: string | Uint8Array): Promise<void> {
    if (this.done) throw new Error('AtomicFileWriter: already finished');
    if (typeof data === 'string') await this.handle.write(data, null, 'utf8');
    else await this.handle.write(data);
  }

  async commit(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.handle.sync().catch(() => undefined);
      await this.handle.close();
      if (this.overwrite) {
        await fsp.rename(this.tempPath, this.target);
      } else {
        // link() fails with EEXIST when the target appeared meanwhile: never clobber a user's file.
        try {
          await fsp.link(this.tempPath, this.target);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') throw new UserError(`${this.target} already exists; choose another name or pass --force to replace it`);
          // File systems without hard links: fall back to an exclusive-create check + rename.
          if (await pathExists(this.target)) throw new UserError(`${this.target} already exists; choose another name or pass --force to replace it`);
          await fsp.rename(this.tempPath, this.target);
          return;
        }
        await fsp.unlink(this.tempPath).catch(() => undefined);
      }
    } catch (e) {
      await fsp.unlink(this.tempPath).catch(() => undefined);
      throw e;
    }
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.handle.close().catch(() => undefined);
    await fsp.unlink(this.tempPath).catch(() => undefined);
  }
}

/** `YYYYMMDD-HHMMSS` in local time. */
export function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Turns any string into a short file-name-safe slug ("App Reviews.csv" -> "app-reviews"). */
export function safeName(s: string, fallback = 'report'): string {
  const slug = s
    .normalize('NFKC')
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 60);
  return slug || fallback;
}

/**
 * The first of `<dir>/<base><ext>`, `<dir>/<base>-2<ext>`, ... that does not exist yet.
 * (A check only; use createUniqueDir / atomic writers to claim the name race-free.)
 */
export async function uniquePath(dir: string, base: string, ext = ''): Promise<string> {
  for (let n = 1; n < 10000; n++) {
    const p = path.join(dir, `${base}${n === 1 ? '' : `-${n}`}${ext}`);
    if (!(await pathExists(p))) return p;
  }
  throw new Error(`no free name for ${base}${ext} in ${dir}`);
}

/**
 * Moves the folder `tmp` to `final` unless something is already there: true when moved, false when the name is
 * taken. POSIX rename() would replace an existing *empty* folder, so the name is claimed with mkdir first; on
 * Windows rename() never replaces a folder (and cannot move onto the claimed one), so it is tried directly.
 */
export async function moveDirIfFree(tmp: string, final: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  if (await pathExists(final)) return false;
  if (platform === 'win32') {
    try {
      await fsp.rename(tmp, final);
      return true;
    } catch (e) {
      if (['EEXIST', 'EPERM', 'ENOTEMPTY', 'EACCES'].includes((e as NodeJS.ErrnoException).code ?? '') && (await pathExists(final))) return false;
      throw e;
    }
  }
  try {
    await fsp.mkdir(final);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    await fsp.rename(tmp, final);
  } catch (e) {
    await fsp.rmdir(final).catch(() => undefined);
    throw e;
  }
  return true;
}

/**
 * Fills a temp folder with `fill(tempDir)`, then renames it to the first free `<parent>/<base>[-n]`.
 * On error or cancel the temp folder is removed, so nothing half-written is left. Returns the final path.
 */
export async function writeDirAtomically(parent: string, base: string, fill: (tempDir: string) => Promise<void>, signal?: AbortSignal): Promise<string> {
  await fsp.mkdir(parent, { recursive: true });
  const tmp = path.join(parent, `.${base}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await fsp.mkdir(tmp);
  try {
    await fill(tmp);
    if (signal?.aborted) throw new CancelledError();
    for (let n = 1; n < 10000; n++) {
      const final = path.join(parent, n === 1 ? base : `${base}-${n}`);
      if (await moveDirIfFree(tmp, final)) return final;
    }
    throw new Error(`no free folder name for ${base} in ${parent}`);
  } catch (e) {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}

/**
 * Fills a temp folder with `fill(tempDir)` and puts it at `<parent>/<base>` itself. A folder already there is
 * replaced only when `mayReplace(existing)` returns (it throws to refuse), by two renames: the old folder is moved
 * aside, the new one takes its name (the old one is moved back if that fails), and the old one is removed last.
 * On error or cancel nothing changes. Returns the final path.
 */
export async function replaceDirAtomically(parent: string, base: string, fill: (tempDir: string) => Promise<void>,
  mayReplace: (existing: string) => Promise<void>, signal?: AbortSignal): Promise<string> {
  await fsp.mkdir(parent, { recursive: true });
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const tmp = path.join(parent, `.${base}.${tag}.tmp`);
  const final = path.join(parent, base);
  await fsp.mkdir(tmp);
  try {
    await fill(tmp);
    if (signal?.aborted) throw new CancelledError();
    if (await moveDirIfFree(tmp, final)) return final;
    await mayReplace(final);
    const old = path.join(parent, `${base}.replaced-${tag}`);
    await fsp.rename(final, old);
    try {
      await fsp.rename(tmp, final);
    } catch (e) {
      try {
        await fsp.rename(old, final);
      } catch {
        throw new Error(`${final} could not be replaced (${(e as Error).message}); the previous one is kept at ${old}: rename it back`);
      }
      throw e;
    }
    await fsp.rm(old, { recursive: true, force: true }).catch(() => undefined);
    return final;
  } catch (e) {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}

/**
 * Checks an output path before any work is done: it is none of `inputs` and not inside any of `readDirs` (what
 * the command reads: a model or classifier folder), and its nearest existing ancestor is a folder. `label` names
 * it in the message (e.g. "--out results.csv").
 */
export async function assertOutputPath(out: string, label: string, o: { inputs?: string[]; readDirs?: string[] } = {}): Promise<void> {
  // compared as real paths: a symbolic link to an input or a model folder is the input or the folder
  const abs = await realPathOf(out);
  const inputs = await Promise.all((o.inputs ?? []).map(realPathOf));
  if (inputs.includes(abs)) {
    throw new UserError(`${label} is one of the files being read; an input is never modified: choose another name`);
  }
  for (const d of o.readDirs ?? []) {
    if (isInside(await realPathOf(d), abs)) {
      throw new UserError(`${label} is inside ${d}, which is being read: write it somewhere else`);
    }
  }
  for (let p = path.dirname(abs); ; p = path.dirname(p)) {
    const st = await fsp.stat(p).catch(() => undefined);
    if (st) {
      if (!st.isDirectory()) throw new UserError(`${label}: ${p} is a file, not a folder`);
      return;
    }
    if (path.dirname(p) === p) return;
  }
}

/** Whether `p` is `dir` or lies below it (absolute paths; another drive is never inside). */
export function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** The real path of `p` (links resolved) when it exists, else its nearest existing ancestor's real path + the rest. */
export async function realPathOf(p: string): Promise<string> {
  const abs = path.resolve(p);
  let head = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(await fsp.realpath(head), ...rest);
    } catch {
      const up = path.dirname(head);
      if (up === head) return abs;
      rest.unshift(path.basename(head));
      head = up;
    }
  }
}

/** Synchronous best-effort removal (for process-exit cleanup of temp files). */
export function removeQuietly(p: string): void {
  try {
    fs.rmSync(p, { recursive: true, force: true });
  } catch {
    /* ignore */
  }
}

/** "mtime:size" of a file ('' when absent): tells a file saved anew at the same path from the one loaded before. */
export function fileStamp(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return '';
  }
}

/** How an output path is checked for write access (fs.promises.access; injectable, since root ignores modes). */
export type AccessFn = (p: string, mode: number) => Promise<void>;

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
};

/** What an output path is: a file written atomically (a temp file beside it), or a folder (a temp folder beside it). */
export interface WritableOutputOptions {
  /** 'file' (default): a folder, device or pipe already at `out` is refused; 'folder': what is at `out` is left to the caller. */
  target?: 'file' | 'folder';
  /** A file name to suggest when `out` is a folder (e.g. "results.csv"; default: "a file name inside it"). */
  fileName?: string;
}

const PROBE_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'disk quota exceeded',
};

/**
 * Checks before any work that an output at `out` (a file, or a folder made with its temp folder next to it) can be
 * written, so a long job never ends in a raw ENOENT or EACCES: a folder (or device) is not where a file goes, the
 * nearest existing folder above `out` must be a folder (not a file), must pass `access` (write and search permission;
 * injectable, since root ignores modes) and must take a new file: one is created there and removed at once (a
 * read-only mount, /proc or /sys, a disk that is full). Missing folders below it are then created by the writer, as
 * before. `flag` is the option to change ('--out', '--save'). The one rule for analyze, predict, generate and train.
 */
export async function assertWritableOutput(out: string, flag: string, access: AccessFn = fsp.access, advice = `choose another ${flag}`, o: WritableOutputOptions = {}): Promise<void> {
  const abs = path.resolve(out);
  const own = await fsp.stat(abs).catch(() => undefined);
  if (own && (o.target ?? 'file') === 'file') {
    if (own.isDirectory()) throw new UserError(`${flag} ${out} is a folder; give a file name (e.g. ${path.join(out, o.fileName ?? 'output.txt')})`);
    if (!own.isFile()) throw new UserError(`${flag} ${out} is not a regular file (a device or a pipe); give a file name, or - for stdout`);
  }
  for (let p = path.dirname(abs); ; p = path.dirname(p)) {
    const st = await fsp.stat(p).catch(() => undefined);
    if (st) {
      if (!st.isDirectory()) throw new UserError(`${flag} ${out}: ${p} is a file, not a folder`);
      try {
        await access(p, fs.constants.W_OK | fs.constants.X_OK);
        await probeNewFile(p);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        const why = PROBE_WORDS[code] ?? `no file can be created there${code ? `: ${code}` : ''}`;
        throw new UserError(`cannot write into ${p} (${why}): ${advice}`);
      }
      return;
    }
    if (path.dirname(p) === p) return;
  }
}

/** Creates a uniquely named empty file in `dir` and removes it: throws the file system's error when none can be made. */
async function probeNewFile(dir: string): Promise<void> {
  const probe = path.join(dir, `.product-forge-write-check.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const h = await fsp.open(probe, 'wx');
  await h.close().catch(() => undefined);
  await fsp.unlink(probe).catch(() => undefined);
}

/**
 * A failed write as one clear sentence ("could not write DIR: permission denied (EACCES)") instead of the raw errno
 * text; UserErrors, cancellations and errors without a known errno code are returned as they are.
 */
export function explainWriteError(e: unknown, target: string, flag?: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (e instanceof UserError || e instanceof CancelledError || !code || !ERRNO_WORDS[code]) return e;
  const hint = flag && ['EACCES', 'EPERM', 'EROFS'].includes(code) ? `: choose another ${flag}` : '';
  const err = new Error(`could not write ${target}: ${ERRNO_WORDS[code]} (${code})${hint}`);
  (err as Error & { cause?: unknown }).cause = e;
  return err;
}

/** A stream that may ask its writer to wait ('drain'), such as process.stdout. */
export interface DrainableStream {
  write(s: string): boolean;
  once?(event: 'drain', f: () => void): unknown;
  off?(event: 'drain', f: () => void): unknown;
}

/**
 * Writes `s` to a stream, waiting for 'drain' when it asks; a stream that never drains (a closed pipe) ends the wait
 * when `signal` aborts, and then CancelledError is thrown. Each wait removes its listeners, so a long output never
 * piles abort listeners on the signal (Node warns past 10).
 */
export async function writeOrAbort(stream: DrainableStream, s: string, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  if (stream.write(s) || !stream.once) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off?.('drain', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    stream.once!('drain', done);
    signal?.addEventListener('abort', done, { once: true });
  });
  throwIfAborted(signal);
}
