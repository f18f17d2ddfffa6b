// One file's rating column, tallied under every scale it may turn out to be on until all its values are read: the
// table's sample (its first rows) only suggests a scale, so a 0-5 column whose first page holds 0s and 1s only, or a
// 1-10 column whose first page stops at 5, is read on the scale its whole range shows, not on the first page's.

import { ratingScale, ratingSentiment, type RatingScale } from '../readers/columns';
import { TopK } from './collections';
import type { SentimentLabel } from '../types';

type LabelCounts = Record<SentimentLabel, number>;
const zero = (): LabelCounts => ({ negative: 0, neutral: 0, positive: 0 });

/** What one reading (stars 0/1-5 or points 0/1-10) of one band of values (below 1, from 1) adds up to. */
interface Part<T> {
  matrix: Record<SentimentLabel, LabelCounts>;
  sums: LabelCounts;
  ns: LabelCounts;
  rated: number;
  disagree: TopK<T & { rating: number; expected: SentimentLabel }>;
}

/** The totals of the reading the values decided, for the caller to add to the analysis's own. */
export interface RatingTotals<T> {
  scale: RatingScale;
  matrix: Record<SentimentLabel, LabelCounts>;
  sums: LabelCounts;
  ns: LabelCounts;
  rated: number;
  /** Values above 5 left out as strays of a 0/1-5 column (too few to make it a 10-point one), when any. */
  strays?: number;
  /** The kept disagreements, largest key first, to offer again to the analysis's list. */
  disagreements: { key: number; id?: string; value: T & { rating: number; expected: SentimentLabel } }[];
}

/** Values above 5 in a column of stars are strays (left out) while they are at most this share of its values, of at least STRAY_MIN_VALUES. */
const STRAY_SHARE = 0.01;
const STRAY_MIN_VALUES = 100;

export class RatingTally<T> {
  private lo = Infinity;
  private hi = -Infinity;
  /** The highest value up to 5, how many values there were and how many were above 5. */
  private hi5 = -Infinity;
  private count = 0;
  private over5 = 0;
  // parts[reading][band]: reading 0 = stars (up to 5), 1 = points (up to 10); band 0 = values below 1, 1 = from 1
  private readonly parts: Part<T>[][];
  private readonly tens: RatingScale;

  /** `k`: how many disagreements are kept (the analysis's list length). */
  constructor(readonly column: string, private readonly k: number) {
    this.tens = ratingScale(0, 10, column)!;
    const part = (): Part<T> => ({ matrix: { negative: zero(), neutral: zero(), positive: zero() }, sums: zero(), ns: zero(), rated: 0, disagree: new TopK(k) });
    this.parts = [[part(), part()], [part(), part()]];
  }

  /**
   * One item's rating `n` (a number, or NaN when its cell holds none) with the text's `label` and confidence `score`.
   * `item()` builds what a disagreement keeps (called only when one is kept); `id` tells repeats of one text apart.
   */
  add(n: number, label: SentimentLabel, score: number, item: () => T, id: () => string): void {
    // values outside every scale (negative, over 10) are no rating, as before
    if (!Number.isFinite(n) || n < 0 || n > 10) return;
    if (n < this.lo) this.lo = n;
    if (n > this.hi) this.hi = n;
    this.count++;
    if (n > 5) this.over5++;
    else if (n > this.hi5) this.hi5 = n;
    const band = n < 1 ? 0 : 1;
    for (let reading = 0; reading < 2; reading++) {
      if (reading === 0 && n > 5) continue;
      const p = this.parts[reading][band];
      const expected = ratingSentiment(n, reading === 0 ? { min: 0, max: 5 } : this.tens);
      p.matrix[expected][label]++;
      p.sums[label] += n;
      p.ns[label]++;
      p.rated++;
      if (((expected === 'positive' && label === 'negative') || (expected === 'negative' && label === 'positive')) && p.disagree.wouldKeep(score)) {
        p.disagree.offer(score, { ...item(), rating: n, expected }, `${n}\u0000${id()}`);
      }
    }
  }

  /**
   * The scale every value read decides (undefined for 0/1 or 0-1 values only, which are no stars) and that reading's
   * totals: a 0 among the values makes 0 the lowest rating; without one, values between 0 and 1 are left out.
   */
  totals(): RatingTotals<T> | undefined {
    let scale = Number.isFinite(this.lo) ? ratingScale(this.lo, this.hi, this.column) : undefined;
    // a stray value above 5 (a typo among stars: one 9 in a thousand) does not make a 1-5 column a 10-point one, which
    // would read its 4s and 5s as neutral and negative: of 100 values or more, values above 5 must be more than 1% (not
    // for an NPS column, 0-10 by its name; fewer values are too few to tell a typo from a low 10-point column)
    let strays: number | undefined;
    if (scale && !scale.nps && scale.max === 10 && this.count >= STRAY_MIN_VALUES && this.over5 <= this.count * STRAY_SHARE && Number.isFinite(this.hi5)) {
      const stars = ratingScale(this.lo, this.hi5, this.column);
      if (stars?.max === 5) {
        scale = stars;
        strays = this.over5;
      }
    }
    if (!scale) return undefined;
    const reading = scale.max === 5 ? 0 : 1;
    const kept = scale.min === 0 ? this.parts[reading] : [this.parts[reading][1]];
    const out: RatingTotals<T> = { scale, matrix: { negative: zero(), neutral: zero(), positive: zero() }, sums: zero(), ns: zero(), rated: 0, disagreements: [] };
    if (strays) out.strays = strays;
    for (const p of kept) {
      for (const e of ['negative', 'neutral', 'positive'] as const) {
        for (const l of ['negative', 'neutral', 'positive'] as const) out.matrix[e][l] += p.matrix[e][l];
        out.sums[e] += p.sums[e];
        out.ns[e] += p.ns[e];
      }
      out.rated += p.rated;
      out.disagreements.push(...p.disagree.entries());
    }
    out.disagreements.sort((a, b) => b.key - a.key);
    return out;
  }
}
