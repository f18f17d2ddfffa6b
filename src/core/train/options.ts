// The training settings a user types (CLI flags, the Train view's fields), checked by one rule for the engine, the
// CLI and the Train view, so the three can never disagree on a range. Each caller names the setting its own way: the
// engine in words ("the test share"), the CLI by its flag ("--test-split"), the Train view by its field's label.
// No node imports: the Train view's browser bundle uses it.
import { TEXT_FEATURES } from './embed';

export interface CheckedTrainOptions {
  testSplit?: number;
  validationShare?: number;
  C?: number;
  hidden?: number[];
  dropout?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  nTrees?: number;
  nRounds?: number;
  model?: string;
  textFeatures?: string;
}

export type CheckedTrainOption = keyof CheckedTrainOptions;

/** The engine's names for the settings, as its messages say them. */
export const TRAIN_OPTION_WORDS: Readonly<Record<CheckedTrainOption, string>> = {
  testSplit: 'the test share', validationShare: 'the validation share', C: 'C', hidden: 'hidden sizes', dropout: 'dropout',
  epochs: 'epochs', batchSize: 'batch size', learningRate: 'learning rate', seed: 'seed', nTrees: 'trees', nRounds: 'rounds',
  model: 'model', textFeatures: 'text features',
};

export const MODEL_CHOICES: readonly string[] = ['auto', 'logreg', 'mlp', 'rf', 'gb'];
/** Hidden layers at most (the Train view's messages carry no more: webview/train/protocol.ts). */
export const MAX_HIDDEN_LAYERS = 4;

const isWhole = (x: number, min: number, max = Number.MAX_SAFE_INTEGER) => Number.isInteger(x) && x >= min && x <= max;

/**
 * What is wrong with the first bad setting, as one sentence that names it by `name` ("--epochs must be a whole number
 * from 1 to 10000 (got 0)"), or undefined when every given setting is in range. Unset settings are not checked.
 */
export function trainOptionProblem(o: CheckedTrainOptions, name: (k: CheckedTrainOption) => string = (k) => TRAIN_OPTION_WORDS[k]): string | undefined {
  const checks: [CheckedTrainOption, boolean, string][] = [
    ['testSplit', o.testSplit === undefined || (o.testSplit > 0 && o.testSplit < 0.9), 'must be between 0 and 0.9'],
    ['validationShare', o.validationShare === undefined || (o.validationShare > 0 && o.validationShare < 0.5), 'must be between 0 and 0.5'],
    ['C', o.C === undefined || o.C > 0, 'must be a positive number'],
    ['hidden', !o.hidden || (o.hidden.length > 0 && o.hidden.every((h) => isWhole(h, 1, 4096))), 'must be whole numbers between 1 and 4096, like 64 or 128,64'],
    ['hidden', !o.hidden || o.hidden.length <= MAX_HIDDEN_LAYERS, `must be at most ${MAX_HIDDEN_LAYERS} sizes (one per layer), like 64 or 128,64`],
    ['dropout', o.dropout === undefined || (o.dropout >= 0 && o.dropout < 0.9), 'must be in [0, 0.9)'],
    ['epochs', o.epochs === undefined || isWhole(o.epochs, 1, 10000), 'must be a whole number from 1 to 10000'],
    ['batchSize', o.batchSize === undefined || isWhole(o.batchSize, 1), 'must be a whole number >= 1'],
    ['learningRate', o.learningRate === undefined || (o.learningRate > 0 && o.learningRate < 10), 'must be in (0, 10)'],
    ['seed', o.seed === undefined || Number.isInteger(o.seed), 'must be a whole number'],
    ['nTrees', o.nTrees === undefined || isWhole(o.nTrees, 1, 2000), 'must be a whole number from 1 to 2000'],
    ['nRounds', o.nRounds === undefined || isWhole(o.nRounds, 1, 5000), 'must be a whole number from 1 to 5000'],
    ['model', !o.model || MODEL_CHOICES.includes(o.model), `must be ${MODEL_CHOICES.slice(0, -1).join(', ')} or ${MODEL_CHOICES[MODEL_CHOICES.length - 1]}`],
    ['textFeatures', o.textFeatures === undefined || (TEXT_FEATURES as readonly string[]).includes(o.textFeatures), `must be ${TEXT_FEATURES.slice(0, -1).join(', ')} or ${TEXT_FEATURES[TEXT_FEATURES.length - 1]}`],
  ];
  const bad = checks.find(([, ok]) => !ok);
  if (!bad) return undefined;
  const value = o[bad[0]];
  const got = Array.isArray(value) ? value.join(',') : String(value);
  return `${name(bad[0])} ${bad[2]} (got ${got || 'nothing'})`;
}
