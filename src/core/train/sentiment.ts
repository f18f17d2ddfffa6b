// A classifier saved from the Train view used as the sentiment model of Analyze Feedback and Explain
// Sentiment: a team that labels some of its own feedback (say 500 support tickets as negative / neutral /
// positive), or has reviews with star ratings, trains on it and analyzes the rest with a model of its own
// domain. It qualifies when it reads one text column and predicts sentiment labels, or ratings (classes
// 1-5 or 0/1-10, read as the report reads a rating column: 1-2 negative, 3 neutral, 4-5 positive on 1-5; up to 4
// negative, 5-6 neutral, 7-10 positive on 0/1-10).
import { ratingScale, ratingSentiment } from '../readers/columns';
import { SENTIMENT_LABELS, sentimentLabelOf, UserError, type SentimentLabel } from '../types';
import type { LoadedClassifier } from './artifact';

export interface SentimentUse {
  /** The one feature column: the feedback text goes there. */
  textColumn: string;
  /** The sentiment label of each output (class) index (several classes may share one: ratings). */
  labels: SentimentLabel[];
  /** Set when the classes are ratings on this scale. */
  ratings?: { min: number; max: number };
}

/** Classes that are all whole numbers on a rating scale (1-5, 0/1-10): the sentiment of each, and the scale. */
function ratingLabels(classes: string[]): { labels: SentimentLabel[]; scale: { min: number; max: number } } | undefined {
  const nums = classes.map((c) => (/^\s*\d+(\.0+)?\s*$/.test(c) ? Number(c) : NaN));
  if (!nums.length || nums.some((n) => !Number.isInteger(n))) return undefined;
  const scale = ratingScale(Math.min(...nums), Math.max(...nums));
  return scale ? { labels: nums.map((n) => ratingSentiment(n, scale)), scale } : undefined;
}

/** Each class's sentiment (names or ratings), or a problem. */
function classSentiments(classes: string[]): { labels: SentimentLabel[]; ratings?: { min: number; max: number } } | string {
  const r = ratingLabels(classes);
  // 0 and 1 are no rating scale (ratingScale): a flag whose meaning the classifier cannot know
  if (!r && classes.length === 2 && classes.every((c) => /^\s*[01](\.0+)?\s*$/.test(c))) {
    return `its classes ${classes.join(' and ')} do not say which one is negative: name them negative and positive in the training data (or use ratings 1-5)`;
  }
  const labels = r ? r.labels : classes.map((l) => sentimentLabelOf(l));
  const other = classes.filter((_, i) => !labels[i]);
  if (other.length) {
    const which = other.length === classes.length ? 'none is a sentiment label' : `${other.slice(0, 3).map((l) => JSON.stringify(l)).join(', ')} ${other.length === 1 ? 'is not a sentiment label' : 'are not sentiment labels'}`;
    return `of its classes ${JSON.stringify(classes.slice(0, 8))}, ${which}: a sentiment classifier predicts negative, positive and optionally neutral (or ratings 1-5 / 0-10)`;
  }
  if (r && classes.length === 2 && (!labels.includes('negative') || !labels.includes('positive'))) {
    return `its classes ${classes.join(' and ')} do not say which one is negative: name them negative and positive in the training data (or use ratings 1-5)`;
  }
  if (!labels.includes('negative') || !labels.includes('positive')) {
    return `its classes ${JSON.stringify(classes.slice(0, 8))} ${r ? `read as ratings of ${r.scale.min}-${r.scale.max} ` : ''}need both negative and positive`;
  }
  return { labels: labels as SentimentLabel[], ratings: r?.scale };
}

/** Why a saved classifier cannot be the sentiment model (undefined: it can). */
export function sentimentUseProblem(c: Pick<LoadedClassifier, 'metadata' | 'preprocessing'>): string | undefined {
  const names = [...new Set(c.preprocessing.columns.map((col) => col.name))];
  if (names.length !== 1) {
    return `it reads ${names.length} columns (${names.slice(0, 5).join(', ')}); a sentiment model reads one text column: train it on the text alone`;
  }
  const kinds = c.preprocessing.columns.map((col) => col.kind);
  if (!kinds.every((k) => k === 'text' || k === 'embedding')) {
    return `its feature "${names[0]}" is not a text column (${kinds.join(', ')})`;
  }
  const cs = classSentiments(c.metadata.labels);
  return typeof cs === 'string' ? cs : undefined;
}

/** "classes negative, positive" or "classes 1, 2, 3, 4, 5 read as ratings (1-2 negative, 3 neutral, 4-5 positive)". */
export function describeSentimentUse(use: SentimentUse, classes: string[]): string {
  if (!use.ratings) return `classes ${classes.join(', ')}`;
  const at = (l: SentimentLabel) => classes.filter((_, i) => use.labels[i] === l);
  const part = (l: SentimentLabel) => { const c = at(l); return c.length ? `${c.length > 2 ? `${c[0]}-${c[c.length - 1]}` : c.join(', ')} ${l}` : ''; };
  return `classes ${classes.join(', ')} read as ratings (${SENTIMENT_LABELS.map(part).filter(Boolean).join(', ')})`;
}

/** How to feed the classifier feedback texts and read its outputs as sentiment; a UserError says why not. */
export function sentimentUse(c: LoadedClassifier): SentimentUse {
  const problem = sentimentUseProblem(c);
  if (problem) throw new UserError(`The classifier ${c.metadata.name} (${c.dir}) cannot analyze sentiment: ${problem}.`);
  const cs = classSentiments(c.metadata.labels) as Exclude<ReturnType<typeof classSentiments>, string>;
  return { textColumn: c.preprocessing.columns[0].name, labels: cs.labels, ...(cs.ratings ? { ratings: cs.ratings } : {}) };
}

/** Probabilities in the classifier's class order (rows x classes) as [negative, neutral, positive] rows (classes of one sentiment summed). */
export function toSentimentRows(p: ArrayLike<number>, labels: SentimentLabel[]): Float64Array[] {
  const K = labels.length;
  const col = labels.map((l) => SENTIMENT_LABELS.indexOf(l));
  const out: Float64Array[] = [];
  for (let r = 0; r < p.length / K; r++) {
    const row = new Float64Array(3);
    for (let k = 0; k < K; k++) row[col[k]] += p[r * K + k];
    out.push(row);
  }
  return out;
}
