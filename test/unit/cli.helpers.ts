// `product-forge analyze` run in-process with the deterministic lexicon classifier (no model): stdout, stderr and the
// exit code, and how many times the "model" was loaded (a refusal must come before it is).
import { PassThrough } from 'node:stream';
import { runAnalyze } from '../../src/cli/analyze';
import type { AccessFn } from '../../src/core/fsutil';
import { LexiconClassifier } from '../fixtures/feedback/lexicon-classifier';

export interface AnalyzeCli {
  /** Runs analyze with `args`; `access` stands in for fs.access (to answer "read-only" as root cannot see it). */
  run(args: string[], access?: AccessFn): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Classifier loads since created or reset. */
  loads: number;
}

export function analyzeCli(): AnalyzeCli {
  const c: AnalyzeCli = {
    loads: 0,
    async run(args, access) {
      const out = new PassThrough(), err = new PassThrough();
      let stdout = '', stderr = '';
      out.on('data', (d) => (stdout += d));
      err.on('data', (d) => (stderr += d));
      const code = await runAnalyze(args, {
        stdout: out,
        stderr: err,
        signal: new AbortController().signal,
        ...(access ? { access } : {}),
        loadClassifier: async () => {
          c.loads++;
          return { classifier: new LexiconClassifier(), loadMs: 1, dispose: async () => undefined };
        },
      });
      return { code, stdout, stderr };
    },
  };
  return c;
}
