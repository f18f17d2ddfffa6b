// A temp folder per test for the analysis tests, and analyzeFeedback with the deterministic TEST lexicon classifier
// (test/fixtures/feedback/lexicon-classifier.ts); every result is disposed and the folder removed after each test.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeFeedback, disposeAnalysis, type AnalysisResult } from '../../src/core/analysis';
import { LexiconClassifier } from '../fixtures/feedback/lexicon-classifier';

export interface AnalysisSandbox {
  /** The current test's folder. */
  dir(): string;
  /** Writes a file (folders made as needed) into the test's folder; returns its path. */
  write(name: string, data: string): string;
  analyze(inputs: string[], opts?: Partial<Parameters<typeof analyzeFeedback>[1]>): Promise<AnalysisResult>;
}

/** Registers the beforeEach / afterEach hooks of the calling test file (call it at the top level). */
export function analysisSandbox(prefix: string): AnalysisSandbox {
  let dir = '';
  const results: AnalysisResult[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const r of results.splice(0)) await disposeAnalysis(r);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    write(name, data) {
      const p = path.join(dir, name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, data);
      return p;
    },
    async analyze(inputs, opts = {}) {
      const r = await analyzeFeedback(inputs, { classifier: new LexiconClassifier(), tempDir: dir, ...opts });
      results.push(r);
      return r;
    },
  };
}
