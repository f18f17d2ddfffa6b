import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTimeline, dayOf, listReports, loadReport, mayOpen, parseCsv, topTerms } from '../../src/extension/reportData';

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
      themes: [{ term: 'billing', count: 4, sentiment: { negative: 3, positive: 1 } }],
      modelId: 'product-forge/sentiment-en-zh',
    });
    const { model } = await loadReport(dir, [ws], 1);
    assert.equal(model.total, 10);
    assert.deepEqual(model.distribution, { negative: 5, neutral: 3, positive: 2 });
    assert.deepEqual(model.themes, [{ term: 'billing', count: 4, negative: 3, positive: 1 }]);
    assert.equal(model.items.length, 1);
    assert.equal(model.truncated, true);
    assert.equal(model.modelId, 'product-forge/sentiment-en-zh');
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
