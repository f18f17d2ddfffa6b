// generate's evidence is read by the same readers as Analyze Feedback: the same file gives the same texts at the
// same file:line in `analyze` and in `generate --evidence` (unquoted commas in a last text column, a JSON export whose
// records are nested in wrappers, a UTF-16 tab-separated export, analyze's own results with formula-escaped texts,
// and results larger than a file generate once refused).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeFeedback, disposeAnalysis, readItemResults, writeReport, writeOutputFile } from '../../src/core/analysis';
import { csvCell } from '../../src/core/analysis/writers';
import { RESULTS_CSV_COLUMNS } from '../../src/core/csvFormula';
import { loadEvidence } from '../../src/core/generate';
import { openFeedbackInputs, readFeedbackFile } from '../../src/core/readers';
import { LexiconClassifier } from '../fixtures/feedback/lexicon-classifier';

type Cited = { source: string; line: number; text: string };
const cited = (items: Cited[]) => items.map((it) => `${it.source}:${it.line} ${it.text}`);

describe('generate: evidence read as Analyze Feedback reads it', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-genev-readers-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The items analyze reports for `file` (its source, line and text), in order. */
  async function analyzed(file: string): Promise<Cited[]> {
    const result = await analyzeFeedback([file], { classifier: new LexiconClassifier(), tempDir: tmp });
    try {
      const out: Cited[] = [];
      for await (const it of readItemResults(result)) out.push({ source: it.source, line: it.line, text: it.text });
      return out;
    } finally {
      await disposeAnalysis(result);
    }
  }

  it('a CSV whose last text column holds unquoted commas: the whole text, as analyze keeps it', async () => {
    const file = path.join(tmp, 'reviews.csv');
    fs.writeFileSync(
      file,
      [
        'id,date,plan,feedback',
        '1,2024-05-01,Pro,Sync is slow, and it crashes when I open a board',
        '2,2024-05-02,Free,"Love the board view, it is great"',
        '3,2024-05-03,Team,Export works fine',
        '4,2024-05-04,Pro,rated 4, 5 stars would need export to PDF',
      ].join('\n') + '\n',
    );
    const want = await analyzed(file);
    assert.equal(want[0].text, 'Sync is slow, and it crashes when I open a board');
    const ev = await loadEvidence([file]);
    assert.deepEqual(cited(ev.items), cited(want));
    assert.deepEqual(ev.items.map((it) => it.fields.plan), ['Pro', 'Free', 'Team', 'Pro']);
    // no field made of the text's pieces
    assert.ok(ev.items.every((it) => Object.keys(it.fields).sort().join() === 'date,id,plan'), JSON.stringify(ev.items.map((it) => it.fields)));
    // the reader's warning about the unquoted commas is a note
    assert.match(ev.notes!.join('\n'), /not quoted/);
  });

  it('a JSON export with its records nested in wrappers ({"data":{"reviews":[…]}})', async () => {
    const file = path.join(tmp, 'export.json');
    const reviews = [
      { id: 'r1', rating: 2, content: { title: 'Sync', body: 'Sync fails every time my phone loses signal.' } },
      { id: 'r2', rating: 5, content: { title: 'Board', body: 'I love the board view, it helps me plan the sprint.' } },
      { id: 'r3', rating: 1, content: { title: 'Crash', body: 'The app crashed twice while syncing and my tasks were gone.' } },
    ];
    const body = reviews.map((r) => `      ${JSON.stringify(r)}`).join(',\n');
    fs.writeFileSync(file, `{\n  "meta": {"page": 1, "tags": ["app"]},\n  "data": {\n    "reviews": [\n${body}\n    ]\n  }\n}\n`);
    const want = await analyzed(file);
    assert.equal(want.length, 3);
    assert.deepEqual(want.map((it) => it.line), [5, 6, 7]);
    const ev = await loadEvidence([file]);
    assert.deepEqual(cited(ev.items), cited(want));
    assert.equal(ev.ratingField, 'rating');
  });

  it("a UTF-16 tab-separated export (Excel's Unicode Text): its rows, not its lines", async () => {
    const file = path.join(tmp, 'export.txt');
    const rows = [
      'Date\tRating\tReview',
      '2024-05-01\t2\t同步总是失败，笔记经常丢失',
      '2024-05-02\t5\tGreat app, the board view is fast',
      '2024-05-03\t1\tThe export to Excel is so slow',
      '2024-05-04\t4\t导出PDF很方便',
    ];
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rows.join('\r\n') + '\r\n', 'utf16le')]));
    const want = await analyzed(file);
    assert.deepEqual(want.map((it) => it.text), rows.slice(1).map((r) => r.split('\t')[2]));
    const ev = await loadEvidence([file]);
    assert.deepEqual(cited(ev.items), cited(want));
    assert.deepEqual(ev.items.map((it) => it.fields.Rating), ['2', '5', '1', '4']);
    assert.equal(ev.ratingField, 'Rating');
  });

  it("analyze's results (CSV with formula-escaped texts, JSONL, JSON): the texts and file:line analyze reported", async () => {
    const feedback = path.join(tmp, 'feedback.csv');
    const texts = ['=1+2 is what the export shows, wrong', '+1 for dark mode, great', '- crashes on start, terrible', '@support the sync is broken', "'quoted' and slow"];
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    fs.writeFileSync(feedback, ['id,plan,feedback', ...texts.map((t, i) => `${i + 1},${i % 2 ? 'Pro' : 'Free'},${q(t)}`)].join('\n') + '\n');
    const result = await analyzeFeedback([feedback], { classifier: new LexiconClassifier(), tempDir: tmp });
    try {
      const want: (Cited & { label: string })[] = [];
      for await (const it of readItemResults(result)) want.push({ source: it.source, line: it.line, text: it.text, label: it.label });
      assert.deepEqual(want.map((it) => it.text), texts);
      const paths = await writeReport(result, { workspaceDir: tmp, baseName: 'feedback' });
      assert.match(fs.readFileSync(paths.resultsCsv, 'utf8'), /"'=1\+2 is what/);
      const jsonl = path.join(tmp, 'results.jsonl');
      const json = path.join(tmp, 'results.json');
      await writeOutputFile(result, 'jsonl', jsonl);
      await writeOutputFile(result, 'json', json);
      // JSON Lines written under a .json name (analyze --format jsonl --out results-lines.json): read as its lines
      const linesAsJson = path.join(tmp, 'results-lines.json');
      fs.copyFileSync(jsonl, linesAsJson);
      for (const f of [paths.resultsCsv, paths.dir, jsonl, json, linesAsJson]) {
        const ev = await loadEvidence([f]);
        assert.deepEqual(ev.files.map((x) => x.kind), ['analysis'], f);
        assert.deepEqual(cited(ev.items), cited(want), f);
        assert.deepEqual(ev.items.map((it) => it.sentiment), want.map((it) => it.label), f);
        // the customer's columns are fields, the model's are not
        assert.deepEqual(ev.items.map((it) => it.fields.plan), ['Free', 'Pro', 'Free', 'Pro', 'Free'], f);
        for (const k of ['score', 'label', 'negative', 'neutral', 'positive', 'scores', 'fields', 'source', 'line', 'text']) assert.ok(!(k in ev.items[0].fields), `${f}: ${k} kept as a field`);
      }
      // the report's summary.json lists a few items (the least confident, the most negative), not all: refused when
      // named, skipped with a note in a folder, never read as if its longest list were the feedback
      const summary = path.join(paths.dir, 'summary.json');
      await assert.rejects(loadEvidence([summary]), /is an analysis summary: it lists a few items, not every item\. Give the report folder or its results\.csv/);
      const folder = path.join(tmp, 'mixed');
      fs.mkdirSync(folder);
      fs.copyFileSync(summary, path.join(folder, 'summary.json'));
      fs.copyFileSync(feedback, path.join(folder, 'feedback.csv'));
      const mixed = await loadEvidence([folder]);
      assert.equal(mixed.items.length, texts.length);
      assert.match(mixed.notes!.join('\n'), /skipped .*summary\.json, which is an analysis summary/);
    } finally {
      await disposeAnalysis(result);
    }
  });

  it("a Google Play API export: the review's text, and its star rating as generate's rating", async () => {
    const file = path.join(tmp, 'play.json');
    const review = (id: string, text: string, stars: number) => ({ reviewId: id, authorName: 'A', comments: [{ userComment: { text, starRating: stars, lastModified: { seconds: '1712345678', nanos: 0 } } }] });
    fs.writeFileSync(file, JSON.stringify({ reviews: [review('a', 'Sync keeps failing on my phone', 1), review('b', 'Love the new widgets, great update', 5), review('c', 'Crashes when I open settings', 2)] }, null, 2));
    const ev = await loadEvidence([file]);
    assert.deepEqual(cited(ev.items), cited(await analyzed(file)));
    assert.equal(ev.ratingField, 'comments.userComment.starRating');
  });

  it('a table read with the text columns its user chose (Choose Text Columns...), as analyze reads it with them', async () => {
    const file = path.join(tmp, 'survey.csv');
    fs.writeFileSync(file, 'id,title,body,plan\n1,Slow sync,It takes minutes to sync my notes,Pro\n2,Love it,The new editor is fast and clean,Free\n3,Crash,The app crashes on start,Pro\n');
    const want = (await readFeedbackFile(file, { column: ['title', 'body'] })).items.map((it) => `${it.source}:${it.line} ${it.text}`);
    const ev = await loadEvidence([file], { columnsFor: (f) => (f === file ? ['title', 'body'] : undefined) });
    assert.deepEqual(cited(ev.items), want);
    assert.match(ev.items[0].text, /Slow sync.*It takes minutes/);
    // chosen columns that are gone: detected instead, with a note
    const gone = await loadEvidence([file], { columnsFor: () => ['comment'] });
    assert.deepEqual(gone.items.map((it) => it.text), (await readFeedbackFile(file)).items.map((it) => it.text));
    assert.match(gone.notes!.join('\n'), /the text columns chosen for it \(comment\) cannot be read .*detected instead/);
  });

  it('a folder: a file in it that cannot be read is skipped with a note (as analyze skips it); named, it is an error', async () => {
    fs.writeFileSync(path.join(tmp, 'a.csv'), 'id,feedback\n1,Sync fails every time\n2,The board view is great\n');
    fs.writeFileSync(path.join(tmp, 'b.csv'), 'id,feedback\n');
    fs.writeFileSync(path.join(tmp, 'c.txt'), '此用户没有填写评价\n');
    const ev = await loadEvidence([tmp]);
    assert.deepEqual(ev.items.map((it) => it.text), ['Sync fails every time', 'The board view is great']);
    assert.match(ev.notes!.join('\n'), /skipped .*b\.csv: only a header row/);
    assert.match(ev.notes!.join('\n'), /skipped .*c\.txt: /);
    // in the words analyze uses
    const analyzeSkipped = (await openFeedbackInputs([tmp], {})).skipped;
    assert.ok(analyzeSkipped.length > 0 && analyzeSkipped.every((n) => ev.notes!.includes(n)), JSON.stringify([analyzeSkipped, ev.notes]));
    await assert.rejects(loadEvidence([path.join(tmp, 'b.csv')]), /only a header row/);
    // a table with no text column: generate has no --column, so it says what to do instead
    fs.writeFileSync(path.join(tmp, 'd.csv'), 'id,count\n1,2\n3,4\n5,6\n');
    await assert.rejects(loadEvidence([path.join(tmp, 'd.csv')]), (e: Error) => /no column that looks like feedback text/.test(e.message) && /analyze it with --column NAME/.test(e.message) && !/pass --column/.test(e.message));
  });

  it('a results.csv over 50 MB is streamed (it was refused), its formula-escaped texts read as analyze reads them', async function () {
    this.timeout(120_000);
    const file = path.join(tmp, 'results.csv');
    const pad = ' the export to Excel is slow and the sync fails again'.repeat(190); // ~10 KB a text
    const n = 5200;
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, '\uFEFF' + [...RESULTS_CSV_COLUMNS, 'plan'].join(',') + '\r\n');
    for (let i = 0; i < n; i++) {
      const text = `${['=', '+', '-', '@', "'"][i % 5]}${i}${pad}`;
      fs.writeSync(fd, ['feedback.csv', i + 2, text, 'negative', 0.9, 0.9, 0.05, 0.05, i % 2 ? '-Pro' : 'Free'].map(csvCell).join(',') + '\r\n');
    }
    fs.closeSync(fd);
    assert.ok(fs.statSync(file).size > 50 * 1024 * 1024);
    const ev = await loadEvidence([file], { maxItems: n });
    assert.equal(ev.items.length, n);
    const again = (await readFeedbackFile(file)).items;
    assert.deepEqual(ev.items.map((it) => it.text), again.map((it) => it.text));
    assert.equal(ev.items[0].text, `=0${pad}`.trim());
    assert.equal(ev.items[4].text, `'4${pad}`.trim());
    assert.deepEqual([ev.items[0].source, ev.items[0].line, ev.items[n - 1].line], ['feedback.csv', 2, n + 1]);
    assert.deepEqual([ev.items[0].fields.plan, ev.items[1].fields.plan], ['Free', '-Pro']);
  });
});
