// The explain command's output, text and --json, for explanations computed as the worker's explain handler computes
// them (explainUnits, withoutUnit, occlusionWeights) over a deterministic TEST classifier (no model).
import assert from 'node:assert/strict';
import { explainUnits, occlusionWeights, topLabel, withoutUnit } from '../../src/core/analysis/explain';
import { EXPLAIN_USAGE, explanationJson, formatExplanation, lineRange } from '../../src/cli/explain';
import { UserError } from '../../src/core/types';
import type { ExplainResult } from '../../src/runtime/protocol';
import { lexiconScores } from '../fixtures/feedback/lexicon-classifier';

function explainWithLexicon(text: string): ExplainResult {
  const { units, wordsPerUnit } = explainUnits(text);
  const scores = lexiconScores(text);
  const label = topLabel(scores);
  const tokens = occlusionWeights(units, scores, label, units.map((u) => lexiconScores(withoutUnit(text, u))));
  return { label, scores, tokens, units: wordsPerUnit > 1 ? 'passages' : 'words', wordsPerUnit };
}

describe('cli explain output', () => {
  it('says what the numbers mean, and lists the words for and against the label', () => {
    const text = 'fast shipping but the strap broke and the refund was slow';
    const r = explainWithLexicon(text);
    assert.equal(r.label, 'negative');
    const out = formatExplanation(text, r, 8);
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0], /^negative \(negative 80\.0%, neutral 10\.0%, positive 10\.0%\)$/);
    assert.equal(lines[1], `text: ${text}`);
    assert.equal(lines[2], 'numbers: points of P(negative) lost without the word (+: it supports "negative"; -: it argues against it, P(negative) rises without it); [start-end]: its place in the text');
    const pro = lines.slice(lines.indexOf('words supporting "negative":') + 1, lines.indexOf('words against it:'));
    const con = lines.slice(lines.indexOf('words against it:') + 1);
    // each negative word removed: 0.8 -> 0.7; "fast" removed: 0.8 -> 0.9
    assert.deepEqual(pro.map((l) => l.trim().split(/\s+/).slice(0, 2)), [['+10.0', 'broke'], ['+10.0', 'refund'], ['+10.0', 'slow']]);
    assert.deepEqual(con.map((l) => l.trim()), ['-10.0  fast  [0-4]']);
    assert.ok(!out.includes('log-odds'), 'no log-odds note where no row shows them');
  });

  it('a long text: its passages, named short, and the text by its start and end', () => {
    const filler = 'the parcel came on a tuesday and the box was brown and square like every other box ';
    const text = `${filler.repeat(40)}but the strap broke on the first day ${filler.repeat(10)}`;
    const r = explainWithLexicon(text);
    assert.equal(r.units, 'passages');
    assert.ok(r.wordsPerUnit > 1);
    const out = formatExplanation(text, r, 3);
    assert.match(out, new RegExp(`^\\(a long text: removed in passages of ${r.wordsPerUnit} words, not word by word; explain a part of it to see single words\\)$`, 'm'));
    assert.match(out, /^numbers: points of P\(negative\) lost without the passage /m);
    assert.match(out, /^text: the parcel came .*….* like every other box \(4,\d{3} characters\)$/m);
    const rows = out.split('\n').filter((l) => /^\s+[+-][\d<]/.test(l));
    assert.ok(rows.length >= 1);
    for (const row of rows) {
      const shown = /^\s+[+-]\S+ {2}(.+) {2}\[\d+-\d+\]$/.exec(row)?.[1];
      assert.ok(shown && shown.length <= 60, row);
    }
    // the passage that holds "broke" is the one credited
    const passage = r.tokens.find((t) => t.weight > 0)!;
    assert.ok(text.slice(passage.start, passage.end).includes('broke'));
  });

  it('two-way shows the two probabilities it compares', () => {
    const r = explainWithLexicon('great app');
    const two = { ...r, scores: { negative: 0.2, neutral: 0, positive: 0.8 } };
    assert.match(formatExplanation('great app', two, 8, { twoWay: true }).split('\n')[0], /^positive \(negative 20\.0%, positive 80\.0%; two-way\)$/);
  });

  it('--json: the documented fields, in order, every unit in text order with its span', () => {
    const text = 'Love it 😍 but https://example.com/x broke';
    const r = explainWithLexicon(text);
    const json = JSON.parse(JSON.stringify(explanationJson(text, r)));
    assert.deepEqual(Object.keys(json), ['text', 'label', 'scores', 'units', 'wordsPerUnit', 'tokens']);
    assert.deepEqual(Object.keys(json.scores), ['negative', 'neutral', 'positive']);
    assert.equal(json.units, 'words');
    assert.equal(json.wordsPerUnit, 1);
    assert.deepEqual(json.tokens.map((t: { token: string }) => t.token), ['Love', 'it', '😍', 'but', 'https://example.com/x', 'broke']);
    for (const t of json.tokens) {
      assert.deepEqual(Object.keys(t), ['token', 'start', 'end', 'weight', 'logOdds']);
      assert.equal(text.slice(t.start, t.end), t.token);
    }
    // every field is named in --help
    for (const k of ['"text"', '"label"', '"scores"', '"units"', '"wordsPerUnit"', '"tokens"', '"token"', '"start"', '"end"', '"weight"', '"logOdds"']) assert.ok(EXPLAIN_USAGE.includes(k), k);
  });

  it('--line takes a line or a range of lines', () => {
    assert.deepEqual(lineRange('12'), [12, 12]);
    assert.deepEqual(lineRange('3-7'), [3, 7]);
    assert.deepEqual(lineRange(' 3 – 7 '), [3, 7]);
    assert.deepEqual(lineRange('4-4'), [4, 4]);
    for (const bad of [undefined, '', '0', '7-3', '3-', 'x', '2.5', '-3']) {
      assert.throws(() => lineRange(bad), (e: unknown) => e instanceof UserError && /^--file needs --line N \(the 1-based line or row of the item\), or --line N-M/.test(e.message), String(bad));
    }
    assert.match(EXPLAIN_USAGE, /--line N-M +each item on lines N to M/);
  });
});
