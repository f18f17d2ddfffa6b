// Training end to end: checks the target, splits (stratified, seeded), fits preprocessing on the
// training rows, fits logistic regression, the MLP, a random forest and/or gradient-boosted trees (auto picks by stratified
// k-fold cross-validation on small data, by validation score otherwise), and evaluates on the held-out
// rows. Reports per-epoch curves; cancellable through an AbortSignal.
import { matchRespelledColumns, respelledColumnWarnings, TARGET_CLASS_MARKERS, takeRows, targetColumn, type Table } from './csv';
import { profileTable, proposeFeatures, type ColumnProfile } from './infer';
import { EMBED_BATCH, embedColumns, type EmbeddedTexts, type EmbeddingCache, type TextEmbedder, type TextFeatures } from './embed';
import { describeInputIssues, fitPreprocessing, forestFeatureView, Preprocessor, type InputIssues, type PreprocessingSpec } from './preprocess';
import { csrRows, pickInt32, type Csr } from './sparse';
import { fitLogReg, logregNetwork } from './logreg';
import { fitMlp, MLP_DEFAULTS } from './mlp';
import { fitForest, FOREST_MAX_CELLS, forestIsPractical, forestNodeCount } from './forest';
import { BOOST_DEFAULTS, boostIsPractical, boostWork, fitBoosted } from './boost';
import { classWeights, runFoldsHere, type CvSettings, type FoldJob, type FoldResult, type FoldRunner } from './cv';
import { rng, shuffleInPlace } from './sparse';
import { argmaxRows, lossAndAccuracy, predictProba, type ModelKind, type Network } from './model';
import { computeMetrics, metricWarnings, sortLabels, stratifiedSplit, type Metrics } from './metrics';
import { permutationImportance, type Importance } from './importance';
import { classWords, type ClassWords } from './class-words';
import { CancelledError, throwIfAborted, UserError } from '../types';
import { trainOptionProblem } from './options';

export type ModelChoice = 'auto' | ModelKind;

export interface TrainOptions {
  target: string;
  /** Feature columns; default: the proposed selection (identifiers, near-unique and leaks excluded). */
  features?: string[];
  model?: ModelChoice;
  /** Share of rows held out for evaluation (default 0.2), unless testTable is given. */
  testSplit?: number;
  testTable?: Table;
  /** The test table's file, named in messages about it (default "the test file"). */
  testName?: string;
  /** Share of the training rows used for validation (early stopping, auto choice, curves; default 0.1). */
  validationShare?: number;
  seed?: number;
  classWeight?: 'none' | 'balanced';
  /** Logistic regression: inverse L2 strength (default 1) and iteration cap (default 300). */
  C?: number;
  maxIter?: number;
  /** MLP settings. */
  hidden?: number[];
  dropout?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  alpha?: number;
  patience?: number;
  /** Random forest: number of trees (default 100). */
  nTrees?: number;
  /** Gradient boosting: number of rounds (default 100; one tree per class per round, one in all for two classes). */
  nRounds?: number;
  /** TF-IDF caps for text columns. */
  maxWordFeatures?: number;
  maxCharFeatures?: number;
  /** Text columns as TF-IDF n-grams (default), sentence embeddings from `embedder`, or both. */
  textFeatures?: TextFeatures;
  /** A local text embedding model (src/runtime/embedder.ts); needed when textFeatures is not 'tfidf'. */
  embedder?: TextEmbedder;
  /** Vectors of `embedder` from earlier trainings (the Train view keeps one per model): not computed again. */
  embeddingCache?: EmbeddingCache;
  signal?: AbortSignal;
  /** Measure each feature column's permutation importance on the held-out rows after training (default true). */
  importance?: boolean;
  /** Runs auto's cross-validation folds (default: one after another on this thread; the CLI and the Train
   *  view pass a pool that spreads them over the CPU cores, src/runtime/cv-pool.ts). */
  foldRunner?: FoldRunner;
  onEpoch?: (e: EpochInfo) => void;
  onStage?: (stage: string) => void;
}

export interface EpochInfo {
  model: ModelKind;
  /** 1-based epoch (MLP), L-BFGS iteration (logistic regression) or boosting round (gradient-boosted trees). */
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  /** 'fit' while choosing/fitting on the training part; 'refit' on all training rows. */
  phase: 'fit' | 'refit';
}

/** A model auto compared: its validation accuracy and loss. */
export interface Candidate {
  model: ModelKind;
  valAccuracy: number;
  valLoss: number;
  /**
   * A network fitted once beside auto's cross-validation: its figures are on the first fold only, and it was compared
   * with the cross-validation winner's accuracy on that fold, which it must beat by a clear margin (networkIsBetter).
   */
  firstFold?: { winner: ModelKind; winnerAccuracy: number; rows: number; margin: number };
}

export interface TrainedClassifier {
  target: string;
  features: string[];
  labels: string[];
  preprocessing: PreprocessingSpec;
  network: Network;
  /** Training options that shaped the model (for metadata.json). */
  settings: Record<string, unknown>;
}

export interface TrainResult {
  classifier: TrainedClassifier;
  metrics: Metrics;
  /** Validation accuracy and loss of each candidate tried: with auto's k-fold cross-validation the pooled
   *  out-of-fold figures; for a network fitted once beside it, its score on the first fold. */
  candidates: Candidate[];
  history: EpochInfo[];
  /** Training time: preprocessing, fitting (auto's comparison included) and the evaluation on the held-out rows. */
  fitSeconds: number;
  /** How much each feature column matters to the model (importance.ts), measured after fitSeconds; absent when switched off. */
  importance?: Importance;
  /** With text columns: the words that point to each class (class-words.ts), measured with the importance. */
  classWords?: ClassWords[];
  /** Seconds spent after the fit on the importance and the words per class. */
  explainSeconds?: number;
  trainRows: number;
  testRows: number;
  warnings: string[];
  excluded: { name: string; reason: string }[];
}

/** How target values are compared: 'Yes', 'yes ', ' YES' and 'yes' are one class (case and spaces aside). */
export function targetKey(v: string): string {
  return v.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Maps target values to class indices; rows with a missing target are dropped (reported). `col` comes from
 * targetColumn: in a target 'None' and 'missing' are class names like any other (a feature column reads them as
 * missing), while '', '?', 'NA', 'N/A', 'null' are missing (csv.ts, isMissingTarget). Values that differ only in
 * case or spaces ('Yes', 'yes ', 'YES') are one class, named by its most frequent spelling; `merged` lists them.
 * With `labels` (a test file read against the training classes) a value is matched the same way.
 */
function encodeTarget(col: string[], n: number, labels?: string[]): { y: Int32Array; rows: Int32Array; labels: string[]; counts: number[]; merged: { label: string; variants: string[] }[] } {
  // the spellings of each class and their counts
  const spellings = new Map<string, Map<string, number>>();
  if (!labels) {
    for (let r = 0; r < n; r++) {
      const v = col[r];
      if (v === '') continue;
      const key = targetKey(v);
      let m = spellings.get(key);
      if (!m) spellings.set(key, (m = new Map()));
      m.set(v, (m.get(v) ?? 0) + 1);
    }
  }
  const nameOf = new Map<string, string>();
  const merged: { label: string; variants: string[] }[] = [];
  for (const [key, m] of spellings) {
    let best = '', bestN = -1;
    for (const [v, k] of m) if (k > bestN || (k === bestN && v < best)) { best = v; bestN = k; }
    nameOf.set(key, best.trim());
    if (m.size > 1 || best !== best.trim()) merged.push({ label: best.trim(), variants: [...m.keys()].filter((v) => v !== best) });
  }
  const lab = labels ?? sortLabels(nameOf.values());
  const index = new Map(lab.map((l, i) => [targetKey(l), i]));
  const rows: number[] = [], y: number[] = [];
  for (let r = 0; r < n; r++) {
    if (col[r] === '') continue;
    const k = index.get(targetKey(col[r]));
    if (k === undefined) continue;
    rows.push(r);
    y.push(k);
  }
  const counts = lab.map(() => 0);
  for (const k of y) counts[k]++;
  return { y: Int32Array.from(y), rows: Int32Array.from(rows), labels: lab, counts, merged };
}

export function validateTrainOptions(o: TrainOptions): void {
  const problem = trainOptionProblem(o);
  if (problem) throw new UserError(problem);
  if (o.textFeatures && o.textFeatures !== 'tfidf' && !o.embedder) throw new UserError(`text features "${o.textFeatures}" need a text embedding model: pass --embedding-model ID|DIR (or set productForge.train.embeddingModel)`);
}

/** Trains a classifier on `table`. Throws UserError for unusable input and CancelledError on abort. */
export async function trainClassifier(table: Table, opts: TrainOptions, profiles: ColumnProfile[] = profileTable(table)): Promise<TrainResult> {
  validateTrainOptions(opts);
  const t0 = performance.now();
  const { signal } = opts;
  const warnings: string[] = [...table.warnings];
  const ti = table.columns.indexOf(opts.target);
  if (ti < 0) throw new UserError(`target column '${opts.target}' is not in the file; columns: ${table.columns.join(', ')}`);
  let excluded: { name: string; reason: string }[] = [];
  let features = opts.features;
  if (!features) {
    const sel = proposeFeatures(table, profiles, opts.target);
    features = sel.features;
    excluded = sel.excluded;
  } else {
    const twice = [...new Set(features.filter((f, i) => features!.indexOf(f) !== i))];
    if (twice.length) {
      features = [...new Set(features)];
      warnings.push(`feature column${twice.length > 1 ? 's' : ''} ${twice.map((f) => `'${f}'`).join(', ')} listed more than once; used once`);
    }
    const unknown = features.filter((f) => !table.columns.includes(f));
    if (unknown.length) throw new UserError(`feature column(s) not in the file: ${unknown.join(', ')}; columns: ${table.columns.join(', ')}`);
    if (features.includes(opts.target)) throw new UserError(`the target '${opts.target}' cannot also be a feature`);
    for (const f of features) {
      const p = profiles[table.columns.indexOf(f)];
      if (p.type === 'empty') throw new UserError(`feature column '${f}' is missing in every row; remove it from the features`);
    }
  }
  if (!features.length) throw new UserError(`no usable feature columns besides '${opts.target}'${excluded.length ? ` (excluded: ${excluded.map((e) => `${e.name}: ${e.reason}`).join('; ')})` : ''}`);

  const enc = encodeTarget(targetColumn(table, ti), table.rowCount);
  const K = enc.labels.length;
  const droppedTarget = table.rowCount - enc.rows.length;
  if (droppedTarget) warnings.push(`${droppedTarget} row(s) with a missing '${opts.target}' (empty, ?, NA, N/A or null) were left out`);
  const variantsOf = enc.merged.filter((m) => m.variants.length);
  if (variantsOf.length) {
    const q = (v: string) => `'${v}'`;
    warnings.push(`values of '${opts.target}' that differ only in case or spaces were read as one class: ${variantsOf.slice(0, 5).map((m) => `${q(m.label)} (also ${m.variants.slice(0, 4).map(q).join(', ')}${m.variants.length > 4 ? ', ...' : ''})`).join('; ')}${variantsOf.length > 5 ? `; and ${variantsOf.length - 5} more` : ''}`);
  }
  for (const [k, l] of enc.labels.entries()) {
    if (TARGET_CLASS_MARKERS.has(l.trim().toLowerCase())) warnings.push(`'${l}' (${enc.counts[k]} row(s)) is kept as a class of '${opts.target}'; blank those cells if it means "no label"`);
  }
  if (K < 2) throw new UserError(`target '${opts.target}' has ${K === 0 ? 'no values' : `a single class ('${enc.labels[0]}')`}; a classifier needs at least two classes`);
  if (K > 1000) throw new UserError(`target '${opts.target}' has ${K} distinct values; that looks like a numeric or free-text column, not a class label (at most 1000 classes)`);
  const single = enc.labels.filter((_, k) => enc.counts[k] < 2);
  if (single.length && !opts.testTable) {
    throw new UserError(`class${single.length > 1 ? 'es' : ''} ${single.slice(0, 10).map((s) => `'${s}'`).join(', ')} of '${opts.target}' ha${single.length > 1 ? 've' : 's'} a single row; a stratified split needs at least 2 rows per class. Remove or merge ${single.length > 1 ? 'those rows' : 'that row'}, or pass a separate test file.`);
  }
  const seed = opts.seed ?? 0;
  const kind = opts.model ?? 'auto';

  // Split: train / test rows (indices into the table).
  let trainRows: Int32Array, yTrain: Int32Array;
  let testTable: Table, testRowsIdx: Int32Array | undefined, yTest: Int32Array;
  if (opts.testTable) {
    trainRows = enc.rows;
    yTrain = enc.y;
    testTable = opts.testTable;
    const testName = opts.testName ? `the test file ${opts.testName}` : 'the test file';
    // a column the test file spells differently ('sex' for 'Sex') is read as the training file's
    const respelled = matchRespelledColumns([...features, opts.target], testTable.columns);
    if (respelled.size) {
      testTable = { ...testTable, columns: testTable.columns.map((c) => respelled.get(c) ?? c) };
      warnings.push(...respelledColumnWarnings(respelled, "the training file's").map((w) => `${opts.testName ?? 'test file'}: ${w}`));
    }
    const tti = testTable.columns.indexOf(opts.target);
    if (tti < 0) throw new UserError(`${testName} has no '${opts.target}' column`);
    const lacks = features.filter((f) => !testTable.columns.includes(f));
    if (lacks.length) {
      throw new UserError(`${testName} lacks feature column(s) ${lacks.join(', ')} of the training file; it has: ${testTable.columns.slice(0, 30).join(', ')}${testTable.columns.length > 30 ? ', ...' : ''}. Use a test file with the same columns as the training file.`);
    }
    const te = encodeTarget(targetColumn(testTable, tti), testTable.rowCount, enc.labels);
    const unseen = testTable.rowCount - te.rows.length;
    if (unseen) warnings.push(`${unseen} test row(s) with a missing or unseen '${opts.target}' value were left out of the evaluation`);
    if (!te.rows.length) throw new UserError(`${testName} has no rows whose '${opts.target}' is one of the training classes`);
    testRowsIdx = te.rows;
    yTest = te.y;
  } else {
    const sp = stratifiedSplit(enc.y, K, opts.testSplit ?? 0.2, seed);
    trainRows = pickInt32(enc.rows, sp.train);
    yTrain = pickInt32(enc.y, sp.train);
    testTable = table;
    testRowsIdx = pickInt32(enc.rows, sp.test);
    yTest = pickInt32(enc.y, sp.test);
  }
  const dup = duplicatedTestRows(table, trainRows, testTable, testRowsIdx, [...features, opts.target]);
  if (dup >= DUPLICATE_MIN_ROWS && dup >= DUPLICATE_MIN_SHARE * testRowsIdx.length) {
    warnings.push(`${dup} of the ${testRowsIdx.length} test rows (${Math.round((100 * dup) / testRowsIdx.length)}%) have the same feature values and '${opts.target}' as a training row: the accuracy on them says little about new data (if the file repeats rows, remove the duplicates first)`);
  }
  const trainCounts = enc.labels.map(() => 0);
  for (const k of yTrain) trainCounts[k]++;
  const missingInTrain = enc.labels.filter((_, k) => trainCounts[k] === 0);
  if (missingInTrain.length) throw new UserError(`class(es) ${missingInTrain.join(', ')} have no training rows`);

  opts.onStage?.('preprocessing');
  throwIfAborted(signal);
  const textFeatures = opts.textFeatures ?? 'tfidf';
  const e = opts.embedder;
  const preprocessing = fitPreprocessing(table, trainRows, features, profiles, {
    maxWordFeatures: opts.maxWordFeatures,
    maxCharFeatures: opts.maxCharFeatures,
    signal,
    textFeatures,
    embedding: e ? { modelId: e.modelId, sha256: e.sha256, dims: e.dims } : undefined,
  });
  const pre = new Preprocessor(preprocessing);
  if (textFeatures !== 'tfidf' && !pre.usesEmbeddings) {
    warnings.push(`no text column among the features, so nothing was embedded (a column with few distinct values is categorical, not text)`);
  }
  let embedded: EmbeddedTexts | undefined;
  if (pre.usesEmbeddings) {
    const et0 = performance.now();
    const stats = { embedded: 0, cached: 0 };
    embedded = await embedColumns(preprocessing, [{ table, rows: trainRows }, { table: testTable, rows: testRowsIdx }], e, {
      signal,
      cache: opts.embeddingCache,
      stats,
      // Every tenth of the texts (a stage line per batch would be thousands of lines).
      onProgress: (done, total) => {
        if (done === 0 || done === total || Math.floor((10 * done) / total) > Math.floor((10 * (done - EMBED_BATCH)) / total)) opts.onStage?.(`embedding texts with ${e!.modelId} (${done}/${total})`);
      },
    });
    opts.onStage?.(`embedded ${stats.embedded} distinct texts with ${e!.modelId} (${e!.dims} values each) in ${((performance.now() - et0) / 1000).toFixed(1)} s${stats.cached ? `; ${stats.cached} more from earlier runs` : ''}`);
  }
  const Xtrain = pre.transform(table, trainRows, signal, embedded);
  // A separate test file's numbers and dates are read in its own format; what still cannot be read is said.
  const testIssues: InputIssues | undefined = opts.testTable ? new Map() : undefined;
  const Xtest = pre.transform(testTable, testRowsIdx, signal, embedded, testIssues);
  if (testIssues) {
    for (const [k, v] of testIssues) if (v.kind === 'never seen in training') testIssues.delete(k);
    for (const line of describeInputIssues(testIssues)) warnings.push(`${opts.testName ? opts.testName : 'test file'}: ${line}`);
  }
  throwIfAborted(signal);

  // Validation part of the training rows.
  const vShare = opts.validationShare ?? 0.1;
  // A class with a single training row stays out of the validation part (stratifiedSplit keeps it for
  // fitting); it does not switch validation and auto's model choice off (hypothyroid's 2-row class did:
  // auto fell back to logistic regression, 95.9%, where the forest scores 99.1%).
  const canVal = yTrain.length >= 20;
  let fitIdx: Int32Array, valIdx: Int32Array;
  if (canVal) {
    const vs = stratifiedSplit(yTrain, K, vShare, seed + 1);
    fitIdx = vs.train;
    valIdx = vs.test;
  } else {
    fitIdx = Int32Array.from(yTrain.keys());
    valIdx = new Int32Array(0);
    warnings.push('too few training rows for a validation split: no early stopping, auto picks logistic regression');
  }
  const Xfit = csrRows(Xtrain, fitIdx), yFit = pickInt32(yTrain, fitIdx);
  const Xval: Csr | null = valIdx.length ? csrRows(Xtrain, valIdx) : null;
  const yVal: Int32Array | null = valIdx.length ? pickInt32(yTrain, valIdx) : null;
  const cw = opts.classWeight ?? 'none';
  const history: EpochInfo[] = [];
  const emit = (e: EpochInfo) => { history.push(e); opts.onEpoch?.(e); };
  const candidates: TrainResult['candidates'] = [];
  const C = opts.C ?? 1;

  const evalNet = (net: Network) => {
    if (!Xval || !yVal) return { loss: NaN, accuracy: NaN };
    return lossAndAccuracy(predictProba(net, Xval), yVal, K);
  };
  const nTrees = opts.nTrees ?? 100;
  const nRounds = opts.nRounds ?? BOOST_DEFAULTS.nRounds;
  if ((kind === 'rf' || kind === 'gb') && Xtrain.rows * Xtrain.cols > FOREST_MAX_CELLS) {
    throw new UserError(`${kind === 'rf' ? 'a random forest' : 'gradient boosting'} on ${Xtrain.rows} rows x ${Xtrain.cols} features (after preprocessing) needs too much memory; use logreg or mlp, or fewer text features`);
  }
  const rfPractical = forestIsPractical(Xtrain.rows, Xtrain.cols);
  const gbPractical = boostIsPractical(Xtrain.rows, Xtrain.cols, K);
  // Auto's cross-validation fits boosting six times: only where that stays cheap (see AUTO_GB_MAX_WORK).
  const gbCheap = boostWork(Xtrain.rows, Xtrain.cols, K) <= AUTO_GB_MAX_WORK;
  // The columns a forest splits on: all but the rarer words and the n-grams of text columns.
  const forestView = forestFeatureView(preprocessing);

  // Auto on small data: stratified k-fold cross-validation over the training rows ranks the models by
  // out-of-fold accuracy (pickByCv). Up to CV_MLP_POOLED_MAX_ROWS rows the network takes part like the
  // others. Above, it is too slow to fit k times: it is fitted once on all folds but the first, with
  // early stopping on that fold, and compared with the cross-validation winner on that fold's rows
  // (both trained on the same rows); if it wins, that network is the model. Otherwise the chosen model
  // is then fitted exactly as if it had been asked for. The test rows are never looked at.
  let fitKind: ModelChoice = kind;
  let cvFolds: number | undefined;
  let mlpNet: Network | undefined;
  const mlpSettings = { hidden: opts.hidden, dropout: opts.dropout, epochs: opts.epochs, batchSize: opts.batchSize, alpha: opts.alpha, patience: opts.patience };
  // Auto's network (cross-validated or fitted once on large data) uses a larger Adam step than an asked-for
  // network: it reaches the same validation accuracy in a fraction of the epochs.
  const mlpLearningRate = opts.learningRate ?? (kind === 'auto' ? AUTO_MLP_LEARNING_RATE : MLP_DEFAULTS.learningRate);
  if (kind === 'auto' && canVal && yTrain.length < CV_MAX_ROWS) {
    // On few rows with many sparse (text) features the network is the slowest candidate and rarely
    // beats the linear model, and a forest on thousands of sparse columns is slow and weak: they are
    // left out of the comparison there (they can still be asked for).
    const mlpWorthIt = Xtrain.cols <= CV_MLP_MAX_COLS_PER_ROW * yTrain.length;
    // Few rows: the network is cheap enough to cross-validate with the others (early stopping on an
    // inner split of each fold's training rows). More rows: it is fitted once, as described above.
    const mlpPooled = mlpWorthIt && yTrain.length <= CV_MLP_POOLED_MAX_ROWS;
    const trees = Xtrain.cols <= AUTO_RF_MAX_COLS;
    const pooled: ModelKind[] = ['logreg', ...(mlpPooled ? (['mlp'] as ModelKind[]) : []), ...(rfPractical && trees ? (['rf'] as ModelKind[]) : []), ...(gbPractical && gbCheap && trees ? (['gb'] as ModelKind[]) : [])];
    const fold = stratifiedFolds(yTrain, K, CV_FOLDS, seed + 2);
    let best: ModelKind = 'logreg';
    let oof: Map<ModelKind, Float64Array> | undefined;
    if (pooled.length > 1 || mlpWorthIt) {
      cvFolds = CV_FOLDS;
      const mlpCv = { ...mlpSettings, learningRate: mlpLearningRate, vShare };
      const cv = await crossValidate(Xtrain, yTrain, K, fold, CV_FOLDS, pooled, seed, (done, k) => opts.onStage?.(`cross-validation (${done}/${k} folds done)`), { C, maxIter: opts.maxIter ?? 300, cw, nTrees, nRounds, forestView, mlp: mlpCv }, signal, opts.foldRunner ?? runFoldsHere);
      candidates.push(...cv.scores);
      best = pickByCv(cv.scores);
      oof = cv.proba;
    }
    // The network fitted once must beat the cross-validation winner on the first fold's rows by a clear
    // margin (networkIsBetter); when even a perfect network could not (the winner is right on nearly every
    // row, as the forest on hypothyroid: 1.4 s saved), it is not fitted.
    const outRows: number[] = [], inRows: number[] = [];
    for (let i = 0; i < yTrain.length; i++) (fold[i] === 0 ? outRows : inRows).push(i);
    const winnerOnFold0 = oof ? foldAccuracy(oof.get(best)!, yTrain, outRows, K) : 0;
    if (!mlpPooled && mlpWorthIt && oof && networkIsBetter(1, winnerOnFold0, outRows.length)) {
      opts.onStage?.('neural network');
      const yIn = pickInt32(yTrain, inRows), yOut = pickInt32(yTrain, outRows);
      const Xout = csrRows(Xtrain, outRows);
      const fit = await fitMlp(csrRows(Xtrain, inRows), yIn, K, Xout, yOut, {
        ...mlpSettings, learningRate: mlpLearningRate, seed, sampleWeight: classWeights(yIn, K, cw), signal,
        onEpoch: (ep, m) => emit({ model: 'mlp', epoch: ep, ...m, phase: 'fit' }),
      });
      mlpNet = fit.network;
      const net = lossAndAccuracy(predictProba(mlpNet, Xout), yOut, K);
      candidates.push({ model: 'mlp', valAccuracy: net.accuracy, valLoss: net.loss, firstFold: { winner: best, winnerAccuracy: winnerOnFold0, rows: outRows.length, margin: networkMargin(outRows.length) } });
      if (networkIsBetter(net.accuracy, winnerOnFold0, outRows.length)) best = 'mlp';
    }
    fitKind = best;
  }

  // Auto on large data: the tree models are fitted on the training part as one job of the fold runner, so a
  // helper thread fits them while this thread fits logistic regression and the network (a 30,000-row churn table
  // through the CLI on 2 cores: 7.1 s -> 3.7 s, same candidates). They report no per-round curves there.
  const runner = opts.foldRunner ?? runFoldsHere;
  const treeModels: ModelKind[] = fitKind === 'auto' && Xval ? [...(rfPractical ? (['rf'] as ModelKind[]) : []), ...(gbPractical ? (['gb'] as ModelKind[]) : [])] : [];
  const treeAbort = new AbortController();
  const abortTrees = () => treeAbort.abort();
  let treeJob: Promise<FoldResult[]> | undefined;
  if (treeModels.length) {
    signal?.addEventListener('abort', abortTrees, { once: true });
    const settings: CvSettings = { C, maxIter: opts.maxIter ?? 300, cw, nTrees, nRounds, forestView, mlp: { vShare } };
    treeJob = runner([{ X: Xfit, y: yFit, Xte: Xval!, K, models: treeModels, seed, settings, keep: true }], treeAbort.signal, () => {}, { preferHelpers: true });
    treeJob.catch(() => { /* awaited below, or abandoned when logistic regression is perfect */ });
  }

  let lrParams: Float64Array | undefined;
  let lrVal: { loss: number; accuracy: number } | undefined;
  if (fitKind === 'logreg' || fitKind === 'auto') {
    opts.onStage?.('logistic regression');
    const D = Xtrain.cols;
    const fit = await fitLogReg(Xfit, yFit, K, {
      // With validation rows this fit gives the curves and the refit's starting point, not the model: a looser tolerance.
      C, maxIter: opts.maxIter ?? 300, tol: Xval ? LOGREG_FIRST_FIT_TOL : undefined, sampleWeight: classWeights(yFit, K, cw), signal,
      onIteration: async (it, params, loss, acc) => {
        let vl: number | null = null, va: number | null = null;
        if (Xval && (it % 2 === 1 || it < 10)) {
          // the curve reads the float64 parameters in place (no float32 copy of all D x K weights each iteration)
          const r = evalNet({ kind: 'logreg', layers: [{ inDim: D, outDim: K, W: params.subarray(0, D * K), b: params.subarray(D * K) }] });
          vl = r.loss; va = r.accuracy;
        }
        emit({ model: 'logreg', epoch: it, trainLoss: loss, trainAccuracy: acc, valLoss: vl, valAccuracy: va, phase: 'fit' });
        await new Promise((r) => setImmediate(r));
      },
    });
    lrParams = fit.params;
    lrVal = evalNet(logregNetwork(fit.params, D, K));
    if (Xval && fitKind === kind) candidates.push({ model: 'logreg', valAccuracy: lrVal.accuracy, valLoss: lrVal.loss });
  }
  // Auto on large data: when the linear model is already perfect on the validation rows, nothing can beat it.
  const lrPerfect = fitKind === 'auto' && !!lrVal && lrVal.accuracy >= 1;
  if (lrPerfect) abortTrees();
  if ((fitKind === 'mlp' && !mlpNet) || (fitKind === 'auto' && Xval && !lrPerfect)) {
    opts.onStage?.('neural network');
    const fit = await fitMlp(Xfit, yFit, K, Xval, yVal, {
      ...mlpSettings, learningRate: mlpLearningRate, seed, sampleWeight: classWeights(yFit, K, cw), signal,
      // auto's network on large data: its larger step settles in a few epochs (AUTO_MLP_PATIENCE, AUTO_MLP_RISES)
      ...(opts.patience === undefined && fitKind === 'auto' ? { patience: AUTO_MLP_PATIENCE, rises: AUTO_MLP_RISES } : {}),
      onEpoch: (ep, m) => emit({ model: 'mlp', epoch: ep, ...m, phase: 'fit' }),
    });
    mlpNet = fit.network;
    if (Xval && fitKind === kind) {
      const r = evalNet(mlpNet);
      candidates.push({ model: 'mlp', valAccuracy: r.accuracy, valLoss: r.loss });
    }
  }
  let rfNet: Network | undefined;
  let gbNet: Network | undefined;
  if (treeJob && !lrPerfect) {
    opts.onStage?.(treeModels.length > 1 ? 'random forest and gradient boosting' : treeModels[0] === 'rf' ? 'random forest' : 'gradient boosting');
    const [res] = await treeJob;
    signal?.removeEventListener('abort', abortTrees);
    for (const m of treeModels) {
      const r = lossAndAccuracy(res.proba[m]!, yVal!, K);
      candidates.push({ model: m, valAccuracy: r.accuracy, valLoss: r.loss });
    }
    rfNet = res.nets?.rf;
    gbNet = res.nets?.gb;
  } else signal?.removeEventListener('abort', abortTrees);
  if (fitKind === 'rf') {
    opts.onStage?.('random forest');
    const forest = await fitForest(Xtrain, yTrain, K, {
      nTrees, seed, features: forestView, sampleWeight: classWeights(yTrain, K, cw), signal,
      onTree: (t, T) => { if (t % 25 === 0 && t < T) opts.onStage?.(`random forest (${t}/${T} trees)`); },
    });
    rfNet = { kind: 'rf', forest };
  }
  if (fitKind === 'gb') {
    opts.onStage?.('gradient boosting');
    const forest = await fitBoosted(Xtrain, yTrain, K, {
      nRounds, features: forestView, sampleWeight: classWeights(yTrain, K, cw), signal,
      onRound: (t, T, fit) => {
        emit({ model: 'gb', epoch: t, trainLoss: fit.loss, trainAccuracy: fit.accuracy, valLoss: null, valAccuracy: null, phase: 'fit' });
        if (t % 25 === 0 && t < T) opts.onStage?.(`gradient boosting (${t}/${T} rounds)`);
      },
    });
    gbNet = { kind: 'gb', forest };
  }
  let chosen: ModelKind = fitKind === 'auto' ? 'logreg' : fitKind;
  if (fitKind === 'auto' && candidates.length >= 2) {
    const lr = candidates.find((c) => c.model === 'logreg'), mlp = candidates.find((c) => c.model === 'mlp'), rf = candidates.find((c) => c.model === 'rf'), gb = candidates.find((c) => c.model === 'gb');
    // Prefer the simpler model unless the network is clearly better.
    if (lr && mlp) chosen = mlp.valAccuracy > lr.valAccuracy + 0.005 || (Math.abs(mlp.valAccuracy - lr.valAccuracy) <= 0.005 && mlp.valLoss < lr.valLoss - 0.02) ? 'mlp' : 'logreg';
    const cur = candidates.find((c) => c.model === chosen);
    if (rf && cur && rf.valAccuracy > cur.valAccuracy + 0.005) chosen = 'rf';
    const now = candidates.find((c) => c.model === chosen);
    if (gb && now && gb.valAccuracy > now.valAccuracy + 0.005) chosen = 'gb';
  }
  let network: Network;
  if (chosen === 'logreg') {
    // Refit on every training row, warm-started from the fit on the training part.
    opts.onStage?.('logistic regression (all training rows)');
    const D = Xtrain.cols;
    const refit = Xval
      ? await fitLogReg(Xtrain, yTrain, K, {
          C, maxIter: opts.maxIter ?? 300, init: lrParams, sampleWeight: classWeights(yTrain, K, cw), signal,
          onIteration: async (it, _p, loss, acc) => {
            emit({ model: 'logreg', epoch: it, trainLoss: loss, trainAccuracy: acc, valLoss: null, valAccuracy: null, phase: 'refit' });
            await new Promise((r) => setImmediate(r));
          },
        })
      : { params: lrParams! };
    network = logregNetwork(refit.params, D, K);
  } else if (chosen === 'mlp') network = mlpNet!;
  else if (chosen === 'rf') network = rfNet!;
  else network = gbNet!;
  if (signal?.aborted) throw new CancelledError();

  opts.onStage?.('evaluating');
  const proba = predictProba(network, Xtest);
  const pred = argmaxRows(proba, K);
  const metrics = computeMetrics(yTest, pred, enc.labels);
  const testCounts = enc.labels.map(() => 0);
  for (const k of yTest) testCounts[k]++;
  warnings.push(...metricWarnings(trainCounts, testCounts, enc.labels));
  const fitSeconds = (performance.now() - t0) / 1000;
  let importance: Importance | undefined;
  let words: ClassWords[] | undefined;
  if (opts.importance !== false) {
    opts.onStage?.('column importance');
    importance = await permutationImportance(network, preprocessing, Xtest, yTest, K, { seed, signal });
    words = await classWords(network, preprocessing, Xtest, yTest, enc.labels, { seed, signal });
  }
  const explainSeconds = (performance.now() - t0) / 1000 - fitSeconds;
  return {
    classifier: {
      target: opts.target,
      features,
      labels: enc.labels,
      preprocessing,
      network,
      settings: {
        model: chosen, requestedModel: kind, seed, classWeight: cw, C, testSplit: opts.testTable ? null : opts.testSplit ?? 0.2,
        validationShare: vShare, hidden: network.kind === 'mlp' ? network.layers.slice(0, -1).map((l) => l.outDim) : undefined,
        nTrees: network.kind === 'rf' || network.kind === 'gb' ? network.forest.trees.length : undefined,
        nRounds: network.kind === 'gb' ? nRounds : undefined,
        treeNodes: network.kind === 'rf' || network.kind === 'gb' ? forestNodeCount(network.forest) : undefined,
        cvFolds,
        textFeatures: preprocessing.columns.some((c) => c.kind === 'text' || c.kind === 'embedding') ? textFeatures : undefined,
        embeddingModel: pre.usesEmbeddings ? e!.modelId : undefined,
        dropout: chosen === 'mlp' ? opts.dropout ?? MLP_DEFAULTS.dropout : undefined, learningRate: chosen === 'mlp' ? mlpLearningRate : undefined,
      },
    },
    metrics,
    candidates,
    history,
    fitSeconds,
    ...(importance ? { importance } : {}),
    ...(words ? { classWords: words } : {}),
    ...(importance ? { explainSeconds } : {}),
    trainRows: yTrain.length,
    testRows: yTest.length,
    warnings,
    excluded,
  };
}

/** Test rows equal to a training row (features and target) are warned about from this many, and this share of the test rows. */
const DUPLICATE_MIN_ROWS = 5;
const DUPLICATE_MIN_SHARE = 0.1;

/** How many test rows have the same values (trimmed) in `columns` as some training row; the last column is the target. */
export function duplicatedTestRows(table: Table, trainRows: ArrayLike<number>, testTable: Table, testRows: ArrayLike<number>, columns: string[]): number {
  // the last column is the target: its spellings that differ only in case or spaces are one class (targetKey)
  const last = columns.length - 1;
  const key = (cols: string[][], r: number) => cols.map((c, i) => (i === last ? targetKey(c[r]) : c[r].trim())).join('\u0001');
  const trainCols = columns.map((c) => table.data[table.columns.indexOf(c)]);
  const testCols = columns.map((c) => testTable.data[testTable.columns.indexOf(c)]);
  if (trainCols.some((c) => !c) || testCols.some((c) => !c)) return 0;
  const seen = new Set<string>();
  for (let i = 0; i < trainRows.length; i++) seen.add(key(trainCols, trainRows[i]));
  let n = 0;
  for (let i = 0; i < testRows.length; i++) if (seen.has(key(testCols, testRows[i]))) n++;
  return n;
}

/** Auto uses k-fold cross-validation below this many training rows, a validation split above. */
export const CV_MAX_ROWS = 5000;
/** Folds of auto's cross-validation. */
export const CV_FOLDS = 5;
/** Auto compares the network only when there are at most this many features per training row. */
const CV_MLP_MAX_COLS_PER_ROW = 4;
/** Up to this many training rows auto cross-validates the network like the other models. */
const CV_MLP_POOLED_MAX_ROWS = 600;
/** Auto compares the forest only up to this many features (after preprocessing; a forest on a wide text table is
 *  slow to cross-validate: titanic's 5,203 columns took auto from 0.6 s to 2.8 s). */
const AUTO_RF_MAX_COLS = 2000;
/** Gradient tolerance of logistic regression's fit on the training part when a refit on all training rows follows
 *  (which stops at fitLogReg's default, 1e-4): banking77 28 + 14 iterations instead of 41 + 17 (7.4 s -> 4.9 s), same
 *  final loss to 1e-4 and test accuracy 85.8% instead of 85.6%. (With L-BFGS's diagonal preconditioner: 10 + 8.) */
const LOGREG_FIRST_FIT_TOL = 1e-3;
/** Auto cross-validates gradient boosting up to this many rows x features x trees per round (the classes; one
 *  for two classes): german-credit (800 x 74) costs about 0.1 s a fit there; car (1,382 x 27 x 4 classes) 0.25 s,
 *  which took its auto over sklearn LR's time + 2 s while boosting never won its cross-validation. */
const AUTO_GB_MAX_WORK = 100_000;
/** Adam step size of auto's network (converges in far fewer epochs than 1e-3: banking77 18 epochs instead of 83, same test accuracy). */
const AUTO_MLP_LEARNING_RATE = 1e-2;
/** When auto's network on large data (a validation split, 5,000+ training rows) stops: after 5 epochs without a better
 *  validation loss (not the 10 of sklearn's n_iter_no_change, meant for its step of 1e-3), or as soon as the loss has
 *  risen 3 epochs in a row (AUTO_MLP_RISES). At the step of 1e-2 an epoch there is 22+ Adam steps and the loss bottoms
 *  out within a few epochs, then climbs: on banking77, SST-5, SST-2, subj and waimai_10k, seeds 0-4, the best epoch was
 *  the same as with 10 or 15 epochs of patience in all 25 fits, and the longest wait between two improvements was
 *  3 epochs (3 rises in a row: never followed by a better loss). banking77 (seed 0): the same network, best at the 8th
 *  epoch, in 11 epochs instead of 18; the others stop 3 epochs after their best (epoch 1 or 2), not 10. */
const AUTO_MLP_PATIENCE = 5;
const AUTO_MLP_RISES = 3;

/** Stratified k-fold assignment: fold index per row (each class dealt round-robin after a seeded shuffle). */
export function stratifiedFolds(y: Int32Array, K: number, k: number, seed: number): Int32Array {
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]].push(i);
  const rand = rng(seed);
  const fold = new Int32Array(y.length);
  let offset = 0;
  for (const rows of byClass) {
    shuffleInPlace(rows, rand);
    // Continue the deal where the previous class stopped, so fold sizes stay even.
    rows.forEach((r, j) => { fold[r] = (offset + j) % k; });
    offset = (offset + rows.length) % k;
  }
  return fold;
}

/**
 * Out-of-fold class probabilities of each model (fold[i] = fold of row i) and their pooled accuracy and
 * log loss. The forest has as many trees as the final one would. The folds are independent jobs: the
 * runner may spread them over threads (the results do not depend on where a fold ran).
 */
async function crossValidate(X: Csr, y: Int32Array, K: number, fold: Int32Array, k: number, models: ModelKind[], seed: number, onFold: (done: number, k: number) => void, s: CvSettings, signal: AbortSignal | undefined, runner: FoldRunner): Promise<{ scores: TrainResult['candidates']; proba: Map<ModelKind, Float64Array> }> {
  const proba = new Map<ModelKind, Float64Array>(models.map((m) => [m, new Float64Array(y.length * K)]));
  const jobs: FoldJob[] = [], heldOut: number[][] = [];
  for (let f = 0; f < k; f++) {
    const tr: number[] = [], te: number[] = [];
    for (let i = 0; i < y.length; i++) (fold[i] === f ? te : tr).push(i);
    if (!te.length) continue;
    jobs.push({ X: csrRows(X, tr), y: pickInt32(y, tr), Xte: csrRows(X, te), K, models, seed, settings: s });
    heldOut.push(te);
  }
  throwIfAborted(signal);
  onFold(0, jobs.length);
  const results = await runner(jobs, signal, (done, total) => onFold(done, total));
  results.forEach((res, j) => {
    const te = heldOut[j];
    for (const m of models) {
      const p = res.proba[m]!, out = proba.get(m)!;
      for (let i = 0; i < te.length; i++) out.set(p.subarray(i * K, i * K + K), te[i] * K);
    }
  });
  const scores = models.map((m) => {
    const r = lossAndAccuracy(proba.get(m)!, y, K);
    return { model: m, valAccuracy: r.accuracy, valLoss: r.loss };
  });
  return { scores, proba };
}

/**
 * The cross-validated model with the highest accuracy; equal accuracies (the same number of rows
 * right) go to the lower log loss, then to the simpler model (logreg before mlp before rf).
 */
export function pickByCv(cv: TrainResult['candidates']): ModelKind {
  const order: ModelKind[] = ['logreg', 'mlp', 'rf', 'gb'];
  const sorted = [...cv].sort((a, b) => (Math.abs(a.valAccuracy - b.valAccuracy) > 1e-9 ? b.valAccuracy - a.valAccuracy : a.valLoss !== b.valLoss ? a.valLoss - b.valLoss : order.indexOf(a.model) - order.indexOf(b.model)));
  return sorted[0]?.model ?? 'logreg';
}

/** Accuracy of out-of-fold probabilities (rows x K over all training rows) on some of the rows. */
function foldAccuracy(proba: Float64Array, y: Int32Array, rows: number[], K: number): number {
  const sub = new Float64Array(rows.length * K), ys = new Int32Array(rows.length);
  rows.forEach((r, i) => { sub.set(proba.subarray(r * K, r * K + K), i * K); ys[i] = y[r]; });
  return lossAndAccuracy(sub, ys, K).accuracy;
}

/**
 * Whether the network, scored on held-out rows against another model trained on the same rows, is
 * clearly better: right on at least max(2, 1% of the rows) more rows. Its early stopping watched those
 * rows, which flatters it slightly; the margin keeps a near tie with the other model.
 */
export function networkIsBetter(networkAccuracy: number, otherAccuracy: number, rows: number): boolean {
  return Math.round((networkAccuracy - otherAccuracy) * rows) >= networkMargin(rows);
}

/** Rows of `rows` the network must get right beyond the other model to be chosen: 2, or 1% of them. */
export function networkMargin(rows: number): number {
  return Math.max(2, Math.ceil(0.01 * rows));
}

/**
 * In-process probabilities for rows of a table (used for parity checks and quick predictions); text
 * embedding columns need `embedded` (embedColumns over the table).
 */
export function predictTable(c: TrainedClassifier, table: Table, signal?: AbortSignal, embedded?: EmbeddedTexts): { proba: Float64Array; X: Csr } {
  const X = new Preprocessor(c.preprocessing).transform(table, undefined, signal, embedded);
  return { proba: predictProba(c.network, X), X };
}

export { takeRows };
