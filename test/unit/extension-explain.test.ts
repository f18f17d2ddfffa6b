import assert from 'node:assert/strict';
import { explainSummary, hoverText, itemNote, itemsSummary, lineItems, locateText, shortUnit, significantTokens } from '../../src/extension/explainFormat';
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
  it('several items: each one\'s note at the end of its line, and one message for all of them', () => {
    const neg = result({ label: 'negative', scores: { negative: 0.912, neutral: 0.05, positive: 0.038 }, tokens: [tok('slow', 4, 0.3), tok('crash', 10, 0.2), tok('so', 0, 0.02), tok('sync', 16, 0.011), tok('love', 20, -0.1)] });
    assert.equal(itemNote(neg), 'negative 0.91: "slow", "crash", "so"; against: "love"');
    const flat = result({ label: 'neutral', scores: { negative: 0.1, neutral: 0.8, positive: 0.1 }, tokens: [tok('ok', 0, 0.001)] });
    assert.equal(itemNote(flat), 'neutral 0.80');
    const against = result({ label: 'positive', scores: { negative: 0.3, neutral: 0.1, positive: 0.6 }, tokens: [tok('but', 0, -0.2)] });
    assert.equal(itemNote(against), 'positive 0.60, against: "but"');
    const explained = [neg, flat, neg].map((r, i) => ({ line: 3 + i, result: r }));
    assert.equal(
      itemsSummary(explained, 3),
      'Explained 3 feedback items (lines 3-5): 2 negative, 1 neutral. Each item\'s label and strongest words are at the end of its line; hover a highlighted word for what it counts.',
    );
    assert.match(itemsSummary(explained, 57), /\. The selection holds 57 items: only the first 3 were explained; select the others to explain them, or run Analyze Feedback for the words that drove every item\.$/);
  });
  it('names words that say something: "the", "is", "to" are highlighted but not named in the summary or the note; negations and "but" are', () => {
    const r = result({
      label: 'negative',
      scores: { negative: 0.7, neutral: 0.2, positive: 0.1 },
      tokens: [tok('The', 0, 0.3), tok('sync', 4, 0.2), tok('is', 9, 0.15), tok('not', 12, 0.12), tok('to', 16, 0.1), tok('great', 19, -0.05)],
    });
    assert.equal(itemNote(r), 'negative 0.70: "sync", "not"; against: "great"');
    assert.match(explainSummary(r), /Driven by "sync", "not"; against: "great"\.$/);
    assert.deepEqual(significantTokens(r.tokens).map((t) => t.token), ['The', 'sync', 'is', 'not', 'to', 'great'], 'all are still highlighted');
    const only = result({ label: 'neutral', scores: { negative: 0.2, neutral: 0.6, positive: 0.2 }, tokens: [tok('it', 0, 0.1), tok('is', 3, 0.05), tok('ok', 6, 0.001)] });
    assert.match(explainSummary(only), /Only words without a meaning of their own move it \("it", "is"\); no word that says something does\.$/);
    assert.equal(itemNote(only), 'neutral 0.60');
    const zh = result({ label: 'positive', scores: { negative: 0.1, neutral: 0.1, positive: 0.8 }, tokens: [tok('很', 0, 0.2), tok('好', 1, 0.3), tok('不', 2, -0.1)] });
    assert.equal(itemNote(zh), 'positive 0.80: "好"; against: "不"');
  });
  it('each non-empty selected line is an item, trimmed, with its offset in the selection', () => {
    assert.deepEqual(lineItems('  great app\n\n  \r\nslow sync \r\nok'), [
      { text: 'great app', start: 2 },
      { text: 'slow sync', start: 17 },
      { text: 'ok', start: 29 },
    ]);
    assert.deepEqual(lineItems('\n \n'), []);
  });
  it('locates a reader\'s item in the document: its characters where a run of whitespace was one space', () => {
    // a paragraph item of a .txt, its lines joined by one space
    const region = '  The battery dies\n  by noon.   Love the screen\nnext';
    const text = 'The battery dies by noon. Love the screen';
    const at = locateText(text, region, 20)!;
    const spanOf = (w: string) => region.slice(at[text.indexOf(w)], at[text.indexOf(w) + w.length]);
    assert.equal(spanOf('battery'), 'battery');
    assert.equal(spanOf('by noon'), 'by noon');
    assert.equal(spanOf('dies by'), 'dies\n  by');
    assert.equal(spanOf('Love the screen'), 'Love the screen');
    assert.equal(at[text.length], region.indexOf('\nnext'));
    // a CSV cell: found in its row
    const row = '7,"slow (again) [v2.1]? yes",2024-01-02';
    const cell = locateText('slow (again) [v2.1]? yes', row)!;
    assert.equal(row.slice(cell[0], cell[24]), 'slow (again) [v2.1]? yes');
    // not there as such (escaped quotes, Markdown dropped), or only on a later line: not located
    assert.equal(locateText('he said "no"', '1,"he said ""no"""'), undefined);
    assert.equal(locateText('great app', '**great** app'), undefined);
    assert.equal(locateText('ok', 'fine\nok', 5), undefined);
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
