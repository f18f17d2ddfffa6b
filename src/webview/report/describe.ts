// The Report view's text alternatives (pure: no DOM, so they are unit-tested in node): what a screen reader says for a
// row, a theme's bar and the sentiment-over-time chart, and the words that say what a colour says.
import { SENTIMENTS, type ReportItem, type ReportModel } from './messages';

export function pct(n: number, total: number): string {
  return total > 0 ? `${Math.round((100 * n) / total)}%` : '0%';
}

/** Below the report's low-confidence threshold (the row says "low", not only by its colour). */
export function isLowConfidence(it: Pick<ReportItem, 'score'>, threshold: number | undefined): boolean {
  return threshold !== undefined && it.score < threshold;
}

/** The stacked sentiment bar's text: "negative 48%, neutral 1%, positive 51%". */
export function distributionLabel(d: Record<(typeof SENTIMENTS)[number], number>): string {
  const total = SENTIMENTS.reduce((s, l) => s + d[l], 0);
  return SENTIMENTS.map((l) => `${l} ${pct(d[l], total)}`).join(', ');
}

/**
 * What a screen reader says on a focused table row: label, score (and low confidence), the text (cut at 160
 * characters), source line and date. Without it, the row's name was its cells' text run together, every option of its
 * "your label" select included ("negativeyour label…negativeneutralpositive…").
 */
export function itemLabel(it: Pick<ReportItem, 'label' | 'score' | 'text' | 'source' | 'line' | 'date'>, lowConfidence?: number): string {
  const low = isLowConfidence(it, lowConfidence) ? ', low confidence' : '';
  const text = it.text.length > 160 ? `${it.text.slice(0, 160)}…` : it.text;
  return `${it.label}, score ${it.score.toFixed(2)}${low}: ${text}${it.source ? `. ${it.source}:${it.line}` : ''}${it.date ? `, ${it.date}` : ''}`;
}

/** A theme's items by sentiment: "3 negative, 1 neutral, 2 positive" (neutral: the rest of its count). */
export function themeCounts(t: ReportModel['themes'][number]): string {
  const neutral = Math.max(0, t.count - t.negative - t.positive);
  return `${t.negative.toLocaleString()} negative, ${neutral.toLocaleString()} neutral, ${t.positive.toLocaleString()} positive`;
}

/** A theme's bar in words (its tooltip needs a mouse): "login: 3 negative, 1 neutral, 2 positive". */
export function themeLabel(t: ReportModel['themes'][number]): string {
  return `${t.term}: ${themeCounts(t)}`;
}

export const TIMELINE_COLUMNS = ['Period', 'Negative', 'Neutral', 'Positive', 'Negative share'] as const;

/** The sentiment-over-time chart as table rows (its text alternative): period, the three counts, the negative share. */
export function timelineRows(timeline: ReportModel['timeline']): string[][] {
  return timeline.map((t) => [t.period, t.negative.toLocaleString(), t.neutral.toLocaleString(), t.positive.toLocaleString(), pct(t.negative, t.negative + t.neutral + t.positive)]);
}
