import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CsvParser, parseCsvText, detectDelimiter } from '../../src/core/readers/csv';
import { feedbackItemAtLine, feedbackItemsInLines, inspectTable, listFeedbackFiles, openFeedbackFile, productForgeOutputKind, readFeedbackFile } from '../../src/core/readers';
import { sniffEncoding, sourceEncoding } from '../../src/core/readers/decode';
import { detectParagraphMode } from '../../src/core/readers/text';
import { UserError } from '../../src/core/types';
import { rejectsUser, writeIn } from './readers.helpers';

let dir: string;
const write = (name: string, data: string | Uint8Array) => writeIn(dir, name, data);
const texts = async (p: string, opts = {}) => (await readFeedbackFile(p, opts)).items.map((i) => i.text);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-readers-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readers: encodings', () => {
  it('reads UTF-8 with and without BOM and reports it', async () => {
    const a = write('a.txt', '\uFEFFfirst line\nsecond line\n');
    const r = await readFeedbackFile(a);
    assert.equal(r.file.encoding, 'UTF-8 (BOM)');
    assert.deepEqual(r.items.map((i) => [i.line, i.text]), [[1, 'first line'], [2, 'second line']]);
    const b = write('b.txt', 'héllo wörld 你好\n');
    assert.equal((await readFeedbackFile(b)).file.encoding, 'UTF-8');
  });

  it('names the encoding the editor must open a source in (VS Code ids; none for plain UTF-8)', async () => {
    const gbBytes = Buffer.from([0xb5, 0xea, 0xd4, 0xb1, 0xb7, 0xfe, 0xce, 0xf1, 0xc8, 0xc8, 0xc7, 0xe9, 0x0a]); // 店员服务热情 in GB18030
    assert.equal(new TextDecoder('gb18030').decode(gbBytes), '店员服务热情\n');
    assert.equal(await sourceEncoding(write('gb.txt', gbBytes)), 'gb18030');
    assert.equal(await sourceEncoding(write('u8.txt', 'héllo 你好\n')), undefined);
    assert.equal(await sourceEncoding(write('bom.txt', '\uFEFFhello\n')), 'utf8bom');
    assert.equal(await sourceEncoding(write('le.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hello there\n', 'utf16le')]))), 'utf16le');
    assert.equal(await sourceEncoding(path.join(os.tmpdir(), 'pf-no-such-file.txt')), undefined);
  });

  it('reads UTF-16LE and UTF-16BE with BOM', async () => {
    const s = 'text,rating\n"great, truly",5\n很好用,4\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    be[0] = 0xfe;
    be[1] = 0xff;
    for (const [name, buf, enc] of [['le.csv', le, 'UTF-16LE (BOM)'], ['be.csv', be, 'UTF-16BE (BOM)']] as const) {
      const r = await readFeedbackFile(write(name, buf));
      assert.equal(r.file.encoding, enc);
      assert.deepEqual(r.items.map((i) => i.text), ['great, truly', '很好用']);
      assert.equal(r.items[1].fields?.rating, '4');
    }
  });

  it('falls back to GB18030 for non-UTF-8 Chinese bytes', async () => {
    // "评论,评分\n物流很快，但是质量很差,2\n客服态度很好,5\n" in GB18030
    const bytes = Uint8Array.from([
      198, 192, 194, 219, 44, 198, 192, 183, 214, 10,
      206, 239, 193, 247, 186, 220, 191, 236, 163, 172, 181, 171, 202, 199, 214, 202, 193, 191, 186, 220, 178, 238, 44, 50, 10,
      191, 205, 183, 254, 204, 172, 182, 200, 186, 220, 186, 195, 44, 53, 10,
    ]);
    assert.equal(sniffEncoding(bytes).encoding, 'gb18030');
    const r = await readFeedbackFile(write('gb.csv', bytes));
    assert.equal(r.file.encoding, 'GB18030');
    assert.equal(r.file.textColumn, '评论');
    assert.deepEqual(r.items.map((i) => [i.line, i.text, i.fields?.['评分']]), [[2, '物流很快，但是质量很差', '2'], [3, '客服态度很好', '5']]);
  });

  it('reads Latin-1 / Windows-1252 files (accented letters as single bytes), not as binary or GB18030', async () => {
    const bytes = Buffer.from('id,text\n1,Tr\xe8s bon produit, livraison rapide\n2,"Pas terrible, \xe9cran cass\xe9"\n3,Gro\xdfartig \x96 danke\n', 'latin1');
    assert.equal(sniffEncoding(bytes).encoding, 'windows-1252');
    const r = await readFeedbackFile(write('latin1.csv', bytes));
    assert.equal(r.file.encoding, 'Windows-1252 (Latin-1)');
    assert.deepEqual(r.items.map((i) => i.text), ['Très bon produit, livraison rapide', 'Pas terrible, écran cassé', 'Großartig – danke']);
  });

  it('rejects binary files with a one-line UserError', async () => {
    const bin = Buffer.alloc(4096);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 37) % 256;
    await rejectsUser(openFeedbackFile(write('data.csv', bin)), /binary/);
    await rejectsUser(openFeedbackFile(write('nul.txt', 'abc\u0000def\n')), /binary/);
  });
});

describe('readers: text and markdown', () => {
  it('one item per non-empty line, bullets stripped, 1-based lines kept', async () => {
    const p = write('t.txt', 'App is slow\n\n- crashes on start\n* love the widgets\n1. export is broken\n   \nlast one');
    const items = (await readFeedbackFile(p)).items;
    assert.deepEqual(items.map((i) => [i.line, i.text]), [[1, 'App is slow'], [3, 'crashes on start'], [4, 'love the widgets'], [5, 'export is broken'], [7, 'last one']]);
  });

  it('keeps "1.5 update" text intact (a number is not a bullet without a space)', async () => {
    assert.deepEqual(await texts(write('n.txt', '1.5 update broke sync\n-5% battery per hour\n')), ['1.5 update broke sync', '-5% battery per hour']);
  });

  it('joins blank-line-separated multi-line paragraphs when the file is written that way', async () => {
    const p = write('p.txt', 'The export to PDF\nloses the images in tables\nand cuts the margin.\n\nSupport answered fast\nand solved it.\n\nOne line item.\n');
    const items = (await readFeedbackFile(p)).items;
    assert.deepEqual(items.map((i) => [i.line, i.text]), [
      [1, 'The export to PDF loses the images in tables and cuts the margin.'],
      [5, 'Support answered fast and solved it.'],
      [8, 'One line item.'],
    ]);
  });

  it('stays line-per-item for sections of complete sentences', () => {
    const s = 'Great app.\nCrashes a lot.\nLove it.\nToo slow.\nNice design.\n\nBad sync.\nGood price.\nSlow start.\nHelpful support.\nFast search.\n';
    assert.equal(detectParagraphMode(s, false, true), false);
  });

  it('skips Markdown headings, front matter, code fences, rules and table separators (a header row alone is no item)', async () => {
    const md = ['---', 'title: x', '---', '# Feedback', '', '## Week 1', '- The app crashes', '- Sync is great', '', '```', 'not feedback', '```', '***', '> Quoted customer: love it', '| a | b |', '|---|---|'].join('\n');
    const items = (await readFeedbackFile(write('f.md', md))).items;
    assert.deepEqual(items.map((i) => i.text), ['The app crashes', 'Sync is great', 'Quoted customer: love it']);
    assert.equal(items[0].line, 7);
  });
});

describe('readers: CSV/TSV', () => {
  it('RFC 4180 quotes with embedded newlines, quotes and delimiters; physical line numbers', async () => {
    const p = write('q.csv', 'id,comment,plan\n1,"Crashes ""every"" time,\nwhen I open it",pro\n2,  plain with spaces  ,free\n3,"Third",team\n');
    const r = await readFeedbackFile(p);
    assert.equal(r.file.textColumn, 'comment');
    assert.deepEqual(r.items.map((i) => [i.line, i.text]), [[2, 'Crashes "every" time,\nwhen I open it'], [4, 'plain with spaces'], [5, 'Third']]);
    assert.deepEqual(r.items[0].fields, { id: '1', plan: 'pro' });
  });

  it('detects semicolon, pipe and tab delimiters', async () => {
    const rows = ['feedback;country', 'the app is great, really;DE', 'slow, buggy and expensive;FR', 'ok;IT'];
    assert.equal(detectDelimiter(rows.join('\n')), ';');
    assert.deepEqual(await texts(write('s.csv', rows.join('\r\n'))), ['the app is great, really', 'slow, buggy and expensive', 'ok']);
    assert.deepEqual(await texts(write('p.csv', rows.join('\n').replace(/;/g, '|'))), ['the app is great, really', 'slow, buggy and expensive', 'ok']);
    const t = await readFeedbackFile(write('t.tsv', 'review\tstars\nNice, fast; clean\t5\nNot good\t1\n'));
    assert.deepEqual(t.items.map((i) => i.text), ['Nice, fast; clean', 'Not good']);
    assert.equal(t.file.table?.delimiter, '\t');
  });

  it('headerless files get columns c0, c1, … and the text column is detected by content', async () => {
    const p = write('h.csv', '2024-01-02,5,The sync works great across all my devices\n2024-01-03,1,Crashes whenever I attach a photo to a note\n2024-01-04,3,It is fine for shopping lists I guess\n');
    const t = await inspectTable(p);
    assert.equal(t.hasHeader, false);
    assert.deepEqual(t.columns.map((c) => c.name), ['c0', 'c1', 'c2']);
    assert.equal(t.textColumn, 'c2');
    const r = await readFeedbackFile(p);
    assert.equal(r.items.length, 3);
    assert.equal(r.items[0].line, 1);
    assert.equal(r.items[0].fields?.c0, '2024-01-02');
  });

  it('keeps, counts and warns about ragged rows', async () => {
    const p = write('r.csv', 'text,score\nfine app,4\nshort row\ntoo,many,fields,here\nok again,3\n');
    const r = await readFeedbackFile(p);
    assert.deepEqual(r.items.map((i) => i.text), ['fine app', 'short row', 'too', 'ok again']);
    assert.equal(r.file.stats.raggedRows, 2);
    assert.equal(r.items[2].fields?.c2, 'fields');
    assert.ok(r.file.stats.warnings.some((w) => /2 rows .*line 3/.test(w)), r.file.stats.warnings.join());
  });

  it('the text is the last column and holds unquoted commas: the extra fields are its text, not fields of their own', async () => {
    const p = write('u.csv', 'id,date,comment\n1,2024-01-01,How do I know if my card is coming, or if it is lost?\n2,2024-01-02,It costs 1,000 dollars, way too much\n3,2024-01-03,fine,,\n4,2024-01-04,all good\n');
    const r = await readFeedbackFile(p);
    assert.deepEqual(r.items.map((i) => i.text), ['How do I know if my card is coming, or if it is lost?', 'It costs 1,000 dollars, way too much', 'fine', 'all good']);
    assert.deepEqual(r.items[0].fields, { id: '1', date: '2024-01-01' });
    assert.equal(r.file.stats.raggedRows, 0);
    assert.ok(r.file.stats.warnings.some((w) => /2 rows have more fields than the 3 columns \(first at line 2\): commas in the text that were not quoted/.test(w)), r.file.stats.warnings.join());
    // a one-column file: the text is its only column
    const one = await readFeedbackFile(write('one.csv', 'feedback\nSync is slow, and it crashes on start\nlove the new editor\n'));
    assert.deepEqual(one.items.map((i) => [i.text, i.fields]), [['Sync is slow, and it crashes on start', {}], ['love the new editor', {}]]);
    // the text as written: no space put in or taken out
    const asIs = await readFeedbackFile(write('as-is.csv', 'date,comment\n2024-05-02,价格便宜,质量好\n2024-05-03,rated 4, 5 stars\n2024-05-04,ok\n2024-05-05,fine\n'));
    assert.deepEqual(asIs.items.map((i) => i.text), ['价格便宜,质量好', 'rated 4, 5 stars', 'ok', 'fine']);
  });

  it('a column the header does not name, or a quoted text before an extra field, is not joined into the text', async () => {
    // every row is one wider than the header: a column of its own (c2), not commas in the text
    const extra = await readFeedbackFile(write('extra.csv', 'id,text\n1,great,5\n2,bad,1\n3,ok,3\n'));
    assert.deepEqual(extra.items.map((i) => [i.text, i.fields?.c2]), [['great', '5'], ['bad', '1'], ['ok', '3']]);
    // a quoted text is whole: what follows it is a field of its own
    const quoted = await readFeedbackFile(write('quoted.csv', 'id,text\n1,"great, fast",extra\n2,fine\n3,ok\n'));
    assert.deepEqual(quoted.items.map((i) => i.text), ['great, fast', 'fine', 'ok']);
    assert.equal(quoted.items[0].fields?.c2, 'extra');
    assert.equal(quoted.file.stats.raggedRows, 1);
  });

  it('text column: name hints, --column override, candidates and errors', async () => {
    const p = write('c.csv', 'user_id,title,body,date\nu1,Crash,The app crashes every time I open settings,2024-01-01\nu2,Love,Lovely design and very fast sync overall,2024-01-02\n');
    const t = await inspectTable(p);
    assert.equal(t.textColumn, 'body');
    assert.ok(t.candidates.includes('title') || t.candidates.length >= 1);
    assert.equal(t.dateColumn, 'date');
    assert.deepEqual(await texts(p, { column: 'title' }), ['Crash', 'Love']);
    assert.deepEqual(await texts(p, { column: 'BODY' }), ['The app crashes every time I open settings', 'Lovely design and very fast sync overall']);
    await rejectsUser(openFeedbackFile(p, { column: 'nope' }), /no column "nope".*user_id, title, body, date/);
  });

  it('a table without text-like columns is a UserError listing the columns and suggesting --column', async () => {
    const p = write('n.csv', 'id,amount,date\n1,20.5,2024-01-01\n2,11,2024-01-02\n3,7,2024-01-03\n');
    await rejectsUser(openFeedbackFile(p), /no column that looks like feedback text.*id \(.*amount \(number\).*--column/);
  });

  it('an empty file, a header-only CSV and an empty text column are UserErrors saying why', async () => {
    await rejectsUser(openFeedbackFile(write('e.csv', '')), /No feedback items found in .*e\.csv \(the file is empty\)/);
    await rejectsUser(readFeedbackFile(write('h.csv', 'feedback,rating\n')), /No feedback items found .*only a header row/);
    await rejectsUser(readFeedbackFile(write('w.txt', '\n  \n\n')), /No feedback items found .*empty/);
    await rejectsUser(readFeedbackFile(write('x.csv', 'comment,rating\n,5\n,3\n'), { column: 'comment' }), /"comment" is empty in all 2 rows/);
  });

  it('the incremental parser gives the same rows whatever the chunking', () => {
    const text = 'a,b\r\n"x\r\ny","q""z"\r\n  s , t \r\n"end",\r\n"last"';
    const whole = parseCsvText(text, ',');
    const p = new CsvParser(',');
    const rows = [];
    for (const ch of text) rows.push(...p.push(ch));
    rows.push(...p.end());
    assert.deepEqual(rows, whole);
    assert.deepEqual(whole.map((r) => [r.line, r.cells]), [[1, ['a', 'b']], [2, ['x\r\ny', 'q"z']], [4, ['s', 't']], [5, ['end', '']], [6, ['last']]]);
  });

  it('an unbalanced quote does not swallow memory: UserError with the line', () => {
    const p = new CsvParser(',', 'bad.csv');
    p.push('text\n"never closed,');
    assert.throws(() => {
      for (let i = 0; i < 40; i++) p.push('x'.repeat(256 * 1024));
    }, /bad\.csv: a quoted field starting at line 2 never ends/);
  });
});

describe('readers: JSON and JSONL', () => {
  it('JSON array of strings and objects with real line numbers', async () => {
    const s = await readFeedbackFile(write('s.json', '[\n  "great app",\n  "terrible sync"\n]\n'));
    assert.deepEqual(s.items.map((i) => [i.line, i.text]), [[2, 'great app'], [3, 'terrible sync']]);
    const o = await readFeedbackFile(write('o.json', JSON.stringify([{ id: 1, message: 'Too slow to start', meta: { os: 'ios' } }, { id: 2, message: 'Beautiful and quick' }], null, 2)));
    assert.equal(o.file.textColumn, 'message');
    assert.deepEqual(o.items.map((i) => [i.line, i.text]), [[2, 'Too slow to start'], [9, 'Beautiful and quick']]);
    assert.equal(o.items[0].fields?.meta, '{"os":"ios"}');
  });

  it('JSON object holding an array ({"reviews": [...]})', async () => {
    const r = await readFeedbackFile(write('w.json', '{"count": 2,\n "reviews": [\n {"text": "a fine product overall"},\n {"text": "broken after the update"}]}'));
    assert.deepEqual(r.items.map((i) => [i.line, i.text]), [[3, 'a fine product overall'], [4, 'broken after the update']]);
  });

  it('JSON larger than the limit is a UserError suggesting JSONL; invalid JSON too', async () => {
    await rejectsUser(openFeedbackFile(write('big.json', JSON.stringify(['x'.repeat(5000)])), { maxJsonBytes: 1000 }), /JSON Lines/);
    await rejectsUser(openFeedbackFile(write('bad.json', '[{"text": "a",]')), /not valid JSON/);
  });

  it('JSONL: objects or strings per line, bad lines skipped and warned', async () => {
    const p = write('f.jsonl', '{"comment":"Love it","nps":9}\n\n"just a string"\n{broken\n{"comment":"Hate the ads","nps":2}\n');
    const r = await readFeedbackFile(p);
    assert.deepEqual(r.items.map((i) => [i.line, i.text]), [[1, 'Love it'], [3, 'just a string'], [5, 'Hate the ads']]);
    assert.equal(r.items[2].fields?.nps, '2');
    assert.ok(r.file.stats.warnings.some((w) => /1 line is not valid JSON.*line 4/.test(w)));
    await rejectsUser(readFeedbackFile(write('g.jsonl', 'nope\nstill nope\n')), /not valid JSON Lines \(line 1/);
  });
});

describe('readers: folders', () => {
  it('lists supported files recursively, skipping node_modules, .git, .product-forge and dot-folders', async () => {
    write('a.csv', 'text\nx y z\n');
    write('sub/b.txt', 'hello\n');
    write('sub/c.pdf', 'nope');
    write('node_modules/m.txt', 'no');
    write('.git/x.txt', 'no');
    write('.product-forge/reports/r.md', 'no');
    write('.hidden/h.txt', 'no');
    // a report folder written by --report-dir inside the folder is output, not feedback
    for (const f of ['report.md', 'results.csv', 'summary.json']) write(`out/fb-20240101-000000/${f}`, 'no');
    const files = await listFeedbackFiles([dir]);
    assert.deepEqual(files.map((f) => path.relative(dir, f)), ['a.csv', path.join('sub', 'b.txt')]);
    // named directly, a report folder is read as asked
    assert.equal((await listFeedbackFiles([path.join(dir, 'out', 'fb-20240101-000000')])).length, 3);
    await rejectsUser(listFeedbackFiles([path.join(dir, 'sub', 'c.pdf')]), /unsupported file type "\.pdf"/);
    await rejectsUser(listFeedbackFiles([path.join(dir, 'missing')]), /does not exist/);
    fs.mkdirSync(path.join(dir, 'empty'));
    await rejectsUser(listFeedbackFiles([path.join(dir, 'empty')]), /No feedback items found in .*empty \(no /);
  });

  it('a quoted field never closed is refused with its line, not read as one item swallowing the rest', async () => {
    await rejectsUser(readFeedbackFile(write('uq.csv', 'id,text\n1,"great app\n2,bad app\n3,ok\n')), /line 2 is never closed, so the rest of the file would be read as part of it/);
    // on the last line it swallows nothing: read as it is, with or without a final newline
    for (const end of ['', '\n']) assert.equal((await readFeedbackFile(write('uq-last.csv', `id,text\n1,fine\n2,"still open${end}`))).items.length, 2);
  });

  it('a large CSV whose quoted fields span lines is read whole (the samples that detect its layout end mid-field)', async () => {
    const para = 'The export keeps failing; we lose work.\nSecond paragraph with more detail about the problem, the steps and the logs. '.repeat(26);
    const rows = Array.from({ length: 400 }, (_, i) => `${i},"${para}item ${i}"`);
    const r = await readFeedbackFile(write('long.csv', `id,feedback\n${rows.join('\n')}\n`));
    assert.ok(fs.statSync(path.join(dir, 'long.csv')).size > 1_100_000);
    assert.equal(r.file.textColumn, 'feedback');
    assert.equal(r.items.length, 400);
    assert.match(r.items[399].text, /item 399$/);
  });

  it('recognises the files Product Forge wrote by how they begin, whatever the extension and delimiter', async () => {
    const kind = (name: string, data: string) => productForgeOutputKind(write(name, data));
    assert.equal(await kind('r.txt', '\uFEFFsource,line,text,label,score,negative,neutral,positive,date\r\nx'), 'analysis results');
    assert.equal(await kind('r.tsv', 'source\tline\ttext\tlabel\tscore\tnegative\tneutral\tpositive\n'), 'analysis results');
    assert.equal(await kind('p.csv', 'id;comment;prediction;confidence\n1;ok;positive;0.9\n'), 'predictions');
    assert.equal(await kind('p2.csv', 'comment,prediction,confidence,prediction_2,confidence_2\n'), 'predictions');
    assert.equal(await kind('wide.csv', `${Array.from({ length: 900 }, (_, i) => `column_${i}`).join(',')},prediction,confidence\n`), 'predictions');
    assert.equal(await kind('r.jsonl', '{"source":"a.csv","line":2,"text":"hi","label":"positive","score":0.9}\n'), 'analysis results');
    assert.equal(await kind('r.json', '{\n  "inputs": [\n    "a.csv"\n  ],\n'), 'analysis results');
    assert.equal(await kind('r.md', '# Feedback analysis\n\n3 items from 1 file (`a.csv`) analyzed locally with `m` on cpu in 0.1 s.\n'), 'an analysis report');
    assert.equal(await kind('prd.md', '# Sync 2.0 — Product Requirements\n\n> **Draft made without a language model** (template backend): every section\n'), 'a generated document');
    // a user's own feedback is not
    assert.equal(await kind('mine.csv', 'date,text,rating\n2024-01-01,great,5\n'), undefined);
    assert.equal(await kind('mine.jsonl', '{"text":"great","source":"app store"}\n'), undefined);
    assert.equal(await kind('notes.md', '# Feedback analysis\n\nWhat we heard this week.\n'), undefined);
    assert.equal(await kind('mine.json', '[{"text":"great"}]'), undefined);
  });
});

describe('readers: the item at a line', () => {
  it('CSV: the row at a line, its continuation lines, nothing for the header or a blank line', async () => {
    const p = write('at.csv', 'date,text\n2024-01-01,Sync lost my notes\n2024-01-02,"A long\ncomplaint, over two lines"\n\n2024-01-03,Love it\n');
    assert.equal(await feedbackItemAtLine(p, 1), undefined, 'header');
    assert.equal((await feedbackItemAtLine(p, 2))?.text, 'Sync lost my notes');
    assert.equal((await feedbackItemAtLine(p, 3))?.text, 'A long\ncomplaint, over two lines');
    assert.equal((await feedbackItemAtLine(p, 4))?.line, 3, 'a continuation line belongs to its row');
    assert.equal(await feedbackItemAtLine(p, 5), undefined, 'blank line');
    assert.deepEqual(await feedbackItemAtLine(p, 6), { source: p, line: 6, text: 'Love it', fields: { date: '2024-01-03' } });
    assert.equal(await feedbackItemAtLine(p, 99), undefined);
  });

  it('JSONL by line; a pretty-printed JSON array by any line of an element', async () => {
    const l = write('at.jsonl', '{"text":"first","n":1}\n\n{"text":"second","n":2}\n');
    assert.equal((await feedbackItemAtLine(l, 3))?.text, 'second');
    assert.equal(await feedbackItemAtLine(l, 2), undefined);
    const j = write('at.json', JSON.stringify([{ text: 'one', n: 1 }, { text: 'two', n: 2 }], null, 2));
    // 1 [  2 {  3 "text": "one",  4 "n": 1  5 },  6 {  7 "text": "two",  8 "n": 2  9 }  10 ]
    const at = async (n: number) => (await feedbackItemAtLine(j, n))?.text;
    assert.deepEqual([await at(1), await at(2), await at(4), await at(5), await at(6), await at(8)], [undefined, 'one', 'one', 'one', 'two', 'two']);
  });

  it('the items on a range of lines (a selection over several): each row\'s text, the row a first continuation line belongs to, the first `max` and how many', async () => {
    const p = write('range.csv', 'date,text\n2024-01-01,Sync lost my notes\n2024-01-02,"A long\ncomplaint, over two lines"\n\n2024-01-03,Love it\n2024-01-04,Too pricey\n');
    const lines = async (a: number, b: number, max?: number) => {
      const r = await feedbackItemsInLines(p, a, b, { max });
      return { lines: r.items.map((i) => i.line), count: r.count };
    };
    assert.deepEqual(await lines(1, 7), { lines: [2, 3, 6, 7], count: 4 }, 'the header is no item');
    assert.deepEqual(await lines(4, 6), { lines: [3, 6], count: 2 }, 'line 4 continues the row of line 3');
    assert.deepEqual(await lines(2, 7, 2), { lines: [2, 3], count: 4 });
    assert.deepEqual(await lines(4, 5), { lines: [3], count: 1 }, 'inside one row');
    assert.deepEqual(await lines(1, 1), { lines: [], count: 0 });
    assert.deepEqual((await feedbackItemsInLines(p, 6, 7)).items.map((i) => i.text), ['Love it', 'Too pricey']);
    // a text file of paragraphs: its items, as Analyze Feedback reads them
    const t = write('range.txt', 'The battery dies\nby noon.\n\nLove the screen,\nhate the price.\n\nShipping was fast.\n');
    assert.deepEqual((await feedbackItemsInLines(t, 1, 5)).items.map((i) => i.text), ['The battery dies by noon.', 'Love the screen, hate the price.']);
    const j = write('range.json', JSON.stringify([{ text: 'one' }, { text: 'two' }, { text: 'three' }], null, 2));
    assert.deepEqual((await feedbackItemsInLines(j, 3, 6)).items.map((i) => i.text), ['one', 'two']);
  });
});

describe('readers: text from several columns', () => {
  it('--column title,review joins the cells per row as sentences; the other columns stay fields', async () => {
    const p = write('two.csv', 'date,title,review,stars\n2024-01-01,Great app,Syncs fast,5\n2024-01-02,Crashes!,Lost my notes,1\n2024-01-03,,Only a body,3\n2024-01-04,Only a title,,2\n');
    const { items, file } = await readFeedbackFile(p, { column: 'title, Review' });
    assert.deepEqual(items.map((i) => i.text), ['Great app. Syncs fast', 'Crashes! Lost my notes', 'Only a body', 'Only a title']);
    assert.deepEqual(items[0].fields, { date: '2024-01-01', stars: '5' });
    assert.equal(file.textColumn, 'title + review');
    assert.deepEqual(file.textColumns, ['title', 'review']);
    await rejectsUser(readFeedbackFile(p, { column: 'title,body' }), /has no column "body"; its columns are: date, title, review, stars/);
  });

  it('a column whose own name holds a comma is matched whole; JSONL fields join too', async () => {
    const p = write('comma.csv', '"id","Feedback, verbatim"\n1,Love the dark mode\n2,Export is broken\n');
    assert.deepEqual(await texts(p, { column: 'Feedback, verbatim' }), ['Love the dark mode', 'Export is broken']);
    const l = write('two.jsonl', '{"subject":"Billing","body":"charged twice","plan":"pro"}\n{"subject":"Thanks.","body":"quick fix"}\n');
    const { items } = await readFeedbackFile(l, { column: 'subject,body' });
    assert.deepEqual(items.map((i) => [i.text, i.fields]), [['Billing. charged twice', { plan: 'pro' }], ['Thanks. quick fix', {}]]);
  });

  it('a list of columns (as the VS Code picker gives) names them exactly, commas in names included', async () => {
    const p = write('list.csv', '"Title, short","Feedback, verbatim",plan\nSlow,Export takes minutes,pro\nNice,Love the dark mode,free\n');
    const { items, file } = await readFeedbackFile(p, { column: ['Title, short', 'Feedback, verbatim'] });
    assert.deepEqual(items.map((i) => [i.text, i.fields]), [['Slow. Export takes minutes', { plan: 'pro' }], ['Nice. Love the dark mode', { plan: 'free' }]]);
    assert.deepEqual(file.textColumns, ['Title, short', 'Feedback, verbatim']);
    // One name in a list is that column; an empty list falls back to detection; a missing one is named.
    assert.deepEqual(await texts(p, { column: ['Feedback, verbatim'] }), ['Export takes minutes', 'Love the dark mode']);
    assert.deepEqual(await texts(p, { column: [] }), ['Export takes minutes', 'Love the dark mode']);
    await rejectsUser(readFeedbackFile(p, { column: ['Feedback, verbatim', 'body'] }), /has no column "body"/);
  });
});
