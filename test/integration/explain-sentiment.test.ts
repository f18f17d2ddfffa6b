// Explain Sentiment with the REAL bundled model: the built CLI (`explain`, as a product manager runs it) on short,
// mixed, Chinese, emoji/URL and long IMDB texts, and cancellation through the runtime (as the VS Code command cancels).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXPLAIN_CHAR_BUDGET, MAX_EXPLAIN_CHARS, splitUnits } from '../../src/core/analysis/explain';
import { CancelledError } from '../../src/core/types';
import { ModelRuntime } from '../../src/runtime/client';
import { createSentimentClassifier } from '../../src/runtime/sentiment';
import { buildWorker, bundledSentimentDir, SENTIMENT_ID } from '../unit/runtime.helpers';

const root = path.resolve(__dirname, '..', '..');
const imdb = path.resolve(root, '..', 'shared', 'datasets', 'imdb', 'train.tsv');

interface Explained {
  text: string;
  label: string;
  scores: Record<string, number>;
  units: 'words' | 'passages';
  wordsPerUnit: number;
  tokens: { token: string; start: number; end: number; weight: number; logOdds: number }[];
}

function explain(text: string, ...extra: string[]): { status: number | null; out?: Explained; stdout: string; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['bin/product-forge.js', 'explain', '--device', 'cpu', '--quiet', ...extra, '--', text], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Date.now() - t0;
  return { status: r.status, out: r.status === 0 && extra.includes('--json') ? JSON.parse(r.stdout) : undefined, stdout: r.stdout, stderr: r.stderr, ms };
}
const tokens = (e: Explained) => e.tokens.map((t) => t.token);
/** The units that drove the label, strongest first. */
const pro = (e: Explained) => e.tokens.filter((t) => t.weight > 0).sort((a, b) => b.weight - a.weight).map((t) => t.token);

/** The first IMDB review with about `words` words (train.tsv: label, id, text). */
function imdbReview(words: number): string {
  for (const line of fs.readFileSync(imdb, 'utf8').split('\n').slice(1)) {
    const text = line.split('\t').slice(2).join('\t');
    if (Math.abs(text.split(/\s+/).length - words) <= 10) return text;
  }
  throw new Error(`no IMDB review of about ${words} words in ${imdb}`);
}

describe('Explain Sentiment with the real model', function () {
  this.timeout(600_000);

  before(function () {
    if (!bundledSentimentDir()) {
      console.log(`    (skipped: the bundled model ${SENTIMENT_ID} is not built yet: run npm run models:build)`);
      this.skip();
    }
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
  });

  it('a mixed review: the broken strap drives "negative", the fast shipping argues against it', () => {
    const r = explain('fast shipping but the strap broke', '--json');
    assert.equal(r.status, 0, r.stderr);
    const e = r.out!;
    assert.equal(e.label, 'negative');
    assert.deepEqual(tokens(e), ['fast', 'shipping', 'but', 'the', 'strap', 'broke']);
    assert.ok(e.tokens.find((t) => t.token === 'fast')!.weight < 0, JSON.stringify(e.tokens));
    assert.ok(['but', 'strap', 'broke'].includes(pro(e)[0]), JSON.stringify(e.tokens));
    // the text output says what its numbers are
    const text = explain('fast shipping but the strap broke');
    assert.match(text.stdout, /^numbers: points of P\(negative\) lost without the word /m);
  });

  it('Chinese: the units are the words a reader names (总是, 收不到, 打不开, 但是), not their characters', () => {
    const login = explain('登录总是失败，验证码收不到。', '--json').out!;
    assert.deepEqual(tokens(login), ['登录', '总是', '失败', '验证码', '收不到']);
    assert.equal(login.label, 'negative');
    assert.equal(pro(login)[0], '失败');
    const crash = explain('更新以后一直闪退，根本打不开。', '--json').out!;
    assert.ok(tokens(crash).includes('打不开') && !tokens(crash).includes('不'), JSON.stringify(tokens(crash)));
    assert.ok(pro(crash).slice(0, 3).includes('打不开') && pro(crash).slice(0, 3).includes('闪退'), JSON.stringify(crash.tokens));
    const mixed = explain('质量很好，但是物流太慢了', '--json').out!;
    assert.ok(tokens(mixed).includes('但是'));
    assert.equal(pro(mixed)[0], '太慢');
    for (const e of [login, crash, mixed]) for (const t of e.tokens) assert.equal(e.text.slice(t.start, t.end), t.token);
  });

  it('an address and emoji are units of their own, with their spans', () => {
    const text = 'Love it 😍😍 but check https://example.com/refund-policy for the awful return process';
    const e = explain(text, '--json').out!;
    assert.deepEqual(tokens(e).slice(0, 6), ['Love', 'it', '😍😍', 'but', 'check', 'https://example.com/refund-policy']);
    assert.equal(pro(e)[0], 'awful');
    for (const t of e.tokens) assert.equal(text.slice(t.start, t.end), t.token);
  });

  it('a 200-word IMDB review is explained word by word, in seconds; a longer one by passages (it was refused)', function () {
    if (!fs.existsSync(imdb)) {
      console.log(`    (skipped: ${imdb} is missing)`);
      this.skip();
    }
    const review = imdbReview(200);
    const r = explain(review, '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.out!.units, 'words');
    assert.deepEqual(tokens(r.out!), splitUnits(review).map((u) => u.token), 'every word');
    console.log(`    (a ${review.split(/\s+/).length}-word review: ${r.out!.tokens.length} words explained in ${r.ms} ms, model load included)`);
    assert.ok(r.ms < 120_000, `${r.ms} ms`);

    const long = imdbReview(700);
    assert.ok(long.length > EXPLAIN_CHAR_BUDGET / 512, `${long.length} characters`);
    const l = explain(long, '--json');
    assert.equal(l.status, 0, l.stderr);
    const e = l.out!;
    assert.equal(e.units, 'passages');
    assert.ok(e.wordsPerUnit >= 2);
    assert.ok(e.tokens.length * long.length <= EXPLAIN_CHAR_BUDGET);
    for (const t of e.tokens) assert.equal(long.slice(t.start, t.end), t.token);
    for (let i = 1; i < e.tokens.length; i++) assert.ok(e.tokens[i].start > e.tokens[i - 1].end);
    assert.ok(e.tokens.some((t) => Math.abs(t.weight) >= 0.005), 'some passage moves the score');
    console.log(`    (a ${long.split(/\s+/).length}-word review: ${e.tokens.length} passages of ${e.wordsPerUnit} words in ${l.ms} ms)`);
    // the text output says so, and shows the text by its start and end
    const shown = explain(long, '--top', '3');
    assert.match(shown.stdout, new RegExp(`^\\(a long text: removed in passages of ${e.wordsPerUnit} words`, 'm'));
    assert.match(shown.stdout, /^text: .{1,300} \([\d,]+ characters\)$/m);
  });

  it('--line N-M explains each feedback item on those lines of a CSV, each as --line N does; past 20, a warning says where the rest start', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-explain-'));
    try {
      const csv = path.join(dir, 'feedback.csv');
      fs.writeFileSync(csv, 'id,text,stars\n1,The app crashes every time I open it,1\n2,"Love the new dashboard, it saves me an hour",5\n3,"Fast shipping but the strap broke\nafter a week",2\n\n4,Too pricey for what it does,2\n');
      const run = (...args: string[]) => spawnSync(process.execPath, ['bin/product-forge.js', 'explain', '--device', 'cpu', ...(args.includes('--file') ? [] : ['--file', csv]), ...args], { cwd: root, encoding: 'utf8' });
      const r = run('--line', '1-5', '--json');
      assert.equal(r.status, 0, r.stderr);
      const items = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      // the header is no item; line 5 continues the row of line 4; only the text column is explained
      assert.deepEqual(items.map((i) => [i.line, i.text]), [[2, 'The app crashes every time I open it'], [3, 'Love the new dashboard, it saves me an hour'], [4, 'Fast shipping but the strap broke\nafter a week']]);
      for (const it of items) {
        const one = run('--line', String(it.line), '--json');
        assert.deepEqual({ line: it.line, ...JSON.parse(one.stdout) }, it, `line ${it.line} alone`);
      }
      const text = run('--line', '2-7');
      assert.deepEqual(text.stdout.match(/^line \d+:$/gm), ['line 2:', 'line 3:', 'line 4:', 'line 7:']);
      const many = path.join(dir, 'many.csv');
      fs.writeFileSync(many, `text\n${Array.from({ length: 23 }, (_, i) => `review ${i + 1}: the battery lasts all day`).join('\n')}\n`);
      const m = run('--file', many, '--line', '1-30', '--json');
      assert.equal(m.status, 0, m.stderr);
      assert.equal(m.stdout.trim().split('\n').length, 20);
      assert.match(m.stderr, /lines 1-30 hold 23 feedback items; explain takes at most 20 at a time: these are the first 20; give --line 22-30 for the rest/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a text over the limit is refused in one line that says what to do', () => {
    const text = 'slow app. '.repeat(MAX_EXPLAIN_CHARS / 10 + 1).trim(); // (the CLI trims the text)
    const r = explain(text);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stderr, `product-forge: The text is ${text.length.toLocaleString('en-US')} characters long; Explain Sentiment takes at most 50,000 (about 8,000 words) at a time: explain a part of it.\n`);
  });

  it('cancelling stops an explanation in progress; the next one runs', async () => {
    const runtime = new ModelRuntime({ workerScript: await buildWorker() });
    try {
      const clf = await createSentimentClassifier(runtime, { modelId: SENTIMENT_ID, modelDir: bundledSentimentDir()!, device: 'cpu' });
      const long = 'The battery dies by noon and the support team never answers, which is a shame because the screen is lovely. '.repeat(400);
      const ac = new AbortController();
      const t0 = Date.now();
      setTimeout(() => ac.abort(), 150);
      await assert.rejects(clf.explain(long, ac.signal), (e: unknown) => e instanceof CancelledError || (e as Error).name === 'CancelledError');
      const stoppedMs = Date.now() - t0;
      console.log(`    (cancelled after ${stoppedMs} ms)`);
      assert.ok(stoppedMs < 10_000, `${stoppedMs} ms`);
      const r = await clf.explain('the screen is lovely');
      assert.equal(r.label, 'positive');
      assert.equal(r.units, 'words');
    } finally {
      await runtime.dispose();
    }
  });
});
