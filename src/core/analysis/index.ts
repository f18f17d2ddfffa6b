// Analyze Feedback engine: public API.
export {
  analyzeFeedback,
  disposeAnalysis,
  readItemResults,
  type AnalysisResult,
  type AnalyzeOptions,
  type AnalyzeProgress,
  type AspectFinding,
  type CategoryBreakdown,
  type ContrastExample,
  type ExplainScope,
  type FileSummary,
  type GrowingTheme,
  type ItemResult,
  type LabelCounts,
  type RatingAgreement,
  type Theme,
  type TimeBucket,
} from './analyze';
export { contrastUnits, splitContrast } from './aspects';
export { explainScored, formatDrivers, splitUnits, withoutUnit, type Driver, type TextUnit } from './explain';
export { extractTerms, selectPhrases } from './phrases';
export { renderMarkdown, type MarkdownOptions } from './markdown';
export { sentimentOverTimeSvg } from './svg';
export { OUTPUT_FORMATS, outputChunks, publicResult, writeOutputFile, writeReport, type OutputFormat, type ReportPaths, type WriteReportOptions } from './writers';
