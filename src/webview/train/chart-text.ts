// What the Train view's live charts say in words: the x axis's unit for each model, and a one-line summary of the
// curves for screen readers (a canvas shows nothing to them). DOM-free, so it is unit-tested in node.
import type { EpochInfo } from './protocol';

/** How each model is named in the results line, the charts' titles and the candidates' validation scores. */
export const MODEL_NAME: Record<string, string> = { logreg: 'logistic regression', mlp: 'neural network', rf: 'random forest', gb: 'gradient-boosted trees' };

/** What one step of a curve is for `model` (EpochInfo.epoch counts these). */
export function stepName(model: string): string {
  return model === 'logreg' ? 'iteration' : model === 'gb' ? 'boosting round' : 'epoch';
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
