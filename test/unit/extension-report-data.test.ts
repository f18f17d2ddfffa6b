import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { analyzeFeedback, disposeAnalysis, writeReport } from '../../src/core/analysis';
import { buildTimeline, CsvParser, dayOf, listReports, loadReport, mayOpen, parseCsv, ReportLoader, searchReport, topTerms } from '../../src/extension/reportData';
import { LexiconClassifier } from '../fixtures/feedback/lexicon-classifier';
import { DEFAULT_SORT, ItemIndex } from '../../src/webview/report/sort';
import { SENTIMENTS } from '../../src/webview/report/messages';

describe('extension: report data', () => {
  let ws: string;
  before(() => {
    ws = mkdtempSync(path.join(os.tmpdir(), 'pf-report-'));
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  const makeReport = (name: string, csv: string, mtime: number, json?: object): string => {
    const dir = path.join(ws, '.product-forge', 'reports', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'report.md'), '# Report\n');
    writeFileSync(path.join(dir, 'results.csv'), csv);
    if (json) writeFileSync(path.join(dir, 'result.json'), JSON.stringify(json));
    utimesSync(path.join(dir, 'report.md'), mtime, mtime);
    return dir;
  };

  it('parses RFC 4180 CSV (quotes, newlines, BOM, CRLF)', () => {
    assert.deepEqual(parseCsv('\ufeffa,b\r\n"x, ""y""","line1\nline2"\r\n'), [
      ['a', 'b'],
      ['x, "y"', 'line1\nline2'],
    ]);
    assert.deepEqual(parseCsv('a\tb\n1\t2', '\t'), [['a', 'b'], ['1', '2']]);
  });

  it('finds the newest report and builds the view model', async () => {
    const csv =
      'source,line,text,label,negative,neutral,positive,date\n' +
      'feedback/a.csv,2,"The app crashes on login, crashes again",negative,0.9,0.05,0.05,2024-01-01\n' +
      'feedback/a.csv,3,Love the new login screen,positive,0.05,0.05,0.9,2024-01-02\n' +
      '/abs/elsewhere.txt,7,It is fine I guess login,neutral,0.2,0.6,0.2,2024-01-02\n';
    makeReport('old-1', csv, 1_000_000);
    const newest = makeReport('new-2', csv, 2_000_000);
    const found = await listReports([ws, path.join(ws, 'missing')]);
    assert.deepEqual(found.map((f) => path.basename(f.dir)), ['new-2', 'old-1']);

    const { model, sources, sourceFiles, csvPath, reportPath } = await loadReport(newest, [ws]);
    assert.equal(model.id, 'new-2');
    assert.equal(model.total, 3);
    assert.deepEqual(model.distribution, { negative: 1, neutral: 1, positive: 1 });
    assert.equal(model.items.length, 3);
    assert.equal(model.items[0].source, path.join('feedback', 'a.csv'));
    assert.equal(model.items[0].line, 2);
    assert.equal(model.items[0].score, 0.9);
    assert.equal(model.items[2].source, path.resolve('/abs/elsewhere.txt'));
    assert.deepEqual(sources[0], { file: path.join(ws, 'feedback', 'a.csv'), line: 2 });
    assert.ok(sourceFiles.has(path.resolve('/abs/elsewhere.txt')));
    assert.deepEqual(model.timeline, [
      { period: '2024-01-01', negative: 1, neutral: 0, positive: 0 },
      { period: '2024-01-02', negative: 0, neutral: 1, positive: 1 },
    ]);
    assert.equal(model.themes[0].term, 'login');
    assert.equal(model.themes[0].count, 3);
    assert.ok(model.hasCsv && csvPath && reportPath);
    assert.equal(model.truncated, false);
  });

  it('reads the engine summary (counts, themes, time buckets, model)', async () => {
    const csv = 'source,line,text,label,score,negative,neutral,positive\na.txt,1,bad,negative,0.8,0.8,0.1,0.1\n';
    const dir = makeReport('summary-4', csv, 4_000_000);
    writeFileSync(
      path.join(dir, 'summary.json'),
      JSON.stringify({
        total: 1,
        counts: { negative: 1, neutral: 0, positive: 0 },
        model: { id: 'm/x', device: 'cpu' },
        startedAt: '2024-01-01T00:00:00.000Z',
        lowConfidenceThreshold: 0.6,
        themes: [{ phrase: 'bad', count: 1, counts: { negative: 1, neutral: 0, positive: 0 }, negativeShare: 1, quotes: [] }],
        time: { columns: ['date'], granularity: 'week', buckets: [{ start: '2024-01-01', label: '2024-W01', counts: { negative: 1, neutral: 0, positive: 0 }, total: 1, negativeShare: 1 }] },
      }),
    );
    const { model } = await loadReport(dir, [ws]);
    assert.equal(model.modelId, 'm/x');
    assert.equal(model.device, 'cpu');
    assert.equal(model.lowConfidence, 0.6);
    assert.equal(model.createdAt, '2024-01-01T00:00:00.000Z');
    assert.deepEqual(model.themes, [{ term: 'bad', count: 1, negative: 1, positive: 0 }]);
    assert.deepEqual(model.timeline, [{ period: '2024-W01', negative: 1, neutral: 0, positive: 0 }]);
    assert.equal(model.items[0].source, 'a.txt');
  });

  it('prefers totals and themes from result.json, caps the items', async () => {
    const csv = 'source,line,text,sentiment,score\na.txt,1,bad,negative,0.8\na.txt,2,good,positive,0.7\n';
    const dir = makeReport('json-3', csv, 3_000_000, {
      total: 10,
      distribution: { negative: 5, neutral: 3, positive: 2 },
      themes: [{ term: 'billing', count: 4, sentiment: { negative: 3, positive: 1 } }, { phrase: 'notes / 笔记', count: 3, counts: { negative: 2, positive: 1 }, variants: ['notes', 'note', '笔记', 7, ''] }],
      modelId: 'product-forge/sentiment-en-zh',
    });
    const { model } = await loadReport(dir, [ws], 1);
    assert.equal(model.total, 10);
    assert.deepEqual(model.distribution, { negative: 5, neutral: 3, positive: 2 });
    // a theme's variants as written come along (strings only), for the view's search
    assert.deepEqual(model.themes, [{ term: 'billing', count: 4, negative: 3, positive: 1 }, { term: 'notes / 笔记', count: 3, negative: 2, positive: 1, variants: ['notes', 'note', '笔记'] }]);
    assert.equal(model.items.length, 1);
    assert.equal(model.truncated, true);
    assert.equal(model.modelId, 'product-forge/sentiment-en-zh');
  });

  it('a CLI report written with --report-dir elsewhere opens its relative sources from the folder the analysis ran in (summary.json sourceRoot)', async () => {
    const fb = path.join(ws, 'cli-run', 'fb.txt');
    mkdirSync(path.dirname(fb), { recursive: true });
    writeFileSync(fb, 'Terrible bug, lost data\nGreat app, love it\n');
    const rel = path.relative(process.cwd(), fb); // as typed on the command line
    const result = await analyzeFeedback([rel], { classifier: new LexiconClassifier(), tempDir: ws });
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'pf-report-dir-'));
    try {
      const paths = await writeReport(result, { workspaceDir: process.cwd(), baseName: 'fb', reportsDir: elsewhere });
      const summary = JSON.parse(readFileSync(paths.summary, 'utf8'));
      assert.equal(summary.sourceRoot, path.relative(paths.dir, process.cwd()).split(path.sep).join('/'));
      assert.ok(!path.isAbsolute(summary.sourceRoot), 'no absolute path in a report that may be shared');
      const loaded = await loadReport(paths.dir, []);
      assert.deepEqual(loaded.sources.map((s) => s.file).sort(), [fb, fb]);
      assert.equal(loaded.root, process.cwd());
      const found = await searchReport(paths.dir, [], { query: 'terrible', label: 'all', drivers: loaded.drivers, root: loaded.root });
      assert.deepEqual(found.sources, [{ file: fb, line: 1 }]);
      // a report in its workspace resolves from the workspace, with or without sourceRoot (reports written before it)
      const inWs = await writeReport(result, { workspaceDir: ws, baseName: 'fb' });
      assert.equal(JSON.parse(readFileSync(inWs.summary, 'utf8')).sourceRoot, '../../..');
      assert.equal((await loadReport(inWs.dir, [ws])).root, ws);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
      await disposeAnalysis(result);
    }
  });

  it("marks the words that drove the report's listed items (from summary.json) on their table rows", async () => {
    const fb = path.join(ws, 'drivers', 'fb.txt');
    mkdirSync(path.dirname(fb), { recursive: true });
    writeFileSync(fb, 'Terrible bug, lost data\nnothing to say here\nGreat app, love it\n');
    const result = await analyzeFeedback([fb], { classifier: new LexiconClassifier(), tempDir: ws });
    try {
      const paths = await writeReport(result, { workspaceDir: ws, baseName: 'drivers', reportsDir: path.join(ws, 'drivers-reports') });
      const { model } = await loadReport(paths.dir, [ws]);
      const byText = new Map(model.items.map((it) => [it.text, it]));
      const bad = byText.get('Terrible bug, lost data')!;
      assert.deepEqual(bad.drivers!.map((d) => bad.text.slice(d.start, d.end)), ['Terrible', 'bug', 'lost']);
      assert.ok(bad.drivers!.every((d) => d.weight > 0));
      const good = byText.get('Great app, love it')!;
      assert.deepEqual(good.drivers!.map((d) => good.text.slice(d.start, d.end)), ['Great', 'love']);
      // listed as low confidence (neutral 0.55), but no word moves it
      assert.deepEqual(byText.get('nothing to say here')!.drivers, []);

      // a search's rows get the drivers read with the report: summary.json is not parsed again for each search
      const loaded = await loadReport(paths.dir, [ws]);
      assert.ok(loaded.drivers.size >= 3);
      writeFileSync(path.join(paths.dir, 'summary.json'), '{}');
      const found = await searchReport(paths.dir, [ws], { query: 'terrible', label: 'all', drivers: loaded.drivers });
      assert.deepEqual(found.items.map((it) => it.drivers!.map((d) => it.text.slice(d.start, d.end))), [['Terrible', 'bug', 'lost']]);
      // without them, the search reads the file (here emptied: no drivers)
      assert.equal((await searchReport(paths.dir, [ws], { query: 'terrible', label: 'all' })).items[0].drivers, undefined);
    } finally {
      await disposeAnalysis(result);
    }
  });

  it("the host's search of every row and the view's filter of the rows it holds find the same rows", async () => {
    // every row held (300 rows): both sides see the same rows, so any difference is one of matching
    const words = ['Login', 'sync', 'EXPORT', '登录', 'dark mode', 'Notes', 'note', 'crash'];
    const lines = ['source,line,text,label,score,negative,neutral,positive'];
    for (let i = 0; i < 300; i++) {
      const label = SENTIMENTS[i % 3];
      lines.push(`${i % 4 ? 'feedback/App.csv' : 'tickets.txt'},${i + 2},"${words[i % 8]} and ${words[(i * 5) % 8]} ${i}",${label},0.7,0.2,0.1,0.7`);
    }
    const dir = makeReport('agree-5', lines.join('\n') + '\n', 5_000_000);
    const { model } = await loadReport(dir, [ws]);
    assert.equal(model.truncated, false);
    const themes = [{ term: 'notes / 笔记', variants: ['notes', 'note', '笔记'] }];
    const index = new ItemIndex(model.items);
    for (const query of ['login', 'LOGIN / 登录', 'feedback/app', 'App.csv', 'tickets', 'notes / 笔记', 'note', 'dark', 'crash 7', 'nothing'])
      for (const label of ['all', ...SENTIMENTS] as const) {
        // (the search's rows come in file order, the table's by source then line)
        const held = index.rows(DEFAULT_SORT, label, query, themes).map((it) => it.line).sort((a, b) => a - b);
        const searched = (await searchReport(dir, [ws], { query, label, themes })).items.map((it) => it.line);
        assert.deepEqual(searched, held, `"${query}" ${label}`);
      }
    // the queries above are not all trivial: a source, a theme's variants, case aside
    assert.equal(index.rows(DEFAULT_SORT, 'all', 'App.csv').length, 225);
    assert.equal(index.rows(DEFAULT_SORT, 'all', 'notes / 笔记', themes).length, index.rows(DEFAULT_SORT, 'all', 'note').length);
  });

  it('only opens files in the workspace or named by the report', () => {
    const srcs = new Set([path.resolve('/abs/elsewhere.txt')]);
    assert.ok(mayOpen(path.join(ws, 'x.txt'), [ws], srcs));
    assert.ok(mayOpen(path.resolve('/abs/elsewhere.txt'), [ws], srcs));
    assert.ok(!mayOpen(path.resolve('/etc/passwd'), [ws], srcs));
    assert.ok(!mayOpen('relative.txt', [ws], srcs));
    assert.ok(!mayOpen('', [ws], srcs));
  });

  it('parses dates and groups long spans by week or month', () => {
    assert.equal(dayOf('2024-3-5 10:00'), '2024-03-05');
    assert.equal(dayOf('1704067200'), '2024-01-01');
    assert.equal(dayOf('hello'), undefined);
    assert.equal(dayOf('42'), undefined);
    const weeks = buildTimeline([
      { day: '2024-01-01', label: 'negative' },
      { day: '2024-01-03', label: 'positive' },
      { day: '2024-04-01', label: 'neutral' },
    ]);
    assert.deepEqual(weeks.map((w) => w.period), ['2024-01-01', '2024-04-01']);
    const months = buildTimeline([
      { day: '2023-01-10', label: 'negative' },
      { day: '2024-06-03', label: 'positive' },
    ]);
    assert.deepEqual(months.map((w) => w.period), ['2023-01', '2024-06']);
    assert.deepEqual(buildTimeline([]), []);
  });

  it('counts content words once per item', () => {
    const t = topTerms([
      { text: 'Slow slow sync', label: 'negative' },
      { text: 'sync is great', label: 'positive' },
    ]);
    assert.deepEqual(t, [{ term: 'sync', count: 2, negative: 1, positive: 1 }]);
  });
});

describe('extension: report data on a large results.csv', () => {
  let ws: string;
  let dir: string;
  const ROWS = 100_000;
  before(() => {
    ws = mkdtempSync(path.join(os.tmpdir(), 'pf-report-big-'));
    dir = path.join(ws, '.product-forge', 'reports', 'big-1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'report.md'), '# Report\n');
    // Deterministic rows: every 7th negative (its confidence varies), every 11th below 0.6 confidence,
    // quoted texts with commas, doubled quotes and newlines, CRLF like the engine writes.
    const lines = ['\ufeffsource,line,text,label,score,negative,neutral,positive,date'];
    for (let i = 0; i < ROWS; i++) {
      const label = i % 7 === 0 ? 'negative' : i % 3 === 0 ? 'neutral' : 'positive';
      const score = i % 11 === 0 ? 0.4 + (i % 17) / 100 : 0.7 + (i % 29) / 100;
      const neg = label === 'negative' ? score : (1 - score) / 2;
      const text = i % 5 === 0 ? `"Row ${i}, with ""quotes""\nand a second line"` : `Row ${i} plain text about sync and export`;
      const day = `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
      lines.push(`feedback/f.csv,${i + 2},${text},${label},${score.toFixed(3)},${neg.toFixed(3)},0.1,0.1,${day}`);
    }
    writeFileSync(path.join(dir, 'results.csv'), lines.join('\r\n') + '\r\n');
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('streams in short slices, caps the rows and says how they were chosen', async function () {
    this.timeout(60_000);
    // Longest stretch the event loop was blocked: gaps between setImmediate ticks while loading.
    let maxGap = 0;
    let ticks = 0;
    let running = true;
    let last = performance.now();
    const spin = () => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    const { model, sources } = await loadReport(dir, [ws], { maxItems: 3000 });
    running = false;

    assert.equal(model.rows, ROWS);
    assert.equal(model.total, ROWS);
    assert.equal(model.truncated, true);
    assert.ok(model.items.length <= 3000 && model.items.length > 2500, String(model.items.length));
    assert.equal(sources.length, model.items.length);
    const expectedNeg = Math.ceil(ROWS / 7);
    assert.deepEqual(model.distribution, { negative: expectedNeg, neutral: model.distribution.neutral, positive: ROWS - expectedNeg - model.distribution.neutral });
    // The selection: the most negative rows, the least confident, a sample of the rest, in file order.
    const sel = model.selection!;
    assert.ok(sel);
    assert.equal(sel.mostNegative + sel.lowConfidence + sel.sampled, model.items.length);
    assert.equal(sel.mostNegative, 1200);
    const negScores = model.items.filter((it) => it.label === 'negative').map((it) => it.score);
    assert.ok(negScores.filter((x) => x >= 0.98).length >= 1, 'the most negative rows are in');
    assert.ok(model.items.filter((it) => it.score < 0.6).length >= 600, 'the least confident rows are in');
    const lines = model.items.map((it) => it.line);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
    model.items.forEach((it, i) => assert.equal(it.i, i));
    // Cells survived the streaming parser (quotes, newlines across chunk boundaries).
    const quoted = model.items.find((it) => (it.line - 2) % 5 === 0)!;
    assert.equal(quoted.text, `Row ${quoted.line - 2}, with "quotes"\nand a second line`);
    assert.equal(model.timeline.reduce((s, t) => s + t.negative + t.neutral + t.positive, 0), ROWS);
    // The host thread was never held long (budget 8 ms a slice; generous bound for loaded CI machines).
    assert.ok(ticks > 20, `only ${ticks} event-loop turns`);
    assert.ok(maxGap < 100, `event loop blocked for ${maxGap.toFixed(1)} ms`);
    if (process.env.PF_TEST_VERBOSE) console.log(`    ${ticks} turns, longest block ${maxGap.toFixed(1)} ms`);
  });

  it('a report read once is not read again until one of its files changes (the view shown again)', async function () {
    this.timeout(60_000);
    const loader = new ReportLoader();
    const t0 = performance.now();
    const first = await loader.load(dir, [ws], { maxItems: 3000 });
    const readMs = performance.now() - t0;
    const t1 = performance.now();
    const again = await loader.load(dir, [ws], { maxItems: 3000 });
    const keptMs = performance.now() - t1;
    assert.equal(again, first, 'the kept report');
    assert.ok(keptMs < readMs / 5, `kept: ${keptMs.toFixed(1)} ms, read: ${readMs.toFixed(1)} ms`);
    // other workspace folders show sources differently: read again
    const otherRoots = await loader.load(dir, [], { maxItems: 3000 });
    assert.notEqual(otherRoots, first);
    assert.equal(otherRoots.model.items[0].source, path.join(ws, 'feedback', 'f.csv'));
    // results.csv rewritten (a new modification time): read again, and its rows are the new ones
    const csv = path.join(dir, 'results.csv');
    const before = readFileSync(csv, 'utf8');
    try {
      writeFileSync(csv, 'source,line,text,label,score\nfeedback/f.csv,2,only row,negative,0.9\n');
      utimesSync(csv, new Date(), new Date(Date.now() + 5000));
      const changed = await loader.load(dir, [], { maxItems: 3000 });
      assert.deepEqual(changed.model.items.map((it) => it.text), ['only row']);
      assert.equal(await loader.load(dir, [], { maxItems: 3000 }), changed);
    } finally {
      writeFileSync(csv, before);
    }
    // an aborted load keeps nothing: the next load of the same report (same key) reads it whole, and is then kept
    const ac = new AbortController();
    const p = loader.load(dir, [ws], { signal: ac.signal, maxItems: 3000 });
    ac.abort(new Error('stale'));
    await assert.rejects(p, /stale/);
    const reread = await loader.load(dir, [ws], { maxItems: 3000 });
    assert.deepEqual(reread.model.items.map((it) => it.text), first.model.items.map((it) => it.text));
    assert.equal(await loader.load(dir, [ws], { maxItems: 3000 }), reread);
  });

  it('the rows it keeps do not hold on to the file they were read from (memory stays that of the rows)', async function () {
    this.timeout(60_000);
    // 60,000 rows of 300-character texts (18 MB): each kept text was a slice of the 64 KB piece of the file it was
    // parsed from, and V8 kept every such piece alive: the model held on to most of the file
    const bigDir = path.join(ws, '.product-forge', 'reports', 'long-texts');
    mkdirSync(bigDir, { recursive: true });
    const lines = ['source,line,text,label,score,negative,neutral,positive'];
    for (let i = 0; i < 60_000; i++) lines.push(`f.txt,${i + 1},${`text ${i} `.padEnd(300, 'abcdefghij')},${i % 2 ? 'negative' : 'positive'},0.${70 + (i % 29)},0.5,0.2,0.3`);
    writeFileSync(path.join(bigDir, 'results.csv'), lines.join('\n') + '\n');
    lines.length = 0;
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const loaded = await loadReport(bigDir, [ws], { maxItems: 3000 });
    gc();
    const held = process.memoryUsage().heapUsed - before;
    assert.ok(loaded.model.items.length > 2500 && loaded.model.items.length <= 3000);
    const textBytes = loaded.model.items.reduce((s, it) => s + 2 * it.text.length, 0);
    // 3,000 texts of 300 characters are under 2 MB; the file is 18 MB
    assert.ok(held < 8 * 1024 * 1024, `the loaded report holds ${(held / 1048576).toFixed(1)} MB (its texts: ${(textBytes / 1048576).toFixed(1)} MB)`);
    rmSync(bigDir, { recursive: true, force: true });
  });

  it('a filter searches every row of the CSV, not only the rows the view holds', async function () {
    this.timeout(60_000);
    const { model } = await loadReport(dir, [ws], { maxItems: 3000 });
    // negative rows with a quoted two-line text: i % 35 === 0, most of them not among the 3,000 rows held
    const expected = Math.ceil(ROWS / 35);
    const held = model.items.filter((it) => it.label === 'negative' && it.text.includes('second line')).length;
    assert.ok(held < expected / 2, `${held} held`);
    const found = await searchReport(dir, [ws], { query: 'SECOND LINE', label: 'negative', firstIndex: model.items.length });
    assert.equal(found.matched, expected);
    assert.equal(found.items.length, expected);
    assert.equal(found.selection, undefined);
    found.items.forEach((it, k) => {
      assert.equal(it.i, model.items.length + k, 'numbered after the report\'s items');
      assert.equal(it.label, 'negative');
      assert.equal(it.text, `Row ${it.line - 2}, with "quotes"\nand a second line`);
      assert.equal((it.line - 2) % 35, 0);
      assert.deepEqual(found.sources[k], { file: path.join(ws, 'feedback', 'f.csv'), line: it.line });
    });
    assert.ok(found.sourceFiles.has(path.join(ws, 'feedback', 'f.csv')));
    // one row
    const one = await searchReport(dir, [ws], { query: 'row 99999 ', label: 'all' });
    assert.deepEqual(one.items.map((it) => it.line), [100_001]);
    // the source as shown (relative to the workspace folder) matches; more matches than returned: chosen, and said how
    const all = await searchReport(dir, [ws], { query: 'feedback/F.CSV', label: 'all', maxItems: 100 });
    assert.equal(all.matched, ROWS);
    assert.ok(all.items.length <= 100 && all.items.length > 80);
    assert.equal(all.selection!.mostNegative + all.selection!.lowConfidence + all.selection!.sampled, all.items.length);
    // a theme's name finds its variants as written; " / " separates names
    const themes = [{ term: 'exports', variants: ['export'] }];
    assert.equal((await searchReport(dir, [ws], { query: 'exports', label: 'all', themes, maxItems: 10 })).matched, ROWS - ROWS / 5);
    assert.equal((await searchReport(dir, [ws], { query: 'exports', label: 'all', maxItems: 10 })).matched, 0);
    assert.equal((await searchReport(dir, [ws], { query: 'row 99998 / ROW 99997', label: 'all' })).matched, 2);
    // stopped by a newer search
    const ac = new AbortController();
    const p = searchReport(dir, [ws], { query: 'sync', label: 'all', signal: ac.signal });
    ac.abort(new Error('newer search'));
    await assert.rejects(p, /newer search/);
  });

  it('texts of several-byte characters read whole, wherever the file is cut into pieces', async () => {
    // 3- and 4-byte UTF-8 characters (Chinese, emoji) at every offset: some straddle the 64 KB pieces the file is read in
    const texts = Array.from({ length: 3000 }, (_, i) => `登录失败 ${'😀'.repeat(i % 5)}${'é'.repeat(i % 3)} 第${i}条`);
    const lines = ['\ufeffsource,line,text,label,score,negative,neutral,positive'];
    texts.forEach((t, i) => lines.push(`f.txt,${i + 2},${t},negative,0.8,0.8,0.1,0.1`));
    const utfDir = path.join(ws, '.product-forge', 'reports', 'utf8-pieces');
    mkdirSync(utfDir, { recursive: true });
    writeFileSync(path.join(utfDir, 'results.csv'), lines.join('\r\n') + '\r\n');
    assert.ok(readFileSync(path.join(utfDir, 'results.csv')).length > 3 * 65536);
    const { model } = await loadReport(utfDir, [ws], { maxItems: 5000 });
    assert.deepEqual(model.items.map((it) => it.text), texts);
    const found = await searchReport(utfDir, [ws], { query: '😀😀😀😀 / 第2999条', label: 'all' });
    assert.equal(found.matched, texts.filter((t) => t.includes('😀😀😀😀') || t.includes('第2999条')).length);
    rmSync(utfDir, { recursive: true, force: true });
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    const p = loadReport(dir, [ws], { signal: ac.signal });
    ac.abort(new Error('stale'));
    await assert.rejects(p, /stale/);
  });

  it('the streaming parser agrees with a whole-text parse for any chunking', () => {
    const text = '\ufeffa,b,c\r\n"x, ""y""","line1\r\nline2",3\n"",plain,"q"\r\nlast,row,end';
    const whole = parseCsv(text);
    for (const size of [1, 2, 3, 5, 8, 13]) {
      const p = new CsvParser();
      const rows: string[][] = [];
      for (let i = 0; i < text.length; i += size) rows.push(...p.feed(text.slice(i, i + size)));
      rows.push(...p.end());
      assert.deepEqual(rows, whole, `chunks of ${size}`);
    }
    assert.deepEqual(whole, [
      ['a', 'b', 'c'],
      ['x, "y"', 'line1\r\nline2', '3'],
      ['', 'plain', 'q'],
      ['last', 'row', 'end'],
    ]);
  });
});
