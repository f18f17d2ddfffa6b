// Files in and out of train / predict: each file's own number format, target values that look like missing
// markers, headerless prediction files, an optional row limit of predict, unwritable destinations, and small CLI cases.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCsvText, readTable, tableFromRecords, takeRows, targetColumn } from '../../src/core/train/csv';
import { profileTable } from '../../src/core/train/infer';
import { trainClassifier } from '../../src/core/train/trainer';
import { loadClassifier, saveClassifier } from '../../src/core/train/artifact';
import { predictFile } from '../../src/core/train/predict';
import { assertWritableOutput, explainWriteError } from '../../src/core/fsutil';
import { UserError } from '../../src/core/types';
import { quietly } from './train.helpers';
import { runPredict, runTrain } from '../../src/cli/train';
import { runGenerate } from '../../src/cli/generate';

const root = path.resolve(__dirname, '..', '..');

/** Deterministic pseudo-random numbers in [0, 1). */
function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Rows of x, y with three decimals; label = x > 5. */
function xyRows(n: number, seed: number): { x: string; y: string; label: string }[] {
  const r = rand(seed);
  return Array.from({ length: n }, () => {
    const x = r() * 10, y = r() * 10;
    return { x: x.toFixed(3), y: y.toFixed(3), label: x > 5 ? 'high' : 'low' };
  });
}

describe('train / predict: files in and out', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-train-io-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  const write = async (name: string, text: string) => {
    const p = path.join(dir, name);
    await fs.writeFile(p, text);
    return p;
  };

  describe('number format per file', () => {
    let comma: string, semi: string;
    const semiRows = xyRows(120, 2);
    before(async () => {
      comma = await write('comma.csv', `x,y,label\n${xyRows(300, 1).map((r) => `${r.x},${r.y},${r.label}`).join('\n')}\n`);
      semi = await write('semi.csv', `x;y;label\n${semiRows.map((r) => `${r.x.replace('.', ',')};${r.y.replace('.', ',')};${r.label}`).join('\n')}\n`);
    });

    it('each table says its own decimal-comma choice', async () => {
      assert.equal((await readTable(comma)).dialect.decimalComma, false);
      assert.equal((await readTable(semi)).dialect.decimalComma, true);
    });

    it('train --test reads a ";" test file with decimal commas as numbers (not missing)', async () => {
      const r = await quietly(() => runTrain([comma, '--target', 'label', '--test', semi, '--model', 'logreg', '--json']));
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.ok(j.accuracy > 0.95, `accuracy ${j.accuracy}`);
      assert.deepEqual(j.warnings.filter((w: string) => /not a number/.test(w)), []);
    });

    it('predict reads a ";" file with decimal commas with a model trained on a "," file', async () => {
      const save = path.join(dir, 'm-comma');
      assert.equal((await quietly(() => runTrain([comma, '--target', 'label', '--model', 'logreg', '--save', save, '-q']))).code, 0);
      const out = path.join(dir, 'semi-pred.csv');
      const p = await quietly(() => runPredict([save, semi, '--out', out]));
      assert.equal(p.code, 0, p.err);
      assert.doesNotMatch(p.err, /not a number/);
      const lines = (await fs.readFile(out, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(';'));
      const right = lines.filter((c, i) => c[3] === semiRows[i].label).length;
      assert.ok(right / lines.length > 0.95, `${right} of ${lines.length} right`);
      // and the other way round: trained on the ';' file, predicting the ',' one
      const save2 = path.join(dir, 'm-semi');
      assert.equal((await quietly(() => runTrain([semi, '--target', 'label', '--model', 'logreg', '--save', save2, '-q']))).code, 0);
      const r2 = await quietly(() => runTrain([semi, '--target', 'label', '--test', comma, '--model', 'logreg', '--json']));
      assert.ok(JSON.parse(r2.out).accuracy > 0.95);
    });

    it('reads formatted numbers (thousands separators, currency, percentages) as numbers, in training and prediction', async () => {
      // a spreadsheet export of formatted cells: "35,722", "$3,037.19", "32%"; the label follows income
      const r = rand(5);
      const rows = Array.from({ length: 200 }, () => {
        const income = Math.round(1000 + r() * 150_000), spend = r() * 5000, share = Math.round(r() * 100);
        return { income, spend, share, label: income < 60_000 ? 'churned' : 'stayed' };
      });
      const money = (x: number) => `"$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}"`;
      const file = await write('formatted.csv', `income,spend,share,label\n${rows.map((x) => `"${x.income.toLocaleString('en-US')}",${money(x.spend)},${x.share}%,${x.label}`).join('\n')}\n`);
      const t = await readTable(file);
      const types = Object.fromEntries(profileTable(t).map((p) => [p.name, p.type]));
      assert.deepEqual(types, { income: 'numeric', spend: 'numeric', share: 'numeric', label: 'categorical' });
      const save = path.join(dir, 'm-formatted');
      const tr = await quietly(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', save, '--json']));
      assert.equal(tr.code, 0, tr.err);
      const j = JSON.parse(tr.out);
      assert.deepEqual(j.features, ['income', 'spend', 'share']); // income was excluded as an "identifier" before
      assert.ok(j.accuracy > 0.9, `accuracy ${j.accuracy}`);
      // a ';' export of the same cells with decimal commas and point or space thousands ("1.234,56 €", "90 000")
      const semi = await write('formatted-semi.csv', `income;spend;share\n45.000,00;1.234,56 €;12%\n90 000;(12,50);7,5 %\n150000;€ 3,00;100%\n`);
      const out = path.join(dir, 'formatted-pred.csv');
      const p = await quietly(() => runPredict([save, semi, '--out', out]));
      assert.equal(p.code, 0, p.err);
      assert.doesNotMatch(p.err, /not a number/);
      const preds = (await fs.readFile(out, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(';')[3]);
      assert.deepEqual(preds, ['churned', 'stayed', 'stayed']);
    });

    it('a "," file whose quoted numbers write decimal commas ("3,5") reads them per column, saved for prediction', async () => {
      // a European export with ',' between fields: price "3,5" / "12,75"; income "35,722" stays thousands grouping
      const r = rand(9);
      const rows = Array.from({ length: 200 }, (_, i) => {
        const price = Math.round(r() * 2000) / 100, income = Math.round(10_000 + r() * 90_000);
        return { id: i + 1, price: `"${price.toFixed(i % 2 ? 1 : 2).replace('.', ',')}"`, income: `"${income.toLocaleString('en-US')}"`, label: price > 10 ? 'high' : 'low' };
      });
      const file = await write('dc-comma.csv', `id,price,income,label\n${rows.map((x) => `${x.id},${x.price},${x.income},${x.label}`).join('\n')}\n`);
      const t = await readTable(file);
      assert.equal(t.dialect.decimalComma, false);
      const types = Object.fromEntries(profileTable(t).map((p) => [p.name, p.type]));
      assert.equal(types.price, 'numeric'); // it was a near-unique category, left out of the model
      const save = path.join(dir, 'm-dc-comma');
      const tr = await quietly(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', save, '--json']));
      assert.equal(tr.code, 0, tr.err);
      const j = JSON.parse(tr.out);
      assert.deepEqual(j.features, ['price', 'income']);
      assert.ok(j.accuracy > 0.95, `accuracy ${j.accuracy}`);
      // the decision is the column's, saved with it: price reads decimal commas, income thousands separators
      const spec = JSON.parse(await fs.readFile(path.join(save, 'preprocessing.json'), 'utf8'));
      const col = (n: string) => spec.columns.find((c: { name: string }) => c.name === n);
      assert.equal(col('price').decimalComma, true);
      assert.equal(col('income').decimalComma, undefined);
      assert.ok(col('income').scaler.median > 10_000, `income median ${col('income').scaler.median}`);
      // prediction reads the column the same way in a new ',' file (and a decimal point is still a decimal point)
      const pred = await write('dc-comma-pred.csv', 'id,price,income\n1,"3,5","35,722"\n2,"12,75","35,722"\n3,"0,5","1,234"\n4,"19,9","80,100"\n5,10.8,"50,000"\n6,"9,25","50,000"\n');
      const out = path.join(dir, 'dc-comma-pred.out.csv');
      const p = await quietly(() => runPredict([save, pred, '--out', out]));
      assert.equal(p.code, 0, p.err);
      assert.doesNotMatch(p.err, /not a number/);
      const preds = (await fs.readFile(out, 'utf8')).trim().split('\n').slice(1).map((l) => parseCsvText(l)[0][3]);
      assert.deepEqual(preds, ['low', 'high', 'low', 'high', 'high', 'low']);
    });

    it('a classifier saved before formatted numbers were read predicts formatted input as it did then (its preprocessing version 1)', async () => {
      // test/fixtures/train/classifier-v1-numbers was saved by the build before formatted numbers were read (4446bdf^:
      // train income.csv --target label --model logreg, plain numbers income, spend, share): it read "35,722",
      // "$3,037.19" and "32%" as missing, as an empty cell
      const v1 = path.join(root, 'test', 'fixtures', 'train', 'classifier-v1-numbers');
      assert.equal(JSON.parse(await fs.readFile(path.join(v1, 'preprocessing.json'), 'utf8')).version, 1);
      const r = rand(13);
      const rows = Array.from({ length: 60 }, (_, i) => {
        const income = Math.round(1000 + r() * 150_000), spend = Math.round(r() * 500_000) / 100, share = Math.round(r() * 100);
        // every other cell formatted as a spreadsheet exports it; the rest plain
        return [i % 3 ? `"${income.toLocaleString('en-US')}"` : String(income), i % 2 ? `"$${spend.toLocaleString('en-US', { minimumFractionDigits: 2 })}"` : String(spend), i % 4 ? `${share}%` : String(share / 100)];
      });
      const formatted = (v: string) => /[,$%]/.test(v);
      const fmt = await write('v1-formatted.csv', `income,spend,share\n${rows.map((x) => x.join(',')).join('\n')}\n`);
      const blank = await write('v1-blank.csv', `income,spend,share\n${rows.map((x) => x.map((v) => (formatted(v) ? '' : v)).join(',')).join('\n')}\n`);
      const predict = async (model: string, csv: string) => {
        const out = path.join(dir, `${path.basename(model)}-${path.basename(csv)}.out.csv`);
        const res = await quietly(() => runPredict([model, csv, '--out', out]));
        assert.equal(res.code, 0, res.err);
        return { err: res.err, preds: (await fs.readFile(out, 'utf8')).trim().split('\n').slice(1).map((l) => parseCsvText(l)[0].slice(3).join(' ')) };
      };
      const got = await predict(v1, fmt);
      // the very predictions (labels and confidences) of the same rows with the formatted cells empty
      assert.deepEqual(got.preds, (await predict(v1, blank)).preds);
      assert.match(got.err, /column "income": \d+ values are not a number to this classifier \(e\.g\. "[\d,]+"\); read as missing, as it was when the classifier was saved .*train it again/);
      // the same classifier as a current one (version 2) reads them as numbers: other predictions, so the check above can fail
      const v2 = path.join(dir, 'classifier-v2-numbers');
      await fs.cp(v1, v2, { recursive: true });
      const spec = JSON.parse(await fs.readFile(path.join(v2, 'preprocessing.json'), 'utf8'));
      await fs.writeFile(path.join(v2, 'preprocessing.json'), JSON.stringify({ ...spec, version: 2 }));
      const now = await predict(v2, fmt);
      assert.doesNotMatch(now.err, /not a number/);
      assert.ok(now.preds.some((x, i) => x !== got.preds[i]), 'a version-2 reading of the formatted cells changes some predictions');
      // a version this build does not know is refused, not read as one it knows
      await fs.writeFile(path.join(v2, 'preprocessing.json'), JSON.stringify({ ...spec, version: 3 }));
      await assert.rejects(loadClassifier(v2), /comes from a newer version/);
    });

    it('predict writes an Excel export back as Excel reads it: a UTF-8 BOM when the input had one or was not UTF-8, decimal-comma confidences in a ";" file', async () => {
      const save = path.join(dir, 'm-excel');
      assert.equal((await quietly(() => runTrain([comma, '--target', 'label', '--model', 'logreg', '--save', save, '-q']))).code, 0);
      const body = `x;y;name\n7,5;1,25;Müller\n1,5;3,5;José\n`;
      const outOf = async (name: string, bytes: Buffer) => {
        const src = path.join(dir, name);
        await fs.writeFile(src, bytes);
        const out = path.join(dir, `${name}.pred.csv`);
        const p = await quietly(() => runPredict([save, src, '--out', out]));
        assert.equal(p.code, 0, p.err);
        return fs.readFile(out);
      };
      const bom = await outOf('excel-bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]));
      assert.deepEqual([...bom.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const lines = bom.subarray(3).toString('utf8').trim().split('\n');
      assert.equal(lines[0], 'x;y;name;prediction;confidence');
      assert.match(lines[1], /^7,5;1,25;Müller;high;0,\d{4}$/);
      assert.match(lines[2], /^1,5;3,5;José;low;0,\d{4}$/);
      // Windows-1252 (Excel's "CSV" on Windows): UTF-8 with a BOM, the accents as read
      const ansi = await outOf('excel-1252.csv', Buffer.from(body, 'latin1'));
      assert.deepEqual([...ansi.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.match(ansi.toString('utf8'), /Müller/);
      // a plain UTF-8 comma file: no BOM, decimal points
      const plain = await outOf('plain.csv', Buffer.from('x,y,name\n7.5,1.25,Müller\n'));
      assert.match(plain.toString('utf8'), /^x,y,name,prediction,confidence\n7\.5,1\.25,Müller,high,0\.\d{4}\n$/);
    });

    it('an unreadable number in a --test file is a warning naming the file', async () => {
      const bad = await write('bad-test.csv', `x,y,label\n${xyRows(40, 3).map((r, i) => `${i % 4 === 0 ? 'abc' : r.x},${r.y},${r.label}`).join('\n')}\n`);
      const r = await quietly(() => runTrain([comma, '--target', 'label', '--test', bad, '--model', 'logreg', '--json']));
      assert.equal(r.code, 0, r.err);
      assert.ok(JSON.parse(r.out).warnings.some((w: string) => w.includes(bad) && /column "x": 10 values are not a number/.test(w)), r.out);
    });
  });

  describe('target values that look like missing markers', () => {
    const csv = () => {
      const r = rand(5);
      const lines = ['x,c,label'];
      for (let i = 0; i < 200; i++) {
        const x = r() * 10;
        lines.push(`${x.toFixed(2)},${i % 7 === 0 ? 'NA' : 'ab'[i % 2]},${x > 5 ? 'None' : 'Some'}`);
      }
      lines.push('3,a,?', '4,b,', '6,a,NA', '7,b,null', '8,a,N/A', '9,b,missing', '1,a,None', '2,b,Some', '6,b,NA', '7,a,null', '8,b,N/A', '9,a,missing');
      return lines.join('\n') + '\n';
    };

    it('keeps None and missing as classes in the target (saying so); "", "?", NA, null and N/A are missing there', async () => {
      const t = await readTable(await write('none.csv', csv()));
      const ti = t.columns.indexOf('label');
      assert.equal(t.data[ti][205], '', 'the table itself stores markers as missing');
      const col = targetColumn(t, ti);
      assert.deepEqual(col.slice(200, 208), ['', '', '', '', '', 'missing', 'None', 'Some']);
      const r = await trainClassifier(t, { target: 'label', model: 'logreg' });
      assert.deepEqual([...r.classifier.labels].sort(), ['None', 'Some', 'missing']);
      assert.ok(r.warnings.includes("8 row(s) with a missing 'label' (empty, ?, NA, N/A or null) were left out"), r.warnings.join('; '));
      assert.ok(r.warnings.some((w) => /^'None' \(\d+ row\(s\)\) is kept as a class of 'label'; blank those cells if it means "no label"$/.test(w)), r.warnings.join('; '));
      // semi-labelled exports: NA rows are left out, not learned as a class
      assert.ok(!r.classifier.labels.includes('NA'));
      // a feature keeps today's markers: 'NA' in c is missing
      assert.ok(profileTable(t)[t.columns.indexOf('c')].missing >= 29);
      // takeRows carries the markers with their rows
      const part = takeRows(t, [205, 0, 203]);
      assert.ok(['None', 'Some'].includes(col[0]));
      assert.deepEqual(targetColumn(part, ti), ['missing', col[0], '']);
    });

    it('a two-class None / Some target trains (it was "has a single class")', async () => {
      const file = await write('none2.csv', csv().split('\n').slice(0, 201).join('\n') + '\n');
      const r = await quietly(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--json']));
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.deepEqual(j.labels, ['None', 'Some']);
      assert.ok(j.accuracy > 0.9);
    });

    it('typed tables (tableFromRecords) read their target the same way', async () => {
      const rows = Array.from({ length: 40 }, (_, i) => [String(i), i < 20 ? 'None' : 'Some']);
      const t = tableFromRecords(['x', 'y'], rows);
      assert.deepEqual([...new Set(targetColumn(t, 1))], ['None', 'Some']);
      const r = await trainClassifier(t, { target: 'y', features: ['x'], model: 'logreg' });
      assert.deepEqual(r.classifier.labels, ['None', 'Some']);
    });
  });

  describe('headerless files', () => {
    it('predicts a one-row file without a header with a classifier trained on a headerless file', async () => {
      const r = rand(9);
      const lines: string[] = [];
      for (let i = 0; i < 150; i++) {
        const a = ['low', 'med', 'high'][i % 3], b = ['small', 'big'][Math.floor(r() * 2)];
        lines.push(`${a},${b},${a === 'high' || b === 'big' ? 'acc' : 'unacc'}`);
      }
      const train = await write('headerless.data', lines.join('\n') + '\n');
      const save = path.join(dir, 'm-headerless');
      const t = await quietly(() => runTrain([train, '--target', 'c2', '--model', 'logreg', '--save', save, '-q']));
      assert.equal(t.code, 0, t.err);
      for (const [name, text] of [['one.data', 'high,small\n'], ['one-with-target.data', 'low,small,\n'], ['two.data', 'high,small\nlow,small\n']]) {
        const out = path.join(dir, `${name}.pred.csv`);
        const input = await write(name, text);
        const p = await quietly(() => runPredict([save, input, '--out', out]));
        assert.equal(p.code, 0, `${name}: ${p.err}`);
        const got = (await fs.readFile(out, 'utf8')).trim().split('\n');
        assert.equal(got.length, text.trim().split('\n').length + 1, name);
        assert.match(got[0], /^c0,c1,(c2,)?prediction,confidence$/);
      }
      // a file that names the columns is still read with its header
      const named = path.join(dir, 'named.pred.csv');
      const namedIn = await write('named.csv', 'c0,c1\nhigh,small\n');
      assert.equal((await quietly(() => runPredict([save, namedIn, '--out', named]))).code, 0);
      assert.equal((await fs.readFile(named, 'utf8')).trim().split('\n').length, 2);
    });
  });

  describe('predict: a row limit', () => {
    it('refuses a file longer than a given limit (maxRows; none by default) leaving nothing, and reads one at the limit', async () => {
      const rows = xyRows(60, 4);
      const file = await write('train-limit.csv', `x,y,label\n${rows.map((r) => `${r.x},${r.y},${r.label}`).join('\n')}\n`);
      const save = path.join(dir, 'm-limit');
      assert.equal((await quietly(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', save, '-q']))).code, 0);
      const eleven = await write('eleven.csv', `x,y\n${rows.slice(0, 11).map((r) => `${r.x},${r.y}`).join('\n')}\n`);
      const out = path.join(dir, 'eleven.pred.csv');
      await assert.rejects(predictFile(save, eleven, out, { maxRows: 10 }), (e: Error) => e instanceof UserError && /has more than 10 rows, the most predict reads from one file; split it/.test(e.message));
      assert.equal(existsSync(out), false);
      assert.deepEqual((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp')), []);
      assert.equal((await predictFile(save, eleven, out, { maxRows: 11 })).rows, 11);
    });
  });

  describe('unwritable destinations', () => {
    const denied = (blocked: string) => async (p: string) => {
      if (p === blocked) throw Object.assign(new Error(`EACCES: permission denied, access '${p}'`), { code: 'EACCES' });
    };

    it('checks the nearest existing folder before any work', async () => {
      const ro = path.join(dir, 'ro');
      await fs.mkdir(ro, { recursive: true });
      await assert.rejects(assertWritableOutput(path.join(ro, 'a', 'b', 'm'), '--save', denied(ro)), { message: `cannot write into ${ro} (permission denied): choose another --save` });
      await assert.rejects(assertWritableOutput(path.join(ro, 'p.csv'), '--out', denied(ro)), { message: `cannot write into ${ro} (permission denied): choose another --out` });
      await assertWritableOutput(path.join(ro, 'p.csv'), '--out', denied(path.join(dir, 'other')));
      await assertWritableOutput(path.join(ro, 'p.csv'), '--out'); // the real check (root or the owner may write)
      // predictFile checks it before loading the classifier (this one does not even exist)
      await assert.rejects(predictFile(path.join(dir, 'no-such-model'), path.join(dir, 'x.csv'), path.join(ro, 'p.csv'), { access: denied(ro) }), /cannot write into .* \(permission denied\): choose another --out/);
    });

    it('predict --out, train --save and generate --out share the rule: a folder, under a file or where no file can be made is refused before the work', async () => {
      const rows = xyRows(40, 4);
      const file = await write('rule.csv', `x,y,label\n${rows.map((r) => `${r.x},${r.y},${r.label}`).join('\n')}\n`);
      const save = path.join(dir, 'm-rule');
      assert.equal((await quietly(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', save, '-q']))).code, 0);
      const folder = path.join(dir, 'a-folder');
      await fs.mkdir(folder);
      const brief = await write('brief.md', '# Faster sync\nMake sync faster.\n');
      const before = (await fs.readdir(dir)).sort();
      const p1 = await quietly(() => runPredict([save, file, '--out', folder]));
      assert.equal(p1.code, 2, p1.err);
      assert.match(p1.err, /--out .*a-folder is a folder; give a file name \(e\.g\. .*a-folder[/\\]predictions\.csv\)/);
      const p2 = await quietly(() => runPredict([save, file, '--out', path.join(file, 'p.csv')]));
      assert.equal(p2.code, 2, p2.err);
      assert.match(p2.err, /rule\.csv is a file, not a folder/);
      const t1 = await quietly(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', path.join(file, 'm'), '-q']));
      assert.equal(t1.code, 2, t1.err);
      assert.match(t1.err, /--save .*rule\.csv[/\\]m: .*rule\.csv is a file, not a folder/);
      const g1 = await quietly(() => runGenerate(['prd', '--brief', brief, '--backend', 'template', '--out', folder]));
      assert.equal(g1.code, 2, g1.err);
      assert.match(g1.err, /--out .*a-folder is a folder; give a file name \(e\.g\. .*a-folder[/\\]prd\.md\)/);
      if (process.platform === 'linux' && existsSync('/proc/self')) {
        // /proc takes no new file, though access() lets root write: the probe (a file created and removed) finds it
        for (const r of [
          await quietly(() => runPredict([save, file, '--out', '/proc/p.csv'])),
          await quietly(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', '/proc/no-such/m', '-q'])),
          await quietly(() => runGenerate(['prd', '--brief', brief, '--backend', 'template', '--out', '/proc/prd.md'])),
        ]) {
          assert.equal(r.code, 2, r.err);
          assert.match(r.err, /cannot write into \/proc \(no file can be created there: ENOENT\): choose another --(out|save)/);
        }
      }
      // nothing written, no probe file left; an existing empty folder is still a valid --save
      assert.deepEqual((await fs.readdir(dir)).sort(), before);
      assert.deepEqual(await fs.readdir(folder), []);
      await assertWritableOutput(folder, '--save', undefined, undefined, { target: 'folder' });
      assert.deepEqual(await fs.readdir(folder), []);
    });

    it('generate --out of an existing file without --force is refused before any model is looked for, and left as it was', async () => {
      const brief = await write('brief-exists.md', '# Faster sync\nMake sync faster.\n');
      const out = await write('prd-exists.md', 'my notes\n');
      // the model named does not exist: refused for the existing file first, before the model is looked for
      const r = await quietly(() => runGenerate(['prd', '--brief', brief, '--backend', 'local', '--model', path.join(dir, 'no-such-model'), '--out', out]));
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /prd-exists\.md already exists; choose another name or pass --force to replace it/);
      assert.equal(await fs.readFile(out, 'utf8'), 'my notes\n');
    });

    it('a write that fails while writing is one clear sentence, not a raw errno string', async () => {
      const e = explainWriteError(Object.assign(new Error("EACCES: permission denied, mkdir '/x/m'"), { code: 'EACCES' }), '/x/m', '--save') as Error;
      assert.equal(e.message, 'could not write /x/m: permission denied (EACCES): choose another --save');
      const u = new UserError('mine');
      assert.equal(explainWriteError(u, '/x'), u);
      // a real failure at write time: a name too long for the file system
      const t = tableFromRecords(['x', 'y'], xyRows(40, 6).map((r) => [r.x, r.label]));
      const r = await trainClassifier(t, { target: 'y', model: 'logreg' });
      const long = 'n'.repeat(300);
      await assert.rejects(saveClassifier(r, { parent: dir, name: long, exactName: true, flag: '--save' }), /^Error: could not write .*n{300}: the name is too long \(ENAMETOOLONG\)$/);
      const save = await saveClassifier(r, { parent: dir, name: 'm-long' });
      const csv = await write('long-in.csv', 'x\n1\n2\n');
      await assert.rejects(predictFile(save, csv, path.join(dir, `${long}.csv`)), /^Error: could not write .*: the name is too long \(ENAMETOOLONG\)$/);
    });

    const nonRoot = typeof process.getuid === 'function' && process.getuid() !== 0;
    (nonRoot ? it : it.skip)('CLI (as this non-root user): a folder without write permission is refused before training, exit 2', async () => {
      const ro = path.join(dir, 'ro-mode');
      await fs.mkdir(ro);
      const file = await write('ro-train.csv', `x,y,label\n${xyRows(60, 7).map((r) => `${r.x},${r.y},${r.label}`).join('\n')}\n`);
      await fs.chmod(ro, 0o555);
      try {
        const r = await quietly(() => runTrain([file, '--target', 'label', '--save', path.join(ro, 'm')]));
        assert.equal(r.code, 2);
        assert.match(r.err, /^product-forge: cannot write into .*ro-mode \(permission denied\): choose another --save\n$/);
        assert.doesNotMatch(r.err, /preprocessing/);
      } finally {
        await fs.chmod(ro, 0o755);
      }
    });

    // root ignores modes: run the built CLI as 'nobody' when this is root and runuser exists
    const cliJs = path.join(root, 'bin', 'product-forge.js');
    const asNobody = !nonRoot && process.platform === 'linux' && existsSync('/usr/sbin/runuser') && existsSync(path.join(root, 'dist'))
      && spawnSync('runuser', ['-u', 'nobody', '--', 'true']).status === 0;
    (asNobody ? it : it.skip)('CLI as a non-root user (runuser nobody): --save, --out and the default output in a read-only folder exit 2 before the work', async () => {
      const base = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-train-io-ro-'));
      try {
        const rows = xyRows(60, 8);
        await fs.writeFile(path.join(base, 'train.csv'), `x,y,label\n${rows.map((r) => `${r.x},${r.y},${r.label}`).join('\n')}\n`);
        execFileSync(process.execPath, [cliJs, 'train', path.join(base, 'train.csv'), '--target', 'label', '--model', 'logreg', '--save', path.join(base, 'm'), '-q']);
        const ro = path.join(base, 'ro');
        await fs.mkdir(ro);
        await fs.copyFile(path.join(base, 'train.csv'), path.join(ro, 'in.csv'));
        await fs.chmod(ro, 0o555);
        await fs.chmod(base, 0o755);
        const run = (...args: string[]) => spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, cliJs, ...args], { cwd: base, encoding: 'utf8' });
        const t = run('train', 'train.csv', '--target', 'label', '--save', 'ro/m');
        assert.equal(t.status, 2, t.stderr);
        assert.equal(t.stderr, `product-forge: cannot write into ${ro} (permission denied): choose another --save\n`);
        const p = run('predict', 'm', 'train.csv', '--out', 'ro/p.csv');
        assert.equal(p.status, 2, p.stderr);
        assert.equal(p.stderr, `product-forge: cannot write into ${ro} (permission denied): choose another --out\n`);
        const d = run('predict', 'm', 'ro/in.csv');
        assert.equal(d.status, 2, d.stderr);
        assert.match(d.stderr, /cannot write into .*ro \(permission denied\): choose another --out/);
      } finally {
        await fs.rm(base, { recursive: true, force: true });
      }
    });
  });

  describe('CLI details', () => {
    let file: string;
    before(async () => {
      file = await write('cli.csv', `x,y,label\n${xyRows(80, 10).map((r) => `${r.x},${r.y},${r.label}`).join('\n')}\n`);
    });

    it('--features x,x uses x once and says so', async () => {
      const r = await quietly(() => runTrain([file, '--target', 'label', '--features', 'x,x,y', '--model', 'logreg', '--json']));
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.deepEqual(j.features, ['x', 'y']);
      assert.ok(j.warnings.includes("feature column 'x' listed more than once; used once"), j.warnings.join('; '));
    });

    it('a --test file without a feature column is named in the message', async () => {
      const test = await write('test-no-y.csv', `x,label\n1.5,low\n7.5,high\n`);
      const r = await quietly(() => runTrain([file, '--target', 'label', '--test', test, '--model', 'logreg']));
      assert.equal(r.code, 2);
      assert.match(r.err, new RegExp(`^product-forge: the test file ${test.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} lacks feature column\\(s\\) y of the training file; it has: x, label\\.`));
    });

    it('a column spelled differently only in case, spaces or punctuation is matched (predict and --test), saying so', async () => {
      const save = path.join(dir, 'm-respelled');
      assert.equal((await quietly(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', save, '-q']))).code, 0);
      const rows = xyRows(30, 11);
      const body = rows.map((r) => `${r.x},${r.y},${r.label}`).join('\n');
      const exact = path.join(dir, 'resp-exact.csv'), respelled = path.join(dir, 'resp-out.csv');
      const plainIn = await write('resp-in.csv', `x,y,label\n${body}\n`), respelledIn = await write('resp-in2.csv', `X , Y_,label\n${body}\n`);
      assert.equal((await quietly(() => runPredict([save, plainIn, '--out', exact]))).code, 0);
      const p = await quietly(() => runPredict([save, respelledIn, '--out', respelled]));
      assert.equal(p.code, 0, p.err);
      assert.match(p.err, /column "X" was read as the classifier's "x" \(the names differ only in case, spaces or punctuation\)/);
      assert.match(p.err, /column "Y_" was read as the classifier's "y"/);
      const preds = async (f: string) => (await fs.readFile(f, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',').slice(3).join(','));
      assert.deepEqual(await preds(respelled), await preds(exact));
      assert.equal((await fs.readFile(respelled, 'utf8')).split('\n')[0], 'X,Y_,label,prediction,confidence'); // the file's own names are kept
      // two candidates for one column: nothing is guessed
      const ambIn = await write('resp-amb.csv', `X,x_,Y,label\n1,2,3,low\n`);
      const amb = await quietly(() => runPredict([save, ambIn, '--out', path.join(dir, 'resp-amb-out.csv')]));
      assert.equal(amb.code, 2);
      assert.match(amb.err, /lacks column\(s\) the classifier was trained on: x\./);
      // a --test file spelled the other way
      const testIn = await write('resp-test.csv', `X,Y,Label\n${body}\n`);
      const t = await quietly(() => runTrain([file, '--target', 'label', '--test', testIn, '--model', 'logreg', '--json']));
      assert.equal(t.code, 0, t.err);
      const j = JSON.parse(t.out);
      assert.equal(j.test_rows, 30);
      assert.ok(j.warnings.some((w: string) => /column "Label" was read as the training file's "label"/.test(w)), j.warnings.join('; '));
    });

    it('predict refuses an --out name of another format (it writes CSV), before any work', async () => {
      const save = path.join(dir, 'm-ext');
      assert.equal((await quietly(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', save, '-q']))).code, 0);
      for (const name of ['preds.json', 'preds.XLSX', 'preds.jsonl']) {
        const p = await quietly(() => runPredict([save, file, '--out', path.join(dir, name)]));
        assert.equal(p.code, 2, name);
        assert.match(p.err, /^product-forge: predict writes CSV \(the input's columns plus prediction and confidence\), not (JSON|XLSX|JSONL); give --out a \.csv name \(e\.g\. .*preds\.csv\)\n$/);
        assert.ok(!existsSync(path.join(dir, name)));
      }
      for (const name of ['preds.csv', 'preds.tsv', 'preds.txt']) assert.equal((await quietly(() => runPredict([save, file, '--out', path.join(dir, name)]))).code, 0, name);
    });

    it('predict --out - writes the CSV to standard output and the summary to stderr', async () => {
      const save = path.join(dir, 'm-stdout');
      assert.equal((await quietly(() => runTrain([file, '--target', 'label', '--model', 'logreg', '--save', save, '-q']))).code, 0);
      const before = await fs.readdir(dir);
      const p = await quietly(() => runPredict([save, file, '--out', '-']));
      assert.equal(p.code, 0, p.err);
      const lines = p.out.trim().split('\n');
      assert.equal(lines[0], 'x,y,label,prediction,confidence');
      assert.equal(lines.length, 81);
      assert.match(p.err, /wrote 80 predictions to standard output/);
      assert.deepEqual(await fs.readdir(dir), before, 'no file written');
      assert.equal((await quietly(() => runPredict([save, file, '--out', '']))).code, 2);
    });
  });
});
