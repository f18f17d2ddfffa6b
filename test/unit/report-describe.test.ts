// The Report view's text alternatives (src/webview/report/describe.ts): what a screen reader says for a row, a theme's
// bar, the sentiment bar and the sentiment-over-time chart, and the low-confidence mark that is not only a colour.
import assert from 'node:assert/strict';
import { DEFAULT_SORT } from '../../src/webview/report/sort';
import {
  categoryNotes,
  categoryRows,
  categorySummary,
  confidenceText,
  countText,
  noMatchText,
  disagreementLabel,
  distributionLabel,
  growthIntro,
  growthText,
  aspectFigures,
  aspectsIntro,
  aspectText,
  feedbackScripts,
  pathParts,
  reportIdParts,
  reportTitle,
  reportWhen,
  isLowConfidence,
  itemLabel,
  labelPrompt,
  periodParts,
  periodText,
  viewDate,
  YOUR_LABEL,
  pct,
  ratingText,
  themeLabel,
  TIMELINE_COLUMNS,
  timelineRows,
  timeNotes,
} from '../../src/webview/report/describe';
import type { ReportItem } from '../../src/webview/report/messages';
import { growthIntroText } from '../../src/core/analysis/report-wording';

describe('report view: text alternatives', () => {
  it("a row says its label, score, low confidence, text, source line and date, not its select's options", () => {
    const it = { label: 'negative' as const, score: 0.512, text: 'Sync loses my notes', source: 'feedback/app.csv', line: 12, date: '2024-03-05' };
    // the date as the view writes dates (the user's locale), not as the CSV holds it
    assert.equal(itemLabel(it, 0.6, 'en-US'), 'negative, score 0.51, low confidence: Sync loses my notes. feedback/app.csv:12, Mar 5, 2024');
    assert.equal(itemLabel(it, 0.6, 'en-GB'), 'negative, score 0.51, low confidence: Sync loses my notes. feedback/app.csv:12, 5 Mar 2024');
    assert.equal(itemLabel({ ...it, score: 0.93, date: undefined }, 0.6), 'negative, score 0.93: Sync loses my notes. feedback/app.csv:12');
    // no threshold in the report: never "low"; no source: no line
    assert.equal(itemLabel({ ...it, source: '', date: undefined }), 'negative, score 0.51: Sync loses my notes');
    const long = itemLabel({ ...it, text: 'x'.repeat(500), date: undefined }, 0.6);
    assert.ok(long.includes(`${'x'.repeat(160)}…. feedback/app.csv:12`), long.slice(0, 60));
    assert.ok(!/your label/.test(itemLabel(it, 0.6)));
  });

  it('low confidence is below the threshold, and only with one', () => {
    assert.ok(isLowConfidence({ score: 0.59 }, 0.6));
    assert.ok(!isLowConfidence({ score: 0.6 }, 0.6));
    assert.ok(!isLowConfidence({ score: 0.1 }, undefined));
  });

  it('the sentiment bar and each theme bar say their counts in words', () => {
    assert.equal(distributionLabel({ negative: 1, neutral: 1, positive: 2 }), 'negative 25%, neutral 25%, positive 50%');
    assert.equal(distributionLabel({ negative: 0, neutral: 0, positive: 0 }), 'negative 0%, neutral 0%, positive 0%');
    // neutral is the rest of the theme's count
    assert.equal(themeLabel({ term: 'login / 登录', count: 6, negative: 3, positive: 2 }), 'login / 登录: 3 negative, 1 neutral, 2 positive');
    assert.equal(themeLabel({ term: 'sync', count: 2, negative: 1, positive: 2 }), 'sync: 1 negative, 0 neutral, 2 positive');
    assert.equal(pct(1, 3), '33%');
  });

  it('the chart over time has its numbers as table rows', () => {
    assert.deepEqual(TIMELINE_COLUMNS, ['Period', 'Negative', 'Neutral', 'Positive', 'Negative share']);
    assert.deepEqual(
      timelineRows(
        [
          { period: '2024-01', negative: 3, neutral: 1, positive: 4 },
          { period: '2024-02', negative: 0, neutral: 0, positive: 0 },
        ],
        'en-US',
      ),
      [
        ['Jan 2024', '3', '1', '4', '38%'],
        ['Feb 2024', '0', '0', '0', '0%'],
      ],
    );
    assert.deepEqual(timelineRows([{ period: 'week of 2024-03-04', negative: 1, neutral: 0, positive: 0 }], 'en-GB')[0][0], 'week of 4 Mar 2024');
  });

  it("dates are written one way in the view, in the user's locale (the files keep ISO)", () => {
    // a day in the style of the report's own time (reportWhen: dateStyle medium)
    assert.equal(viewDate('2024-04-23', 'en-US'), 'Apr 23, 2024');
    assert.equal(viewDate('2024-04-23', 'en-GB'), '23 Apr 2024');
    assert.equal(viewDate('2024-04-23', 'de-DE'), '23.04.2024');
    // the day is the day written, whatever the time zone (no shift to the day before west of UTC)
    assert.equal(viewDate('2024-01-01', 'en-US'), 'Jan 1, 2024');
    assert.equal(viewDate('2024-03', 'en-US'), 'Mar 2024');
    // a year, a week number, no day at all: as they are
    for (const x of ['2024', '2024-W10', '2024-02-30', 'soon']) assert.equal(viewDate(x, 'en-US'), x);
    // a period keeps its words, its date in the view's style and in one piece for the chart's axis
    assert.deepEqual(periodParts('week of 2024-03-04', 'en-US'), ['week of ', 'Mar 4, 2024']);
    assert.deepEqual(periodParts('2024-03', 'en-US'), ['', 'Mar 2024']);
    assert.deepEqual(periodParts('2024', 'en-US'), ['', '2024']);
    assert.equal(periodText('2024-03-04', 'en-GB'), '4 Mar 2024');
    assert.equal(periodText('(no date)', 'en-GB'), '(no date)');
  });

  it('the count line says what the table holds, and what a search of every row found', () => {
    const items = (k: number): ReportItem[] => Array.from({ length: k }, (_, i) => ({ i, source: 'a.csv', line: i + 2, text: 't', label: 'neutral' as const, score: 0.9 }));
    const small = { rows: 13, total: 13, items: items(13), truncated: false };
    assert.equal(countText(small, 4), '4 of 13 items shown');
    const big = { rows: 1000, total: 1000, items: items(50), truncated: true, selection: { mostNegative: 20, lowConfidence: 10, sampled: 20 } };
    assert.equal(countText(big, 50), '50 of 50 items shown — table truncated: 50 of 1,000 rows (the 20 most negative, 10 least confident, 20 sampled at random from the rest), in file order. Open the CSV for all rows.');
    assert.equal(countText({ ...big, selection: undefined }, 7), '7 of 50 items shown — table truncated: the first 50 of 1,000 rows. Open the CSV for all rows.');
    // a search of every row: asked, answered, answered with more rows than the table holds, failed
    assert.equal(countText(big, 3, {}), 'Searching all 1,000 rows… 3 matches among the 50 rows shown so far.');
    assert.equal(countText(big, 12, { items: items(12), matched: 12 }), '12 of 1,000 rows match');
    assert.equal(countText(big, 12, { items: items(12), matched: 12, partial: true }), '12 of 1,000 rows match (of the part of the CSV read)');
    assert.equal(
      countText(big, 40, { items: items(40), matched: 700, selection: { mostNegative: 16, lowConfidence: 8, sampled: 16 } }),
      '700 of 1,000 rows match — the table holds 40 of them (the 16 most negative, 8 least confident, 16 sampled at random from the rest), in file order. Open the CSV for all rows.',
    );
    // a search of positive rows keeps no "most negative" ones
    assert.match(countText(big, 30, { items: items(30), matched: 90, selection: { mostNegative: 0, lowConfidence: 10, sampled: 20 } }), /holds 30 of them \(10 least confident, 20 sampled at random from the rest\)/);
    assert.equal(countText(big, 3, { failed: 'ENOENT' }), '3 of 50 items shown — searching all 1,000 rows failed (ENOENT): only the rows shown were searched.');
  });

  it('a table holding some of the rows says that its sort is among those rows only', () => {
    const items = (k: number): ReportItem[] => Array.from({ length: k }, (_, i) => ({ i, source: 'a.csv', line: i + 2, text: 't', label: 'neutral' as const, score: 0.9 }));
    const big = { rows: 1_000_000, total: 1_000_000, items: items(50), truncated: true, selection: { mostNegative: 20, lowConfidence: 10, sampled: 20 } };
    const held = '50 of 50 items shown — table truncated: 50 of 1,000,000 rows (the 20 most negative, 10 least confident, 20 sampled at random from the rest)';
    assert.equal(countText(big, 50, undefined, DEFAULT_SORT), `${held}, in file order. Open the CSV for all rows.`);
    assert.equal(countText(big, 50, undefined, { sort: 'score', desc: true }), `${held}. Sorted by score, highest first, among these 50 rows only, not all 1,000,000. Open the CSV for all rows.`);
    assert.equal(countText(big, 50, undefined, { sort: 'source', desc: true }), `${held}. Sorted in reverse file order among these 50 rows only, not all 1,000,000. Open the CSV for all rows.`);
    assert.match(countText({ ...big, selection: undefined }, 7, undefined, { sort: 'label', desc: false }), /the first 50 of 1,000,000 rows\. Sorted by sentiment, negative first, among these 50 rows only, not all 1,000,000\./);
    // a search of every row that matched more rows than the table holds
    assert.equal(
      countText(big, 40, { items: items(40), matched: 700, selection: { mostNegative: 16, lowConfidence: 8, sampled: 16 } }, { sort: 'text', desc: false }),
      '700 of 1,000,000 rows match — the table holds 40 of them (the 16 most negative, 8 least confident, 16 sampled at random from the rest). Sorted by text, A to Z, among these 40 rows only, not all 700 that match. Open the CSV for all rows.',
    );
    // every row held (a small report, or a search that returned all its matches): nothing to say
    assert.equal(countText({ rows: 13, total: 13, items: items(13), truncated: false }, 4, undefined, { sort: 'score', desc: true }), '4 of 13 items shown');
    assert.equal(countText(big, 12, { items: items(12), matched: 12 }, { sort: 'score', desc: true }), '12 of 1,000,000 rows match');
  });

  it('the sections beyond the rows say what the table and chart leave out, in words', () => {
    // confidence without a threshold: the average alone
    assert.equal(confidenceText({ total: 10, averageConfidence: 0.8 }), 'Average confidence 0.80.');
    assert.equal(confidenceText({ total: 10 }), undefined);
    assert.equal(confidenceText({ total: 200, averageConfidence: 0.71, lowConfidenceCount: 1, lowConfidence: 0.6 }), 'Average confidence 0.71; 1 item (0.5%) below the 0.6 confidence threshold: worth a human look.');
    // undated items, placeholders, how dates were read
    const time = { columns: ['date'], granularity: 'week', undated: 3, placeholders: 1, noDateColumn: 1, notes: ['date read as day/month'], growing: [] };
    assert.deepEqual(timeNotes(time), [
      '3 items had no readable date (1 of them a placeholder date such as 1970-01-01, read as no date) and are not in the chart.',
      '1 item comes from files without a date column and is not in the chart.',
      'Dates: date read as day/month.',
    ]);
    // halves too small to compare: said, with what each needs; none grew and nothing to say: no line
    const split = { lastEarly: '2024-01-10', firstLate: '2024-01-11', earlyItems: 12, lateItems: 30, minItems: 20 };
    assert.equal(growthIntro({ ...time, split }, true, 'en-GB'), 'Themes mentioned more in the later half: not compared. The earlier half (up to 10 Jan 2024) has 12 dated items of the sample, the later half 30; each needs at least 20.');
    assert.equal(growthIntro({ ...time, split: { ...split, earlyItems: 25 } }, false), undefined);
    // said plainly: which half, from when, and how the figures read (it was "Themes that grew (share of items, first
    // half → second half, split at the median date: 54 dated items up to 2024-04-22, 54 from 2024-04-23):")
    const grew = { ...time, growing: [{ term: 'login', earlyShare: 0, lateShare: 0.17, earlyCount: 0, lateCount: 9, negativeShare: 0.67 }] };
    const halves = { lastEarly: '2024-04-22', firstLate: '2024-04-23', earlyItems: 54, lateItems: 54, minItems: 20 };
    assert.equal(growthIntro({ ...grew, split: halves }, false, 'en-GB'), 'Themes mentioned more in the later half (since 23 Apr 2024): the share of items naming each, earlier half → later half (54 dated items each).');
    assert.equal(growthIntro({ ...grew, split: { ...halves, lateItems: 1234 } }, true, 'en-US'), 'Themes mentioned more in the later half (since Apr 23, 2024): the share of items naming each, earlier half → later half (54 and 1,234 dated items of the sample).');
    assert.doesNotMatch(growthIntro({ ...grew, split: halves }, false)!, /median|split/);
    // an older summary.json without the split
    assert.equal(growthIntro(grew, false), 'Themes mentioned more in the later half of the dated items: the share of items naming each, earlier half → later half.');
    // report.md says the same sentence with its dates as its tables write them (ISO)
    assert.equal(growthIntroText(halves, 1, false), 'Themes mentioned more in the later half (since 2024-04-23): the share of items naming each, earlier half → later half (54 dated items each).');
    assert.equal(growthIntroText(split, 0, false), 'Themes mentioned more in the later half: not compared. The earlier half (up to 2024-01-10) has 12 dated items, the later half 30; each needs at least 20.');
    assert.equal(growthText({ term: 'login', earlyShare: 0.013, lateShare: 0.16, lateCount: 12, negativeShare: 0.75 }), '1.3% → 16% of items (12 mentions, 75% negative)');
  });

  it("a category of many values shows the largest, sums the rest, and names the rest's most negative", () => {
    const rows = Array.from({ length: 14 }, (_, i) => ({ value: `v${i}`, total: 20 - i, negative: i === 12 ? 7 : 1, neutral: 0, positive: 20 - i - (i === 12 ? 7 : 1) }));
    const c = { column: 'version', covered: rows.reduce((a, r) => a + r.total, 0), merged: false, rows };
    const shown = categoryRows(c);
    assert.equal(shown.length, 11);
    // the rest in one row, so the table adds up: 4 values of 10 + 9 + 8 + 7 items
    assert.deepEqual(shown[10].cells, ['… 4 more values', '34', '10', '0', '24', '29%']);
    assert.deepEqual(categoryNotes(c, c.covered), ['Most negative of the values not shown (at least 5 items each): v12 (88% of 8), v13 (14% of 7), v11 (11% of 9), v10 (10% of 10).']);
    assert.equal(categorySummary(c), 'By version: 14 values; most negative v12, 88% of 8');
  });

  it('rating agreement with two-way labels says which items it leaves out; a disagreement row says rating and text', () => {
    const g = { columns: ['rating'], read: '', agreement: 0.8, base: 90, rated: 100, matrix: { negative: { negative: 0, neutral: 0, positive: 0 }, neutral: { negative: 0, neutral: 0, positive: 0 }, positive: { negative: 0, neutral: 0, positive: 0 } }, averages: [], disagreements: [] };
    assert.equal(ratingText(g), 'The text agrees with the rating for 80% of 90 rated items (10 items rated in the middle of the scale are left out: with two-way labels no text is neutral).');
    assert.equal(ratingText({ ...g, base: 100 }), 'The text agrees with the rating for 80% of 100 rated items.');
    const d = { i: 7, source: 'feedback/app.csv', line: 96, text: 'Refunded without any hassle.', label: 'negative' as const, score: 0.971, rating: 5 };
    assert.equal(disagreementLabel(d), 'rating 5, text negative 0.97: Refunded without any hassle.. feedback/app.csv:96');
  });

  it('an empty filtered table says what found nothing, not only "0 of N items shown"', () => {
    assert.equal(noMatchText('all', 'zebra'), 'No item matches “zebra”.');
    assert.equal(noMatchText('negative', ' zebra '), 'No negative item matches “zebra”.');
    assert.equal(noMatchText('neutral', ''), 'No neutral items.');
    // nothing filters: nothing to say (an empty report has its own empty state)
    assert.equal(noMatchText('all', '  '), '');
    assert.equal(noMatchText('all', 'x'.repeat(60)), `No item matches “${'x'.repeat(40)}…”.`);
    // the line over the table that says how to label: only over rows (no select to choose in over an empty result)
    assert.equal(labelPrompt(0), undefined);
    assert.equal(labelPrompt(3), 'Disagree with a label? Choose yours in “Your label…”: your labels are saved for training a classifier of your own.');
  });

  it('the label select and the line that names it say one thing, in sentence case', () => {
    assert.equal(YOUR_LABEL, 'Your label…');
    assert.ok(labelPrompt(1)!.includes(`“${YOUR_LABEL}”`));
    assert.match(YOUR_LABEL, /^[A-Z][a-z ]+…$/);
  });
  it('the header names what was analyzed and when, readably, and its path wraps at separators', () => {
    const file = { format: 'csv', encoding: 'UTF-8', items: 108 };
    // the walkthrough's report: "app-reviews-20261129-040057" is now the file it analyzed
    const r = { id: 'app-reviews-20261129-040057', inputs: ['app-reviews.csv'], files: [{ file: 'app-reviews.csv', ...file }] };
    assert.equal(reportTitle(r), 'app-reviews.csv');
    // a folder (no file read is it, files were read under it), on Windows too; several inputs
    assert.equal(reportTitle({ id: 'x', inputs: ['data/feedback'], files: [{ file: 'data/feedback/a.csv', ...file }, { file: 'data/feedback/b.txt', ...file }] }), 'feedback/');
    assert.equal(reportTitle({ id: 'x', inputs: ['data\\feedback'], files: [{ file: 'data\\feedback\\a.csv', ...file }] }), 'feedback/');
    assert.equal(reportTitle({ id: 'x', inputs: ['app', 'b.csv', 'c.csv'], files: [{ file: 'app-reviews.csv', ...file }] }), 'app and 2 more');
    // a folder the host marked with a trailing separator (the workspace folder itself, whose files are shown without it)
    assert.equal(reportTitle({ id: 'x', inputs: ['workspace/'], files: [{ file: 'app-reviews.csv', ...file }] }), 'workspace/');
    assert.equal(reportTitle({ id: 'x', inputs: ['C:\\data\\feedback\\'], files: [{ file: 'a.csv', ...file }] }), 'feedback/');
    // an older report without its inputs: its first file and how many more, else its folder's name without the stamp
    assert.equal(reportTitle({ id: 'x', files: [{ file: 'a/app.csv', ...file }], fileCount: 250 }), 'app.csv and 249 more');
    assert.equal(reportTitle({ id: 'app-reviews+2-20261129-040057-2' }), 'app-reviews+2');
    assert.equal(reportTitle({ id: 'my-report' }), 'my-report');
    const parts = reportIdParts('app-reviews-20261129-040057');
    assert.equal(parts.name, 'app-reviews');
    assert.deepEqual([parts.date!.getFullYear(), parts.date!.getMonth(), parts.date!.getDate(), parts.date!.getHours(), parts.date!.getMinutes()], [2026, 10, 29, 4, 0]);
    // when: summary.json's time, else the stamp's, in words and without seconds
    const when = reportWhen({ id: r.id }, 'en-US')!;
    assert.match(when, /^Nov 29, 2026,? 4:00\s?AM$/);
    assert.equal(reportWhen({ id: r.id, createdAt: '2026-11-29T04:05:21.000Z' }, 'en-US'), new Date('2026-11-29T04:05:21.000Z').toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' }));
    assert.equal(reportWhen({ id: 'no-stamp' }), undefined);
    // every part ends at a separator: a break between them never splits "app-reviews-20261129-040057"
    assert.deepEqual(pathParts('.product-forge/reports/app-reviews-20261129-040057'), ['.product-forge/', 'reports/', 'app-reviews-20261129-040057']);
    assert.deepEqual(pathParts('C:\\w\\.product-forge\\reports\\r-1'), ['C:\\', 'w\\', '.product-forge\\', 'reports\\', 'r-1']);
    assert.deepEqual(pathParts('/abs/dir/'), ['/', 'abs/', 'dir/']);
    assert.equal(pathParts('/tmp/a/b').join(''), '/tmp/a/b');
  });

  it("aspects say what their figures count, and the intro's example is in the feedback's language", () => {
    const a = { contrastiveItems: 12, findings: [{ aspect: 'support', clauses: 2, praised: 1, criticized: 1 }, { aspect: 'sync', clauses: 3, praised: 1, criticized: 1 }] };
    // "+1 −1" said neither what nor of what
    assert.equal(aspectFigures(a.findings[0]), '1 praised · 1 criticized');
    assert.equal(aspectText(a.findings[1]), '1 praised, 1 criticized, 3 clauses');
    const en = feedbackScripts(['Easy to set up, but the free version shows ads', 'Sync stopped working']);
    assert.deepEqual(en, { han: false, latin: true });
    assert.equal(aspectsIntro(a, en), '12 items contrast two things (“… but …”); their clauses were classified apart. Aspects by the clauses that praise or criticize them.');
    const zh = feedbackScripts(['物流很快，但是质量很差', '客服态度很好']);
    assert.deepEqual(zh, { han: true, latin: false });
    assert.match(aspectsIntro(a, zh), /two things \(“…但是…”\)/);
    const both = feedbackScripts(['The app is great', '同步太差了']);
    assert.match(aspectsIntro({ ...a, contrastiveItems: 1 }, both), /^1 item contrasts two things \(“… but …”, “…但是…”\)/);
    // no text to tell by: the English example
    assert.match(aspectsIntro(a, feedbackScripts([])), /\(“… but …”\)/);
  });
});
