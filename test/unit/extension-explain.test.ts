import assert from 'node:assert/strict';
import { explainSummary, hoverText, nonEmptyLines, shortUnit, significantTokens } from '../../src/extension/explainFormat';
import type { ExplainResult } from '../../src/runtime/protocol';

const tok = (token: string, start: number, weight: number, logOdds?: number) => ({ token, start, end: start + token.length, weight, ...(logOdds !== undefined ? { logOdds } : {}) });
const result = (r: Omit<ExplainResult, 'units' | 'wordsPerUnit'>, units: ExplainResult['units'] = 'words', wordsPerUnit = 1): ExplainResult => ({ ...r, units, wordsPerUnit });

describe('extension: explain formatting', () => {
  it('keeps the strongest words in text order', () => {
    const t = [tok('the', 0, 0.001), tok('app', 4, 0.02), tok('crashes', 8, 0.4), tok('but', 16, -0.05), tok('love', 20, -0.2)];
    assert.deepEqual(significantTokens(t, 3).map((x) => x.token), ['crashes', 'but', 'love']);
    assert.deepEqual(significantTokens(t).map((x) => x.token), ['app', 'crashes', 'but', 'love']);
    assert.deepEqual(significantTokens([{ token: 'x', start: 0, end: 1, weight: NaN }]), []);
  });
  it('summarizes label, its probability and words', () => {
    const s = explainSummary(result({
      label: 'negative',
      scores: { negative: 0.9, neutral: 0.06, positive: 0.04 },
      tokens: [tok('slow', 4, 0.3), tok('crash', 10, 0.2), tok('love', 20, -0.1)],
    }));
    assert.equal(s, 'Negative (probability 0.90; neutral 0.06, positive 0.04). Driven by "slow", "crash"; against: "love".');
    const flat = explainSummary(result({ label: 'neutral', scores: { negative: 0.1, neutral: 0.8, positive: 0.1 }, tokens: [tok('ok', 0, 0.001)] }));
    assert.match(flat, /^Neutral \(probability 0\.80; negative 0\.10, positive 0\.10\)\. No single word/);
  });
  it('says when a long text was explained by passages, and names them short', () => {
    const passage = 'the acting was wooden and the plot made no sense at all from the start';
    const s = explainSummary(result({ label: 'negative', scores: { negative: 0.8, neutral: 0.1, positive: 0.1 }, tokens: [tok(passage, 0, 0.2), tok('great cast', 80, -0.05)] }, 'passages', 14));
    assert.match(s, /Driven by the passages "the acting was…all from the start"; against: "great cast"\./);
    assert.match(s, /scored without each passage of 14 words in turn, not word by word \(select a part to see single words\)\.$/);
    // spaces collapsed; cut at word boundaries, within the length
    assert.equal(shortUnit('a  b\nc'), 'a b c');
    assert.equal(shortUnit(passage, 21), 'the acting…the start');
    assert.ok(shortUnit(passage, 30).length <= 30);
    assert.equal(shortUnit('x'.repeat(50), 11), 'xxxxx…xxxxx', 'one long word is cut where it must be');
  });
  it('says that several selected lines were explained as one text', () => {
    const r = result({ label: 'positive', scores: { negative: 0.1, neutral: 0.1, positive: 0.8 }, tokens: [tok('great', 0, 0.3)] });
    assert.equal(nonEmptyLines('great app\n\n  \r\nslow sync\r\nok'), 3);
    assert.doesNotMatch(explainSummary(r, { lines: 1 }), /lines/);
    assert.match(explainSummary(r, { lines: 3 }), /The 3 selected lines were explained as one text; select one line \(or put the cursor on it\) to explain one item\.$/);
  });
  it('the hover says what removing the word does to the label\'s probability', () => {
    const r = result({ label: 'negative', scores: { negative: 0.854, neutral: 0.007, positive: 0.139 }, tokens: [] });
    assert.equal(hoverText(tok('but', 14, 0.1488, 0.89), r), '**Supports** *negative*: without this word, P(negative) falls by 0.15 (0.85 → 0.71).');
    assert.equal(hoverText(tok('fast', 0, -0.1083, -1.47), r), '**Argues against** *negative*: without this word, P(negative) rises by 0.11 (0.85 → 0.96).');
    // the model is sure: the probability hardly moves, the log-odds do
    const sure = result({ label: 'negative', scores: { negative: 0.99998, neutral: 0.00001, positive: 0.00001 }, tokens: [] }, 'passages', 3);
    assert.equal(
      hoverText(tok('not', 0, -0.00002, -1.13), sure),
      '**Argues against** *negative*: without this passage, P(negative) rises by <0.0001 (1.00 → 1.00); its log-odds rise by 1.13 (the model is sure of this text).',
    );
  });
});
