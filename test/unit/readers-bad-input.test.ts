// Bad and awkward input, from a QA pass: each file below is small but shaped as users' files are (joined exports,
// a workbook renamed .csv, JSON Lines under .json, unquoted commas in Latin-1 text), and what the readers do with it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { notReadNote, openFeedbackFile, openFeedbackInputs, readFeedbackFile, unreadableSkippedNote } from '../../src/core/readers';
import { UserError } from '../../src/core/types';
import { rejectsUser, writeIn } from './readers.helpers';

let dir: string;
const write = (name: string, data: string | Uint8Array) => writeIn(dir, name, data);

/** A zip archive (stored, no compression) of the given entries, as Office and OpenDocument files are. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, body] of Object.entries(entries)) {
    const data = Buffer.from(body);
    const n = Buffer.from(name);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    locals.push(local, n, data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, n);
    offset += local.length + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const XLSX = {
  '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
  'xl/workbook.xml': '<workbook><sheets><sheet name="Reviews" sheetId="1"/></sheets></workbook>',
  'xl/worksheets/sheet1.xml': '<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>review</t></is></c></row></sheetData></worksheet>',
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-bad-input-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readers: a header row repeated in the middle (exports joined together)', () => {
  it('is still the header, and its copies are skipped with a warning, not read as feedback', async () => {
    const p = write('joined.csv', 'id,review,rating\n1,Great app love it,5\n2,Terrible crashes all the time,1\nid,review,rating\n3,Okay I guess it works,3\n4,Fine for the price,4\n');
    const r = await readFeedbackFile(p);
    assert.equal(r.file.textColumn, 'review');
    assert.equal(r.file.table?.ratingColumn, 'rating');
    assert.deepEqual(r.items.map((i) => [i.line, i.text]), [[2, 'Great app love it'], [3, 'Terrible crashes all the time'], [5, 'Okay I guess it works'], [6, 'Fine for the price']]);
    assert.equal(r.file.stats.rows, 4);
    assert.equal(r.file.stats.raggedRows, 0);
    assert.ok(r.file.stats.warnings.some((w) => /1 row repeats the header row \(first at line 4\).*skipped/.test(w)), r.file.stats.warnings.join('\n'));
  });

  it('a file of header rows only has no items; in one column a repeated short review is data', async () => {
    await rejectsUser(readFeedbackFile(write('h.csv', 'feedback,rating\nfeedback,rating\n')), /No feedback items found .*only a header row/);
    // one column of short reviews, one repeated (it was read as a category column and refused: no text column)
    const one = await readFeedbackFile(write('one.csv', 'Love it\nSlow sync\nLove it\n'));
    assert.deepEqual(one.items.map((i) => i.text), ['Love it', 'Slow sync', 'Love it']);
    // a column named as no text (labels) is still refused, with what to do
    await rejectsUser(openFeedbackFile(write('labels.csv', 'sentiment\npositive\nnegative\npositive\n')), /no column that looks like feedback text .*--column NAME/);
  });
});

describe('readers: a binary file says what it is and how to make text of it', () => {
  it('an Excel workbook renamed .csv: names Excel and the CSV UTF-8 export', async () => {
    const p = write('reviews.csv', zip(XLSX));
    await rejectsUser(openFeedbackFile(p), /reviews\.csv is an Excel workbook \(\.xlsx\) named \.csv, a binary file, not text: .*Save As > "CSV UTF-8 \(Comma delimited\)"/);
  });

  it('an OpenDocument spreadsheet, a zip archive, a gzip file, a PDF, a PNG and an old .xls, each in words', async () => {
    const ods = zip({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet', 'content.xml': '<office:document-content/>' });
    await rejectsUser(openFeedbackFile(write('a.csv', ods)), /OpenDocument spreadsheet \(\.ods\).*LibreOffice Calc.*CSV UTF-8/);
    await rejectsUser(openFeedbackFile(write('b.csv', zip({ 'reviews/one.csv': 'id,review\n1,great\n' }))), /a zip archive named \.csv, a binary file, not text: extract it/);
    await rejectsUser(openFeedbackFile(write('c.jsonl', zlib.gzipSync('{"text":"great"}\n'.repeat(50)))), /a gzip-compressed file named \.jsonl.*decompress it first/);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'), Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256))]);
    await rejectsUser(openFeedbackFile(write('d.txt', pdf)), /a PDF document named \.txt/);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'), Buffer.alloc(64)]);
    await rejectsUser(openFeedbackFile(write('e.csv', png)), /a PNG image named \.csv, a binary file/);
    // an Excel 97-2003 file: an OLE2 container whose workbook stream is named in UTF-16
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504), Buffer.from('Workbook', 'utf16le'), Buffer.alloc(256)]);
    await rejectsUser(openFeedbackFile(write('f.csv', xls)), /an Excel 97-2003 workbook \(\.xls\).*CSV UTF-8/);
    // unknown binary: the general message, still saying to export text
    const bin = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));
    await rejectsUser(openFeedbackFile(write('g.csv', bin)), /g\.csv looks like a binary file, not text \(\.csv\); export the feedback as CSV, TXT or JSONL first/);
  });

  it('found in a folder, such a file is skipped with a note that names it once', async () => {
    write('in/ok.txt', 'Sync is slow\n');
    const sheet = write('in/export.csv', zip(XLSX));
    const r = await openFeedbackInputs([path.join(dir, 'in')], {});
    assert.equal(r.opened.length, 1);
    assert.equal(r.skipped.length, 1);
    assert.match(r.skipped[0], new RegExp(`^skipped ${sheet.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which is an Excel workbook`));
    assert.equal(r.skipped[0].split(sheet).length, 2, 'the file named once');
    assert.equal(unreadableSkippedNote('x.csv', new UserError('No feedback items found in x.csv (the file is empty)')), 'skipped x.csv: the file is empty');
  });
});

describe('readers: files of other types in a folder are named, not passed over in silence', () => {
  it('a spreadsheet by name (save it as CSV), the other types counted', async () => {
    write('f/reviews.csv', 'id,review\n1,Great app love it\n');
    write('f/q3.xlsx', zip(XLSX));
    write('f/sub/notes.pdf', '%PDF-1.4');
    write('f/sub/logo.png', 'PNG');
    write('f/.DS_Store', 'x');
    const r = await openFeedbackInputs([path.join(dir, 'f')], {});
    assert.equal(r.opened.length, 1);
    assert.deepEqual(r.skipped, [`not read: a spreadsheet (${path.join(dir, 'f', 'q3.xlsx')}): save it as CSV UTF-8 to include it; 2 files of other types (.png .pdf); feedback files are .txt .md .csv .tsv .json .jsonl`]);
    assert.equal(notReadNote([]), undefined);
  });

  it('a folder of spreadsheets only: the refusal says to save them as CSV', async () => {
    write('s/a.xlsx', zip(XLSX));
    write('s/b.ods', 'x');
    await rejectsUser(openFeedbackInputs([path.join(dir, 's')], {}), /No feedback items found in .*s \(no \.txt .* files in the folder: 2 spreadsheets \(.*a\.xlsx, .*b\.ods\) must be saved as CSV UTF-8 first\)/);
  });
});

describe('readers: quoting, JSON and long texts', () => {
  it('a quoted field followed by more text keeps the text as written (CSV and TSV), as spreadsheets read it', async () => {
    const tsv = await readFeedbackFile(write('q.tsv', 'id\treview\trating\n1\t"Quoted, all of it" and more\t1\n2\tHe said "bad"\t2\n'));
    assert.deepEqual(tsv.items.map((i) => i.text), ['Quoted, all of it and more', 'He said "bad"']);
    assert.deepEqual(tsv.items[0].fields, { id: '1', rating: '1' });
    const csv = await readFeedbackFile(write('q.csv', 'id,review,rating\n1,"Fast" but pricey ,4\n2,"Slow"   ,2\n'));
    assert.deepEqual(csv.items.map((i) => i.text), ['Fast but pricey', 'Slow']);
  });

  it('JSON Lines under a .json name with a bad line among the first: read as JSON Lines, the bad line skipped and said', async () => {
    const p = write('export.json', '{"text":"Love the new design","rating":5}\n{"text": "missing brace", "rating": 2\n{"text":"Works fine for me","rating":4}\n{"text":"Sync is broken again","rating":1}\n');
    const r = await readFeedbackFile(p);
    assert.equal(r.file.format, 'jsonl');
    assert.deepEqual(r.items.map((i) => [i.line, i.text]), [[1, 'Love the new design'], [3, 'Works fine for me'], [4, 'Sync is broken again']]);
    assert.ok(r.file.stats.warnings.some((w) => /1 line is not valid JSON and was skipped \(first: line 2\)/.test(w)), r.file.stats.warnings.join());
  });

  it('invalid JSON says the line and column, not a character position', async () => {
    await rejectsUser(openFeedbackFile(write('broken.json', '[\n  {"text": "good"},\n  {"text": "bad",}\n]\n')), /broken\.json is not valid JSON at line 3, column 18 \([^)]*\); fix it there/);
  });

  it('a .json holding one record, not a list: says so and how to write a list', async () => {
    await rejectsUser(openFeedbackFile(write('one.json', '{"text": "Love the new design", "rating": 5}\n')), /one\.json \(it is one object, not a list of records: write the records as an array, \[\{…\}, \{…\}\], or one object per line in a \.jsonl file\)/);
    // an object that holds no text field keeps the general message
    await rejectsUser(openFeedbackFile(write('cfg.json', '{"name": "app", "version": 3}\n')), /expected an array of strings or objects, or an object holding one; its fields "name", "version" hold none/);
  });

  it('Latin-1 text with unquoted commas in every row: the whole text, not a column the header does not name', async () => {
    const bytes = Buffer.from('id,review\n1,Tr\xe8s bien, j\x92adore le caf\xe9\n2,D\xe9\xe7u, pas terrible\n', 'latin1');
    const r = await readFeedbackFile(write('latin1.csv', bytes));
    assert.equal(r.file.encoding, 'Windows-1252 (Latin-1)');
    assert.deepEqual(r.items.map((i) => i.text), ['Très bien, j’adore le café', 'Déçu, pas terrible']);
    assert.deepEqual(r.items[0].fields, { id: '1' });
    assert.equal(r.file.stats.raggedRows, 0);
  });

  it('a text line cut to 20,000 characters is said in a warning', async () => {
    const long = 'This product is bad and broken. '.repeat(1000);
    const r = await readFeedbackFile(write('long.txt', `${long}\nShort good review\n`));
    assert.equal(r.items[0].text.length, 20000);
    assert.equal(r.items[1].text, 'Short good review');
    assert.ok(r.file.stats.warnings.some((w) => /an item longer than 20,000 characters \(first at line 1\) was cut to its first 20,000/.test(w)), r.file.stats.warnings.join());
    // a CSV cell is kept whole
    const csv = await readFeedbackFile(write('long.csv', `id,review\n1,"${long}"\n`));
    assert.equal(csv.items[0].text, long.trim());
  });

  it('whitespace only: empty, and said to be only spaces and blank lines', async () => {
    await rejectsUser(openFeedbackFile(write('w.csv', '   \n\n\t \n')), /No feedback items found in .*w\.csv \(the file is empty: it holds only spaces and blank lines\)/);
  });
});
