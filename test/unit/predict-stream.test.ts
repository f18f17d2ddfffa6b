// predict streams its file in row chunks: the output of any chunk size is the whole-file prediction byte for byte
// (quoted fields with newlines at chunk boundaries, headerless files, ';' files with decimal commas, --out -), an
// abort or a failure found at the end of the file leaves no output (nor temp file), and a file without the
// classifier's columns is refused before anything is written. readTableChunks reads what readTable reads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { csvField, normalizedColumns, readTable, readTableChunks, targetColumn, type Table } from '../../src/core/train/csv';
import { describeInputIssues, type InputIssues } from '../../src/core/train/preprocess';
import { trainClassifier } from '../../src/core/train/trainer';
import { saveClassifier } from '../../src/core/train/artifact';
import { OnnxClassifier, predictFile, toPredictions } from '../../src/core/train/predict';
import { CancelledError, UserError } from '../../src/core/types';

const root = path.resolve(__dirname, '..', '..');

/** Deterministic pseudo-random numbers in [0, 1). */
function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const PLANS = ['free', 'basic', 'pro', 'team'];
const WORDS = ['refund', 'slow', 'love', 'crash', 'great', 'price', 'support', 'login'];

interface Row { amount: string; plan: string; note: string; label: string }

/** Rows whose label follows amount and plan; notes are short texts. */
function rows(n: number, seed: number): Row[] {
  const r = rand(seed);
  return Array.from({ length: n }, () => {
    const amount = r() * 100, plan = PLANS[Math.floor(r() * 4)];
    const note = `${WORDS[Math.floor(r() * 8)]} ${WORDS[Math.floor(r() * 8)]}`;
    const label = amount + (plan === 'pro' || plan === 'team' ? 30 : 0) > 70 ? 'keep' : amount > 30 ? 'watch' : 'lose';
    return { amount: amount.toFixed(2), plan, note, label };
  });
}

/**
 * A file to predict, in the dialect `d`: quoted notes holding newlines, quotes and the delimiter in the rows around
 * every 100th row (chunk boundaries of a 100-row chunk size), missing markers, values never seen in training, a
 * leading space, CRLF line ends when asked, longer than the 64 KB the reader decodes at a time.
 */
function predictText(n: number, seed: number, d: ',' | ';', crlf = false): string {
  const nl = crlf ? '\r\n' : '\n';
  const lines = [['amount', 'plan', 'note'].join(d)];
  rows(n, seed).forEach((x, i) => {
    let amount = d === ';' ? x.amount.replace('.', ',') : x.amount;
    if (i % 37 === 5) amount = 'NA';
    if (i % 53 === 7) amount = 'lots';
    const plan = i % 41 === 3 ? 'platinum' : i % 43 === 4 ? '?' : x.plan;
    let note = `${x.note} ${'detail '.repeat(i % 9)}`.trim();
    const edge = i % 100;
    if (edge >= 98 || edge <= 1) note = `"${note}${d} said ""hi""${nl}second line${nl}${nl}third"`;
    else if (i % 17 === 0) note = `" ${note}"`;
    lines.push([amount, plan, note].join(d));
  });
  return lines.join(nl) + nl;
}

/** What predictFile wrote before it streamed: the whole table read at once (readTable), predicted, then written. */
async function wholeFile(clf: OnnxClassifier, csv: string): Promise<{ text: string; counts: Record<string, number>; warnings: string[] }> {
  const need = clf.pre.inputColumns;
  const raw = await readTable(csv, { keepRaw: true, minColumns: 1, maxRows: Infinity, expectColumns: need });
  const issues: InputIssues = new Map();
  const preds = toPredictions(await clf.predictProba(normalizedColumns(raw, need), undefined, undefined, issues), clf.labels);
  const taken = new Set(raw.columns);
  const free = (n: string) => { let u = n, k = 2; while (taken.has(u)) u = `${n}_${k++}`; taken.add(u); return u; };
  const d = raw.dialect.delimiter;
  const lines = [[...raw.columns, free('prediction'), free('confidence')].map((c) => csvField(c, d)).join(d)];
  const counts: Record<string, number> = {};
  for (let r = 0; r < raw.rowCount; r++) {
    // the confidence in the file's own number format (a ';' file of decimal commas: 0,9363)
    const conf = preds[r].confidence.toFixed(4);
    lines.push([...raw.data.map((col) => csvField(col[r], d)), csvField(preds[r].label, d), raw.dialect.decimalComma ? conf.replace('.', ',') : conf].join(d));
    counts[preds[r].label] = (counts[preds[r].label] ?? 0) + 1;
  }
  return { text: lines.join('\n') + '\n', counts, warnings: [...raw.warnings.map((w) => `${path.basename(csv)}: ${w}`), ...describeInputIssues(issues)] };
}

/** A stream that keeps what is written (for --out -). */
function memoryStream() {
  const parts: string[] = [];
  return { parts, write: (s: string) => { parts.push(s); return true; }, text: () => parts.join('') };
}

describe('predict: streaming in row chunks', function () {
  this.timeout(120_000);
  let dir: string;
  let model: string, headerlessModel: string;
  let clf: OnnxClassifier;
  const write = async (name: string, text: string) => {
    const p = path.join(dir, name);
    await fs.writeFile(p, text);
    return p;
  };
  const tmpFiles = async () => (await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'));

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-predict-stream-'));
    const trainCsv = await write('train.csv', `amount,plan,note,label\n${rows(400, 1).map((x) => [x.amount, x.plan, x.note, x.label].join(',')).join('\n')}\n`);
    const r = await trainClassifier(await readTable(trainCsv), { target: 'label', model: 'logreg' });
    model = await saveClassifier(r, { parent: dir, name: 'm' });
    clf = await OnnxClassifier.load(model);
    // a classifier trained on a file without a header: columns c0, c1, c2
    const rr = rand(9);
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) {
      const a = ['low', 'med', 'high'][i % 3], b = ['small', 'big'][Math.floor(rr() * 2)];
      lines.push(`${a},${b},${a === 'high' || b === 'big' ? 'acc' : 'unacc'}`);
    }
    const h = await readTable(await write('headerless-train.data', lines.join('\n') + '\n'));
    assert.equal(h.dialect.hasHeader, false);
    headerlessModel = await saveClassifier(await trainClassifier(h, { target: 'c2', model: 'logreg' }), { parent: dir, name: 'm-headerless' });
  });
  after(async () => {
    await clf?.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  describe('the output is the whole-file prediction, byte for byte', () => {
    for (const [name, d, crlf] of [['comma', ',', false], ['comma-crlf', ',', true], ['semicolon-decimal-comma', ';', false]] as const) {
      it(`${name}: chunks of 100, 7 and 1 rows, one chunk, and --out -`, async () => {
        const text = predictText(1250, 3, d, crlf);
        assert.ok(Buffer.byteLength(text) > 64 * 1024, 'longer than one decoded piece of the reader');
        const csv = await write(`${name}.csv`, text);
        const want = await wholeFile(clf, csv);
        for (const chunkRows of [100, 7, 1, 1_000_000]) {
          const out = path.join(dir, `${name}.${chunkRows}.pred.csv`);
          const got = await predictFile(model, csv, out, { chunkRows });
          assert.equal(await fs.readFile(out, 'utf8'), want.text, `chunkRows ${chunkRows}`);
          assert.equal(got.rows, 1250);
          assert.deepEqual(got.counts, want.counts);
          assert.deepEqual(got.warnings, want.warnings);
        }
        const s = memoryStream();
        const got = await predictFile(clf, csv, '-', { chunkRows: 100, stream: s });
        assert.equal(s.text(), want.text);
        assert.ok(s.parts.length > 10, 'written chunk by chunk');
        assert.equal(got.rows, 1250);
        // what the checks above are about: every kind of issue, in several chunks, is counted over the whole file
        assert.ok(want.warnings.some((w) => /amount/.test(w) && /not a number/.test(w)), want.warnings.join('; '));
        assert.ok(want.warnings.some((w) => /plan/.test(w) && /never seen/.test(w)), want.warnings.join('; '));
        assert.match(want.text, /"[^"]*second line(\r\n|\n)(\r\n|\n)third"/);
      });
    }

    it('a ";" file keeps its decimal commas as numbers in every chunk (its own dialect, decided from its start)', async () => {
      const csv = await write('semi-clean.csv', `amount;plan;note\n${rows(300, 5).map((x) => [x.amount.replace('.', ','), x.plan, x.note].join(';')).join('\n')}\n`);
      const out = path.join(dir, 'semi-clean.pred.csv');
      const got = await predictFile(model, csv, out, { chunkRows: 100 });
      assert.deepEqual(got.warnings, []);
      const lines = (await fs.readFile(out, 'utf8')).trim().split('\n');
      assert.equal(lines[0], 'amount;plan;note;prediction;confidence');
      assert.equal(lines.length, 301);
      // the same numbers with a decimal point predict the same labels
      const dot = await write('dot-clean.csv', `amount,plan,note\n${rows(300, 5).map((x) => [x.amount, x.plan, x.note].join(',')).join('\n')}\n`);
      const dotOut = path.join(dir, 'dot-clean.pred.csv');
      await predictFile(model, dot, dotOut, { chunkRows: 100 });
      const labels = (t: string, d: string) => t.trim().split('\n').slice(1).map((l) => l.split(d).slice(-2).join(' ').replace(',', '.'));
      assert.match(lines[1], /;\d,\d{4}$/); // the confidence written with the file's decimal comma
      assert.deepEqual(labels(await fs.readFile(out, 'utf8'), ';'), labels(await fs.readFile(dotOut, 'utf8'), ','));
    });

    it('headerless files: read without a header in every chunk, with or without the target column, one row or many', async () => {
      const r = rand(4);
      const cells = () => `${['low', 'med', 'high'][Math.floor(r() * 3)]},${['small', 'big'][Math.floor(r() * 2)]}`;
      const h = await OnnxClassifier.load(headerlessModel);
      try {
        for (const [name, text] of [
          ['many.data', Array.from({ length: 350 }, cells).join('\n') + '\n'],
          ['many-with-target.data', Array.from({ length: 350 }, () => `${cells()},`).join('\n') + '\n'],
          ['one.data', 'high,small\n'],
        ]) {
          const csv = await write(name, text);
          const want = await wholeFile(h, csv);
          const out = path.join(dir, `${name}.pred.csv`);
          const got = await predictFile(headerlessModel, csv, out, { chunkRows: 100 });
          const written = await fs.readFile(out, 'utf8');
          assert.equal(written, want.text, name);
          assert.match(written.split('\n')[0], /^c0,c1,(c2,)?prediction,confidence$/);
          assert.equal(got.rows, text.trim().split('\n').length, name);
        }
      } finally {
        await h.dispose();
      }
    });

    it('progress: bytes of the input, after each chunk, ending at the file size', async () => {
      const csv = await write('progress.csv', predictText(1000, 6, ','));
      const size = (await fs.stat(csv)).size;
      const seen: [string, number, number][] = [];
      await predictFile(model, csv, path.join(dir, 'progress.pred.csv'), { chunkRows: 100, onProgress: (stage, done, total) => seen.push([stage, done, total]) });
      assert.ok(seen.length >= 10, String(seen.length));
      assert.ok(seen.every(([stage, , total]) => stage === 'predicting' && total === size));
      assert.ok(seen.every(([, done], i) => i === 0 || done >= seen[i - 1][1]), 'never goes back');
      assert.equal(seen[seen.length - 1][1], size);
    });
  });

  describe('no output unless complete', () => {
    it('an abort during the stream leaves no output file, no temp file, and an existing file as it was (--force)', async () => {
      const csv = await write('abort.csv', predictText(2000, 7, ','));
      const out = path.join(dir, 'abort.pred.csv');
      for (const force of [false, true]) {
        if (force) await fs.writeFile(out, 'keep me\n');
        const ac = new AbortController();
        let calls = 0;
        await assert.rejects(predictFile(model, csv, out, {
          chunkRows: 100, force, signal: ac.signal,
          onProgress: () => { if (++calls === 3) ac.abort(); },
        }), (e: Error) => e instanceof CancelledError);
        assert.equal(calls, 3, 'stopped at the next chunk');
        assert.equal(existsSync(out), force);
        if (force) assert.equal(await fs.readFile(out, 'utf8'), 'keep me\n');
        assert.deepEqual(await tmpFiles(), []);
      }
      await fs.rm(out);
    });

    it('a problem found at the end of the file (a quote never closed, too many ragged rows) leaves no output', async () => {
      const good = predictText(600, 8, ',');
      const unclosed = await write('unclosed.csv', `${good}12.5,pro,"never closed\n`);
      const ragged = await write('ragged.csv', `${good}${Array.from({ length: 80 }, () => '1,pro,a,b,c').join('\n')}\n`);
      const out = path.join(dir, 'end.pred.csv');
      for (const [csv, re] of [[unclosed, /data row 601 is never closed/], [ragged, /does not look like a consistent CSV\/TSV table: 80 of 680 rows/]] as const) {
        let chunks = 0;
        await assert.rejects(predictFile(model, csv, out, { chunkRows: 100, onProgress: () => chunks++ }), (e: Error) => e instanceof UserError && re.test(e.message));
        assert.ok(chunks >= 6, 'the rows before were predicted (into the temp file)');
        assert.equal(existsSync(out), false);
        assert.deepEqual(await tmpFiles(), []);
        // the whole-file reader says the same
        await assert.rejects(readTable(csv, { keepRaw: true, minColumns: 1 }), re);
      }
    });

    it('with --out -, a problem found at the end says the rows already written are an incomplete output', async () => {
      const ragged = await write('ragged-stream.csv', `${predictText(600, 8, ',')}${Array.from({ length: 80 }, () => '1,pro,a,b,c').join('\n')}\n`);
      const s = memoryStream();
      await assert.rejects(predictFile(model, ragged, '-', { chunkRows: 100, stream: s }), (e: Error) => e instanceof UserError
        && /80 of 680 rows/.test(e.message) && /The 600 rows before it were already written to standard output, so that output is incomplete\.$/.test(e.message));
      assert.ok(s.parts.length > 0);
    });

    it('a "row" without line breaks (millions of fields) is refused as no table row, not held in memory', async () => {
      const csv = await write('one-line.csv', `amount,plan,note\n${'1.5,pro,'.repeat(600_000)}\n`);
      await assert.rejects(predictFile(model, csv, path.join(dir, 'one-line.pred.csv')), /data row 1 has more than 1,000,000 fields and no line break, so it is no table row/);
      assert.deepEqual(await tmpFiles(), []);
    });

    it('a row limit (maxRows) is checked over the whole stream: a longer file leaves nothing', async () => {
      const csv = await write('limit.csv', predictText(450, 9, ','));
      const out = path.join(dir, 'limit.pred.csv');
      await assert.rejects(predictFile(model, csv, out, { chunkRows: 100, maxRows: 449 }), /has more than 449 rows, the most predict reads from one file; split it .*\(nothing was written\)/);
      assert.equal(existsSync(out), false);
      assert.deepEqual(await tmpFiles(), []);
      assert.equal((await predictFile(model, csv, out, { chunkRows: 100, maxRows: 450 })).rows, 450);
    });

    it('missing columns fail on the header, before any output file (or stream write) exists', async () => {
      const csv = await write('missing.csv', `amount,note\n${rows(3000, 10).map((x) => `${x.amount},${x.note}`).join('\n')}\n`);
      const out = path.join(dir, 'missing.pred.csv');
      const seen: string[] = [];
      const s = memoryStream();
      for (const opts of [{ onProgress: (st: string) => seen.push(st) }, { stream: s }]) {
        await assert.rejects(predictFile(model, csv, out, { chunkRows: 100, ...opts }), (e: Error) => e instanceof UserError
          && e.message === `${csv} lacks column(s) the classifier was trained on: plan. It has: amount, note. Rename the columns or use a file with the same layout as the training data.`);
      }
      assert.deepEqual(seen, [], 'no chunk was predicted');
      assert.deepEqual(s.parts, [], 'nothing written to the stream');
      assert.equal(existsSync(out), false);
      assert.deepEqual(await tmpFiles(), []);
      // headerless: the message says how such a file is read
      const h = await write('headerless-short.data', 'high\nlow\n');
      await assert.rejects(predictFile(headerlessModel, h, path.join(dir, 'h.pred.csv'), { chunkRows: 1 }), /lacks column\(s\) the classifier was trained on: c1\. It has: c0\. It was read without a header row/);
      assert.equal(existsSync(path.join(dir, 'h.pred.csv')), false);
    });

    it('a process that exits mid-stream (Ctrl+C twice) leaves no temp file', async function () {
      const csv = await write('exit.csv', predictText(1500, 11, ','));
      const out = path.join(dir, 'exit.pred.csv');
      const script = await write('exit-child.ts', [
        `import { readdirSync } from 'node:fs';`,
        `import { predictFile } from ${JSON.stringify(path.join(root, 'src', 'core', 'train', 'predict'))};`,
        `let n = 0;`,
        `void predictFile(${JSON.stringify(model)}, ${JSON.stringify(csv)}, ${JSON.stringify(out)}, { chunkRows: 100, onProgress: () => {`,
        `  if (++n < 3) return;`,
        `  process.stdout.write(readdirSync(${JSON.stringify(dir)}).filter((f) => f.endsWith('.tmp')).length + ' temp\\n');`,
        `  process.exit(7);`,
        `} });`,
      ].join('\n'));
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 7, r.stderr);
      assert.equal(r.stdout, '1 temp\n', 'the temp file existed while writing');
      assert.equal(existsSync(out), false);
      assert.deepEqual(await tmpFiles(), []);
    });
  });

  describe('readTableChunks', () => {
    const concat = (chunks: Table[]) => chunks[0].columns.map((_, c) => chunks.flatMap((t) => t.data[c]));

    it('its chunks, put together, are the table readTable reads (markers, warnings on the last chunk)', async () => {
      const r = rand(12);
      const lines = ['x,c,label'];
      for (let i = 0; i < 1030; i++) lines.push(`${(r() * 9).toFixed(1)},${i % 13 === 0 ? 'NA' : 'ab'[i % 2]},${i % 29 === 0 ? 'None' : i % 31 === 0 ? 'missing' : i % 2 ? 'yes' : 'no'}${i % 97 === 0 ? ',extra' : ''}`);
      const csv = await write('chunks.csv', lines.join('\n') + '\n');
      const whole = await readTable(csv);
      for (const chunkRows of [100, 103, 1030, 5000]) {
        const got: { table: Table; last: boolean }[] = [];
        for await (const c of readTableChunks(csv, { chunkRows })) got.push(c);
        const tables = got.map((c) => c.table);
        assert.deepEqual(got.map((c) => c.last), got.map((_, i) => i === got.length - 1));
        assert.ok(tables.slice(0, -1).every((t) => t.rowCount === chunkRows && t.warnings.length === 0));
        assert.equal(tables.reduce((s, t) => s + t.rowCount, 0), whole.rowCount);
        assert.deepEqual(concat(tables.filter((t) => t.rowCount)), whole.data);
        const li = whole.columns.indexOf('label');
        assert.deepEqual(tables.flatMap((t) => targetColumn(t, li)), targetColumn(whole, li), 'rawMarkers count from each chunk');
        const last = tables[tables.length - 1];
        assert.deepEqual(last.warnings, whole.warnings);
        assert.equal(last.raggedRows, whole.raggedRows);
        assert.deepEqual(last.dialect, whole.dialect);
      }
      // rows that fill the chunks exactly: the last chunk has none, and still carries the warnings
      const exact: Table[] = [];
      for await (const c of readTableChunks(csv, { chunkRows: 515 })) exact.push(c.table);
      assert.deepEqual(exact.map((t) => t.rowCount), [515, 515, 0]);
      assert.deepEqual(exact[2].warnings, whole.warnings);
    });

    it('a file that is not a table is refused before the first chunk', async () => {
      const csv = await write('single.txt', Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n') + '\n');
      let chunks = 0;
      await assert.rejects((async () => { for await (const _ of readTableChunks(csv, { chunkRows: 10 })) chunks++; })(), /does not look like a CSV\/TSV table: every row has a single field/);
      assert.equal(chunks, 0);
    });
  });
});
