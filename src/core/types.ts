// Shared engine types. Nothing in src/core may import 'vscode'.

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];
export type SentimentScores = Record<SentimentLabel, number>;

/** Label names read as sentiment labels (a model's id2label, a saved classifier's classes), lower-cased. */
const SENTIMENT_ALIASES: Record<string, SentimentLabel> = {
  negative: 'negative',
  neg: 'negative',
  neutral: 'neutral',
  neu: 'neutral',
  positive: 'positive',
  pos: 'positive',
};

/** The sentiment label a class name stands for ("Negative", "pos", ...), or undefined. */
export function sentimentLabelOf(name: string): SentimentLabel | undefined {
  return Object.prototype.hasOwnProperty.call(SENTIMENT_ALIASES, name.trim().toLowerCase()) ? SENTIMENT_ALIASES[name.trim().toLowerCase()] : undefined;
}

/** One piece of feedback with where it came from. */
export interface FeedbackItem {
  /** Path of the source file as given (absolute or relative to the cwd / workspace). */
  source: string;
  /** 1-based line (text formats, JSONL) or 1-based physical line of the row (CSV/TSV), or array index + 1 (JSON). */
  line: number;
  text: string;
  /** Other columns / fields of the row, kept for the report (date, category, rating, ...). */
  fields?: Record<string, string>;
}

export interface ClassifyOptions {
  signal?: AbortSignal;
  /** Called with the number of texts finished so far. */
  onProgress?: (done: number, total: number) => void;
}

/** Anything that scores texts for sentiment: the runtime's worker-backed classifier implements it. */
export interface SentimentClassifier {
  readonly modelId: string;
  /** The device the model actually runs on ('cpu', 'cuda', 'dml', 'coreml'). */
  readonly device: string;
  classify(texts: string[], opts?: ClassifyOptions): Promise<SentimentScores[]>;
}

export type DeviceSetting = 'auto' | 'cpu' | 'gpu';

/** An error whose message is meant for the user as is: clear, actionable, one line. */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Thrown when an operation was cancelled by the user (AbortSignal). */
export class CancelledError extends Error {
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}
