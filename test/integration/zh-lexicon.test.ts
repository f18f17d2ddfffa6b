// The Chinese lexicon that Explain and "driven by" cut words with (src/core/analysis/zh-lexicon.ts) is what
// scripts/models/zh-lexicon.ts makes from the shared review datasets: rebuilt here and compared byte for byte.
// Skips with a message when ../shared/datasets is missing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const datasets = path.resolve(root, '..', 'shared', 'datasets');

describe('Chinese lexicon', function () {
  this.timeout(120_000);
  before(function () {
    if (!existsSync(path.join(datasets, 'waimai_10k')) || !existsSync(path.join(datasets, 'online_shopping_10_cats'))) {
      console.log(`    (skipped: shared datasets not found at ${datasets})`);
      this.skip();
    }
  });

  it('is reproduced by its script from the datasets, and holds the words of product reviews', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pf-lexicon-'));
    try {
      const out = path.join(dir, 'zh-lexicon.ts');
      execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'models', 'zh-lexicon.ts'), datasets], {
        cwd: root,
        env: { ...process.env, PF_LEXICON_OUT: out },
        stdio: 'pipe',
      });
      const committed = readFileSync(path.join(root, 'src', 'core', 'analysis', 'zh-lexicon.ts'), 'utf8');
      assert.ok(readFileSync(out, 'utf8') === committed, 'src/core/analysis/zh-lexicon.ts differs from what npm run models:zh-lexicon makes: rerun it');
      const words = new Set(JSON.parse(/= (".*");/.exec(committed)![1]).split(' '));
      for (const w of ['丢失', '任何', '内容', '客服', '态度', '解决', '问题', '物流', '质量', '包装']) assert.ok(words.has(w), w);
      // fragments of longer words are not words
      for (const w of ['失任', '何内容', '深色模']) assert.ok(!words.has(w), w);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
