// Ctrl+C in the built CLI while the real model analyzes a large file: exit 130, nothing written, no temp files
// left, and the same SIGINT delivered twice (as a terminal or `timeout` sends it to the process and its group)
// does not cut the clean-up short.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

describe('cli analyze: Ctrl+C (real model)', function () {
  this.timeout(300000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cancel-'));
    // long enough to be still running when the signal comes, even on a fast machine
    const lines: string[] = [];
    for (let i = 0; i < 300_000; i++) lines.push(`Item ${i}: the export ${i % 3 ? 'keeps crashing since the update' : 'works great, thanks'} (${i % 97})`);
    fs.writeFileSync(path.join(dir, 'big.txt'), lines.join('\n') + '\n');
    fs.mkdirSync(path.join(dir, 'tmp'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during the analysis: exit ${signal === 'SIGINT' ? 130 : 143}, no output, no temp files`, async () => {
      const out = path.join(dir, `res-${signal}.csv`);
      // TMPDIR: the run's temp files go where the test can see them
      const child = spawn(process.execPath, [path.join(root, 'bin', 'product-forge.js'), 'analyze', path.join(dir, 'big.txt'), '--out', out, '--device', 'cpu'], {
        cwd: dir,
        env: { ...process.env, TMPDIR: path.join(dir, 'tmp') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // once the model is loaded and the analysis has begun
      for (const deadline = Date.now() + 120_000; !/model .* on cpu \(loaded/.test(err); await new Promise((r) => setTimeout(r, 100))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the analysis did not start: ${err}`);
      }
      await new Promise((r) => setTimeout(r, 800));
      const ours = () => fs.readdirSync(path.join(dir, 'tmp')).filter((n) => n.startsWith('product-forge'));
      assert.equal(ours().length, 1, 'the run has a temp folder while it works');
      child.kill(signal);
      child.kill(signal); // the same signal again at once: ignored
      const code = await exited;
      assert.equal(code, signal === 'SIGINT' ? 130 : 143, err);
      assert.match(err, /cancelled; nothing was written/);
      assert.doesNotMatch(err, /terminate called|Napi::Error/);
      assert.ok(!fs.existsSync(out), 'no output file');
      assert.deepEqual(ours(), [], 'no temp files left');
      assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.')), [], 'no half-written output');
    });
  }
});

// `product-forge … | head`: the reader of stdout leaves early. The command stops as on Ctrl+C (the model worker winds
// down), quietly: exit 141 as if killed by SIGPIPE, no stack trace, no native abort.
describe('cli: stdout closed early (| head)', function () {
  this.timeout(300000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-epipe-'));
    fs.writeFileSync(path.join(dir, 'big.txt'), Array.from({ length: 40_000 }, (_, i) => `Item ${i}: the export keeps crashing since the update`).join('\n') + '\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // [name, args, always more than a pipe holds (else the run may finish before the reader leaves)]
  const cases: [string, string[], boolean?][] = [
    ['analyze --format jsonl (real model)', ['analyze', 'big.txt', '--format', 'jsonl'], true],
    ['generate with the local backend (tiny random decoder)', ['generate', 'prd', '--brief', path.join(root, 'test/fixtures/generate/brief.md'), '--evidence', path.join(root, 'test/fixtures/generate/feedback.csv'), '--model', path.join(root, 'test/fixtures/models/tiny-random-decoder'), '--max-new-tokens', '48']],
    ['generate with the template backend', ['generate', 'prd', '--brief', path.join(root, 'test/fixtures/generate/brief.md'), '--evidence', path.join(root, 'test/fixtures/generate/feedback.csv'), '--backend', 'template']],
  ];
  it('predict --out - (a saved classifier on 150,000 rows)', async () => {
    const cli = path.join(root, 'bin', 'product-forge.js');
    const clf = path.join(dir, 'clf');
    const t = spawnSync(process.execPath, [cli, 'train', path.join(root, 'test/fixtures/train/labelled-feedback.csv'), '--target', 'sentiment', '--save', clf, '-q'], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    fs.writeFileSync(path.join(dir, 'new.csv'), ['feedback', ...Array.from({ length: 150_000 }, (_, i) => `item ${i}: sync keeps failing`)].join('\n') + '\n');
    const child = spawn(process.execPath, [cli, 'predict', clf, 'new.csv', '--out', '-'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    assert.equal(await exited, 141, err);
    assert.doesNotMatch(err, /EPIPE|Error:|cancelling|wrote \d+ predictions/, err);
  });

  for (const [name, args, big] of cases) {
    it(name, async () => {
      const child = spawn(process.execPath, [path.join(root, 'bin', 'product-forge.js'), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // read the first bytes, then go away as `head -c` does
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      child.stdout.destroy();
      const code = await exited;
      if (code === 0 && !big) return; // everything fitted in the pipe before it closed: nothing to stop
      assert.equal(code, 141, err);
      assert.doesNotMatch(err, /EPIPE|Error:|terminate called|Napi::Error|cancelling/, err);
    });
  }
});
