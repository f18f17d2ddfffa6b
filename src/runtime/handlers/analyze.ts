// 'analyze': the whole Analyze Feedback job in the model worker. Reading, tokenizing, inference,
// aggregation, themes and report writing all run on this thread (inference itself on ONNX Runtime's
// own threads), so the extension host stays responsive for any input size: it only sends paths and
// receives progress messages and the summary. Cancel aborts between batches; nothing half-written
// remains (the report folder is renamed into place last, temp files are removed).
import { analyzeFeedback, disposeAnalysis, writeReport, type AnalysisResult, type ExplainScope, type ReportPaths } from '../../core/analysis';
import type { SentimentClassifier } from '../../core/types';
import { RuntimeUserError } from '../errors';
import type { AnalyzeJobParams, AnalyzeJobResult, LoadResult } from '../protocol';
import { loadedModel } from './classify';
import type { HandlerContext, LoadedModel } from './context';
import { load } from './load';
import { scoreTexts, sentimentColumns, toSentimentScores } from './scoring';

const DEFAULT_CHUNK = 4096;

/** Analyses running in this worker; each learns whether another ran beside it (they share the model's threads). */
const running = new Set<{ shared: boolean }>();
const EXPLAIN_SCOPES: readonly ExplainScope[] = ['none', 'listed', 'all'];

export async function analyzeJob(params: AnalyzeJobParams, ctx: HandlerContext): Promise<AnalyzeJobResult> {
  if (!params || !Array.isArray(params.inputs) || !params.inputs.length || params.inputs.some((p) => typeof p !== 'string' || !p)) {
    throw new RuntimeUserError('analyze needs a list of file or folder paths.', 'bad-request');
  }
  if (!params.model || params.model.task !== 'text-classification') {
    throw new RuntimeUserError('analyze needs a text-classification model.', 'bad-request');
  }
  if (params.explain !== undefined && !EXPLAIN_SCOPES.includes(params.explain)) {
    throw new RuntimeUserError(`analyze: explain must be one of ${EXPLAIN_SCOPES.join(', ')}.`, 'bad-request');
  }
  const loadResult = await load(params.model, ctx);
  const m = loadedModel(ctx, params.model.modelId, 'text-classification');
  const unhold = m.hold?.();
  try {
    return await runJob(params, ctx, m, loadResult);
  } finally {
    unhold?.();
  }
}

async function runJob(params: AnalyzeJobParams, ctx: HandlerContext, m: LoadedModel, loadResult: LoadResult): Promise<AnalyzeJobResult> {
  const cols = sentimentColumns(m);
  const classifier: SentimentClassifier = {
    modelId: m.modelId,
    device: m.device,
    async classify(texts, opts = {}) {
      const probs = await scoreTexts(m, texts, { signal: opts.signal ?? ctx.signal });
      return probs.map((row) => toSentimentScores(row, cols));
    },
  };

  const job = { shared: running.size > 0 };
  for (const other of running) other.shared = true;
  running.add(job);
  let result: AnalysisResult;
  try {
    result = await analyzeFeedback(params.inputs, {
    classifier,
    column: params.column,
    signal: ctx.signal,
    lowConfidence: params.lowConfidence,
    aspects: !params.itemsOnly,
    themes: !params.itemsOnly,
    explain: params.explain,
    twoWay: params.twoWay === true,
    chunkSize: Math.max(64, Math.min(params.chunkSize ?? DEFAULT_CHUNK, 16384)),
    onProgress: (p) => ctx.progress(p),
    log: ctx.log,
    tempDir: params.tempDir,
    });
  } finally {
    running.delete(job);
  }
  // Its items/s then includes the time its batches waited for the other's: the report says so.
  if (job.shared) result.sharedModel = true;
  let report: ReportPaths | undefined;
  try {
    if (params.report) {
      const r = params.report;
      report = await writeReport(result, { workspaceDir: r.workspaceDir, baseName: r.baseName, reportsDir: r.reportsDir, signal: ctx.signal });
    }
  } catch (err) {
    await disposeAnalysis(result);
    throw err;
  }
  if (!params.keepItems) {
    await disposeAnalysis(result);
    result.itemsFile = '';
  }
  return { result, report, load: loadResult };
}
