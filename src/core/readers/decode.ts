// Encoding detection and streaming decoding of feedback files.
// Order: BOM (UTF-8, UTF-16LE, UTF-16BE) > BOM-less UTF-16 (NUL byte pattern) > valid UTF-8 > Windows-1252
// (Latin-1: accented letters as single high bytes between ASCII ones) > GB18030.
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { CancelledError, UserError } from '../types';
import { breathe } from '../yielder';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'windows-1252';

export interface EncodingInfo {
  encoding: TextEncodingName;
  /** Bytes of byte-order mark at the start of the file (skipped when reading). */
  bomLength: number;
  /** Human-readable, e.g. "UTF-8 (BOM)", "GB18030". */
  label: string;
}

/** Bytes read up front to detect the encoding, binary content, CSV dialect and text column. */
export const SAMPLE_BYTES = 1 << 20;
const CHUNK_BYTES = 64 * 1024;

export function sniffEncoding(bytes: Uint8Array): EncodingInfo {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3, label: 'UTF-8 (BOM)' };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2, label: 'UTF-16LE (BOM)' };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2, label: 'UTF-16BE (BOM)' };
  // UTF-16 without BOM: text in Latin script has a NUL in every other byte.
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n >= 8) {
    let evenNul = 0, oddNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (bytes[i] === 0) evenNul++;
      if (bytes[i + 1] === 0) oddNul++;
    }
    const pairs = n / 2;
    if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return { encoding: 'utf-16le', bomLength: 0, label: 'UTF-16LE' };
    if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return { encoding: 'utf-16be', bomLength: 0, label: 'UTF-16BE' };
  }
  try {
    // stream: true tolerates a multi-byte sequence cut off at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return { encoding: 'utf-8', bomLength: 0, label: 'UTF-8' };
  } catch {
    // UTF-16 without BOM in a script with few ASCII characters (Chinese): NUL bytes only in the line breaks and
    // punctuation, too few for the test above. GB18030 and Latin-1 text never hold a NUL byte.
    const u16 = cjkUtf16(bytes);
    if (u16) return { encoding: u16, bomLength: 0, label: u16 === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE' };
    return latin1Likely(bytes) ? { encoding: 'windows-1252', bomLength: 0, label: 'Windows-1252 (Latin-1)' } : { encoding: 'gb18030', bomLength: 0, label: 'GB18030' };
  }
}

/** BOM-less UTF-16 of mostly CJK text: some NUL bytes, and nearly every 16-bit unit is ASCII or a CJK character. */
function cjkUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length, 1 << 16) & ~1;
  if (n < 8 || bytes.subarray(0, n).indexOf(0) < 0) return undefined;
  for (const le of [true, false]) {
    let ok = 0;
    for (let i = 0; i < n; i += 2) {
      const u = le ? bytes[i] | (bytes[i + 1] << 8) : (bytes[i] << 8) | bytes[i + 1];
      if ((u >= 0x20 && u < 0x7f) || u === 9 || u === 10 || u === 13 || (u >= 0x3000 && u <= 0x9fff) || (u >= 0xff00 && u <= 0xffef) || (u >= 0xac00 && u <= 0xd7af) || u === 0x2026 || (u >= 0x2018 && u <= 0x201d)) ok++;
    }
    if (ok >= (n / 2) * 0.95) return le ? 'utf-16le' : 'utf-16be';
  }
  return undefined;
}

/**
 * Not UTF-8: Latin-1 / Windows-1252 text (French, German, Spanish exported by older tools) has its accented
 * letters as single high bytes between ASCII ones ("Tr\xe8s"); GB18030 Chinese has high bytes in pairs and runs.
 */
export function latin1Likely(bytes: Uint8Array): boolean {
  let high = 0, lone = 0;
  const n = Math.min(bytes.length, 1 << 16);
  for (let i = 0; i < n; i++) {
    if (bytes[i] < 0x80) continue;
    high++;
    if ((i === 0 || bytes[i - 1] < 0x80) && (i + 1 >= n || bytes[i + 1] < 0x80)) lone++;
  }
  return high > 0 && lone / high > 0.5;
}

/** True when decoded text looks like a binary file (NUL bytes or many control characters). */
export function looksBinary(text: string): boolean {
  if (text.indexOf('\u0000') >= 0) return true;
  let bad = 0;
  const n = Math.min(text.length, 200_000);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0x7f || c === 0xfffd) bad++;
  }
  return n > 0 && bad / n > 0.01;
}

/** What a binary file is, by its first bytes, and what to do to analyze its feedback; undefined when unknown. */
function binaryKind(b: Uint8Array): { what: string; todo: string } | undefined {
  const starts = (...sig: number[]) => sig.every((x, i) => b[i] === x);
  const ascii = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  const sheet = 'open it in Excel (or LibreOffice) and save it with File > Save As > "CSV UTF-8 (Comma delimited)", then analyze the .csv';
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) {
    // a zip archive: Office Open XML and OpenDocument files are zip archives of named parts
    if (/xl\/(workbook|worksheets\/|sharedStrings|styles|_rels\/)/.test(ascii)) return { what: 'an Excel workbook (.xlsx)', todo: sheet };
    if (ascii.includes('application/vnd.oasis.opendocument.spreadsheet')) return { what: 'an OpenDocument spreadsheet (.ods)', todo: sheet.replace('Excel (or LibreOffice)', 'LibreOffice Calc') };
    if (/word\/(document|_rels\/|styles)/.test(ascii)) return { what: 'a Word document (.docx)', todo: 'save it as "Plain Text (.txt)" in Word, then analyze the .txt' };
    if (/ppt\/(presentation|slides\/|_rels\/)/.test(ascii)) return { what: 'a PowerPoint presentation (.pptx)', todo: 'copy its feedback into a .txt or .csv file' };
    if (ascii.includes('Index/Document.iwa')) return { what: 'an Apple Numbers spreadsheet', todo: 'export it with File > Export To > CSV, then analyze the .csv' };
    return { what: 'a zip archive', todo: 'extract it and analyze the files (or the folder) inside' };
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    // an old Office file (OLE2): its streams are named in UTF-16
    if (ascii.includes('W\0o\0r\0k\0b\0o\0o\0k') || ascii.includes('B\0o\0o\0k')) return { what: 'an Excel 97-2003 workbook (.xls)', todo: sheet };
    if (ascii.includes('W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t')) return { what: 'a Word 97-2003 document (.doc)', todo: 'save it as "Plain Text (.txt)" in Word, then analyze the .txt' };
    return { what: 'an Office 97-2003 file (.xls, .doc)', todo: `if it is a spreadsheet, ${sheet}` };
  }
  if (starts(0x25, 0x50, 0x44, 0x46)) return { what: 'a PDF document', todo: 'copy its text into a .txt file, or export the feedback from where it came as CSV' };
  if (starts(0x1f, 0x8b)) return { what: 'a gzip-compressed file', todo: 'decompress it first (gunzip, or 7-Zip on Windows), then analyze the file inside' };
  if (starts(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) return { what: 'a 7-Zip archive', todo: 'extract it and analyze the files inside' };
  if (starts(0x52, 0x61, 0x72, 0x21, 0x1a, 0x07)) return { what: 'a RAR archive', todo: 'extract it and analyze the files inside' };
  if (starts(0x42, 0x5a, 0x68)) return { what: 'a bzip2-compressed file', todo: 'decompress it first (bunzip2), then analyze the file inside' };
  if (ascii.startsWith('SQLite format 3\0')) return { what: 'an SQLite database', todo: 'export the feedback table as CSV (sqlite3 -csv -header FILE "select * from TABLE"), then analyze the .csv' };
  if (ascii.startsWith('PAR1')) return { what: 'a Parquet file', todo: 'convert it to CSV or JSON Lines (pandas: pd.read_parquet(f).to_csv(...)), then analyze that file' };
  const image = starts(0x89, 0x50, 0x4e, 0x47) ? 'PNG' : starts(0xff, 0xd8, 0xff) ? 'JPEG' : ascii.startsWith('GIF8') ? 'GIF' : ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP' ? 'WebP' : undefined;
  if (image) return { what: `a ${image} image`, todo: 'analyze the feedback as text (.csv, .tsv, .txt, .md, .json or .jsonl)' };
  return undefined;
}

/** The one-line refusal of a binary file: what it is when its first bytes say so, and what to do. */
export function binaryFileMessage(file: string, firstBytes: Uint8Array): string {
  const ext = path.extname(file).toLowerCase();
  const k = binaryKind(firstBytes);
  if (k) return `${file} is ${k.what}${ext ? ` named ${ext}` : ''}, a binary file, not text: ${k.todo}`;
  return `${file} looks like a binary file, not text (${ext || 'no extension'}); export the feedback as CSV, TXT or JSONL first`;
}

export interface TextChunk {
  text: string;
  /** Bytes of the file consumed so far (including this chunk). */
  bytesDone: number;
}

export interface OpenedText {
  file: string;
  encoding: EncodingInfo;
  bytesTotal: number;
  /** The decoded start of the file (up to SAMPLE_BYTES), for dialect/column detection. */
  sample: string;
  /** True when the sample is the whole file. */
  sampleIsWhole: boolean;
  /** Decoded text of the whole file, chunk by chunk, read as a stream (bounded memory). */
  chunks(signal?: AbortSignal): AsyncGenerator<TextChunk>;
}

/** Opens a text file: detects the encoding, rejects binary content, and offers a streaming decoder. */
export async function openText(file: string): Promise<OpenedText> {
  let stat: fs.Stats;
  try {
    stat = await fsp.stat(file);
  } catch {
    throw new UserError(`${file} does not exist`);
  }
  if (!stat.isFile()) throw new UserError(`${file} is not a file`);
  const fh = await fsp.open(file, 'r');
  let sampleBytes: Uint8Array;
  try {
    const buf = Buffer.alloc(Math.min(SAMPLE_BYTES, stat.size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    sampleBytes = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  // Sniffing, decoding and checking the (up to 1 MB) sample take some milliseconds each: the thread (the extension
  // host's, for the column picker; the model worker's, for an analysis) gets a turn between them.
  const encoding = sniffEncoding(sampleBytes);
  await breathe();
  const sample = new TextDecoder(encoding.encoding).decode(sampleBytes.subarray(encoding.bomLength), { stream: true });
  await breathe();
  if (looksBinary(sample)) throw new UserError(binaryFileMessage(file, sampleBytes));
  const bytesTotal = stat.size;
  return {
    file,
    encoding,
    bytesTotal,
    sample,
    sampleIsWhole: sampleBytes.length >= stat.size,
    async *chunks(signal?: AbortSignal) {
      const decoder = new TextDecoder(encoding.encoding);
      const stream = fs.createReadStream(file, { start: encoding.bomLength, highWaterMark: CHUNK_BYTES });
      let bytesDone = encoding.bomLength;
      try {
        for await (const buf of stream as AsyncIterable<Buffer>) {
          if (signal?.aborted) throw new CancelledError();
          bytesDone += buf.length;
          const text = decoder.decode(buf, { stream: true });
          if (text) yield { text, bytesDone };
        }
        const tail = decoder.decode();
        if (tail) yield { text: tail, bytesDone };
      } finally {
        stream.destroy();
      }
    },
  };
}

/** Splits streamed text into lines (\n, \r\n or lone \r), yielding them in batches with 1-based line numbers. */
export async function* lineBatches(opened: OpenedText, signal?: AbortSignal): AsyncGenerator<{ lines: string[]; firstLine: number; bytesDone: number }> {
  let carry = '';
  let lineNo = 1;
  let pendingCR = false;
  for await (const { text, bytesDone } of opened.chunks(signal)) {
    let s = carry + text;
    if (pendingCR && s.startsWith('\n')) s = s.slice(1);
    pendingCR = false;
    const parts = s.split(/\r\n|\n|\r/);
    carry = parts.pop() ?? '';
    // A chunk ending in "\r" may be the first half of "\r\n".
    if (s.endsWith('\r')) pendingCR = true;
    if (parts.length) {
      yield { lines: parts, firstLine: lineNo, bytesDone };
      lineNo += parts.length;
    }
  }
  if (carry) yield { lines: [carry], firstLine: lineNo, bytesDone: opened.bytesTotal };
}

/** VS Code's id of an encoding the readers detect (undefined for plain UTF-8: VS Code's default, no option needed). */
export function vscodeEncodingId(encoding: string, bomLength = 0): string | undefined {
  switch (encoding) {
    case 'utf-8': return bomLength ? 'utf8bom' : undefined;
    case 'utf-16le': return 'utf16le';
    case 'utf-16be': return 'utf16be';
    case 'gb18030': return 'gb18030';
    case 'windows-1252': return 'windows1252';
    default: return undefined;
  }
}

/** The file's encoding as VS Code names it, from its first 64 KB (undefined: UTF-8, or unreadable): to open it in the editor as the readers read it. */
export async function sourceEncoding(file: string): Promise<string | undefined> {
  try {
    const fh = await fsp.open(file, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      const e = sniffEncoding(buf.subarray(0, bytesRead));
      return vscodeEncodingId(e.encoding, e.bomLength);
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
}
