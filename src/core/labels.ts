// Sentiment labels a user gives feedback items (the Report view's "Your label" column), kept in a two-column
// CSV (text, sentiment) under .product-forge/labels/ that the Train view lists: train on it (target
// "sentiment"), save, and use the classifier for Analyze Feedback. One row per distinct text; the latest
// label wins. Written atomically (temp file + rename), so an interrupted write never loses earlier labels. Texts are
// formula-escaped as results.csv's are (csvFormula.ts), so the file opens safely in a spreadsheet.
import * as path from 'node:path';
import { atomicWriteFile, pathExists } from './fsutil';
import { csvField, readTable } from './train/csv';
import { escapeFormula, isLabelsFile } from './csvFormula';
import { sentimentLabelOf, UserError, type SentimentLabel } from './types';

/** The labels file, relative to a workspace folder. */
export const SENTIMENT_LABELS_FILE = path.join('.product-forge', 'labels', 'sentiment-labels.csv');
const HEADER = ['text', 'sentiment'];

/** The labels in a labels file (text -> label), in file order; an absent file has none. */
export async function readLabels(file: string): Promise<Map<string, SentimentLabel>> {
  return (await readLabelsFile(file)).labels;
}

/** The labels, and what else the file holds that a rewrite would drop (other columns, rows with other labels). */
async function readLabelsFile(file: string): Promise<{ labels: Map<string, SentimentLabel>; foreign?: string }> {
  const labels = new Map<string, SentimentLabel>();
  if (!(await pathExists(file))) return { labels };
  const t = await readTable(file, { keepRaw: true, minColumns: 1, delimiter: ',', hasHeader: true });
  const ti = t.columns.indexOf('text'), si = t.columns.indexOf('sentiment');
  if (ti < 0 || si < 0) throw new UserError(`${file} is not a labels file (it needs the columns text and sentiment); move it away and label again`);
  let other = 0;
  for (let r = 0; r < t.rowCount; r++) {
    const label = sentimentLabelOf(t.data[si][r] ?? '');
    const text = t.data[ti][r] ?? '';
    if (label && text) labels.set(text, label);
    else other++;
  }
  const extra = t.columns.filter((c) => c !== 'text' && c !== 'sentiment');
  const foreign = extra.length ? `columns other than text and sentiment (${extra.slice(0, 5).join(', ')})` : other ? `${other} row(s) without a text or with a label other than negative, neutral or positive` : undefined;
  return { labels, foreign };
}

/**
 * Sets the label of `text` (replacing an earlier one) and rewrites the file atomically; returns how many
 * texts are labelled. A file edited to hold more than this writes (other columns, other labels) is refused,
 * not rewritten without them.
 */
export async function saveLabel(file: string, text: string, label: SentimentLabel): Promise<number> {
  if (!text.trim()) throw new UserError('an empty text cannot be labelled');
  const { labels, foreign } = await readLabelsFile(file);
  if (foreign) throw new UserError(`${file} has ${foreign}, which saving a label would drop; it is left as it is. Rename it to keep it, and label again`);
  labels.delete(text);
  labels.set(text, label);
  const lines = [HEADER.join(',')];
  // in the workspace's labels file, a text a spreadsheet would run as a formula starts with an apostrophe; the readers
  // recognise the file by its place and drop it (csvFormula.ts)
  const cell = isLabelsFile(file) ? escapeFormula : (t: string) => t;
  for (const [t, l] of labels) lines.push(`${csvField(cell(t))},${l}`);
  await atomicWriteFile(file, lines.join('\n') + '\n', { overwrite: true });
  return labels.size;
}
