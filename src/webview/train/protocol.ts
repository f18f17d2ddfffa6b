// The one message protocol between the Train view (webview) and the extension host. Both sides call
// the matching parse function on everything they receive and drop what does not validate.
import type { ClassifierSummary, TableInfo, TrainSettings, TrainSummary } from '../../core/train/worker-protocol';
import type { EpochInfo } from '../../core/train/trainer';
import { TEXT_FEATURES, type TextFeatures } from '../../core/train/embed';
import { MODEL_CHOICES, trainOptionProblem } from '../../core/train/options';

export type { ClassifierSummary, TableInfo, TrainSettings, TrainSummary, EpochInfo };

/** Webview -> host. */
export type ToHost =
  | { type: 'ready' }
  | { type: 'refreshFiles' }
  | { type: 'browse' }
  | { type: 'pickFile'; file: string }
  /** A file dragged onto the view: a URI (file:///…) or a path, as the drag carried it. */
  | { type: 'dropFile'; ref: string }
  | { type: 'selectTarget'; target: string }
  | { type: 'train'; settings: TrainSettings }
  | { type: 'cancel' }
  | { type: 'save'; name: string }
  | { type: 'refreshModels' }
  /** Opens the Settings editor at productForge.train.embeddingModel. */
  | { type: 'openEmbeddingSetting' }
  | { type: 'predictFile'; modelDir: string }
  | { type: 'predictRow'; modelDir: string; values: Record<string, string> }
  /** Make this saved (sentiment) classifier the model of Analyze Feedback (productForge.analysis.classifier). */
  | { type: 'useForAnalysis'; modelDir: string };

/** Host -> webview. */
export type ToView =
  | { type: 'files'; files: { path: string; label: string }[] }
  /** training: a training run is going on (a view opened again during one can cancel it). */
  | { type: 'busy'; stage: string; done?: number; total?: number; training?: boolean }
  /** restored: sent again to a page made anew (the file it showed before), not a file just picked. */
  | { type: 'profile'; info: TableInfo; restored?: boolean }
  | { type: 'features'; target: string; features: string[]; excluded: { name: string; reason: string }[] }
  | { type: 'epoch'; epoch: EpochInfo }
  | { type: 'trained'; summary: TrainSummary }
  | { type: 'saved'; dir: string }
  | { type: 'models'; models: ClassifierSummary[] }
  | { type: 'prediction'; label: string; confidence: number; probabilities: { label: string; p: number }[] }
  | { type: 'predicted'; out: string; rows: number; warnings?: string[] }
  | { type: 'error'; message: string; context: 'file' | 'train' | 'save' | 'predict' | 'general' }
  | { type: 'idle' }
  /**
   * The text embedding model "Text features: Embeddings" uses (productForge.train.embeddingModel), null when none is set;
   * `ignored`: the workspace sets one, which Restricted Mode ignores.
   */
  | { type: 'embedding'; model: string | null; ignored?: boolean };

/**
 * The first file a drop carries: VS Code's explorer and editor tabs put URIs in
 * 'application/vnd.code.uri-list' (every one) and 'text/uri-list' (the first), and paths in 'codefiles' (a JSON
 * list); an OS drop gives 'text/uri-list'. `get` is DataTransfer.getData.
 */
export function droppedFileRef(get: (type: string) => string): string | undefined {
  for (const type of ['application/vnd.code.uri-list', 'text/uri-list', 'resourceurls']) {
    let raw = '';
    try { raw = get(type) ?? ''; } catch { raw = ''; }
    if (type === 'resourceurls' && raw.startsWith('[')) {
      try { const list = JSON.parse(raw) as unknown; if (Array.isArray(list) && typeof list[0] === 'string') return list[0]; } catch { /* not JSON */ }
    }
    const first = raw.split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
    if (first) return first;
  }
  try {
    const files = JSON.parse(get('codefiles') || '[]') as unknown;
    if (Array.isArray(files) && typeof files[0] === 'string') return files[0];
  } catch { /* not JSON */ }
  return undefined;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length <= max;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrArr = (v: unknown, max = 10000): v is string[] => Array.isArray(v) && v.length <= max && v.every((x) => isStr(x, 1000));

export function parseSettings(v: unknown): TrainSettings | undefined {
  if (!isObj(v)) return undefined;
  const s = v;
  if (!isStr(s.target, 1000) || !s.target || !isStrArr(s.features) || !MODEL_CHOICES.includes(s.model as string)) return undefined;
  if (![s.testSplit, s.validationShare, s.seed, s.epochs, s.batchSize, s.dropout, s.C].every(isNum)) return undefined;
  if (s.learningRate !== undefined && !isNum(s.learningRate)) return undefined;
  // the hidden sizes the view's own check (the one rule of core/train/options.ts) lets through, and no others
  if (!Array.isArray(s.hidden) || trainOptionProblem({ hidden: s.hidden as number[] }) !== undefined) return undefined;
  if (s.classWeight !== 'none' && s.classWeight !== 'balanced') return undefined;
  if (s.textFeatures !== undefined && !TEXT_FEATURES.includes(s.textFeatures as TextFeatures)) return undefined;
  return {
    target: s.target, features: s.features, model: s.model as TrainSettings['model'], testSplit: s.testSplit as number, validationShare: s.validationShare as number,
    seed: s.seed as number, classWeight: s.classWeight, epochs: s.epochs as number, batchSize: s.batchSize as number, ...(s.learningRate === undefined ? {} : { learningRate: s.learningRate as number }),
    hidden: s.hidden as number[], dropout: s.dropout as number, C: s.C as number,
    textFeatures: (s.textFeatures as TextFeatures | undefined) ?? 'tfidf',
  };
}

export function parseToHost(v: unknown): ToHost | undefined {
  if (!isObj(v) || typeof v.type !== 'string') return undefined;
  switch (v.type) {
    case 'ready': case 'refreshFiles': case 'browse': case 'cancel': case 'refreshModels': case 'openEmbeddingSetting':
      return { type: v.type };
    case 'pickFile': return isStr(v.file) && v.file ? { type: 'pickFile', file: v.file } : undefined;
    case 'dropFile': return isStr(v.ref) && v.ref.trim() ? { type: 'dropFile', ref: v.ref.trim() } : undefined;
    case 'selectTarget': return isStr(v.target, 1000) && v.target ? { type: 'selectTarget', target: v.target } : undefined;
    case 'train': { const s = parseSettings(v.settings); return s ? { type: 'train', settings: s } : undefined; }
    case 'save': return isStr(v.name, 100) && v.name.trim() ? { type: 'save', name: v.name.trim() } : undefined;
    case 'predictFile': return isStr(v.modelDir) && v.modelDir ? { type: 'predictFile', modelDir: v.modelDir } : undefined;
    case 'useForAnalysis': return isStr(v.modelDir) && v.modelDir ? { type: 'useForAnalysis', modelDir: v.modelDir } : undefined;
    case 'predictRow': {
      if (!isStr(v.modelDir) || !v.modelDir || !isObj(v.values)) return undefined;
      const entries = Object.entries(v.values);
      if (entries.length > 1000 || !entries.every(([k, x]) => isStr(k, 1000) && isStr(x, 100_000))) return undefined;
      return { type: 'predictRow', modelDir: v.modelDir, values: Object.fromEntries(entries) as Record<string, string> };
    }
    default: return undefined;
  }
}

/** A summary's column importance: absent, or every column a name with finite figures. */
function isImportance(v: unknown): boolean {
  if (v === undefined) return true;
  if (!isObj(v) || !isNum(v.rows) || !isNum(v.repeats) || !Array.isArray(v.columns)) return false;
  return v.columns.every((c) => isObj(c) && isStr(c.column, 1000) && isNum(c.drop) && isNum(c.sd) && isNum(c.lossRise));
}

/** A summary's words per class: absent, or per class a label and its words with finite figures. */
function isClassWords(v: unknown): boolean {
  if (v === undefined) return true;
  if (!Array.isArray(v) || v.length > 1000) return false;
  return v.every((c) => isObj(c) && isStr(c.label, 1000) && isNum(c.rows) && Array.isArray(c.words) && c.words.length <= 50 && c.words.every((w) => isObj(w) && isStr(w.word, 1000) && isStr(w.column, 1000) && isNum(w.drop) && isNum(w.rows)));
}

/** Light structural checks of host messages (the host is trusted more, but the view still checks). */
export function parseToView(v: unknown): ToView | undefined {
  if (!isObj(v) || typeof v.type !== 'string') return undefined;
  switch (v.type) {
    case 'files': return Array.isArray(v.files) && v.files.every((f) => isObj(f) && isStr(f.path) && isStr(f.label)) ? (v as ToView) : undefined;
    case 'busy': return isStr(v.stage) && (v.training === undefined || typeof v.training === 'boolean') ? (v as ToView) : undefined;
    case 'profile': return isObj(v.info) && Array.isArray(v.info.columns) && Array.isArray(v.info.preview) && isNum(v.info.rowCount) && (v.restored === undefined || typeof v.restored === 'boolean') ? (v as ToView) : undefined;
    case 'features': return isStr(v.target) && isStrArr(v.features) && Array.isArray(v.excluded) ? (v as ToView) : undefined;
    case 'epoch': return isObj(v.epoch) && isNum(v.epoch.epoch) && isNum(v.epoch.trainLoss) ? (v as ToView) : undefined;
    case 'trained': return isObj(v.summary) && isObj(v.summary.metrics) && isStrArr(v.summary.labels) && isImportance(v.summary.importance) && isClassWords(v.summary.classWords) ? (v as ToView) : undefined;
    case 'saved': return isStr(v.dir) ? (v as ToView) : undefined;
    case 'models': return Array.isArray(v.models) && v.models.every((m) => isObj(m) && isStr(m.dir) && isStrArr(m.features)) ? (v as ToView) : undefined;
    case 'prediction': return isStr(v.label) && isNum(v.confidence) && Array.isArray(v.probabilities) ? (v as ToView) : undefined;
    case 'predicted': return isStr(v.out) && isNum(v.rows) && (v.warnings === undefined || (Array.isArray(v.warnings) && v.warnings.every((w) => isStr(w)))) ? (v as ToView) : undefined;
    case 'error': return isStr(v.message, 20000) && ['file', 'train', 'save', 'predict', 'general'].includes(v.context as string) ? (v as ToView) : undefined;
    case 'idle': return { type: 'idle' };
    case 'embedding':
      if (!(v.model === null || (isStr(v.model) && v.model)) || (v.ignored !== undefined && typeof v.ignored !== 'boolean')) return undefined;
      return v.ignored ? { type: 'embedding', model: v.model as string | null, ignored: true } : { type: 'embedding', model: v.model as string | null };
    default: return undefined;
  }
}
