// JSON (an array of strings or objects, loaded whole up to a size limit) and JSON Lines (streamed).
import type { FeedbackItem } from '../types';
import { UserError } from '../types';
import { lineBatches, type OpenedText } from './decode';

export const DEFAULT_MAX_JSON_BYTES = 200 * 1024 * 1024;

/** Flattens a JSON object's values to strings (nested values as compact JSON). */
export function flattenRecord(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined) out[k] = '';
    else if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else out[k] = JSON.stringify(v);
  }
  return out;
}

export interface JsonRecord {
  /** A bare string element, or the flattened object. */
  value: string | Record<string, string>;
  line: number;
}

/**
 * Finds the start offsets of the elements of the feedback array: the top-level array, or the array
 * under `key` of a top-level object.
 */
function elementOffsets(text: string, key: string | null): number[] {
  const offsets: number[] = [];
  // stack of container chars; target depth is where elements live.
  const stack: string[] = [];
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
      if (depth === 1 && stack[0] === '{' && !expectValue) {
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
      if (c === '[' && targetDepth < 0 && ((key === null && depth === 0) || (key !== null && depth === 1 && lastKey === key && expectValue))) targetDepth = depth + 1;
      stack.push(c);
      expectValue = false;
      i++;
      continue;
    }
    if (c === ']' || c === '}') {
      stack.pop();
      if (targetDepth >= 0 && stack.length < targetDepth - 1) return offsets;
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
    throw new UserError(`${source} is not valid JSON (${(e as Error).message}); for one record per line use the .jsonl extension`);
  }
  let arr: unknown[];
  let key: string | null = null;
  if (Array.isArray(data)) arr = data;
  else if (data && typeof data === 'object') {
    const entries = Object.entries(data as Record<string, unknown>).filter(([, v]) => Array.isArray(v)) as [string, unknown[]][];
    entries.sort((a, b) => b[1].length - a[1].length);
    if (!entries.length) throw new UserError(`No feedback items found in ${source} (expected an array of strings or objects, or an object holding one)`);
    [key, arr] = entries[0];
  } else {
    throw new UserError(`No feedback items found in ${source} (expected an array of strings or objects)`);
  }
  const offsets = elementOffsets(text, key);
  const lines = offsets.length === arr.length ? lineStarts(text, offsets) : arr.map((_, i) => i + 1);
  const out: JsonRecord[] = [];
  arr.forEach((el, i) => {
    if (typeof el === 'string') out.push({ value: el, line: lines[i] });
    else if (typeof el === 'number') out.push({ value: String(el), line: lines[i] });
    else if (el && typeof el === 'object' && !Array.isArray(el)) out.push({ value: flattenRecord(el as Record<string, unknown>), line: lines[i] });
  });
  return out;
}

/** Parses JSON Lines in batches; bad lines are counted (first one remembered) and skipped. */
export async function* jsonlRecords(
  opened: OpenedText,
  source: string,
  stats: { badLines: number; firstBadLine?: number; firstBadError?: string },
  signal?: AbortSignal,
): AsyncGenerator<{ records: JsonRecord[]; bytesDone: number }> {
  let goodLines = 0;
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
      else if (v && typeof v === 'object' && !Array.isArray(v)) records.push({ value: flattenRecord(v as Record<string, unknown>), line });
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
  for (const l of lines) {
    const t = l.replace(/^\uFEFF/, '').trim();
    if (!t) continue;
    try {
      const v = JSON.parse(t);
      if (typeof v === 'string') out.push(v);
      else if (v && typeof v === 'object' && !Array.isArray(v)) out.push(flattenRecord(v));
    } catch {
      /* counted while streaming */
    }
    if (out.length >= max) break;
  }
  return out;
}

/** The parts of a row's text joined as sentences ("Great app" + "Syncs fast" -> "Great app. Syncs fast"). */
export function joinTextParts(parts: readonly string[]): string {
  let out = '';
  for (const raw of parts) {
    const p = raw.trim();
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
      const text = r.value.trim();
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
