// README's quick start tells a new engineer what the first command analyzes and, honestly, how the bundled model
// does on it: these are its claims, checked against the real bundled model on the bundled samples, so that a change
// of the samples or of the model that makes them untrue fails here instead of misleading the reader.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const modelDir = path.join(root, 'models', 'product-forge', 'sentiment-en-zh');

interface Item { text: string; label: string; source: string; fields?: Record<string, string> }
interface Analysis { total: number; files: unknown[]; items: Item[]; rating?: { agreement: number; rated: number } }

describe("README quick start: what it says about the samples (real model)", function () {
  this.timeout(600000);
  let quickStart = '';
  /** The quick start as one line (README wraps its text anywhere). */
  let prose = '';
  let analysis: Analysis;

  before(function () {
    if (!fs.existsSync(path.join(modelDir, 'config.json'))) {
      console.log('    skipped: the bundled model is not present');
      this.skip();
    }
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## CLI'));
    prose = quickStart.replace(/\s+/g, ' ');
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    // the quick start's own command, as JSON (the same analysis the Markdown report is written from)
    const r = spawnSync(process.execPath, ['bin/product-forge.js', 'analyze', 'samples/feedback', '--format', 'json', '--device', 'cpu', '-q'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(r.status, 0, r.stderr);
    analysis = JSON.parse(r.stdout);
  });

  it('runs the command it says, on the number of items it says', () => {
    assert.match(quickStart, /npx product-forge analyze samples\/feedback\n/);
    const said = /holds (\d+) items/.exec(prose);
    assert.ok(said, 'the quick start says how many items the samples hold');
    assert.equal(analysis.total, Number(said[1]));
  });

  it('the mislabels it quotes are what the model says', () => {
    const quoted = [...prose.matchAll(/"([^"]+\.)"(?: \(rated \d stars\))? comes out (negative|neutral|positive)|"([^"]+\.)" (negative|neutral|positive);/g)];
    assert.ok(quoted.length >= 2, 'the quick start quotes mislabelled items');
    for (const m of quoted) {
      const text = m[1] ?? m[3];
      const label = m[2] ?? m[4];
      const item = analysis.items.find((i) => i.text === text);
      assert.ok(item, `"${text}" is a sample item`);
      assert.equal(item.label, label, `"${text}"`);
    }
  });

  it('"about two rated items in three" agree with their rating', () => {
    assert.match(prose, /agrees with the rating for only about two rated items in three/);
    assert.ok(analysis.rating, 'the samples have ratings');
    assert.ok(analysis.rating.agreement > 0.58 && analysis.rating.agreement < 0.75, `agreement ${(analysis.rating.agreement * 100).toFixed(1)}%`);
  });
});
