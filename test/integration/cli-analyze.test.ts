// End to end: the built CLI analyzes the bundled samples with the REAL bundled sentiment model.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const modelDir = path.join(root, 'models', 'product-forge', 'sentiment-en-zh');
const runtimeSrc = path.join(root, 'src', 'runtime', 'sentiment.ts');
// The registry only resolves bundled models listed in models/manifest.json.
const manifest = path.join(root, 'models', 'manifest.json');

/** Lines of a sample file as the readers number them, decoded like they are. */
/** Runs the CLI on the CPU, quietly; it must succeed. Its standard output. */
function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, ['bin/product-forge.js', ...args, '--device', 'cpu', '--quiet'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function fileLines(file: string): string[] {
  const buf = fs.readFileSync(path.join(root, file));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    text = new TextDecoder('gb18030').decode(buf);
  }
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
}

describe('cli analyze (real model)', function () {
  this.timeout(600000);
  let rows: { source: string; line: number; text: string; label: string; score: number; scores: Record<string, number> }[] = [];
  let stderr = '';

  before(function () {
    const missing = [modelDir, runtimeSrc, manifest].filter((p) => !fs.existsSync(p));
    if (missing.length) {
      console.log(`    skipped: ${missing.map((p) => path.relative(root, p)).join(' and ')} not present yet`);
      this.skip();
    }
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    const r = spawnSync(process.execPath, ['bin/product-forge.js', 'analyze', 'samples/feedback', '--format', 'jsonl', '--device', 'cpu'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    stderr = r.stderr;
    assert.equal(r.status, 0, r.stderr);
    rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  });

  it('every line is a result whose source and line point at the text in the file', () => {
    assert.ok(rows.length >= 200, `${rows.length} rows`);
    const cache = new Map<string, string[]>();
    for (const r of rows) {
      assert.ok(['negative', 'neutral', 'positive'].includes(r.label));
      const sum = r.scores.negative + r.scores.neutral + r.scores.positive;
      assert.ok(Math.abs(sum - 1) < 0.01, `scores sum ${sum}`);
      assert.equal(r.score, Math.max(r.scores.negative, r.scores.neutral, r.scores.positive));
      const src = r.source.split(path.sep).join('/');
      assert.ok(src.startsWith('samples/feedback/'), src);
      if (!cache.has(src)) cache.set(src, fileLines(src));
      const line = cache.get(src)![r.line - 1];
      assert.ok(line !== undefined, `${src}:${r.line} exists`);
      // The first line of the item holds the start of its text (CSV quoting and JSON escaping aside).
      const head = r.text.split('\n')[0].slice(0, 20);
      assert.ok(line.includes(head) || line.includes(JSON.stringify(head).slice(1, -1)), `${src}:${r.line}: "${line}" should contain "${head}"`);
    }
    assert.equal(new Set(rows.map((r) => r.source.split(path.sep).join('/'))).size, 5);
  });

  it('obvious items get the right label (at least 10 of 12)', () => {
    const obvious: [string, string][] = [
      ['Lost an entire meeting', 'negative'],
      ['Terrible update, everything is slower', 'negative'],
      ['Horrible experience, my notebooks are gone', 'negative'],
      ['Dark mode looks fantastic', 'positive'],
      ['Fast, stable and beautiful. Five stars.', 'positive'],
      ['Great job on the new templates', 'positive'],
      ['更新以后一直闪退', 'negative'],
      ['排队时间太长', 'negative'],
      ['会员价格涨得太离谱了', 'negative'],
      ['手写识别非常准确', 'positive'],
      ['界面简洁，用起来很顺手', 'positive'],
      ['全家都在用', 'positive'],
    ];
    const misses: string[] = [];
    for (const [t, want] of obvious) {
      const r = rows.find((x) => x.text.includes(t));
      assert.ok(r, `item "${t}" is in the output`);
      if (r!.label !== want) misses.push(`"${t}": ${r!.label} ${r!.score}, expected ${want}`);
    }
    assert.ok(misses.length <= 2, `wrong labels: ${misses.join('; ')}`);
  });

  it('logs model, device and throughput on stderr', () => {
    assert.match(stderr, /model .*sentiment-en-zh on cpu/);
    assert.match(stderr, /items in .* items\/s/);
  });

  it('--explain gives every row the words that drove its label; the report names them for listed items', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-explain-'));
    try {
      const file = path.join(tmp, 'fb.txt');
      fs.writeFileSync(file, ['Terrible update, everything is slower', 'Dark mode looks fantastic', 'The export button is on the left', '更新以后一直闪退'].join('\n'));
      const run = (...extra: string[]) => {
        const r = spawnSync(process.execPath, ['bin/product-forge.js', 'analyze', file, '--device', 'cpu', '--quiet', ...extra], { cwd: root, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout;
      };
      const parse = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l));
      const explained = parse(run('--explain', '--format', 'jsonl'));
      const plain = parse(run('--format', 'jsonl'));
      assert.deepEqual(explained.map((o) => [o.label, o.score]), plain.map((o) => [o.label, o.score]), 'explaining changes no result');
      assert.ok(plain.every((o) => o.drivers === undefined));
      for (const o of explained) {
        assert.ok(Array.isArray(o.drivers) && o.drivers.length <= 5, JSON.stringify(o));
        for (const d of o.drivers) assert.equal(o.text.slice(d.start, d.end), d.token);
      }
      const [bad, good, , zh] = explained;
      const top = (o: { drivers: { token: string; weight: number }[] }) => o.drivers.filter((d) => d.weight > 0)[0]?.token;
      assert.equal(bad.label, 'negative');
      assert.ok(['Terrible', 'slower'].includes(top(bad)), JSON.stringify(bad.drivers));
      assert.equal(good.label, 'positive');
      assert.equal(top(good), 'fantastic', JSON.stringify(good.drivers));
      assert.equal(zh.label, 'negative');
      assert.equal(top(zh), '闪退', JSON.stringify(zh.drivers));
      assert.match(run(), /“Terrible update, everything is slower” — `[^`]+:1` · driven by “(Terrible|slower)”/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('an item the model is sure of (scored 0.9999 and up) still names its words, in the report, the CSV and explain', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-explain-sure-'));
    try {
      const file = path.join(tmp, 'sure.txt');
      const bad = 'Dull, dull, dull. Pointless and boring, the worst film I have ever seen. Terrible acting, horrible plot, awful ending.';
      const good = 'I loved this wonderful, touching, beautiful book. A rare gem, fantastic and moving, highly recommended.';
      fs.writeFileSync(file, [bad, good].join('\n'));
      const rows = cli('analyze', file, '--explain', '--format', 'jsonl').trim().split('\n').map((l) => JSON.parse(l));
      const words = { negative: ['dull', 'pointless', 'boring', 'worst', 'terrible', 'horrible', 'awful'], positive: ['loved', 'wonderful', 'touching', 'beautiful', 'gem', 'fantastic', 'recommended'] };
      for (const [o, label] of [[rows[0], 'negative'], [rows[1], 'positive']] as const) {
        assert.equal(o.label, label);
        assert.ok(o.score > 0.9999, `${label} ${o.score}`);
        // no single word moves such a score by half a point: the words are found by their log-odds
        assert.ok(o.drivers.every((d: { weight: number }) => Math.abs(d.weight) < 0.005), JSON.stringify(o.drivers));
        const pro = o.drivers.filter((d: { weight: number }) => d.weight > 0).map((d: { token: string }) => d.token.toLowerCase());
        assert.ok(pro.length >= 2 && words[label].includes(pro[0]), `${label}: ${JSON.stringify(o.drivers)}`);
      }
      assert.match(cli('analyze', file), /“Dull, dull, dull\. Pointless[^”]*” — `[^`]+:1` · driven by “[^”]+”/);
      const ex = cli('explain', good);
      assert.match(ex, /words supporting "positive":\n +\+[<\d.]+ +(loved|wonderful) +\[\d+-\d+\] +\(log-odds -\d+\.\d\d without it\)/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a long review\'s drivers are words, not the passages it was occluded in', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-explain-long-'));
    try {
      const file = path.join(tmp, 'long.txt');
      const filler = 'The film follows a family that moves to a small town in the north, where the father takes a job at the local mill and the children start at a new school. ';
      const review = 'I have read many histories of the period and this account of the war, told through the letters of soldiers and their families, is a wonderful and moving book that I loved from start to finish. ' + filler.repeat(5);
      fs.writeFileSync(file, `${review.trim()}\nShort and fine.\n`);
      const long = JSON.parse(cli('analyze', file, '--format', 'json')).mostPositive.find((it: { line: number }) => it.line === 1);
      assert.ok(long && long.text.length > 900, 'the long review is listed');
      // occluded in 8 runs of about 20 words; the strongest run is named by its word
      const top = long.drivers.filter((d: { weight: number }) => d.weight > 0)[0];
      assert.ok(top && ['wonderful', 'loved', 'moving'].includes(top.token), JSON.stringify(long.drivers));
      assert.equal(long.text.slice(top.start, top.end), top.token);
      for (const d of long.drivers) assert.equal(long.text.slice(d.start, d.end), d.token);
      // --explain (every row; shorter runs, up to 32 a text) names them too
      const row = JSON.parse(cli('analyze', file, '--explain', '--format', 'jsonl').split('\n')[0]);
      assert.equal(row.drivers.filter((d: { weight: number }) => d.weight > 0)[0]?.token, top.token, JSON.stringify(row.drivers));
      for (const d of row.drivers.filter((x: { weight: number }) => x.weight > 0)) assert.ok(!d.token.includes(' '), `a passage among the drivers: ${d.token}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('explain --file --line explains the text cell of the row at that line (a continuation line of a quoted cell too)', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-explain-line-'));
    try {
      const file = path.join(tmp, 'fb.csv');
      fs.writeFileSync(file, 'date,text\n2024-03-01,Dark mode looks fantastic\n2024-03-02,"Terrible update,\neverything is slower"\n');
      const run = (line: number, ...extra: string[]) => {
        const r = spawnSync(process.execPath, ['bin/product-forge.js', 'explain', '--file', file, '--line', String(line), '--json', '--device', 'cpu', ...extra], { cwd: root, encoding: 'utf8' });
        return { status: r.status, out: r.status === 0 ? JSON.parse(r.stdout) : undefined, err: r.stderr };
      };
      const good = run(2);
      assert.equal(good.out.text, 'Dark mode looks fantastic');
      assert.equal(good.out.label, 'positive');
      const top = [...good.out.tokens].sort((a: { weight: number }, b: { weight: number }) => b.weight - a.weight)[0];
      assert.equal(top.token, 'fantastic');
      assert.equal(run(4).out.text, 'Terrible update,\neverything is slower', 'line 4 continues the row of line 3');
      // two-way: the label and the weights use P(negative) and P(positive) renormalized
      const two = run(2, '--two-way').out;
      assert.equal(two.label, 'positive');
      assert.equal(two.scores.neutral, 0);
      assert.ok(Math.abs(two.scores.positive - good.out.scores.positive / (good.out.scores.positive + good.out.scores.negative)) < 1e-6);
      const header = run(1);
      assert.equal(header.status, 2);
      assert.match(header.err, /no feedback item at line 1 of .*fb\.csv \(items start at lines 2, 3…\)/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('--two-way labels negative or positive by P(negative) vs P(positive): SST-2 dev as bench:quality scores it', function () {
    const dev = path.resolve(root, '..', 'shared', 'datasets', 'sst2', 'stsa.binary.dev');
    if (!fs.existsSync(dev)) {
      console.log(`    (skipped: ${dev} not found)`);
      this.skip();
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-two-way-'));
    try {
      const rows = fs.readFileSync(dev, 'utf8').trim().split('\n').map((l) => ({ gold: l[0] === '1' ? 'positive' : 'negative', text: l.slice(2) }));
      const file = path.join(tmp, 'sst2-dev.txt');
      fs.writeFileSync(file, rows.map((r) => r.text).join('\n'));
      const run = (...extra: string[]) => {
        const r = spawnSync(process.execPath, ['bin/product-forge.js', 'analyze', file, '--format', 'jsonl', '--device', 'cpu', '--quiet', ...extra], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      };
      const three = run();
      const two = run('--two-way');
      assert.equal(two.length, rows.length);
      let agree = 0;
      for (let i = 0; i < rows.length; i++) {
        const t = three[i].scores;
        assert.equal(two[i].label, t.positive > t.negative ? 'positive' : 'negative', `item ${i + 1}: the two-class decision of the three-way scores`);
        // (the outputs are rounded to 4 decimals, so the ratio of two rounded scores is only that close)
        const tol = 1e-4 + 1e-4 / Math.max(t.positive + t.negative, 1e-3);
        assert.ok(Math.abs(two[i].scores.positive - t.positive / (t.positive + t.negative)) <= tol, `item ${i + 1}: ${JSON.stringify([two[i].scores, t])}`);
        if (two[i].label === rows[i].gold) agree++;
      }
      assert.ok(three.some((o) => o.label === 'neutral'), 'three-way calls some of these neutral');
      // the model card's SST-2 dev figure (85.7%) within rounding
      assert.ok(Math.abs(agree / rows.length - 0.857) < 0.006, `SST-2 dev two-way accuracy ${(agree / rows.length * 100).toFixed(1)}%`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('no output goes into the model folder it found by id (bundled or under --models-path)', () => {
    const into = path.join(modelDir, 'report.md');
    const r = spawnSync(process.execPath, ['bin/product-forge.js', 'analyze', 'samples/feedback/app-reviews.csv', '--out', into, '--force', '--device', 'cpu', '-q'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /is inside .*sentiment-en-zh, which is being read/);
    assert.ok(!fs.existsSync(into));
  });
});
