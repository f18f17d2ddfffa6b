// One mocha run over the given files; writes {passed, failed, skipped} to --stats FILE.
import Mocha from 'mocha';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
// ONNX Runtime's telemetry off in the test process too (src/core/ortPrivacy.ts): some tests load onnxruntime-node
// directly. The privacy tests run the product without it (they remove it from their children's environment).
process.env.ORT_DISABLE_TELEMETRY = '1';
let timeout = 20000, statsFile = null; const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--timeout') timeout = Number(args[++i]);
  else if (args[i] === '--stats') statsFile = args[++i];
  else files.push(args[i]);
}
let runner;
const mocha = new Mocha({ timeout, reporter: 'spec', color: !process.env.CI, grep: process.env.MOCHA_GREP });
for (const f of files) mocha.addFile(path.resolve(f));
await mocha.loadFilesAsync();
runner = mocha.run((failures) => {
  const s = mocha.suite ? runner.stats : {};
  const stats = { passed: s.passes ?? 0, failed: s.failures ?? failures, skipped: s.pending ?? 0 };
  if (statsFile) { mkdirSync(path.dirname(statsFile), { recursive: true }); writeFileSync(statsFile, JSON.stringify(stats)); }
  process.exitCode = failures ? 1 : 0;
});

