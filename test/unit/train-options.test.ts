// The one rule for training settings (core/train/options.ts), shared by the engine, the CLI and the Train view.
import assert from 'node:assert/strict';
import { trainOptionProblem, TRAIN_OPTION_WORDS } from '../../src/core/train/options';
import { trainClassifier } from '../../src/core/train/trainer';
import { tableFromRecords } from '../../src/core/train/csv';
import { UserError } from '../../src/core/types';

describe('training settings: one rule', () => {
  it('accepts the defaults and the edges inside each range, and unset settings', () => {
    assert.equal(trainOptionProblem({}), undefined);
    assert.equal(trainOptionProblem({ testSplit: 0.2, validationShare: 0.1, C: 1, hidden: [64, 32], dropout: 0, epochs: 200, batchSize: 200, learningRate: 0.001, seed: 0, nTrees: 100, nRounds: 100, model: 'auto', textFeatures: 'tfidf' }), undefined);
    assert.equal(trainOptionProblem({ hidden: [1, 4096], epochs: 10000, nTrees: 2000, nRounds: 5000, seed: -3, dropout: 0.89 }), undefined);
  });

  it('names the first bad setting the way the caller names it, with the value given', () => {
    const cases: [Parameters<typeof trainOptionProblem>[0], string][] = [
      [{ testSplit: 0.9 }, 'the test share must be between 0 and 0.9 (got 0.9)'],
      [{ validationShare: 0 }, 'the validation share must be between 0 and 0.5 (got 0)'],
      [{ C: -1 }, 'C must be a positive number (got -1)'],
      [{ hidden: [] }, 'hidden sizes must be whole numbers between 1 and 4096, like 64 or 128,64 (got nothing)'],
      [{ hidden: [64, 4097] }, 'hidden sizes must be whole numbers between 1 and 4096, like 64 or 128,64 (got 64,4097)'],
      [{ dropout: 0.9 }, 'dropout must be in [0, 0.9) (got 0.9)'],
      [{ epochs: 2.5 }, 'epochs must be a whole number from 1 to 10000 (got 2.5)'],
      [{ batchSize: 0 }, 'batch size must be a whole number >= 1 (got 0)'],
      [{ learningRate: 10 }, 'learning rate must be in (0, 10) (got 10)'],
      [{ seed: 0.5 }, 'seed must be a whole number (got 0.5)'],
      [{ nTrees: 0 }, 'trees must be a whole number from 1 to 2000 (got 0)'],
      [{ model: 'forest' }, 'model must be auto, logreg, mlp, rf or gb (got forest)'],
      [{ textFeatures: 'bert' }, 'text features must be tfidf, embeddings or both (got bert)'],
      [{ epochs: 0, C: 0 }, 'C must be a positive number (got 0)'],
    ];
    for (const [o, want] of cases) assert.equal(trainOptionProblem(o), want);
    // the Train view's field labels and the CLI's flags replace the engine's words, nothing else
    assert.equal(trainOptionProblem({ epochs: 0 }, (k) => (k === 'epochs' ? 'Epochs' : TRAIN_OPTION_WORDS[k])), 'Epochs must be a whole number from 1 to 10000 (got 0)');
    assert.equal(trainOptionProblem({ learningRate: 0 }, (k) => `--${k}`), '--learningRate must be in (0, 10) (got 0)');
  });

  it('the engine refuses a bad setting before reading the table', async () => {
    const t = tableFromRecords(['x', 'y'], [['1', 'a'], ['2', 'b']]);
    await assert.rejects(trainClassifier(t, { target: 'y', model: 'mlp', hidden: [0] }), (e: unknown) => e instanceof UserError && e.message === 'hidden sizes must be whole numbers between 1 and 4096, like 64 or 128,64 (got 0)');
  });
});
