// The Report view's text alternatives (src/webview/report/describe.ts): what a screen reader says for a row, a theme's
// bar, the sentiment bar and the sentiment-over-time chart, and the low-confidence mark that is not only a colour.
import assert from 'node:assert/strict';
import { distributionLabel, isLowConfidence, itemLabel, pct, themeLabel, TIMELINE_COLUMNS, timelineRows } from '../../src/webview/report/describe';

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
});
