// Which occluded words count as drivers (src/core/analysis/drivers-format.ts, explain.ts): half a point of probability,
// or, where the model is sure of a text and no single word moves its probability, a drop of the label's log-odds.
import assert from 'node:assert/strict';
import { isDriver, MIN_DRIVER_LOG_ODDS, pointsText, weightText } from '../../src/core/analysis/drivers-format';
import { formatDrivers, labelLogOdds, occlusionWeights, topDrivers } from '../../src/core/analysis/explain';
import { significantTokens } from '../../src/extension/explainFormat';
import type { SentimentScores } from '../../src/core/types';

const unit = (token: string, start: number) => ({ token, start, end: start + token.length });
const pos = (p: number, neutral = (1 - p) / 2): SentimentScores => ({ positive: p, neutral, negative: 1 - p - neutral });

describe('analysis: drivers of items the model is sure of', () => {
  it('log-odds come from the other labels\' probabilities, so they keep their precision near 1', () => {
    assert.ok(Math.abs(labelLogOdds(pos(0.5, 0.25), 'positive')) < 1e-12);
    // 1 - 1e-9 in float64 loses digits; the other labels' 1e-9 does not
    const s = { positive: 1 - 1e-9, neutral: 4e-10, negative: 6e-10 };
    assert.ok(Math.abs(labelLogOdds(s, 'positive') - Math.log(1 / 1e-9)) < 1e-6);
    assert.equal(labelLogOdds({ positive: 1, neutral: 0, negative: 0 }, 'positive') > 600, true);
  });

  it('a word counts when it moves the probability by half a point or the log-odds by MIN_DRIVER_LOG_ODDS', () => {
    assert.equal(isDriver(0.005), true);
    assert.equal(isDriver(-0.006), true);
    assert.equal(isDriver(0.004), false);
    assert.equal(isDriver(0.00001, MIN_DRIVER_LOG_ODDS), true);
    assert.equal(isDriver(0.00001, -0.5), true);
    assert.equal(isDriver(0.00001, 0.01), false);
  });

  it('an item scored 0.99999 names the words whose removal lowers its log-odds most, with their sign', () => {
    const base = pos(0.99999);
    const units = [unit('the', 0), unit('worst', 4), unit('film', 10), unit('ever', 15)];
    // without "worst": 0.9999 (a hundredth of a point less: log-odds -2.3); "ever" -0.69; "film" argues against
    // (0.999993: +0.36); "the" barely moves them (-0.01)
    const variants = [pos(0.9999899), pos(0.9999), pos(0.999993), pos(0.99998)];
    const drivers = topDrivers(occlusionWeights(units, base, 'positive', variants));
    assert.deepEqual(drivers.map((d) => d.token), ['worst', 'ever', 'film']);
    // weights stay probability drops, with their sign (tiny, but not rounded to 0), and no log-odds in the output
    assert.ok(drivers[0].weight > 0 && drivers[0].weight < 0.0001, String(drivers[0].weight));
    assert.ok(drivers[2].weight < 0);
    assert.ok(drivers.every((d) => !('logOdds' in d)));
    assert.equal(formatDrivers(drivers), 'worst +<0.0001; ever +<0.0001; film -<0.0001');
    // the same item in probability alone had none: every drop is under half a point
    assert.ok(occlusionWeights(units, base, 'positive', variants).every((d) => Math.abs(d.weight) < 0.005));
  });

  it('a word whose weight is 0 (float32 scores near 1) or of the other sign than its log-odds is no driver', () => {
    const d = (token: string, weight: number, logOdds: number) => ({ token, start: 0, end: token.length, weight, logOdds });
    assert.deepEqual(topDrivers([d('a', 0, 0.8), d('b', -0.00001, 0.4), d('c', 0.00002, 0.3)]).map((x) => x.token), ['c']);
  });

  it('an item the model is unsure of keeps the half-point rule', () => {
    const drivers = topDrivers(occlusionWeights([unit('slow', 0), unit('app', 5)], pos(0.6, 0.2), 'positive', [pos(0.3, 0.2), pos(0.598, 0.2)]));
    assert.deepEqual(drivers.map((d) => [d.token, d.weight]), [['slow', 0.3]]);
  });

  it('writes small weights as small, not as zero', () => {
    assert.equal(weightText(0.36), '0.36');
    assert.equal(weightText(-0.0042), '0.004');
    assert.equal(weightText(0.00031), '0.0003');
    assert.equal(weightText(0.000003), '<0.0001');
    assert.equal(pointsText(0.362), '36.2');
    assert.equal(pointsText(0.0004), '0.04');
    assert.equal(pointsText(0.00001), '<0.01');
  });

  it('Explain Sentiment highlights the words of a text the model is sure of by their log-odds', () => {
    const tok = (token: string, start: number, weight: number, logOdds?: number) => ({ token, start, end: start + token.length, weight, logOdds });
    const t = [tok('loved', 2, 0.0001, 1.3), tok('this', 8, 0.00001, 0.05), tok('book', 13, -0.00002, -0.6)];
    assert.deepEqual(significantTokens(t).map((x) => x.token), ['loved', 'book']);
  });
});
