// What the Train view host tells a re-created view (src/extension/trainViewMemory.ts): VS Code re-creates the webview
// when the user hides the view and opens it again (or moves it) and the new page starts empty.
import assert from 'node:assert/strict';
import { MAX_KEPT_EPOCHS, TrainViewMemory } from '../../src/extension/trainViewMemory';
import { parseToView, type EpochInfo, type TableInfo, type ToView, type TrainSummary } from '../../src/webview/train/protocol';

const info = (file: string): TableInfo => ({
  file, rowCount: 150, previewSampled: false, delimiter: ',', hasHeader: true, proposedTarget: 'churned', warnings: [],
  columns: [
    { name: 'plan', type: 'categorical', missingShare: 0, distinct: 3 },
    { name: 'churned', type: 'categorical', missingShare: 0, distinct: 2 },
  ] as unknown as TableInfo['columns'],
  preview: [['Basic', 'yes'], ['Pro', 'no']],
});
const epoch = (n: number, model: EpochInfo['model'] = 'mlp'): EpochInfo => ({ model, epoch: n, trainLoss: 1 / n, trainAccuracy: 0.5 + n / 100, valLoss: 1.1 / n, valAccuracy: 0.5, phase: 'fit' });
const summary = (trainId: number): TrainSummary => ({
  trainId, model: 'mlp', labels: ['no', 'yes'], features: ['plan'], candidates: [], fitSeconds: 1.5, trainRows: 120, testRows: 30, warnings: [],
  metrics: { accuracy: 0.8, macroF1: 0.79, perClass: [], confusion: [[10, 5], [1, 14]] },
} as unknown as TrainSummary);

/** The host's way: note every message it posts. */
function posted(mem: TrainViewMemory, ...msgs: ToView[]): void {
  for (const m of msgs) mem.note(m);
}
const types = (msgs: ToView[]) => msgs.map((m) => m.type);

describe('train view: what a re-created view is shown', () => {
  it('nothing before a file is profiled (a first view starts empty)', () => {
    const mem = new TrainViewMemory();
    posted(mem, { type: 'files', files: [] }, { type: 'busy', stage: 'reading a.csv' }, { type: 'idle' });
    assert.deepEqual(mem.replay(), []);
  });

  it('during a run: the file, the run\'s target and features, its epochs so far, then the running stage (Cancel on)', () => {
    const mem = new TrainViewMemory();
    posted(mem, { type: 'profile', info: info('/w/customers.csv') }, { type: 'features', target: 'churned', features: ['plan', 'region'], excluded: [{ name: 'id', reason: 'identifier' }] });
    // the user unticked region before Train: the view shows what is being trained
    mem.runStarted({ target: 'churned', features: ['plan'] });
    posted(mem, { type: 'busy', stage: 'preprocessing', training: true }, { type: 'epoch', epoch: epoch(1) }, { type: 'epoch', epoch: epoch(2) }, { type: 'busy', stage: 'neural network', training: true });
    const replay = mem.replay();
    assert.deepEqual(types(replay), ['profile', 'features', 'epoch', 'epoch', 'busy']);
    assert.deepEqual(replay[1], { type: 'features', target: 'churned', features: ['plan'], excluded: [{ name: 'id', reason: 'identifier' }] });
    assert.deepEqual(replay.filter((m) => m.type === 'epoch').map((m) => (m as { epoch: EpochInfo }).epoch.epoch), [1, 2]);
    assert.deepEqual(replay[4], { type: 'busy', stage: 'neural network', training: true });
    // every replayed message passes the view's own validation
    for (const m of replay) assert.deepEqual(parseToView(JSON.parse(JSON.stringify(m))), m);
  });

  it('after a run: its curves and result (Save on), not a running stage; a new run forgets them', () => {
    const mem = new TrainViewMemory();
    posted(mem, { type: 'profile', info: info('/w/customers.csv') }, { type: 'features', target: 'churned', features: ['plan'], excluded: [] });
    mem.runStarted({ target: 'churned', features: ['plan'] });
    posted(mem, { type: 'epoch', epoch: epoch(1) }, { type: 'trained', summary: summary(7) });
    mem.runEnded();
    posted(mem, { type: 'idle' });
    // a stage that is not a run's (a file read) says nothing about a run
    posted(mem, { type: 'busy', stage: 'reading customers.csv' }, { type: 'idle' });
    let replay = mem.replay();
    assert.deepEqual(types(replay), ['profile', 'features', 'epoch', 'trained']);
    assert.equal((replay[3] as { summary: TrainSummary }).summary.trainId, 7);
    for (const m of replay) assert.deepEqual(parseToView(JSON.parse(JSON.stringify(m))), m);

    mem.runStarted({ target: 'churned', features: ['plan'] });
    replay = mem.replay();
    assert.deepEqual(types(replay), ['profile', 'features', 'busy'], 'the last run\'s curves and result are gone once the next starts');
    // cancelled: nothing kept, nothing running
    mem.runEnded();
    assert.deepEqual(types(mem.replay()), ['profile', 'features']);
  });

  it('another file picked: its profile, without the last file\'s features until the new ones are proposed', () => {
    const mem = new TrainViewMemory();
    posted(mem, { type: 'profile', info: info('/w/a.csv') }, { type: 'features', target: 'churned', features: ['plan'], excluded: [] });
    posted(mem, { type: 'profile', info: info('/w/b.csv') });
    let replay = mem.replay();
    assert.deepEqual(types(replay), ['profile']);
    assert.equal((replay[0] as { info: TableInfo }).info.file, '/w/b.csv');
    posted(mem, { type: 'features', target: 'plan', features: ['churned'], excluded: [] });
    replay = mem.replay();
    assert.deepEqual(replay[1], { type: 'features', target: 'plan', features: ['churned'], excluded: [] });
  });

  it('keeps at most MAX_KEPT_EPOCHS epochs of a run, the latest', () => {
    const mem = new TrainViewMemory();
    posted(mem, { type: 'profile', info: info('/w/a.csv') });
    mem.runStarted({ target: 'churned', features: ['plan'] });
    for (let i = 1; i <= MAX_KEPT_EPOCHS + 10; i++) mem.note({ type: 'epoch', epoch: epoch(i) });
    const kept = mem.replay().filter((m) => m.type === 'epoch').map((m) => (m as { epoch: EpochInfo }).epoch.epoch);
    assert.equal(kept.length, MAX_KEPT_EPOCHS);
    assert.equal(kept[0], 11);
    assert.equal(kept[kept.length - 1], MAX_KEPT_EPOCHS + 10);
  });
});

describe('train view: one thing at a time (a run, or a file being read)', () => {
  it('no file is picked during a run (its idle would turn Cancel off in the view): the refusal says what to do; after the run it is picked', () => {
    const mem = new TrainViewMemory();
    posted(mem, { type: 'profile', info: info('/w/data/customers.csv') }, { type: 'features', target: 'churned', features: ['plan'], excluded: [] });
    assert.equal(mem.pickRefusal('/w/data/new-customers.csv'), undefined, 'before any run a file is picked');
    mem.runStarted({ target: 'churned', features: ['plan'] }, '/w/data/customers.csv');
    posted(mem, { type: 'busy', stage: 'neural network', training: true });
    assert.equal(mem.pickRefusal('/w/data/new-customers.csv'), 'A classifier is being trained on customers.csv: wait for the run to end, or Cancel it, then pick new-customers.csv.');
    assert.equal(mem.pickRefusal('/w/data/customers.csv'), 'A classifier is being trained on customers.csv: wait for the run to end, or Cancel it, then pick customers.csv again.');
    assert.match(mem.pickRefusal() ?? '', /then pick the file\.$/, 'Browse… is refused before its dialog');
    assert.equal(mem.trainRefusal(), 'A training run is in progress; cancel it first.');
    // nor another target: the run's results and Save are for churned (the view's target select is off meanwhile)
    assert.equal(mem.targetRefusal(), 'A classifier is being trained to predict churned: wait for the run to end, or Cancel it, then choose the target.');
    // the view made anew meanwhile still shows the run (Cancel on), not an idle file
    assert.deepEqual(mem.replay().at(-1), { type: 'busy', stage: 'neural network', training: true });
    mem.runEnded();
    assert.equal(mem.pickRefusal('/w/data/new-customers.csv'), undefined, 'after the run (or Cancel) the file is picked');
    assert.equal(mem.trainRefusal(), undefined);
    assert.equal(mem.targetRefusal(), undefined, 'after the run the target is chosen again');
  });

  it('no run starts while a file is read; a view made anew meanwhile shows the reading (Train off) until the host\'s idle', () => {
    const mem = new TrainViewMemory();
    const reading = mem.pickStarted('C:\\data\\reviews.csv');
    posted(mem, { type: 'busy', stage: 'reading reviews.csv' }, { type: 'busy', stage: 'reading', done: 40, total: 100 });
    assert.equal(mem.trainRefusal(), 'reviews.csv is still being read: train once its columns are shown.');
    assert.deepEqual(mem.replay(), [{ type: 'busy', stage: 'reading', done: 40, total: 100 }], 'the first file: its reading only');
    posted(mem, { type: 'profile', info: info('C:\\data\\reviews.csv') });
    assert.deepEqual(types(mem.replay()), ['profile', 'busy']);
    mem.pickEnded(reading);
    posted(mem, { type: 'idle' });
    assert.equal(mem.trainRefusal(), undefined);
    assert.deepEqual(types(mem.replay()), ['profile']);
    // a reading that ends after a later one started leaves the later one going
    const first = mem.pickStarted('/w/a.csv');
    mem.pickStarted('/w/b.csv');
    mem.pickEnded(first);
    assert.match(mem.trainRefusal() ?? '', /^b\.csv is still being read/);
  });

  it('the file a page made anew is shown again is marked restored (its kept choices come back), and passes the view\'s check', () => {
    const mem = new TrainViewMemory();
    posted(mem, { type: 'profile', info: info('/w/customers.csv') });
    const [profile] = mem.replay();
    assert.deepEqual(profile, { type: 'profile', info: info('/w/customers.csv'), restored: true });
    assert.deepEqual(parseToView(JSON.parse(JSON.stringify(profile))), profile);
    assert.equal(parseToView({ type: 'profile', info: info('/w/a.csv'), restored: 'yes' }), undefined);
  });
});
