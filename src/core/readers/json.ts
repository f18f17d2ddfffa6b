// JSON (an array of strings or objects, loaded whole up to a size limit) and JSON Lines (streamed).
import type { FeedbackItem } from '../types';
import { UserError } from '../types';
import { cleanCellText } from './clean';
import { hasTextNameHint, isKnownColumnName } from './columns';
import { lineBatches, type OpenedText } from './decode';

export const DEFAULT_MAX_JSON_BYTES = 200 * 1024 * 1024;

/** Nested objects deeper than this keep their value as compact JSON. */
const MAX_FLATTEN_DEPTH = 4;
/** The elements of a list of objects whose fields are flattened (a thread of 10,000 comments reads its first 100). */
const MAX_LIST_ELEMENTS = 100;

/**
 * Flattens a JSON object's values to strings: a nested object's values also as dotted fields ({"content":{"body":…}}
 * gives "content.body"; the top-level field keeps the object as compact JSON too), lists of plain values joined with
 * ", ", lists of objects as the dotted fields of their elements merged (below; the top-level field keeps the list as
 * compact JSON too), a Google API timestamp ({"seconds":"1712345678","nanos":…}) as its ISO date.
 *
 * A list of objects is flattened as one object whose fields gather its elements' values: Google Play's review API
 * ({"comments":[{"userComment":{"text":…,"starRating":4,"lastModified":{…}}},{"developerComment":{"text":…}}]}) gives
 * "comments.userComment.text", "comments.userComment.starRating", "comments.userComment.lastModified" and
 * "comments.developerComment.text"; a ticket's [{"body":…},{"body":…}] gives "comments.body". A field holds the value
 * of every element that has it, in order: one value as it is, several joined with ", " when each is one word or number
 * and one per line otherwise. Merged rather than by position ("comments.0.userComment.text"): an element's index is no
 * name a PM knows or would pass to --column, the customer's comment and the reply are told apart by their own keys, not
 * by where they stand, and a thread of ten comments would otherwise make ten columns per field, different in each
 * record. So each kind of value is one column that text, rating and date detection can find, whatever the list's length.
 * Only the first MAX_LIST_ELEMENTS elements are flattened, within the same MAX_FLATTEN_DEPTH as objects (a list does
 * not count as a level, its elements do); deeper, the value stays compact JSON.
 */
export function flattenRecord(o: Record<string, unknown>, out: Record<string, string> = {}, prefix = '', depth = 0): Record<string, string> {
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v === null || v === undefined) out[key] = '';
    else if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else if (Array.isArray(v)) {
      if (v.every((x) => x === null || typeof x !== 'object')) out[key] = v.filter((x) => x !== null && x !== undefined && x !== '').join(', ');
      else {
        const objects = v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length > 0);
        if (depth === 0 || depth >= MAX_FLATTEN_DEPTH || !objects.length) out[key] = JSON.stringify(v);
        if (depth < MAX_FLATTEN_DEPTH && objects.length) flattenList(objects.slice(0, MAX_LIST_ELEMENTS), out, key, depth + 1);
      }
    } else {
      const obj = v as Record<string, unknown>;
      const date = timestampOf(obj);
      if (date !== undefined) out[key] = date;
      else if (depth < MAX_FLATTEN_DEPTH && Object.keys(obj).length) {
        if (depth === 0) out[key] = JSON.stringify(v);
        flattenRecord(obj, out, key, depth + 1);
      } else out[key] = Object.keys(obj).length ? JSON.stringify(v) : '';
    }
  }
  return out;
}

/** The elements of a list of objects as dotted fields under `key`, each field the values of the elements that have it (see flattenRecord). */
function flattenList(elements: Record<string, unknown>[], out: Record<string, string>, key: string, depth: number): void {
  const values = new Map<string, string[]>();
  for (const el of elements) {
    for (const [f, v] of Object.entries(flattenRecord(el, {}, key, depth))) {
      let list = values.get(f);
      if (!list) values.set(f, (list = []));
      if (v !== '') list.push(v);
    }
  }
  for (const [f, list] of values) out[f] = list.join(list.some((x) => /\s/.test(x)) ? '\n' : ', ');
}

const MIN_TIMESTAMP_S = Date.UTC(1990, 0, 1) / 1000;
const MAX_TIMESTAMP_S = Date.UTC(2101, 0, 1) / 1000;

/**
 * A Google API timestamp as the protobuf JSON of its REST APIs writes it ({"seconds":"1712345678","nanos":913000000};
 * Google Play's reviews' lastModified) as an ISO date (UTC), so date detection reads it; undefined for any other object.
 */
function timestampOf(o: Record<string, unknown>): string | undefined {
  const keys = Object.keys(o);
  if (!keys.includes('seconds') || !keys.every((k) => k === 'seconds' || k === 'nanos')) return undefined;
  const s = o.seconds;
  const n = typeof s === 'number' ? s : typeof s === 'string' && /^\d{1,12}$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(n) || n < MIN_TIMESTAMP_S || n >= MAX_TIMESTAMP_S) return undefined;
  return new Date(n * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Rows given as arrays ([["date","review"],["2024-01-02","Great"]]): the first is the header when it is all
 * names (strings, no numbers); otherwise the fields are c0, c1, …
 */
export class ArrayRows {
  private names?: string[];
  private first = true;
  /** The record of one array, or undefined for the header row. */
  record(row: unknown[]): Record<string, string> | undefined {
    if (this.first) {
      this.first = false;
      // a header row: names only (short, no sentences), at least one a known column name ("text", "rating", "评论")
      const names = row.length && row.every((x) => typeof x === 'string' && x.trim() && !/^[-+]?\d+([.,]\d+)?$/.test(x.trim()) && x.length <= 40 && !/[.!?。！？…]$/.test(x.trim()));
      if (names && (row as string[]).some((x) => isKnownColumnName(x))) {
        const seen = new Map<string, number>();
        this.names = (row as string[]).map((n) => {
          const k = seen.get(n.trim()) ?? 0;
          seen.set(n.trim(), k + 1);
          return k ? `${n.trim()}_${k + 1}` : n.trim();
        });
        return undefined;
      }
    }
    const o: Record<string, unknown> = {};
    row.forEach((v, i) => (o[this.names?.[i] ?? `c${i}`] = v));
    return flattenRecord(o);
  }
}

export interface JsonRecord {
  /** A bare string element, or the flattened object. */
  value: string | Record<string, string>;
  line: number;
}

/**
 * Finds the start offsets of the elements of the feedback array: the top-level array, or the array reached from
 * the top-level object through the object fields `keyPath` ({"data":{"reviews":[…]}} → ["data", "reviews"]).
 */
function elementOffsets(text: string, keyPath: readonly string[]): number[] {
  const offsets: number[] = [];
  // stack of container chars; target depth is where elements live.
  const stack: string[] = [];
  // how many of keyPath the open objects follow (the root object is level 0)
  let onPath = 0;
  let targetDepth = -1;
  let lastKey: string | null = null;
  let expectValue = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === ',' || c === ':') {
      if (c === ':') expectValue = true;
      if (c === ',' && stack[stack.length - 1] === '{') expectValue = false;
      i++;
      continue;
    }
    const depth = stack.length;
    const atElement = targetDepth >= 0 && depth === targetDepth && stack[depth - 1] === '[';
    if (atElement && c !== ']') offsets.push(i);
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const str = text.slice(i + 1, j);
      // a key of an object on the path (only those are compared)
      if (depth >= 1 && onPath === depth && depth <= keyPath.length && stack[depth - 1] === '{' && !expectValue) {
        try {
          lastKey = JSON.parse(`"${str}"`);
        } catch {
          lastKey = str;
        }
      }
      expectValue = false;
      i = j + 1;
      continue;
    }
    if (c === '[' || c === '{') {
      // entered under the next key of the path, from an object on the path
      const next = targetDepth < 0 && onPath === depth && (depth === 0 ? keyPath.length === 0 || c === '{' : stack[depth - 1] === '{' && expectValue && lastKey === keyPath[depth - 1]);
      if (next && c === '[' && depth === keyPath.length) targetDepth = depth + 1;
      else if (next && c === '{' && depth < keyPath.length) onPath = depth + 1;
      stack.push(c);
      expectValue = false;
      i++;
      continue;
    }
    if (c === ']' || c === '}') {
      stack.pop();
      if (onPath > stack.length) onPath = stack.length;
      // the feedback array closed: later arrays (a wrapper's "tags": […]) hold no elements of it
      if (targetDepth >= 0 && stack.length < targetDepth) return offsets;
      i++;
      continue;
    }
    // number / literal
    expectValue = false;
    while (i < n && !/[,\]}\s]/.test(text[i])) i++;
  }
  return offsets;
}

function lineStarts(text: string, offsets: number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let pos = 0;
  for (const off of offsets) {
    for (; pos < off; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 10 || (c === 13 && text.charCodeAt(pos + 1) !== 10)) line++;
    }
    lines.push(line);
  }
  return lines;
}

/** How deep in objects an export's array of records is looked for (GraphQL's {"data":{"repository":{"issues":{"nodes":[…]}}}} is 4). */
const MAX_WRAPPER_DEPTH = 4;

/**
 * The array of records in a wrapper object (an API export: {"reviews":[…]}, {"data":{"items":[…]}}, GraphQL's
 * {"data":{"repository":{"issues":{"nodes":[…]}}}}): the longest array of objects, strings or rows, shallower first on a tie; an array of
 * only numbers (ids) or an empty one only when there is nothing else.
 */
function feedbackArray(root: Record<string, unknown>): { path: string[]; arr: unknown[] } | undefined {
  let best: { path: string[]; arr: unknown[]; records: boolean } | undefined;
  const visit = (o: Record<string, unknown>, path: string[]) => {
    for (const [k, v] of Object.entries(o)) {
      if (Array.isArray(v)) {
        const records = v.some((x) => typeof x === 'string' || (x !== null && typeof x === 'object'));
        const better = !best || (records !== best.records ? records : v.length !== best.arr.length ? v.length > best.arr.length : path.length + 1 < best.path.length);
        if (better) best = { path: [...path, k], arr: v, records };
      } else if (v && typeof v === 'object' && path.length + 1 < MAX_WRAPPER_DEPTH) visit(v as Record<string, unknown>, [...path, k]);
    }
  };
  visit(root, []);
  return best;
}

/** Loads a whole .json file (up to `maxBytes`) and returns its feedback records with 1-based lines. */
export async function loadJsonRecords(opened: OpenedText, source: string, maxBytes: number, signal?: AbortSignal): Promise<JsonRecord[]> {
  if (opened.bytesTotal > maxBytes) {
    throw new UserError(
      `${source} is ${(opened.bytesTotal / 1048576).toFixed(0)} MB, more than the ${(maxBytes / 1048576).toFixed(0)} MB a JSON array may have; convert it to JSON Lines (.jsonl, one object per line), which is streamed`,
    );
  }
  const parts: string[] = [];
  for await (const c of opened.chunks(signal)) parts.push(c.text);
  const text = parts.join('');
  if (!text.trim()) throw new UserError(`No feedback items found in ${source} (the file is empty)`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${source} is not valid JSON${whereInJson(text, (e as Error).message)}; fix it there, or for one record per line use the .jsonl extension`);
  }
  let arr: unknown[];
  let keyPath: string[] = [];
  if (Array.isArray(data)) arr = data;
  else if (data && typeof data === 'object') {
    const found = feedbackArray(data as Record<string, unknown>);
    if (!found) {
      const fields = Object.keys(data as object).slice(0, 8);
      // one record on its own ({"text": "…", "rating": 4}): what would make it a file of records
      if (Object.keys(flattenRecord(data as Record<string, unknown>)).some(hasTextNameHint)) {
        throw new UserError(`No feedback items found in ${source} (it is one object, not a list of records: write the records as an array, [{…}, {…}], or one object per line in a .jsonl file)`);
      }
      throw new UserError(`No feedback items found in ${source} (expected an array of strings or objects, or an object holding one${fields.length ? `; its fields ${fields.map((f) => JSON.stringify(f)).join(', ')} hold none` : ''})`);
    }
    ({ path: keyPath, arr } = found);
  } else {
    throw new UserError(`No feedback items found in ${source} (expected an array of strings or objects)`);
  }
  const offsets = elementOffsets(text, keyPath);
  const lines = offsets.length === arr.length ? lineStarts(text, offsets) : arr.map((_, i) => i + 1);
  const out: JsonRecord[] = [];
  const arrays = new ArrayRows();
  arr.forEach((el, i) => {
    if (typeof el === 'string') out.push({ value: el, line: lines[i] });
    else if (typeof el === 'number') out.push({ value: String(el), line: lines[i] });
    else if (Array.isArray(el)) {
      const rec = arrays.record(el);
      if (rec) out.push({ value: rec, line: lines[i] });
    } else if (el && typeof el === 'object') out.push({ value: flattenRecord(el as Record<string, unknown>), line: lines[i] });
  });
  return out;
}

/** Where JSON.parse stopped, as " at line L, column C (what it said)", from the position its message gives. */
function whereInJson(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  const what = message.replace(/\s*(in JSON )?at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)/, '');
  if (!m) return ` (${message})`;
  const pos = Math.min(Number(m[1]), text.length);
  let line = 1, lineStart = 0;
  for (let i = 0; i < pos; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) (line++, (lineStart = i + 1));
  }
  return ` at line ${line}, column ${pos - lineStart + 1} (${what})`;
}

/** Parses JSON Lines in batches; bad lines are counted (first one remembered) and skipped. */
export async function* jsonlRecords(
  opened: OpenedText,
  source: string,
  stats: { badLines: number; firstBadLine?: number; firstBadError?: string },
  signal?: AbortSignal,
): AsyncGenerator<{ records: JsonRecord[]; bytesDone: number }> {
  let goodLines = 0;
  const arrays = new ArrayRows();
  for await (const batch of lineBatches(opened, signal)) {
    const records: JsonRecord[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      const raw = batch.lines[i].replace(/^\uFEFF/, '').trim();
      if (!raw) continue;
      const line = batch.firstLine + i;
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch (e) {
        stats.badLines++;
        if (stats.firstBadLine === undefined) {
          stats.firstBadLine = line;
          stats.firstBadError = (e as Error).message;
        }
        if (stats.badLines >= 20 && goodLines === 0) {
          throw new UserError(`${source} is not valid JSON Lines (line ${stats.firstBadLine}: ${stats.firstBadError}); each line must be one JSON object or string`);
        }
        continue;
      }
      goodLines++;
      if (typeof v === 'string') records.push({ value: v, line });
      else if (typeof v === 'number') records.push({ value: String(v), line });
      else if (Array.isArray(v)) {
        const rec = arrays.record(v);
        if (rec) records.push({ value: rec, line });
      } else if (v && typeof v === 'object') records.push({ value: flattenRecord(v as Record<string, unknown>), line });
    }
    if (records.length) yield { records, bytesDone: batch.bytesDone };
  }
  if (goodLines === 0 && stats.badLines > 0) {
    throw new UserError(`${source} is not valid JSON Lines (line ${stats.firstBadLine}: ${stats.firstBadError}); each line must be one JSON object or string`);
  }
}

/** Parses the JSONL sample (complete lines only) for field detection. */
export function sampleJsonlObjects(sample: string, whole: boolean, max = 500): (string | Record<string, string>)[] {
  const lines = sample.split(/\r\n|\n|\r/);
  if (!whole) lines.pop();
  const out: (string | Record<string, string>)[] = [];
  const arrays = new ArrayRows();
  for (const l of lines) {
    const t = l.replace(/^\uFEFF/, '').trim();
    if (!t) continue;
    try {
      const v = JSON.parse(t);
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) {
        const rec = arrays.record(v);
        if (rec) out.push(rec);
      } else if (v && typeof v === 'object') out.push(flattenRecord(v));
    } catch {
      /* counted while streaming */
    }
    if (out.length >= max) break;
  }
  return out;
}

/**
 * The parts of a row's text joined as sentences ("Great app" + "Syncs fast" -> "Great app. Syncs fast"), each
 * without HTML markup or an e-mail signature (see cleanCellText).
 */
export function joinTextParts(parts: readonly string[]): string {
  let out = '';
  for (const raw of parts) {
    const p = cleanCellText(raw);
    if (!p) continue;
    out = !out ? p : /[.!?。！？…:;]$/u.test(out) ? `${out} ${p}` : `${out}. ${p}`;
  }
  return out;
}

/** Items for records: strings are the text; objects join their `textFields` (the other fields are kept). */
export function recordsToItems(records: JsonRecord[], source: string, textFields: readonly string[] | undefined): FeedbackItem[] {
  const items: FeedbackItem[] = [];
  for (const r of records) {
    if (typeof r.value === 'string') {
      const text = cleanCellText(r.value);
      if (text) items.push({ source, line: r.line, text });
      continue;
    }
    if (!textFields?.length) continue;
    const obj = r.value;
    const text = joinTextParts(textFields.map((f) => obj[f] ?? ''));
    if (!text) continue;
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj)) if (!textFields.includes(k)) fields[k] = v;
    items.push({ source, line: r.line, text, fields });
  }
  return items;
}
