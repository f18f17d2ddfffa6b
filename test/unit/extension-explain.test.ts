import assert from 'node:assert/strict';
import { explainSummary, significantTokens } from '../../src/extension/explainFormat';

const tok = (token: string, start: number, weight: number) => ({ token, start, end: start + token.length, weight });

describe('extension: explain formatting', () => {
  it('keeps the strongest words in text order', () => {
    const t = [tok('the', 0, 0.001), tok('app', 4, 0.02), tok('crashes', 8, 0.4), tok('but', 16, -0.05), tok('love', 20, -0.2)];
    assert.deepEqual(significantTokens(t, 3).map((x) => x.token), ['crashes', 'but', 'love']);
    assert.deepEqual(significantTokens(t).map((x) => x.token), ['app', 'crashes', 'but', 'love']);
    assert.deepEqual(significantTokens([{ token: 'x', start: 0, end: 1, weight: NaN }]), []);
  });
  it('summarizes label, scores and words', () => {
    const s = explainSummary({
      label: 'negative',
      scores: { negative: 0.9, neutral: 0.06, positive: 0.04 },
      tokens: [tok('slow', 4, 0.3), tok('crash', 10, 0.2), tok('love', 20, -0.1)],
    });
    assert.equal(s, 'Negative (0.90; neutral 0.06, positive 0.04). Driven by "slow", "crash"; against: "love".');
    const flat = explainSummary({ label: 'neutral', scores: { negative: 0.1, neutral: 0.8, positive: 0.1 }, tokens: [tok('ok', 0, 0.001)] });
    assert.match(flat, /^Neutral \(0\.80; negative 0\.10, positive 0\.10\)\. No single word/);
  });
});
