// analyze on bad and awkward input, through the CLI with a deterministic classifier (no model): one line that says
// what to do, before the model loads, and nothing written where it should not be.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { workerLogForCli } from '../../src/cli/analyze';
import type { AccessFn } from '../../src/core/fsutil';
import { analyzeCli } from './cli.helpers';

let dir: string;
const analyze = analyzeCli();
const cli = (args: string[], access?: AccessFn) => analyze.run(args, access);
const write = (name: string, data: string | Uint8Array) => {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  return p;
};
const oneLine = (r: { code: number; stderr: string }, re: RegExp) => {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^product-forge: /);
  assert.match(lines[0], re);
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cli-bad-'));
  analyze.loads = 0;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('cli: analyze on bad input', () => {
  it('--out or --report-dir in a folder that cannot be written: refused in one line before the model loads, nothing written', async () => {
    const input = write('f.txt', 'great app\nit crashes\n');
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked);
    // a read-only file system, as a mounted share or a locked folder gives it (root ignores file modes, so the check is
    // handed the file system's answer for that folder)
    const readOnly: AccessFn = async (p, mode) => {
      if (path.resolve(p) === locked) throw Object.assign(new Error(`EROFS: read-only file system, access '${p}'`), { code: 'EROFS' });
      return fs.promises.access(p, mode);
    };
    oneLine(await cli([input, '--out', path.join(locked, 'results.csv')], readOnly), /cannot write into .*locked \(read-only file system\): choose another --out$/);
    oneLine(await cli([input, '--report-dir', path.join(locked, 'reports')], readOnly), /cannot write into .*locked \(read-only file system\): choose another --report-dir$/);
    assert.equal(analyze.loads, 0, 'the model was not loaded');
    assert.deepEqual(fs.readdirSync(locked), []);
    // a writable folder next to it is used
    const ok = await cli([input, '--out', path.join(dir, 'results.csv')], readOnly);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'results.csv'), 'utf8'), /^\uFEFF?source,line,text,/);
  });

  it('an --out no file can go to (a folder, under a file, a place that takes no new file, a device): one line before the model loads, nothing left behind', async () => {
    const input = write('f.txt', 'great app\nit crashes\n');
    const folder = path.join(dir, 'out-folder');
    fs.mkdirSync(folder);
    oneLine(await cli([input, '--out', folder]), new RegExp(`--out .*out-folder is a folder; give a file name \\(e\\.g\\. .*out-folder/results\\.md\\)$`));
    oneLine(await cli([input, '--out', folder, '--format', 'csv', '--force']), /out-folder is a folder; give a file name \(e\.g\. .*results\.csv\)$/);
    oneLine(await cli([input, '--out', path.join(input, 'sub', 'r.csv')]), /--out .*f\.txt[/\\]sub[/\\]r\.csv: .*f\.txt is a file, not a folder$/);
    // the file system refuses a new file (as /proc does, whatever the modes say): the probe finds it before the work
    const noNewFiles: AccessFn = async (p) => {
      if (path.resolve(p) === folder) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}/x'`), { code: 'ENOENT' });
    };
    oneLine(await cli([input, '--out', path.join(folder, 'new', 'deeper', 'r.csv')], noNewFiles), /cannot write into .*out-folder \(no file can be created there: ENOENT\): choose another --out$/);
    if (process.platform === 'linux' && fs.existsSync('/proc/self')) {
      // the real thing: /proc passes access() for root but creates nothing (and a recursive mkdir under it never returns)
      oneLine(await cli([input, '--out', '/proc/results.csv']), /cannot write into \/proc \(no file can be created there: ENOENT\): choose another --out$/);
      oneLine(await cli([input, '--out', '/proc/no-such-folder/results.csv']), /cannot write into \/proc \(.*\): choose another --out$/);
    }
    if (fs.existsSync('/dev/null')) oneLine(await cli([input, '--out', '/dev/null']), /--out \/dev\/null is not a regular file \(a device or a pipe\); give a file name, or - for stdout$/);
    assert.equal(analyze.loads, 0, 'the model was not loaded');
    // the probe removed its file: nothing new beside the input or in the folder
    assert.deepEqual(fs.readdirSync(dir).sort(), ['f.txt', 'out-folder']);
    assert.deepEqual(fs.readdirSync(folder), []);
    // a missing folder under a writable one is still created, as before
    const ok = await cli([input, '--out', path.join(folder, 'a', 'b', 'r.csv')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(fs.readdirSync(path.join(folder, 'a', 'b')), ['r.csv']);
  });

  it('a one-column labels file (positive/negative/neutral, yes/no) is refused naming the column; --column reads it; short varied feedback still works', async () => {
    const labels = write('labels.csv', 'label\n' + 'positive\nnegative\nneutral\n'.repeat(4));
    oneLine(await cli([labels]), /labels\.csv: its only column, "label", holds 3 short values repeated \("positive", "negative", "neutral"\): labels or categories, not feedback\. Analyze Feedback needs a column of free text .*; --column "label" reads it anyway$/);
    // named like text ("answer"), yet yes/no
    const yn = write('yn.csv', 'answer\nyes\nno\nyes\nyes\nno\nno\n');
    oneLine(await cli([yn]), /yn\.csv: its only column, "answer", holds 2 short values repeated .*--column "answer" reads it anyway$/);
    assert.equal(analyze.loads, 0, 'refused before the model loads');
    const forced = await cli([yn, '--column', 'answer', '--format', 'jsonl']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(forced.stdout.trim().split('\n').length, 6);
    // one column of short but varied feedback, English and Chinese, with and without a header
    for (const [name, body] of [['short.csv', 'Love it\nToo slow\n很好用\n太慢了\nCrashes daily\nGreat support\nLove it\n'], ['short-h.csv', 'feedback\nLove it\nToo slow\n很好用\n太慢了\nGreat support\n']]) {
      const r = await cli([write(name, body), '--format', 'jsonl']);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.ok(r.stdout.trim().split('\n').map((l) => JSON.parse(l).text).includes('很好用'), name);
    }
  });

  it('an Excel workbook renamed .csv names Excel and the export to CSV UTF-8; a gzip names decompressing', async () => {
    // the start of an .xlsx: a zip archive whose first part is the workbook
    const name = Buffer.from('xl/workbook.xml');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(name.length, 26);
    const xlsx = write('Q3 reviews.csv', Buffer.concat([header, name, Buffer.from('<workbook/>'), Buffer.alloc(64)]));
    oneLine(await cli([xlsx]), /Q3 reviews\.csv is an Excel workbook \(\.xlsx\) named \.csv, a binary file, not text: open it in Excel .*"CSV UTF-8 \(Comma delimited\)", then analyze the \.csv$/);
    oneLine(await cli([write('r.csv', zlib.gzipSync('id,review\n1,great\n'.repeat(40)))]), /r\.csv is a gzip-compressed file named \.csv.*decompress it first/);
    assert.equal(analyze.loads, 0);
  });

  it('a CSV whose header row is repeated in the middle: no header row among the items, and a warning naming its line', async () => {
    const p = write('joined.csv', 'id,review,rating\n1,great app,5\n2,it crashes,1\nid,review,rating\n3,great support,4\n');
    const r = await cli([p, '--format', 'jsonl']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((x) => [x.line, x.text]), [[2, 'great app'], [3, 'it crashes'], [5, 'great support']]);
    assert.match(r.stderr, /joined\.csv: text from the column "review"; rating "rating" \(UTF-8, comma-separated, first row read as the header\)/);
    assert.match(r.stderr, /warning: .*joined\.csv: 1 row repeats the header row \(first at line 4\)/);
  });

  it("a folder with a spreadsheet and other files: the spreadsheet is named with what to do", async () => {
    write('in/a.csv', 'id,review\n1,great app\n');
    write('in/Q3.xlsx', 'PK');
    write('in/notes.pdf', '%PDF');
    const r = await cli([path.join(dir, 'in'), '--format', 'jsonl']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: not read: a spreadsheet \(.*Q3\.xlsx\): save it as CSV UTF-8 to include it; 1 file of other types \(\.pdf\)/);
    assert.equal(r.stdout.trim().split('\n').length, 1);
  });
});

describe('cli: what the model worker logs', () => {
  it('a failed request is left to the one-line error, another error is its first line; PRODUCT_FORGE_DEBUG keeps them whole', () => {
    const seen: string[] = [];
    const log = workerLogForCli((level, msg) => seen.push(`${level}: ${msg}`), false);
    log('info', 'loaded in 400 ms');
    log('error', 'analyze failed: Error: ENOENT: no such file or directory, mkdir \'/x/rep\'\n    at async Object.mkdir (node:internal/fs/promises:856:10)');
    log('error', 'An inference thread crashed: out of memory\n    at Worker.<anonymous>');
    log('warn', 'GPU not used');
    assert.deepEqual(seen, ['error: An inference thread crashed: out of memory', 'warn: GPU not used']);
    const all: string[] = [];
    workerLogForCli((level, msg) => all.push(msg), true)('error', 'analyze failed: Error: x\n    at y');
    assert.deepEqual(all, ['analyze failed: Error: x\n    at y']);
  });
});
