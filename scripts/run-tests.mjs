// Runs the test suites with mocha (TypeScript through tsx) and ends with one summary line
// "tests: N passed, N failed, N skipped". Usage: node scripts/run-tests.mjs [unit|integration|e2e ...]
// With no argument every suite runs: unit, integration (real bundled model), e2e (real VS Code).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const all = ['unit', 'integration', 'e2e'];
const suites = process.argv.slice(2).filter((a) => all.includes(a));
const chosen = suites.length ? suites : all;
const timeouts = { unit: 20000, integration: 180000, e2e: 900000 };

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (/\.test\.(ts|mjs|js)$/.test(name)) out.push(p);
  }
  return out;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

// Everything below needs the bundles (the worker, the CLI); e2e also needs the packaged .vsix.
if (run(process.execPath, ['scripts/build.mjs']) !== 0) process.exit(1);
if (chosen.includes('e2e')) {
  // Real VS Code (code-server), Node 24 and chromium: installed once into .e2e/, a no-op afterwards.
  if (run('bash', ['scripts/e2e/setup.sh']) !== 0) process.exit(1);
  if (!process.env.PF_SKIP_PACKAGE && run(process.execPath, ['scripts/package.mjs', '--target', 'linux-x64']) !== 0) process.exit(1);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const suite of chosen) {
  const files = findTests(path.join(root, 'test', suite));
  if (!files.length) continue;
  console.log(`\n=== ${suite} (${files.length} files) ===`);
  const statsFile = path.join(root, '.test-artifacts', `${suite}-stats.json`);
  const code = run(process.execPath, [
    '--import', 'tsx', path.join(root, 'scripts', 'mocha-suite.mjs'),
    '--timeout', String(timeouts[suite]), '--stats', statsFile, ...files,
  ]);
  let stats = { passed: 0, failed: code === 0 ? 0 : 1, skipped: 0 };
  try { stats = JSON.parse((await import('node:fs')).readFileSync(statsFile, 'utf8')); } catch { /* crashed before writing */ }
  if (code !== 0 && stats.failed === 0) stats.failed = 1;
  for (const k of Object.keys(totals)) totals[k] += stats[k];
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed ? 1 : 0);
