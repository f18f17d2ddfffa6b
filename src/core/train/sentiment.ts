// A classifier saved from the Train view used as the sentiment model of Analyze Feedback and Explain
// Sentiment: a team that labels some of its own feedback (say 500 support tickets as negative / neutral /
// positive) trains on it and analyzes the rest with a model of its own domain. It qualifies when it reads
// one text column and predicts sentiment labels only.
import { SENTIMENT_LABELS, sentimentLabelOf, UserError, type SentimentLabel } from '../types';
import type { LoadedClassifier } from './artifact';

export interface SentimentUse {
  /** The one feature column: the feedback text goes there. */
  textColumn: string;
  /** The sentiment label of each output (class) index. */
  labels: SentimentLabel[];
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
  const other = c.metadata.labels.filter((l) => !sentimentLabelOf(l));
  if (other.length) {
    const which = other.length === c.metadata.labels.length ? 'none is a sentiment label' : `${other.slice(0, 3).map((l) => JSON.stringify(l)).join(', ')} ${other.length === 1 ? 'is not a sentiment label' : 'are not sentiment labels'}`;
    return `of its classes ${JSON.stringify(c.metadata.labels.slice(0, 8))}, ${which}: a sentiment classifier predicts negative, positive and optionally neutral`;
  }
  const mapped = c.metadata.labels.map((l) => sentimentLabelOf(l)!);
  if (new Set(mapped).size !== mapped.length) return `two of its classes ${JSON.stringify(c.metadata.labels)} mean the same sentiment`;
  if (!mapped.includes('negative') || !mapped.includes('positive')) {
    return `its classes ${JSON.stringify(c.metadata.labels)} need both negative and positive`;
  }
  return undefined;
}

/** How to feed the classifier feedback texts and read its outputs as sentiment; a UserError says why not. */
export function sentimentUse(c: LoadedClassifier): SentimentUse {
  const problem = sentimentUseProblem(c);
  if (problem) throw new UserError(`The classifier ${c.metadata.name} (${c.dir}) cannot analyze sentiment: ${problem}.`);
  return { textColumn: c.preprocessing.columns[0].name, labels: c.metadata.labels.map((l) => sentimentLabelOf(l)!) };
}

/** Probabilities in the classifier's class order (rows x classes) as [negative, neutral, positive] rows. */
export function toSentimentRows(p: ArrayLike<number>, labels: SentimentLabel[]): Float64Array[] {
  const K = labels.length;
  const at = SENTIMENT_LABELS.map((l) => labels.indexOf(l));
  const out: Float64Array[] = [];
  for (let r = 0; r < p.length / K; r++) {
    const row = new Float64Array(3);
    for (let j = 0; j < 3; j++) row[j] = at[j] >= 0 ? p[r * K + at[j]] : 0;
    out.push(row);
  }
  return out;
}
