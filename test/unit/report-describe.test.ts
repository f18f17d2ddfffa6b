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
  isLowConfidence,
  itemLabel,
  pct,
  ratingText,
  themeLabel,
  TIMELINE_COLUMNS,
  timelineRows,
  timeNotes,
} from '../../src/webview/report/describe';
import type { ReportItem } from '../../src/webview/report/messages';

describe('report view: text alternatives', () => {
  it("a row says its label, score, low confidence, text, source line and date, not its select's options", () => {
    const it = { label: 'negative' as const, score: 0.512, text: 'Sync loses my notes', source: 'feedback/app.csv', line: 12, date: '2024-03-05' };
    assert.equal(itemLabel(it, 0.6), 'negative, score 0.51, low confidence: Sync loses my notes. feedback/app.csv:12, 2024-03-05');
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
      timelineRows([
        { period: '2024-01', negative: 3, neutral: 1, positive: 4 },
        { period: '2024-02', negative: 0, neutral: 0, positive: 0 },
      ]),
      [
        ['2024-01', '3', '1', '4', '38%'],
        ['2024-02', '0', '0', '0', '0%'],
      ],
    );
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
    assert.equal(growthIntro({ ...time, split }, true), 'Themes that grew: not compared. Split at the median date, the halves have 12 dated items of the sampled items up to 2024-01-10, 30 from 2024-01-11; each needs at least 20.');
    assert.equal(growthIntro({ ...time, split: { ...split, earlyItems: 25 } }, false), undefined);
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
  });
});
