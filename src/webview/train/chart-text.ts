// What the Train view's live charts say in words: the x axis's unit for each model, and a one-line summary of the
// curves for screen readers (a canvas shows nothing to them). DOM-free, so it is unit-tested in node.
import type { EpochInfo } from './protocol';

/** How each model is named in the results line, the charts' titles and the candidates' validation scores. */
export const MODEL_NAME: Record<string, string> = { logreg: 'logistic regression', mlp: 'neural network', rf: 'random forest', gb: 'gradient-boosted trees' };

/**
 * What one step of a curve is for `model` (EpochInfo.epoch counts these): the x axis's title and the unit the
 * description counts. Logistic regression is fitted by full-batch L-BFGS, whose steps are no epochs (passes over the
 * data a batch at a time, as the network's, which the form's "Epochs (MLP)" sets): the axis says which it is.
 */
export function stepName(model: string): string {
  return model === 'logreg' ? 'L-BFGS iteration' : model === 'gb' ? 'boosting round' : 'epoch';
}

/** The canvas's name for a screen reader: "Loss per L-BFGS iteration", "Accuracy per epoch". */
export function chartName(what: 'loss' | 'accuracy', model: string): string {
  return `${what === 'loss' ? 'Loss' : 'Accuracy'} per ${stepName(model)}`;
}

/**
 * The accuracy axis's tick labels (`values`: its ticks, 0–1): percents with the fewest decimals that write every tick
 * exactly, or else keep them apart, the same for all. Whole percents repeated "99% 99% 99% 98% 98%" on an axis from
 * 98.0% to 99.0% by 0.2%.
 */
export function percentTickLabels(values: readonly number[]): string[] {
  const pcts = values.map((v) => v * 100);
  const write = (d: number) => pcts.map((p) => `${p.toFixed(d)}%`);
  const MAX_DECIMALS = 4;
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    if (pcts.every((p) => Math.abs(Number(p.toFixed(d)) - p) < 1e-9 * Math.max(1, Math.abs(p)))) return write(d);
  }
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    const labels = write(d);
    if (new Set(labels).size === labels.length) return labels;
  }
  return write(MAX_DECIMALS);
}

/**
 * The accuracy axis's range for data from `min` to `max` (0–1): as the data, but a flat curve (every step the same
 * accuracy, e.g. 100% from the first) gets a range of 5 points inside 0–100% rather than the charting library's ±5%
 * around it (an axis up to 105%).
 */
export function accuracyRange(min: number, max: number): { min: number; max: number } {
  if (!(Number.isFinite(min) && Number.isFinite(max)) || min !== max) return { min, max };
  const lo = Math.max(0, Math.min(min - 0.025, 0.95));
  return { min: lo, max: lo + 0.05 };
}

/** The chart's title: the model whose curves it shows, and "(refit …)" for the final fit on all training rows. */
export function curveTitle(e: Pick<EpochInfo, 'model' | 'phase'>): string {
  return `${MODEL_NAME[e.model] ?? e.model}${e.phase === 'refit' ? ' (refit on all training rows)' : ''}`;
}

const num = (x: number | null | undefined, pct: boolean) => (x === null || x === undefined || !Number.isFinite(x) ? undefined : pct ? `${(x * 100).toFixed(1)}%` : x.toFixed(3));

/**
 * "neural network: 38 epochs; last: training loss 0.412, validation loss 0.450" (or accuracy): what a chart of
 * `points` (one curve's epochs, in order) shows, for the canvas's description. Empty before the first epoch.
 */
export function curveSummary(points: readonly EpochInfo[], what: 'loss' | 'accuracy'): string {
  const last = points[points.length - 1];
  if (!last) return '';
  const n = points.length;
  const step = stepName(last.model);
  const pct = what === 'accuracy';
  const train = num(what === 'loss' ? last.trainLoss : last.trainAccuracy, pct);
  const val = num(what === 'loss' ? last.valLoss : last.valAccuracy, pct);
  const parts = [train && `training ${what} ${train}`, val && `validation ${what} ${val}`].filter(Boolean);
  return `${curveTitle(last)}: ${n} ${step}${n === 1 ? '' : 's'}${parts.length ? `; last: ${parts.join(', ')}` : ''}`;
}

/**
 * A chart's legend entries (`what`: its y axis's title): "train loss", "validation loss" when they fit on one line of
 * `width` px, else "train", "validation" (the axis's title names the curve). At a sidebar of 200 px each entry took a
 * line of its own, two lines of legend over a chart 190 px high. `measure`: a text's width in the legend's font;
 * `box`, `fontSize`, `padding`: the legend's (an entry is its box, half the font size and its text; entries and the
 * line's ends are `padding` apart, as the charting library lays them out).
 */
export function legendTexts(what: string, width: number, measure: (text: string) => number, box = 10, fontSize = 12, padding = 10): [train: string, validation: string] {
  const full: [string, string] = [`train ${what}`, `validation ${what}`];
  const line = full.reduce((sum, t) => sum + box + fontSize / 2 + measure(t) + padding, padding);
  return line <= width ? full : ['train', 'validation'];
}
