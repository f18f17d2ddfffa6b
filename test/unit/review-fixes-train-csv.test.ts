// Train's CSV reading: defects found reviewing the day's changes.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { looksLikeArff, readTable } from '../../src/core/train/csv';

describe('train CSV: a Weka ARFF file is named as one', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-arff-')); });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('an ARFF file opening with % comment lines, saved under a .csv name, is named as ARFF', async () => {
    const f = path.join(dir, 'iris.csv');
    await fs.writeFile(f, '% 1. Title: Iris Plants Database\n%\n% 2. Sources:\n@RELATION iris\n\n@ATTRIBUTE sepallength NUMERIC\n@ATTRIBUTE class {Iris-setosa,Iris-versicolor}\n\n@DATA\n5.1,Iris-setosa\n7.0,Iris-versicolor\n');
    await assert.rejects(readTable(f), /iris\.csv is a Weka ARFF file, not a CSV\/TSV table/);
  });

  it('looksLikeArff skips blank and comment lines, and nothing else', () => {
    assert.equal(looksLikeArff('\n% a\n  %b\n\n@relation x\n'), true);
    assert.equal(looksLikeArff('@RELATION iris\n'), true);
    assert.equal(looksLikeArff('% only comments\n%\n'), false);
    assert.equal(looksLikeArff('text\nrelation @relation\n'), false);
  });
});
