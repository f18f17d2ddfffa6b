// Pure helpers for command arguments and input paths (no 'vscode' import: unit-tested as is).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../core/types';

/** The part of vscode.Uri these helpers look at. */
export interface UriLike {
  scheme: string;
  fsPath: string;
}

export const FEEDBACK_EXTENSIONS = ['.txt', '.md', '.csv', '.tsv', '.json', '.jsonl'] as const;
export const TABLE_EXTENSIONS = ['.csv', '.tsv'] as const;
/** Files whose text columns/fields "Analyze Feedback: Choose Text Columns…" can pick. */
export const COLUMN_EXTENSIONS = ['.csv', '.tsv', '.json', '.jsonl'] as const;
/**
 * A .json array is parsed whole (CSV, TSV and JSONL are sampled or streamed): on the extension host only up
 * to this size, where JSON.parse takes some tens of milliseconds. Larger ones are left to the model worker.
 */
export const MAX_HOST_JSON_BYTES = 8 * 1024 * 1024;

export function isUriLike(x: unknown): x is UriLike {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as UriLike).scheme === 'string' &&
    typeof (x as UriLike).fsPath === 'string'
  );
}

/**
 * The path on this computer of a file the user picked (an open dialog, the explorer, a workspace search), or a
 * UserError when it lives elsewhere: a virtual workspace (vscode-vfs:, a GitHub repository), a remote, an untitled
 * document. Its fsPath would name a local file that is not it (or none). `what`: "analyzed", "used for training"…
 */
export function localPath(uri: UriLike, what: string): string {
  if (uri.scheme !== 'file') {
    throw new UserError(`Only files on disk can be ${what} (${uri.scheme}: is not supported). Save or copy the file to a folder on this computer first.`);
  }
  return uri.fsPath;
}

/** The files of a workspace search that are on this computer (a virtual or remote folder's are not). */
export function localFiles<T extends UriLike>(uris: readonly T[]): T[] {
  return uris.filter((u) => u.scheme === 'file');
}

export function isFeedbackFile(p: string): boolean {
  return (FEEDBACK_EXTENSIONS as readonly string[]).includes(path.extname(p).toLowerCase());
}

export function isTableFile(p: string): boolean {
  return (TABLE_EXTENSIONS as readonly string[]).includes(path.extname(p).toLowerCase());
}

/**
 * The targets a command was invoked on, from the ways VS Code calls it:
 * explorer/context `(uri, selectedUris[])`, editor/title `(uri, {groupId})`, editor/context `(uri)`,
 * `executeCommand(id, uri | uri[] | path | path[])`, or nothing (palette). Strings are file paths.
 * The multi-selection wins over the clicked item (it contains it). Duplicates are removed.
 */
export function commandTargets(args: readonly unknown[]): Array<UriLike | string> {
  const [first, second] = args;
  const list = (x: unknown): Array<UriLike | string> =>
    Array.isArray(x) ? x.filter((e): e is UriLike | string => isUriLike(e) || (typeof e === 'string' && e.length > 0)) : [];
  let picked: Array<UriLike | string> = [];
  const multi = list(second);
  if (multi.length) picked = multi;
  else if (isUriLike(first) || (typeof first === 'string' && first)) picked = [first as UriLike | string];
  else picked = list(first);
  const seen = new Set<string>();
  return picked.filter((t) => {
    const key = typeof t === 'string' ? `file:${path.resolve(t)}` : `${t.scheme}:${t.fsPath}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether `child` is `parent` or inside it (path-wise; case-insensitive on Windows/macOS file systems). */
export function isInside(parent: string, child: string, caseInsensitive = process.platform !== 'linux'): boolean {
  let rel = path.relative(path.resolve(parent), path.resolve(child));
  if (caseInsensitive) rel = path.relative(path.resolve(parent).toLowerCase(), path.resolve(child).toLowerCase());
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Drops paths already covered by a selected folder (a folder and a file in it were both selected). */
export function dropCovered(paths: readonly string[], isDir: (p: string) => boolean): string[] {
  const dirs = paths.filter(isDir);
  return paths.filter((p) => !dirs.some((d) => d !== p && isInside(d, p)));
}

/**
 * Where the report of an analysis goes (`<dir>/.product-forge/reports/...`): the workspace folder of
 * the first input; for an input outside every workspace folder, that folder itself (input is a folder)
 * or the folder holding the file, so the report sits next to the feedback it describes.
 */
export function reportRoot(firstInput: string, inputIsDir: boolean, workspaceFolder: string | undefined): string {
  if (workspaceFolder) return workspaceFolder;
  return inputIsDir ? path.resolve(firstInput) : path.dirname(path.resolve(firstInput));
}

/** Report folder base name: the first input's name without extension, "+N" when there are more. */
export function reportBaseName(inputs: readonly string[]): string {
  if (!inputs.length) return 'feedback';
  const first = path.basename(inputs[0], path.extname(inputs[0]));
  const safe = first.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 60) || 'feedback';
  return inputs.length > 1 ? `${safe}+${inputs.length - 1}` : safe;
}

/** The workspaceState key remembering the text column(s) chosen for a table file. */
export function columnMemoryKey(fsPath: string): string {
  return `productForge.textColumn:${path.resolve(fsPath)}`;
}

/**
 * The text columns remembered under columnMemoryKey (a list, or one name as earlier versions stored it)
 * when they are all still in the file (`names`, when known). Undefined when nothing usable is remembered.
 */
export function rememberedColumns(value: unknown, names?: readonly string[]): string[] | undefined {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  if (!list.length || !list.every((c) => typeof c === 'string' && c && (!names || names.includes(c)))) return undefined;
  return list as string[];
}

/** One table of an analysis: its columns, the detected text column and the column(s) chosen or remembered. */
export interface TableColumns {
  file: string;
  columns: string[];
  detected?: string;
  chosen?: string[];
}

/**
 * The text columns for the engine, which reads every table of one run with the same column list:
 * undefined when every table goes by its detected column (the engine detects per file), else the one
 * list all tables share. Tables needing different columns are refused, naming each file's columns.
 */
export function commonTextColumns(tables: TableColumns[]): string[] | undefined {
  const use = tables.map((t) => t.chosen ?? (t.detected !== undefined ? [t.detected] : undefined));
  if (!tables.some((t) => t.chosen)) return undefined;
  const keys = new Set(use.filter((u): u is string[] => !!u).map((u) => JSON.stringify(u)));
  const list = use.find((u): u is string[] => !!u)!;
  if (keys.size > 1 || tables.some((t) => !list.every((c) => t.columns.includes(c)))) {
    const each = tables.map((t, i) => `${path.basename(t.file)}: ${use[i]?.join(' + ') ?? '?'}`).join(', ');
    throw new UserError(`These files need different text columns (${each}). Analyze them one at a time.`);
  }
  return list;
}

/** "1,234 items" style counts for messages. */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

export { deviceLabel } from '../core/deviceName';

/** Files the Train view reads. */
export const TRAIN_FILE = /\.(csv|tsv|txt|data)$/i;

/**
 * The local table file a drop onto the Train view names (a file: URI or a path), or why it cannot be
 * used: other URI schemes (remote, untitled) and files that are not CSV/TSV are refused.
 */
export function droppedTableFile(ref: string): string | { error: string } {
  let file: string;
  const scheme = /^([a-z][\w+.-]+):/i.exec(ref)?.[1];
  if (scheme && !/^[a-z]:[\\/]/i.test(ref)) {
    if (scheme.toLowerCase() !== 'file') return { error: `Only files on disk can be used for training (${scheme}: is not supported).` };
    try {
      file = fileURLToPath(ref);
    } catch {
      return { error: `The dropped item is not a file path (${ref.slice(0, 200)}).` };
    }
  } else file = path.resolve(ref);
  if (!TRAIN_FILE.test(file)) return { error: `${path.basename(file)} is not a CSV or TSV file: drop a .csv or .tsv file.` };
  return file;
}
