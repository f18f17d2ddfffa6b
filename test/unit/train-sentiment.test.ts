// Which saved classifiers can be the sentiment model of Analyze Feedback (src/core/train/sentiment.ts),
// and how their outputs become [negative, neutral, positive] rows.
import assert from 'node:assert/strict';
import type { LoadedClassifier } from '../../src/core/train/artifact';
import { describeSentimentUse, sentimentUse, sentimentUseProblem, toSentimentRows } from '../../src/core/train/sentiment';
import { sentimentLabelOf, UserError } from '../../src/core/types';
import { tableFromRecords } from '../../src/core/train/csv';
import { profileTable, proposeTarget } from '../../src/core/train/infer';

type Col = LoadedClassifier['preprocessing']['columns'][number];
const text = (name: string): Col => ({ kind: 'text', name, blocks: [] });
function saved(columns: Col[], labels: string[]): LoadedClassifier {
  return {
    dir: '/ws/.product-forge/classifiers/x',
    modelPath: '/ws/.product-forge/classifiers/x/model.onnx',
    metadata: { name: 'x', labels } as unknown as LoadedClassifier['metadata'],
    preprocessing: { columns } as unknown as LoadedClassifier['preprocessing'],
  };
}

describe('a saved classifier as the sentiment model', () => {
  it('reads class names as sentiment labels, case and abbreviations aside', () => {
    assert.equal(sentimentLabelOf(' Negative '), 'negative');
    assert.equal(sentimentLabelOf('POS'), 'positive');
    assert.equal(sentimentLabelOf('neu'), 'neutral');
    assert.equal(sentimentLabelOf('bug'), undefined);
    assert.equal(sentimentLabelOf('constructor'), undefined);
  });

  it('qualifies with one text column (TF-IDF, embeddings or both) and negative + positive classes', () => {
    assert.deepEqual(sentimentUse(saved([text('review')], ['negative', 'neutral', 'positive'])), { textColumn: 'review', labels: ['negative', 'neutral', 'positive'] });
    assert.deepEqual(sentimentUse(saved([text('t'), { kind: 'embedding', name: 't', model: 'm', sha256: 'a', dims: 4 }], ['Positive', 'Negative'])).labels, ['positive', 'negative']);
  });

  it('says why another classifier does not qualify', () => {
    assert.match(sentimentUseProblem(saved([text('a'), { kind: 'numeric', name: 'age' } as Col], ['negative', 'positive']))!, /reads 2 columns \(a, age\).*train it on the text alone/);
    assert.match(sentimentUseProblem(saved([{ kind: 'categorical', name: 'plan', categories: [] }], ['negative', 'positive']))!, /"plan" is not a text column/);
    assert.match(sentimentUseProblem(saved([text('t')], ['bug', 'question']))!, /none is a sentiment label/);
    assert.match(sentimentUseProblem(saved([text('t')], ['negative', 'positive', 'mixed']))!, /"mixed" is not a sentiment label/);
    assert.match(sentimentUseProblem(saved([text('t')], ['negative', 'neutral']))!, /need both negative and positive/);
    assert.throws(() => sentimentUse(saved([text('t')], ['yes', 'no'])), (e: unknown) => e instanceof UserError && /^The classifier x \(.*\) cannot analyze sentiment: of its classes/.test(e.message));
  });

  it('reads classes 1-5 or 0/1-10 as ratings, like a rating column in the report', () => {
    const five = sentimentUse(saved([text('review')], ['1', '2', '3', '4', '5']));
    assert.deepEqual(five, { textColumn: 'review', labels: ['negative', 'negative', 'neutral', 'positive', 'positive'], ratings: { min: 1, max: 5 } });
    assert.equal(describeSentimentUse(five, ['1', '2', '3', '4', '5']), 'classes 1, 2, 3, 4, 5 read as ratings (1, 2 negative, 3 neutral, 4, 5 positive)');
    const ten = sentimentUse(saved([text('t')], ['0', '3', '5', '8', '10']));
    assert.deepEqual(ten.labels, ['negative', 'negative', 'neutral', 'positive', 'positive']);
    assert.deepEqual(ten.ratings, { min: 0, max: 10 });
    // 0/1 (or 1/2) is not a rating scale with both ends
    assert.match(sentimentUseProblem(saved([text('t')], ['0', '1']))!, /classes 0 and 1 do not say which one is negative: name them negative and positive/);
    assert.match(sentimentUseProblem(saved([text('t')], ['1', '2', '3']))!, /read as ratings of 1-5 need both negative and positive/);
    assert.match(sentimentUseProblem(saved([text('t')], ['1', '50']))!, /none is a sentiment label/);
    // ratings' probabilities add up per sentiment
    assert.deepEqual([...toSentimentRows([0.1, 0.2, 0.3, 0.25, 0.15], five.labels)[0]].map((x) => +x.toFixed(6)), [0.3, 0.3, 0.4]);
  });

  it('maps probabilities in class order to [negative, neutral, positive]; an absent class is 0', () => {
    const rows = toSentimentRows(new Float32Array([0.25, 0.75, 0.9, 0.1]), ['positive', 'negative']);
    assert.deepEqual(rows.map((r) => [...r]), [[0.75, 0, 0.25], [Math.fround(0.1), 0, Math.fround(0.9)]]);
    const three = toSentimentRows([0.2, 0.3, 0.5], ['neutral', 'positive', 'negative']);
    assert.deepEqual([...three[0]], [0.5, 0.2, 0.3]);
  });

  it('the Train view proposes a "sentiment" column as the target (the labels file: text, sentiment)', () => {
    const rows = Array.from({ length: 12 }, (_, i) => [`text number ${i} about the app`, ['negative', 'neutral', 'positive'][i % 3], ['web', 'ios'][i % 2]]);
    assert.equal(proposeTarget(profileTable(tableFromRecords(['text', 'sentiment', 'channel'], rows))), 'sentiment');
  });

  it('short texts in a column named as text ("feedback", "review_text") are text, not categories or identifiers', () => {
    const words = ['crashes', 'love it', 'too slow', 'great app', 'broken sync', 'so good', 'meh', 'awful login', 'nice ui', 'buggy', 'perfect', 'laggy'];
    const rows = words.map((w, i) => [w, ['negative', 'positive'][i % 2], `v${i % 3}`]);
    const p = profileTable(tableFromRecords(['review_text', 'sentiment', 'code'], rows));
    assert.equal(p[0].type, 'text');
    assert.notEqual(p[2].type, 'text');
    // the same values under another name stay what they were
    assert.notEqual(profileTable(tableFromRecords(['product', 'sentiment', 'code'], rows))[0].type, 'text');
  });
});
