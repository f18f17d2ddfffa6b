// What the Train view page keeps of the user's choices through its re-creation (src/webview/train/saved-state.ts), and
// which of its controls are on during a run (src/webview/train/status.ts: the file list is the run's until it ends).
import assert from 'node:assert/strict';
import { keptFeatures, parseSavedState, STATE_VERSION, type SavedState } from '../../src/webview/train/saved-state';
import { controlsOn } from '../../src/webview/train/status';
import { parseSettings, type TableInfo } from '../../src/webview/train/protocol';

const columns = (...names: string[]) => names.map((name) => ({ name, type: 'categorical', missingShare: 0, distinct: 2 })) as unknown as TableInfo['columns'];

/** What the page writes after a user set up a network and ticked two features of customers.csv. */
const written: SavedState = {
  v: STATE_VERSION,
  form: {
    model: 'mlp', textFeatures: 'both', epochs: '50', batchSize: '128', learningRate: '0.003', hidden: '128,64', dropout: '0.2',
    C: '1', testSplit: '0.25', validationShare: '0.15', seed: '7', balanced: true,
  },
  file: { file: '/w/customers.csv', target: 'churned', features: ['plan', 'tenure_months'], name: 'churn-net' },
  classifier: '/w/.product-forge/classifiers/churn-net',
};

describe('train view: the choices a page made anew gets back', () => {
  it('reads back what it wrote, through the JSON VS Code keeps it as', () => {
    assert.deepEqual(parseSavedState(JSON.parse(JSON.stringify(written))), written);
    // the kept settings are ones the host accepts for a run, as typed in the form
    const f = written.form;
    const settings = {
      target: 'churned', features: ['plan'], model: f.model, testSplit: Number(f.testSplit), validationShare: Number(f.validationShare), seed: Number(f.seed),
      classWeight: f.balanced ? 'balanced' : 'none', epochs: Number(f.epochs), batchSize: Number(f.batchSize), learningRate: Number(f.learningRate),
      hidden: f.hidden!.split(',').map(Number), dropout: Number(f.dropout), C: Number(f.C), textFeatures: f.textFeatures,
    };
    assert.deepEqual(parseSettings(settings), settings);
  });

  it('a state of another shape (an older page, or damaged) cannot break the page: each field that fails is left at its default', () => {
    for (const v of [undefined, null, 'churn', 42, [], [written], { form: 'mlp' }, { v: 2 }]) {
      assert.deepEqual(parseSavedState(v), { v: STATE_VERSION, form: {} }, JSON.stringify(v));
    }
    // an older shape: numbers instead of typed text, hidden sizes as a list, another model name, a flag as a word
    const old = parseSavedState({
      form: { model: 'svm', epochs: 200, hidden: [128, 64], seed: '3', balanced: 'yes', textFeatures: 'bert', learningRate: '', dropout: 'x'.repeat(5000) },
      file: { file: '/w/customers.csv', target: 'churned', features: 'plan,tenure_months' },
      classifier: 7,
    });
    assert.deepEqual(old, { v: STATE_VERSION, form: { seed: '3', learningRate: '' } });
    // a file part without a name keeps its target and features; one without a target is dropped
    assert.deepEqual(parseSavedState({ file: { file: '/w/a.csv', target: 'y', features: ['x'] } }).file, { file: '/w/a.csv', target: 'y', features: ['x'], name: '' });
    assert.equal(parseSavedState({ file: { file: '/w/a.csv', target: '', features: ['x'] } }).file, undefined);
    assert.equal(parseSavedState({ file: { file: '/w/a.csv', target: 'y', features: ['x', 3] } }).file, undefined);
    // reading it does not share the stored arrays with what the page then changes
    const stored = { file: { file: '/w/a.csv', target: 'y', features: ['x'] } };
    parseSavedState(stored).file!.features.push('z');
    assert.deepEqual(stored.file.features, ['x']);
  });

  it('the ticked features come back for the same file and target only, without columns the file no longer has', () => {
    const kept = written.file;
    const info = { file: '/w/customers.csv', columns: columns('plan', 'region', 'churned') };
    // tenure_months was dropped from the file since: not ticked
    assert.deepEqual(keptFeatures(kept, info, 'churned'), ['plan']);
    assert.equal(keptFeatures(kept, { ...info, file: '/w/new-customers.csv' }, 'churned'), undefined, 'another file: the host\'s proposal stands');
    assert.equal(keptFeatures(kept, info, 'plan'), undefined, 'another target: the host\'s proposal stands');
    assert.equal(keptFeatures(undefined, info, 'churned'), undefined);
    // a kept feature that is now the target is not ticked as a feature
    assert.deepEqual(keptFeatures({ ...kept!, target: 'plan', features: ['plan', 'region'] }, info, 'plan'), ['region']);
  });
});

describe('train view: controls during a run', () => {
  it('a run keeps Cancel on and the file list, Browse…, the target and Train off until it ends; a file being read keeps Train off', () => {
    const idle = { busy: false, training: false, profiled: true, features: 2 };
    assert.deepEqual(controlsOn(idle), { train: true, cancel: false, pickFile: true, pickTarget: true });
    assert.deepEqual(controlsOn({ ...idle, busy: true, training: true }), { train: false, cancel: true, pickFile: false, pickTarget: false });
    // the run's stage shown with a 'busy' that is not the run's (it used to be a file's reading ended by 'idle')
    assert.deepEqual(controlsOn({ ...idle, busy: false, training: true }), { train: false, cancel: true, pickFile: false, pickTarget: false });
    assert.deepEqual(controlsOn({ ...idle, busy: true }), { train: false, cancel: false, pickFile: true, pickTarget: true });
    assert.deepEqual(controlsOn({ ...idle, features: 0 }), { train: false, cancel: false, pickFile: true, pickTarget: true });
    // no file shown: no target to choose
    assert.deepEqual(controlsOn({ ...idle, profiled: false }), { train: false, cancel: false, pickFile: true, pickTarget: false });
  });
});
