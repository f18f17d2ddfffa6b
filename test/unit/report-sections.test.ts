// The Report view says what report.md says beyond the rows (src/extension/reportSummary.ts, read by loadReport from
// summary.json; worded by src/webview/report/describe.ts): the confidence, the product itself, aspects, the time
// series' notes and the themes that grew, categories, rating agreement and its disagreements (which the view opens),
// files and warnings. Checked against the report.md of the same analysis, and against a summary.json made by hand.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeFeedback, disposeAnalysis, writeReport } from '../../src/core/analysis';
import { loadReport } from '../../src/extension/reportData';
import { reportSections } from '../../src/extension/reportSummary';
import { LexiconClassifier } from '../fixtures/feedback/lexicon-classifier';
import { hostToWebviewValidators, webviewToHostValidators, type ReportModel } from '../../src/webview/report/messages';
import { parseMessage } from '../../src/webview/shared/protocol';
import {
  averageText,
  categoryNotes,
  categoryRows,
  categorySummary,
  confidenceText,
  fileLines,
  growthIntro,
  growthText,
  itemsFromText,
  aspectsIntro,
  feedbackScripts,
  reportTitle,
  mentionsText,
  productTail,
  ratingText,
  themeSampleText,
  timeNotes,
  viewDate,
} from '../../src/webview/report/describe';

/** The Markdown's own spelling of a line the view words the same way (escapes and bold removed). */
const plain = (md: string): string => md.replace(/\\([*_`\[\]<>!])/g, '$1').replace(/\*\*/g, '');

describe('report view: the sections of report.md', () => {
  let ws: string;
  before(() => {
    ws = mkdtempSync(path.join(os.tmpdir(), 'pf-sections-'));
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('a dated, rated, categorized CSV: the view has report.md’s figures, and opens its disagreements', async () => {
    const dir = path.join(ws, 'feedback');
    mkdirSync(dir, { recursive: true });
    const rows = ['date,platform,rating,review'];
    const day = (i: number) => `2024-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    for (let i = 0; i < 84; i++) {
      const platform = ['iOS', 'Android', 'Web'][i % 3];
      // login is mentioned more and more (a theme that grew); iOS is the most negative platform
      const text =
        i % 3 === 0 ? (i > 42 ? 'Login is slow and the app crashes on login' : 'The sync is slow and bad') : i % 3 === 1 ? (i > 50 ? 'Great login, fast and easy' : 'Great sync, love it') : 'Fast export, but the search is slow';
      // the ratings mostly follow the text; a few say the opposite (the disagreements)
      const rating = i % 11 === 0 ? (text.startsWith('Great') ? 1 : 5) : text.startsWith('Great') ? 5 : text.startsWith('Fast') ? 3 : 1;
      rows.push(`${day(i)},${platform},${rating},"${text}"`);
    }
    rows.push(`${day(90)},Web,4,`);
    writeFileSync(path.join(dir, 'app.csv'), rows.join('\n') + '\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'Terrible bug, lost data\nGood support\n');
    const result = await analyzeFeedback([dir], { classifier: new LexiconClassifier(), tempDir: ws });
    try {
      const paths = await writeReport(result, { workspaceDir: ws, baseName: 'sections' });
      const md = plain(readFileSync(paths.report, 'utf8'));
      const { model, listedSources, sourceFiles } = await loadReport(paths.dir, [ws]);

      // the header: items from files, and the files read (relative to the workspace)
      assert.equal(itemsFromText(model), '86 items from 2 files');
      // the title is what was analyzed, the folder as the user named it (it was the report folder's name,
      // "sections-20240101-120000"); report.md's header names it relative to the workspace, as the view does
      assert.deepEqual(model.inputs, [`feedback${path.sep}`]);
      assert.equal(reportTitle(model), 'feedback/');
      assert.ok(md.includes('(`feedback`) analyzed locally with `'), md.slice(0, 300));
      assert.ok(!md.slice(0, 300).includes(ws), md.slice(0, 300));
      assert.deepEqual(model.files!.map((f) => [f.file, f.items, f.textColumn]), [
        [path.join('feedback', 'app.csv'), 84, 'review'],
        [path.join('feedback', 'notes.txt'), 2, undefined],
      ]);
      // the empty row's warning, as report.md lists it
      assert.equal(model.warnings!.length, 1);
      assert.match(model.warnings![0], /1 row with empty text skipped/);
      assert.ok(md.includes(model.warnings![0].replace(/\s+/g, ' ')), model.warnings![0]);

      // confidence: report.md's sentence, with what to do about it
      const conf = confidenceText(model)!;
      assert.ok(md.includes(conf.replace(/: worth a human look\.$/, '.')), conf);

      // rating agreement and the averages: the same sentences as report.md
      const g = model.rating!;
      assert.ok(md.includes(ratingText(g)), ratingText(g));
      assert.ok(md.includes(averageText(g.averages[0], false)), averageText(g.averages[0], false));
      // the items each average rests on, from summary.json: an average of fewer than 10 says how many, in both
      const items = g.averages[0].items!;
      assert.equal(items.negative + items.neutral + items.positive, g.rated);
      assert.deepEqual(items, (['negative', 'neutral', 'positive'] as const).reduce((o, l) => ({ ...o, [l]: g.matrix.negative[l] + g.matrix.neutral[l] + g.matrix.positive[l] }), {}));
      for (const l of ['negative', 'neutral', 'positive'] as const) {
        const k = items[l];
        if (k > 0 && k < 10) assert.match(averageText(g.averages[0], false), new RegExp(`${l} \\d\\.\\d \\(${k} items?\\)`));
        else assert.doesNotMatch(averageText(g.averages[0], false), new RegExp(`${l} [^,]*\\(`));
      }
      assert.deepEqual(g.columns, ['rating']);
      assert.match(g.read, /^1–5 stars/);
      const mdRows = [...md.matchAll(/^\| (negative|neutral|positive) \| (\d+) \| (\d+) \| (\d+) \|$/gm)].map((m) => [m[1], +m[2], +m[3], +m[4]]);
      assert.deepEqual(mdRows, (['negative', 'neutral', 'positive'] as const).map((e) => [e, g.matrix[e].negative, g.matrix[e].neutral, g.matrix[e].positive]));
      // the disagreements: report.md's, in its order, numbered after the table's items, each opening its own line
      const mdDis = [...md.matchAll(/^- rating (\d+), text (\w+) ([\d.]+) — “(.*?)” — `(.*?):(\d+)`/gm)];
      assert.ok(mdDis.length >= 3, `${mdDis.length} disagreements`);
      assert.deepEqual(g.disagreements.map((d) => [d.rating, d.label, d.score.toFixed(2), d.text, d.line]), mdDis.map((m) => [+m[1], m[2], m[3], m[4], +m[6]]));
      assert.deepEqual(g.disagreements.map((d) => d.i), g.disagreements.map((_, k) => model.items.length + k));
      for (const [k, d] of g.disagreements.entries()) {
        assert.deepEqual(listedSources[k], { file: path.join(dir, 'app.csv'), line: d.line });
        assert.equal(d.source, path.join('feedback', 'app.csv'));
        // the row it opens is the one whose text it shows
        assert.equal(readFileSync(path.join(dir, 'app.csv'), 'utf8').split('\n')[d.line - 1].includes(d.text), true);
      }
      assert.ok(sourceFiles.has(path.join(dir, 'app.csv')));

      // the category: report.md's table, its most negative value named in one line
      const c = model.categories!.find((x) => x.column === 'platform')!;
      assert.equal(c.covered, 84);
      for (const row of categoryRows(c)) {
        const [value, items, neg, neu, pos, shareText] = row.cells;
        assert.ok(md.includes(`| ${value} | ${items} | ${neg} | ${neu} | ${pos} | ${shareText} |`), row.cells.join(' | '));
      }
      assert.match(categorySummary(c), /^By platform: 3 values; most negative iOS, 100% of 28$/);
      assert.deepEqual(categoryNotes(c, model.total), ['84 of 86 items have a platform value; the others are not in this table.']);

      // time: the items the chart leaves out, the themes that grew and how the halves split, as report.md says them
      const t = model.time!;
      assert.equal(t.granularity, 'week');
      assert.deepEqual(timeNotes(t), ['2 items come from files without a date column and are not in the chart.']);
      assert.ok(md.includes('2 items come from files without a date column and are not in this table.'));
      // the same sentence, its days written as each writes dates: report.md as its table (ISO, "since 2024-02-19"), the
      // view in the user's locale ("since Feb 19, 2024")
      const mdIntro = md.split('\n').find((l) => l.startsWith('Themes mentioned more'));
      assert.ok(mdIntro && /\(since \d{4}-\d{2}-\d{2}\)/.test(mdIntro), mdIntro);
      for (const locale of ['en-US', 'en-GB']) assert.equal(growthIntro(t, false, locale), mdIntro.replace(/\d{4}-\d{2}-\d{2}/g, (d) => viewDate(d, locale)));
      assert.ok(t.growing.some((x) => x.term === 'login'), JSON.stringify(t.growing));
      for (const x of t.growing) assert.ok(md.includes(`- ${x.term}: ${growthText(x).replace(' of items (', ' (')}`), growthText(x));

      // aspects of mixed feedback: report.md's counts
      const a = model.aspects!;
      assert.ok(md.includes(`${a.contrastiveItems} items contrast two things`));
      // English feedback: the intro's example of a contrast is English only (it showed “…但是…” too)
      const intro2 = aspectsIntro(a, feedbackScripts(model.items.map((it) => it.text)));
      assert.match(intro2, /two things \(“… but …”\);/);
      assert.ok(!intro2.includes('但是'), intro2);
      assert.ok(md.includes('items contrast two things ("… but …"); their'), 'report.md gives the English example only');
      for (const f of a.findings) assert.match(md, new RegExp(`^\\| ${f.aspect} \\| ${f.clauses} \\| ${f.praised} \\| ${f.criticized} \\|`, 'm'));

      // the message carrying all this passes the view's validation
      assert.ok(parseMessage(JSON.parse(JSON.stringify({ type: 'report', report: model })), hostToWebviewValidators));
    } finally {
      await disposeAnalysis(result);
    }
  });

  const base = { total: 1000, counts: { negative: 500, neutral: 0, positive: 500 } };
  const sections = (json: Record<string, unknown>) => reportSections(json, '/ws', (abs) => path.relative('/ws', abs), 7);

  it('the product itself, two-way labels, a sampled theme count, many warnings (summary.json made by hand)', () => {
    const { sections: s } = sections({
      ...base,
      twoWay: true,
      themeSample: 400,
      productThemes: [
        { phrase: '手机', variants: ['手机'], count: 636, counts: { negative: 350, neutral: 0, positive: 286 }, negativeShare: 0.55, quotes: [] },
        { phrase: 'phone', count: 'many', counts: {} },
      ],
      warnings: Array.from({ length: 60 }, (_, i) => `a.csv: warning ${i}`),
    });
    assert.equal(s.twoWay, true);
    // the one well-formed product theme; its name, figures and why it is set apart, as report.md words them
    assert.deepEqual(s.productThemes, [{ term: '手机', count: 636, negative: 350, positive: 286, variants: ['手机'] }]);
    assert.equal(`${s.productThemes![0].term} (${mentionsText(s.productThemes![0])})`, '手机 (636 mentions, 55% negative)');
    assert.match(productTail(s.productThemes!), /calls it “这个手机”/);
    assert.equal(productTail([{ term: 'book' }]).includes('“this book”'), true);
    assert.equal(themeSampleText({ ...s, total: 1000 }), 'Counted on a uniform sample of 400 of the 1,000 items.');
    // 60 warnings: 49 shown and a line saying how many more report.md lists
    assert.equal(s.warnings!.length, 50);
    assert.equal(s.warnings![49], '… and 11 more warnings (report.md lists them all)');
    // nothing else was in the file
    assert.deepEqual(Object.keys(s).sort(), ['productThemes', 'themeSample', 'twoWay', 'warnings']);
  });

  it('a folder analyzed is titled with a trailing "/", the workspace folder itself too; a file is not', () => {
    const file = { format: 'csv', encoding: 'utf-8', items: 3 };
    // the workspace folder itself: its files are shown relative to it ("app.csv"), the folder by its name
    const display = (abs: string) => path.relative('/ws', abs) || path.basename(abs);
    const root = reportSections({ ...base, inputs: ['/ws'], files: [{ file: 'app.csv', ...file }, { file: 'sub/notes.txt', ...file }] }, '/ws', display, 7).sections;
    assert.deepEqual(root.inputs, [`ws${path.sep}`]);
    assert.equal(reportTitle({ id: 'x', ...root }), 'ws/', 'the whole workspace folder analyzed was titled "ws", as a file');
    // a folder in it, and a file (a file named like a folder's prefix is no folder)
    const sub = reportSections({ ...base, inputs: ['feedback', 'feedback.csv'], files: [{ file: 'feedback/a.csv', ...file }, { file: 'feedback.csv', ...file }] }, '/ws', display, 7).sections;
    assert.deepEqual(sub.inputs, [`feedback${path.sep}`, 'feedback.csv']);
    assert.equal(reportTitle({ id: 'x', ...sub }), 'feedback/ and 1 more');
    const one = reportSections({ ...base, inputs: ['feedback.csv'], files: [{ file: 'feedback.csv', ...file }] }, '/ws', display, 7).sections;
    assert.deepEqual(one.inputs, ['feedback.csv']);
    assert.equal(reportTitle({ id: 'x', ...one }), 'feedback.csv');
  });

  it('a report of more files than it lists says how many it read, and many rating columns still reach the view', () => {
    const files = Array.from({ length: 250 }, (_, i) => ({ file: `data/f${i}.csv`, format: 'csv', encoding: 'UTF-8', items: 4 }));
    const scale = { min: 1, max: 5 };
    const matrix = { negative: { negative: 1, neutral: 0, positive: 0 }, neutral: { negative: 0, neutral: 1, positive: 0 }, positive: { negative: 0, neutral: 0, positive: 1 } };
    const scales = Array.from({ length: 120 }, (_, i) => ({ column: `q${i} ${'score '.repeat(12)}`, scale, rated: 3, averageRatingByLabel: { negative: 1, neutral: 3, positive: 5 } }));
    const { sections: s } = sections({ ...base, files, rating: { rated: 3, agreement: 1, matrix, scales, disagreements: [] } });
    // 200 listed, 250 read: the header counts them all, the list says how many more
    assert.equal(s.files!.length, 200);
    assert.equal(itemsFromText({ total: 1000, ...s }), '1,000 items from 250 files');
    assert.equal(fileLines(s).length, 201);
    assert.equal(fileLines(s)[200], '… and 50 more files (report.md lists them all)');
    assert.equal(itemsFromText({ total: 8, files: s.files!.slice(0, 2) }), '8 items from 2 files');
    // the view's validator takes what the host sends (it refused the whole report past 100 rating columns)
    const model = { id: 'r', dir: 'r', total: 1000, distribution: base.counts, timeline: [], themes: [], items: [], truncated: false, hasCsv: false, ...s } satisfies ReportModel;
    assert.ok(parseMessage({ type: 'report', report: model }, hostToWebviewValidators));
  });

  it('a malformed or older summary.json gives the sections it can, never a broken one', () => {
    const { sections: s, listedSources } = sections({
      ...base,
      averageConfidence: 'high',
      lowConfidenceCount: -3,
      aspects: { contrastiveItems: 2, findings: [{ aspect: 'sync', mentions: 2, counts: { negative: 1, neutral: 0, positive: 1 } }, { aspect: 'x' }] },
      // an older summary: one scale, the columns joined; a disagreement without a line is left out
      rating: {
        column: 'stars, nps',
        scale: { min: 1, max: 5 },
        rated: 10,
        agreement: 0.5,
        matrix: { negative: { negative: 1, neutral: 0, positive: 2 }, neutral: { negative: 0, neutral: 1, positive: 0 }, positive: { negative: 2, neutral: 0, positive: 4 } },
        averageRatingByLabel: { negative: 2.25, neutral: null, positive: 4 },
        disagreements: [
          { source: 'data/a.csv', line: 3, text: 'Terrible', label: 'negative', score: 0.9, rating: 5, drivers: [{ start: 0, end: 99, weight: 0.3 }] },
          { source: 'data/a.csv', text: 'no line', label: 'negative', score: 0.9, rating: 5 },
        ],
      },
      categories: [
        { column: 'lang', merged: false, rows: [{ value: 'en', total: 1000, counts: { negative: 500, neutral: 0, positive: 500 } }] },
        { column: 'tier', merged: false, rows: [{ value: 'free', total: 3, counts: { negative: 2, neutral: 0, positive: 1 } }, { value: 'pro', total: 'x' }] },
      ],
      time: { buckets: [] },
    });
    assert.equal(s.averageConfidence, undefined);
    assert.equal(s.lowConfidenceCount, undefined);
    assert.deepEqual(s.aspects, { contrastiveItems: 2, findings: [{ aspect: 'sync', clauses: 2, praised: 1, criticized: 1 }] });
    const g = s.rating!;
    assert.deepEqual(g.columns, ['stars', 'nps']);
    // as report.md reads it: the one scale named by the columns together
    assert.equal(g.read, 'stars, nps as 1–5 stars (1–2 negative, 3 neutral, 4–5 positive)');
    // written before the counts: the averages alone
    assert.equal(g.averages[0].items, undefined);
    assert.equal(averageText(g.averages[0], false), 'Average rating (1–5) by predicted sentiment: negative 2.3, neutral –, positive 4.0.');
    // numbered from the first index given, its driver span past the text dropped, its source resolved from the root
    assert.deepEqual(g.disagreements, [{ i: 7, source: path.join('data', 'a.csv'), line: 3, text: 'Terrible', label: 'negative', score: 0.9, rating: 5 }]);
    assert.deepEqual(listedSources, [{ file: path.resolve('/ws/data/a.csv'), line: 3 }]);
    // one value for every item: nothing to compare (as report.md leaves it out); a value of 3 items is "(few)"
    assert.deepEqual(s.categories!.map((c) => c.column), ['tier']);
    assert.deepEqual(categoryRows(s.categories![0]), [{ cells: ['free', '3', '2', '0', '1', '67% (few)'], few: true }]);
    assert.equal(s.time, undefined);
    const model = { id: 'r', dir: 'r', total: 1000, distribution: base.counts, timeline: [], themes: [], items: [], truncated: false, hasCsv: false, ...s } satisfies ReportModel;
    assert.ok(parseMessage({ type: 'report', report: model }, hostToWebviewValidators));
  });

  it('an average of few rated items: report.md and the view say how many items it rests on, alike', async () => {
    const dir = path.join(ws, 'few');
    mkdirSync(dir, { recursive: true });
    const rows = ['rating,review'];
    for (let i = 0; i < 12; i++) rows.push(`${i % 3 ? 5 : 4},Great app, love it`);
    for (let i = 0; i < 2; i++) rows.push(`${i ? 2 : 3},It crashes and it is slow and bad`);
    rows.push('4,It is a tool for lists');
    writeFileSync(path.join(dir, 'few.csv'), rows.join('\n') + '\n');
    const result = await analyzeFeedback([dir], { classifier: new LexiconClassifier(), tempDir: ws });
    try {
      const paths = await writeReport(result, { workspaceDir: ws, baseName: 'few' });
      const md = plain(readFileSync(paths.report, 'utf8'));
      const { model } = await loadReport(paths.dir, [ws]);
      const a = model.rating!.averages[0];
      assert.deepEqual(a.items, { negative: 2, neutral: 1, positive: 12 });
      const line = averageText(a, false);
      assert.equal(line, 'Average rating (1–5) by predicted sentiment: negative 2.5 (2 items), neutral 4.0 (1 item), positive 4.7.');
      assert.ok(md.includes(line), md);
    } finally {
      await disposeAnalysis(result);
    }
  });

  it('an average of few rated items says how many it rests on (summary.json’s counts per scale; malformed ones left out)', () => {
    const matrix = { negative: { negative: 3, neutral: 0, positive: 0 }, neutral: { negative: 0, neutral: 1, positive: 0 }, positive: { negative: 0, neutral: 0, positive: 40 } };
    const scale = { min: 1, max: 5 };
    const { sections: s } = sections({
      ...base,
      rating: {
        rated: 44,
        agreement: 1,
        matrix,
        scales: [
          { column: 'stars', scale, rated: 44, averageRatingByLabel: { negative: 2.5, neutral: 4, positive: 4.1 }, ratedByLabel: { negative: 3, neutral: 1, positive: 40 } },
          { column: 'nps', scale: { min: 0, max: 10, nps: true }, rated: 12, averageRatingByLabel: { negative: 3, neutral: null, positive: 9.5 }, ratedByLabel: { negative: -2, neutral: 0, positive: 10 } },
        ],
        disagreements: [],
      },
    });
    const [stars, nps] = s.rating!.averages;
    assert.deepEqual(stars.items, { negative: 3, neutral: 1, positive: 40 });
    assert.equal(averageText(stars, true), 'Average stars (1–5, 44 items) by predicted sentiment: negative 2.5 (3 items), neutral 4.0 (1 item), positive 4.1.');
    // a count that is no count: the averages alone, not a wrong "(-2 items)"
    assert.equal(nps.items, undefined);
    assert.equal(averageText(nps, true), 'Average nps (NPS, 12 items) by predicted sentiment: negative 3.0, neutral –, positive 9.5.');
    const model = { id: 'r', dir: 'r', total: 1000, distribution: base.counts, timeline: [], themes: [], items: [], truncated: false, hasCsv: false, ...s } satisfies ReportModel;
    assert.ok(parseMessage({ type: 'report', report: model }, hostToWebviewValidators));
    // the view refuses counts the host never sends
    const bad = { ...model, rating: { ...model.rating!, averages: [{ ...stars, items: { negative: 1.5, neutral: 0, positive: 1 } }] } };
    assert.ok(!parseMessage({ type: 'report', report: bad }, hostToWebviewValidators));
  });

  it('the view refuses a report whose sections are malformed, and opens a search result however many searches came before', () => {
    const model = { id: 'r', dir: 'r', total: 1, distribution: base.counts, timeline: [], themes: [], items: [], truncated: false, hasCsv: false };
    const ok = (extra: Record<string, unknown>) => !!parseMessage({ type: 'report', report: { ...model, ...extra } }, hostToWebviewValidators);
    assert.ok(ok({}));
    assert.ok(!ok({ warnings: [3] }));
    assert.ok(!ok({ productThemes: [{ term: 'x', count: -1, negative: 0, positive: 0 }] }));
    assert.ok(!ok({ rating: { columns: [], read: '', agreement: 2, base: 1, rated: 1, matrix: {}, averages: [], disagreements: [] } }));
    assert.ok(!ok({ categories: [{ column: 'c', covered: 1, merged: false, rows: [{ value: 'v', total: 1 }] }] }));
    assert.ok(!ok({ time: { columns: [], granularity: 'week', undated: 0, placeholders: 0, noDateColumn: 0, notes: [], growing: [{ term: 't' }] } }));
    // a search's results are numbered 10,000 apart per search: the twentieth search's are past 100,000
    assert.ok(parseMessage({ type: 'openItem', reportId: 'r', index: 5000 + 20 * 10_000 }, webviewToHostValidators));
    assert.ok(!parseMessage({ type: 'openItem', reportId: 'r', index: -1 }, webviewToHostValidators));
  });
});
