// onnxruntime-node ships Microsoft's 1DS telemetry on Linux and macOS: a device id and an event database under
// $XDG_CACHE_HOME/Microsoft/DeveloperTools/.onnxruntime, mat-debug-<pid>.log and .ses files in the temp folder, and
// uploads. Product Forge opts out (src/core/ortPrivacy.ts). These tests run the built CLI's commands that load ONNX
// Runtime (analyze with the real model, train with ONNX export checked, predict, explain) in an environment of
// their own and look for any of those files. A control run loads onnxruntime-node without the opt-out in the same
// environment, so the check is known to see the files when they are written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'bin', 'product-forge.js');
const modelDir = path.join(root, 'models', 'product-forge', 'sentiment-en-zh');

/** Telemetry left behind in a run's cache and temp folders (relative paths). */
function traces(dir: string): string[] {
  const found: string[] = [];
  for (const cache of ['cache', 'home/.cache']) {
    const ort = path.join(cache, 'Microsoft', 'DeveloperTools', '.onnxruntime');
    if (fs.existsSync(path.join(dir, ort))) found.push(ort);
  }
  for (const n of fs.readdirSync(path.join(dir, 'tmp'))) if (/^mat-debug-|\.ses$/.test(n)) found.push(`tmp/${n}`);
  return found;
}

describe('privacy: ONNX Runtime telemetry stays off (built CLI, real models)', function () {
  this.timeout(300000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const fresh = () => {
    for (const sub of ['cache', 'tmp', 'home']) {
      fs.rmSync(path.join(dir, sub), { recursive: true, force: true });
      fs.mkdirSync(path.join(dir, sub));
    }
  };
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-privacy-'));
    env = { ...process.env, HOME: path.join(dir, 'home'), XDG_CACHE_HOME: path.join(dir, 'cache'), TMPDIR: path.join(dir, 'tmp') };
    // ONNX Runtime stays quiet on its own on CI services and in its own unit tests; this test must not rely on that.
    for (const k of ['ORT_DISABLE_TELEMETRY', 'ORT_RUNNING_UNIT_TESTS', 'CI', 'TF_BUILD', 'GITHUB_ACTIONS', 'GITLAB_CI', 'CIRCLECI', 'BUILD_BUILDID', 'JENKINS_URL', 'TRAVIS']) delete env[k];
    fresh();
    // Control: a session created without the opt-out leaves its traces here.
    const onnx = fs.readdirSync(path.join(modelDir, 'onnx')).find((n) => n.endsWith('.onnx'))!;
    const r = spawnSync(process.execPath, ['-e', `require('onnxruntime-node').InferenceSession.create(${JSON.stringify(path.join(modelDir, 'onnx', onnx))}).then(() => console.log('ok'))`], { cwd: root, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    if (!traces(dir).length) {
      console.log('      (this onnxruntime-node writes no telemetry files: nothing to opt out of)');
      this.skip();
    }
  });
  beforeEach(() => fresh());
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return r;
  };

  it('analyze (the model worker and its inference threads) leaves no telemetry files', () => {
    run(['analyze', path.join(root, 'samples', 'feedback'), '--out', path.join(dir, 'results.csv'), '-q']);
    assert.deepEqual(traces(dir), []);
  });

  it('train, predict and explain leave no telemetry files', () => {
    const save = path.join(dir, 'clf');
    fs.rmSync(save, { recursive: true, force: true });
    run(['train', path.join(root, 'test', 'fixtures', 'train', 'labelled-feedback.csv'), '--target', 'sentiment', '--save', save, '-q']);
    run(['predict', save, path.join(root, 'test', 'fixtures', 'train', 'labelled-feedback.csv'), '--out', path.join(dir, 'pred.csv')]);
    run(['explain', 'The export keeps crashing']);
    assert.deepEqual(traces(dir), []);
  });
});
