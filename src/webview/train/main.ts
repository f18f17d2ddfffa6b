// The Train view UI (runs in the webview; bundled by esbuild to dist/webview/train.js).
// Talks to the host only through protocol.ts messages; every message received is validated.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip, type Scale } from 'chart.js';
import { toFont } from 'chart.js/helpers';
import { droppedFileRef, parseToView, type ClassifierSummary, type EpochInfo, type TableInfo, type ToHost, type ToView, type TrainSettings, type TrainSummary } from './protocol';
import { areaOf, busyParts, controlsOn, filePrompt, nextSay, NO_CLASSIFIERS, profileStatus, StatusLines } from './status';
import { accuracyRange, chartName, curveSummary, curveTitle, legendTexts, MODEL_NAME, percentTickLabels, stepName } from './chart-text';
import { candidatesText, lossText, points } from '../../core/train/importance-format';
import { trainOptionProblem, type CheckedTrainOption } from '../../core/train/options';
import { MLP_DEFAULTS } from '../../core/train/mlp';
import { FORM_TEXT_FIELDS, keptFeatures, parseSavedState, STATE_VERSION, type FileChoices, type FormChoices, type SavedState } from './saved-state';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Title, Tooltip);

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };
const vscode = acquireVsCodeApi();
const send = (m: ToHost) => vscode.postMessage(m);

const app = document.getElementById('app')!;
const nonce = app.dataset.nonce ?? '';

// ---------- tiny DOM helpers ----------
type Attrs = Record<string, string | number | boolean | undefined>;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...kids: (Node | string | null | undefined)[]): HTMLElementTagNameMap[K];
function h(tag: string, attrs?: Attrs, ...kids: (Node | string | null | undefined)[]): HTMLElement;
function h(tag: string, attrs: Attrs = {}, ...kids: (Node | string | null | undefined)[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of kids) if (c !== null && c !== undefined) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}
const MODEL_SHORT: Record<string, string> = { logreg: 'logreg', mlp: 'MLP', rf: 'forest', gb: 'boosting' };
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');
const valueOf = (el: Element) => String((el as unknown as { value?: string }).value ?? '');
const checked = (el: Element) => !!(el as unknown as { checked?: boolean }).checked;
const setDisabled = (el: Element, off: boolean) => { (el as unknown as { disabled: boolean }).disabled = off; };
const isDisabled = (el: Element) => !!(el as unknown as { disabled?: boolean }).disabled;
/** Focuses `el` once it has rendered its last change (a vscode-element turned on takes the focus only then). */
function focusSoon(el: HTMLElement): void {
  const done = (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete ?? Promise.resolve();
  void done.then(() => { if (!isDisabled(el)) el.focus(); });
}
/**
 * A vscode-elements field named for screen readers: its `label` names the inner <input> / combobox (an aria-label on
 * the custom element itself names nothing a screen reader reads); the aria-label stays for selectors and tests.
 */
function named<T extends HTMLElement>(el: T, label: string): T {
  el.setAttribute('aria-label', label);
  (el as unknown as { label: string }).label = label;
  return el;
}

const style = h('style', { nonce });
style.textContent = `
  body { padding: 0 8px 16px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  section { margin: 10px 0; }
  h3 { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; margin: 14px 0 6px; color: var(--vscode-descriptionForeground); }
  .row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
  /* vscode-elements inputs are 320px wide by default: wider than a sidebar. Size them by their container instead. */
  vscode-single-select, vscode-textfield { max-width: 100%; }
  .row > vscode-single-select, .row > vscode-textfield { flex: 1 1 140px; width: auto; min-width: 0; }
  .grid, .rowform { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(130px, 100%), 1fr)); gap: 6px 10px; }
  .rowform { grid-template-columns: repeat(auto-fill, minmax(min(160px, 100%), 1fr)); margin: 4px 0; }
  .grid > *, .rowform > * { min-width: 0; }
  .grid label, .rowform label { display: flex; flex-direction: column; gap: 2px; font-size: 11px; color: var(--vscode-descriptionForeground); }
  .grid vscode-single-select, .grid vscode-textfield, .rowform vscode-textfield { width: 100%; min-width: 0; }
  .rowform .colname { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .rowform .coltype { opacity: .8; }
  .feat { flex-wrap: wrap; min-width: 0; }
  .feat vscode-checkbox { min-width: 0; max-width: 100%; overflow-wrap: anywhere; }
  .charts > * { min-width: 0; }
  .feat .reason, .error, .warn, .ok, [role="status"] { overflow-wrap: anywhere; }
  table { border-collapse: collapse; width: 100%; font-size: 12px; }
  th, td { border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); padding: 2px 4px; text-align: left; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: min(160px, 40vw); }
  th { color: var(--vscode-descriptionForeground); font-weight: 600; }
  /* a long preview keeps its column names in sight; opaque, and above the rows it scrolls over */
  .scroll th { position: sticky; top: 0; z-index: 1; background: var(--vscode-sideBar-background, var(--vscode-editor-background)); }
  .scroll { overflow: auto; max-height: 220px; border: 1px solid var(--vscode-widget-border, transparent); }
  .scroll:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .muted { color: var(--vscode-descriptionForeground); font-size: 11px; }
  /* a setting's name (productForge.train.embeddingModel) wraps rather than running past a narrow view's edge */
  .muted a { overflow-wrap: anywhere; }
  .error { color: var(--vscode-errorForeground); white-space: pre-wrap; }
  .warn { color: var(--vscode-editorWarning-foreground); }
  .ok { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
  .feat { display: flex; gap: 0 6px; align-items: baseline; }
  .feat .reason { color: var(--vscode-descriptionForeground); font-size: 11px; }
  .big { font-size: 18px; font-weight: 600; margin-right: 12px; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(260px, 100%), 1fr)); gap: 8px; }
  .chartbox { position: relative; height: 190px; }
  .diag { font-weight: 700; }
  table.wrap td { white-space: normal; overflow-wrap: anywhere; max-width: none; }
  .barbox { min-width: 60px; height: 8px; background: var(--vscode-editorWidget-background, transparent); }
  .bar { height: 100%; background: var(--vscode-charts-blue, var(--vscode-focusBorder)); }
  [hidden] { display: none !important; }
  a { color: var(--vscode-textLink-foreground); }
  a:hover { color: var(--vscode-textLink-activeForeground); }
  body.dropping { outline: 2px dashed var(--vscode-focusBorder); outline-offset: -4px; }
  /* read by screen readers, not shown */
  .sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
`;
document.head.append(style);

// ---------- state ----------
let info: TableInfo | undefined;
let features = new Set<string>();
let excluded = new Map<string, string>();
let models: ClassifierSummary[] = [];
let busy = false;
let training = false;

// ---------- layout ----------
const fileSelect = named(h('vscode-single-select', { combobox: true }), 'CSV file');
const browseBtn = h('vscode-button', { secondary: true, title: 'Choose a CSV/TSV file' }, 'Browse…');
const refreshBtn = h('vscode-button', { secondary: true, title: 'Refresh the file list', 'aria-label': 'Refresh the file list', icon: 'refresh' });
// The status line: the stage or the file's profile is announced; the counts and percentages that change as a stage
// goes on are shown beside it, not announced (a screen reader would read every one).
const statusSay = h('span');
const statusDetail = h('span', { 'aria-hidden': 'true' });
const status = h('div', { class: 'muted', role: 'status', 'aria-live': 'polite' }, statusSay, statusDetail);
const ring = h('vscode-progress-ring', { hidden: true, 'aria-hidden': 'true' });
const fileError = h('div', { class: 'error', role: 'alert' });
const fileHint = h('div', { class: 'muted', hidden: true });

// Scrolled boxes take the keyboard focus (to scroll them with the arrow keys): each says what it holds.
const previewBox = h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': 'Preview rows' });
const columnsBox = h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': 'Columns' });
const targetSelect = named(h('vscode-single-select'), 'Target column');
const featuresBox = h('div', { role: 'group', 'aria-label': 'Feature columns' });

const num = (label: string, id: string, value: string, title: string) => {
  const f = named(h('vscode-textfield', { id, value, title }), label);
  return { el: h('label', {}, label, f), f };
};
const modelSelect = named(h('vscode-single-select', {},
  h('vscode-option', { value: 'auto', selected: true }, 'Auto (best by cross-validation)'),
  h('vscode-option', { value: 'logreg' }, 'Logistic regression'),
  h('vscode-option', { value: 'mlp' }, 'Neural network (MLP)'),
  h('vscode-option', { value: 'rf' }, 'Random forest (100 trees)'),
  h('vscode-option', { value: 'gb' }, 'Gradient-boosted trees (100 rounds)')), 'Model');
// Text columns: TF-IDF n-grams, or the vectors of the local embedding model productForge.train.embeddingModel names.
const textSelect = named(h('vscode-single-select'), 'Text features');
function textOptions(model: string | null, selected: string): HTMLElement[] {
  const name = model ? model.split(/[\\/]/).filter(Boolean).slice(-2).join('/') : 'local model';
  return [
    h('vscode-option', { value: 'tfidf', selected: selected === 'tfidf' || !model }, 'TF-IDF word + character n-grams'),
    h('vscode-option', { value: 'embeddings', disabled: !model, selected: !!model && selected === 'embeddings' }, `Embeddings (${name})`),
    h('vscode-option', { value: 'both', disabled: !model, selected: !!model && selected === 'both' }, `TF-IDF + embeddings (${name})`),
  ];
}
textSelect.replaceChildren(...textOptions(null, 'tfidf'));
const textHint = h('div', { class: 'muted' });
const textLabel = h('label', {}, 'Text features', textSelect);
let embeddingModel: string | null = null;
/** The text features the user chose: shown again when the embedding model it needs is set (TF-IDF meanwhile). */
let textChoice = 'tfidf';
/** The workspace names an embedding model that Restricted Mode ignores. */
let embeddingIgnored = false;
const fEpochs = num('Epochs (MLP)', 'epochs', '200', 'Most passes over the data; early stopping usually ends sooner');
const fBatch = num('Batch size', 'batch', '200', 'Rows per gradient step (MLP)');
// Empty: the engine's own default, as the CLI gets it (0.001 for a network you choose, 0.01 for auto's network).
const fLr = num('Learning rate', 'lr', '', 'Adam step size (MLP). Empty: 0.001 for a network you choose, 0.01 for auto\'s network');
fLr.f.setAttribute('placeholder', 'default');
const fHidden = num('Hidden sizes', 'hidden', '64', 'Comma-separated layer widths, e.g. 64 or 128,64');
const fDropout = num('Dropout', 'dropout', String(MLP_DEFAULTS.dropout), 'Share of hidden units dropped while training (0-0.9)');
const fC = num('C (logreg)', 'c', '1', 'Inverse L2 regularisation strength');
const fTest = num('Test share', 'test', '0.2', 'Share of rows held out for the metrics');
const fVal = num('Validation share', 'val', '0.1', 'Share of training rows for early stopping and the auto choice');
const fSeed = num('Seed', 'seed', '0', 'Random seed for splits and initialisation');
const cwBox = h('vscode-checkbox', { label: 'Balance class weights' });
const trainBtn = h('vscode-button', { icon: 'play' }, 'Train');
const cancelBtn = h('vscode-button', { secondary: true, icon: 'debug-stop', disabled: true }, 'Cancel');
const trainError = h('div', { class: 'error', role: 'alert' });

// Each canvas is described in words (the model, how many steps, the last values) for screen readers.
const lossDesc = h('div', { class: 'sr-only', id: 'lossDesc' });
const accDesc = h('div', { class: 'sr-only', id: 'accDesc' });
const lossCanvas = h('canvas', { 'aria-label': 'Loss per epoch', role: 'img', 'aria-describedby': 'lossDesc' });
const accCanvas = h('canvas', { 'aria-label': 'Accuracy per epoch', role: 'img', 'aria-describedby': 'accDesc' });
// Shown from the first epoch of a run (empty axes before any training say nothing).
const charts = h('div', { class: 'charts', hidden: true }, h('div', { class: 'chartbox' }, lossCanvas), h('div', { class: 'chartbox' }, accCanvas), lossDesc, accDesc);
// Announced when a run ends: the heading, the two scores, the summary line and any warning; the tables under them
// (in an aria-live="off" part) are there to read, not read out.
const results = h('div', { 'aria-live': 'polite' });
const saveName = named(h('vscode-textfield', { placeholder: 'classifier name' }), 'Classifier name');
const saveBtn = h('vscode-button', { icon: 'save', disabled: true }, 'Save');
const saveMsg = h('div', { class: 'muted', role: 'status' });
const saveError = h('div', { class: 'error', role: 'alert' });

const modelsSelect = named(h('vscode-single-select', { disabled: true }), 'Saved classifier');
const predictFileBtn = h('vscode-button', { secondary: true, icon: 'file', disabled: true }, 'Predict a CSV…');
const refreshModelsBtn = h('vscode-button', { secondary: true, icon: 'refresh', title: 'Refresh saved classifiers', 'aria-label': 'Refresh saved classifiers' });
// Shown when the selected classifier reads one text and predicts sentiment: it can label feedback in Analyze Feedback.
const useLink = h('a', { href: '#' }, 'Use it for Analyze Feedback');
const useRow = h('div', { class: 'muted', hidden: true }, 'It predicts sentiment from a text. ', useLink);
const rowForm = h('div', { class: 'rowform' });
const predictRowBtn = h('vscode-button', { secondary: true, disabled: true }, 'Predict this row');
const predictOut = h('div', { role: 'status', 'aria-live': 'polite' });
const predictError = h('div', { class: 'error', role: 'alert' });
/** The error / outcome lines of the view's actions; each action clears the lines of earlier ones. */
const lines = new StatusLines({ file: fileError, train: trainError, save: saveMsg, predict: predictOut }, { save: saveError, predict: predictError });

// ---------- the user's choices, kept through the page's re-creation (saved-state.ts: where, why, what) ----------
const savedState = parseSavedState(vscode.getState());
/** The choices kept for a file, until the host says which file this page shows: given back if it is that one. */
let keptFile: FileChoices | undefined = savedState.file;
/** The saved classifier that was selected: selected again when the list comes (if it is still there). */
let keptClassifier: string | undefined = savedState.classifier;
const formFields = { epochs: fEpochs, batchSize: fBatch, learningRate: fLr, hidden: fHidden, dropout: fDropout, C: fC, testSplit: fTest, validationShare: fVal, seed: fSeed };
const setValue = (el: Element, v: string) => { (el as unknown as { value: string }).value = v; };

function applyForm(f: FormChoices): void {
  if (f.model) {
    for (const o of Array.from(modelSelect.querySelectorAll('vscode-option'))) o.toggleAttribute('selected', o.getAttribute('value') === f.model);
    setValue(modelSelect, f.model);
  }
  if (f.textFeatures) textChoice = f.textFeatures;
  for (const k of FORM_TEXT_FIELDS) {
    const v = f[k];
    if (v !== undefined) setValue(formFields[k].f, v);
  }
  if (f.balanced !== undefined) (cwBox as unknown as { checked: boolean }).checked = f.balanced;
}

/** Keeps the form's settings, the shown file's target, features and classifier name, and the selected classifier. */
function saveState(): void {
  const form: FormChoices = { textFeatures: textChoice as FormChoices['textFeatures'], balanced: checked(cwBox) };
  const model = valueOf(modelSelect);
  if (model) form.model = model as FormChoices['model'];
  for (const k of FORM_TEXT_FIELDS) form[k] = valueOf(formFields[k].f);
  const target = valueOf(targetSelect);
  // choices kept for a file whose features are not shown again yet stay as they were (but for a name typed meanwhile)
  const file = keptFile
    ? { ...keptFile, ...(info?.file === keptFile.file ? { name: valueOf(saveName) } : {}) }
    : info && target ? { file: info.file, target, features: [...features], name: valueOf(saveName) } : undefined;
  const classifier = keptClassifier ?? valueOf(modelsSelect);
  const state: SavedState = { v: STATE_VERSION, form, ...(file ? { file } : {}), ...(classifier ? { classifier } : {}) };
  vscode.setState(state);
}

applyForm(savedState.form);

app.append(
  h('section', {}, h('h3', {}, 'Data'), h('div', { class: 'row' }, fileSelect, browseBtn, refreshBtn, ring), fileHint, status, fileError),
  h('section', { id: 'dataSection', hidden: true },
    h('vscode-collapsible', { title: 'Preview', open: true }, previewBox),
    h('vscode-collapsible', { title: 'Columns', open: true }, columnsBox),
    h('h3', {}, 'Target'), targetSelect,
    h('h3', {}, 'Features'), featuresBox,
    h('h3', {}, 'Model'),
    h('div', { class: 'grid' }, h('label', {}, 'Model', modelSelect), textLabel, fEpochs.el, fBatch.el, fLr.el, fHidden.el, fDropout.el, fC.el, fTest.el, fVal.el, fSeed.el),
    textHint,
    h('div', { class: 'row' }, cwBox),
    h('div', { class: 'row' }, trainBtn, cancelBtn), trainError,
    charts,
    results,
    h('div', { class: 'row' }, saveName, saveBtn), saveMsg, saveError),
  h('section', {}, h('h3', {}, 'Saved classifiers'),
    h('div', { class: 'row' }, modelsSelect, refreshModelsBtn, predictFileBtn), useRow,
    h('div', { class: 'muted' }, 'Predict a typed row (or a text) with the selected classifier:'), rowForm,
    h('div', { class: 'row' }, predictRowBtn), predictOut, predictError),
);

// ---------- charts ----------
const cssVar = (n: string, fb: string) => getComputedStyle(document.documentElement).getPropertyValue(n).trim() || fb;
/** The charts' colours from the current theme's variables (read again whenever the theme changes). */
function chartColors() {
  return {
    fg: cssVar('--vscode-foreground', '#ccc'),
    grid: cssVar('--vscode-widget-border', cssVar('--vscode-panel-border', 'rgba(128,128,128,.3)')),
    train: cssVar('--vscode-charts-blue', '#3794ff'),
    val: cssVar('--vscode-charts-orange', '#d18616'),
  };
}
function makeChart(canvas: HTMLCanvasElement, title: string): Chart {
  const acc = title === 'accuracy';
  // percents with as many decimals as the axis's range needs (whole ones repeated "99% 99% 98%" on a narrow range)
  const pctTicks = acc ? { callback: (_v: string | number, i: number, ticks: { value: number }[]) => percentTickLabels(ticks.map((t) => t.value))[i] } : {};
  // a flat accuracy curve stays inside 0–100% (the library's own range around one value went up to 105%)
  const flatRange = acc
    ? {
        afterDataLimits: (scale: Scale) => {
          const data = scale.getMinMax(false);
          if (data.min !== data.max) return;
          Object.assign(scale, accuracyRange(data.min, data.max));
        },
      }
    : {};
  return new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: [
      { label: `train ${title}`, data: [], pointRadius: 0, borderWidth: 1.5, spanGaps: true },
      { label: `validation ${title}`, data: [], pointRadius: 0, borderWidth: 1.5, spanGaps: true },
    ] },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      // a model without a validation curve (logistic regression) shows no legend entry for it
      plugins: {
        legend: {
          labels: {
            boxWidth: 10,
            filter: (item, data) => data.datasets[item.datasetIndex ?? 0]?.data.some((v) => v !== null && v !== undefined) ?? true,
            // "train" / "validation" when "train accuracy" / "validation accuracy" would take two lines (a narrow
            // sidebar): asked again at each layout, so a wider view gets the whole names back
            generateLabels: (chart) => {
              const items = Chart.defaults.plugins.legend.labels.generateLabels(chart);
              const font = toFont(chart.options.plugins?.legend?.labels?.font as Parameters<typeof toFont>[0]);
              const ctx = chart.ctx;
              ctx.save();
              ctx.font = font.string;
              const texts = legendTexts(title, chart.width, (t) => ctx.measureText(t).width, 10, font.size ?? 12);
              ctx.restore();
              for (const it of items) it.text = texts[it.datasetIndex ?? 0] ?? it.text;
              return items;
            },
          },
        },
      },
      scales: { x: { ticks: { maxTicksLimit: 8 }, title: { display: true, text: 'epoch' } }, y: { ticks: pctTicks, ...flatRange, title: { display: true, text: title } } },
    },
  });
}
const lossChart = makeChart(lossCanvas, 'loss');
const accChart = makeChart(accCanvas, 'accuracy');
/** Colours both charts by the current theme: VS Code restyles the webview when the user switches themes, a canvas must be redrawn. */
function themeCharts(): void {
  const c = chartColors();
  for (const ch of [lossChart, accChart]) {
    ch.data.datasets[0].borderColor = c.train;
    ch.data.datasets[0].backgroundColor = c.train;
    ch.data.datasets[1].borderColor = c.val;
    ch.data.datasets[1].backgroundColor = c.val;
    const o = ch.options;
    o.plugins!.legend!.labels!.color = c.fg;
    if (o.plugins!.title) o.plugins!.title.color = c.fg;
    for (const axis of [o.scales!.x!, o.scales!.y!]) {
      axis.ticks = { ...axis.ticks, color: c.fg };
      axis.grid = { ...axis.grid, color: c.grid };
      if ('title' in axis && axis.title) axis.title.color = c.fg;
    }
    ch.update('none');
  }
}
themeCharts();
// VS Code marks a theme change on <body>'s class (vscode-light / vscode-dark / vscode-high-contrast…) and <html>'s style (the variables).
new MutationObserver(() => themeCharts()).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
new MutationObserver(() => themeCharts()).observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
let chartModel = '';
/** The epochs of the curve the charts show (for their descriptions). */
let curve: EpochInfo[] = [];
function resetCharts(): void {
  for (const c of [lossChart, accChart]) {
    c.data.labels = [];
    c.data.datasets.forEach((d) => (d.data = []));
    c.update();
  }
  charts.hidden = true;
  chartModel = '';
  curve = [];
  lossDesc.textContent = accDesc.textContent = '';
}
function addEpoch(e: EpochInfo): void {
  charts.hidden = false;
  const key = `${e.model}/${e.phase}`;
  if (key !== chartModel) {
    // A new model or phase starts its own curve, titled by its model (the accuracy chart under it shows the same run).
    for (const c of [lossChart, accChart]) {
      c.data.labels = [];
      c.data.datasets.forEach((d) => (d.data = []));
      (c.options.scales!.x as { title: { text: string } }).title.text = stepName(e.model);
    }
    // the canvases are named by the same step as their axis (an L-BFGS iteration is no epoch)
    lossCanvas.setAttribute('aria-label', chartName('loss', e.model));
    accCanvas.setAttribute('aria-label', chartName('accuracy', e.model));
    chartModel = key;
    curve = [];
    lossChart.options.plugins!.title = { display: true, text: curveTitle(e), color: chartColors().fg };
  }
  curve.push(e);
  lossDesc.textContent = curveSummary(curve, 'loss');
  accDesc.textContent = curveSummary(curve, 'accuracy');
  lossChart.data.labels!.push(e.epoch);
  accChart.data.labels!.push(e.epoch);
  lossChart.data.datasets[0].data.push(e.trainLoss);
  lossChart.data.datasets[1].data.push(e.valLoss as number);
  accChart.data.datasets[0].data.push(e.trainAccuracy);
  accChart.data.datasets[1].data.push(e.valAccuracy as number);
  lossChart.update('none');
  accChart.update('none');
}

// ---------- rendering ----------
/** Sets the status line: `say` is announced (only when it changes), `detail` is shown after it. */
function setStatus(say: string, detail = ''): void {
  if (statusSay.textContent !== say) statusSay.textContent = say;
  if (statusDetail.textContent !== detail) statusDetail.textContent = detail;
}
function setBusy(b: boolean, say = '', detail = ''): void {
  busy = b;
  ring.hidden = !b;
  setStatus(say, detail);
  syncButtons();
}
function syncButtons(): void {
  // The text-features choice matters only when a text column is among the features.
  const anyText = !!info && info.columns.some((c) => c.type === 'text' && features.has(c.name));
  textLabel.hidden = !anyText;
  textHint.hidden = !anyText;
  const wasOnTrain = trainBtn.matches(':focus');
  const on = controlsOn({ busy, training, profiled: !!info, features: features.size });
  setDisabled(trainBtn, !on.train);
  setDisabled(cancelBtn, !on.cancel);
  setDisabled(fileSelect, !on.pickFile);
  setDisabled(browseBtn, !on.pickFile);
  setDisabled(targetSelect, !on.pickTarget);
  // Train goes off when a run starts: the keyboard focus moves to Cancel instead of falling out of the view.
  if (training && wasOnTrain) focusSoon(cancelBtn);
}

/**
 * A table; the columns from `numFrom` on hold numbers (right-aligned, so that their digits line up). `rowHeaders`:
 * each row's first cell names it (a screen reader says it with every cell of the row, as the column's header).
 */
function table(head: string[], rows: (string | Node)[][], numFrom = Infinity, rowHeaders = false): HTMLTableElement {
  const cls = (j: number) => (j >= numFrom ? 'num' : undefined);
  return h('table', {}, h('thead', {}, h('tr', {}, ...head.map((x, j) => h('th', { scope: 'col', class: cls(j) }, x)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, j) => h('td', { class: cls(j), role: rowHeaders && j === 0 ? 'rowheader' : undefined, title: typeof c === 'string' ? c : undefined }, c))))));
}

/** Set while renderProfile selects the profiled file in the list (not a user's pick). */
let showingFile = false;

/** `restored`: the host shows again the file a page before this one showed (its kept choices come back). */
function renderProfile(i: TableInfo, restored = false): void {
  info = i;
  if (keptFile && !(restored && keptFile.file === i.file)) keptFile = undefined;
  else if (keptFile?.name) setValue(saveName, keptFile.name);
  // The file list shows the profiled file, however it was chosen (list, Browse…, a drop, the explorer command).
  const options = Array.from(fileSelect.querySelectorAll('vscode-option')) as HTMLElement[];
  if (!options.some((o) => o.getAttribute('value') === i.file)) {
    fileSelect.append(h('vscode-option', { value: i.file }, i.file.split(/[\\/]/).pop() ?? i.file));
  }
  showingFile = true;
  try {
    (fileSelect as unknown as { value: string }).value = i.file;
  } finally {
    showingFile = false;
  }
  // a narrow sidebar cuts a long name off in the list: the whole path on hover
  fileSelect.title = i.file;
  fileHint.hidden = true;
  document.getElementById('dataSection')!.hidden = false;
  setStatus(profileStatus(i));
  previewBox.replaceChildren(table(i.columns.map((c) => c.name), i.preview), h('div', { class: 'muted' }, i.previewSampled ? `${i.preview.length} rows sampled evenly from the file` : `first ${i.preview.length} rows`));
  columnsBox.replaceChildren(table(['column', 'type', 'missing', 'distinct'], i.columns.map((c) => [c.name, c.type, `${(c.missingShare * 100).toFixed(1)}%`, String(c.distinct)]), 2));
  targetSelect.replaceChildren(...i.columns.map((c) => h('vscode-option', { value: c.name, selected: c.name === i.proposedTarget }, `${c.name} (${c.type}, ${c.distinct} values)`)));
  targetSelect.title = i.proposedTarget ?? '';
  featuresBox.replaceChildren();
}

function renderFeatures(target: string, feats: string[], excl: { name: string; reason: string }[]): void {
  // a page made anew ticks what the user ticked for this file and target, not the host's proposal
  const kept = info ? keptFeatures(keptFile, info, target) : undefined;
  keptFile = undefined;
  features = new Set(kept ?? feats);
  excluded = new Map(excl.map((e) => [e.name, e.reason]));
  if (!info) return;
  (targetSelect as unknown as { value: string }).value = target;
  targetSelect.title = target;
  featuresBox.replaceChildren(...info.columns.filter((c) => c.name !== target).map((c) => {
    const cb = h('vscode-checkbox', { label: `${c.name} · ${c.type}`, checked: features.has(c.name) });
    cb.addEventListener('change', () => { if (checked(cb)) features.add(c.name); else features.delete(c.name); syncButtons(); saveState(); });
    const why = excluded.get(c.name);
    return h('div', { class: 'feat' }, cb, why ? h('span', { class: 'reason' }, `excluded: ${why}`) : null);
  }));
  syncButtons();
  saveState();
}

function renderResults(s: TrainSummary): void {
  const m = s.metrics;
  const cand = s.candidates.length > 1 ? `validation accuracy: ${candidatesText(s.candidates, (m) => MODEL_SHORT[m] ?? m, pct)}` : '';
  const K = s.labels.length;
  const cm = K <= 20 ? table(['true \\ predicted', ...s.labels], m.confusion.map((row, k) => [s.labels[k], ...row.map((v, j) => h('span', { class: j === k ? 'diag' : '' }, String(v)))]), 1, true) : h('div', { class: 'muted' }, `confusion matrix not shown for ${K} classes`);
  results.replaceChildren(
    h('h3', {}, 'Results'),
    h('div', { class: 'row' }, h('span', { class: 'big' }, `accuracy ${pct(m.accuracy)}`), h('span', { class: 'big' }, `macro-F1 ${pct(m.macroF1)}`)),
    h('div', { class: 'muted' }, `${MODEL_NAME[s.model] ?? s.model} · ${s.trainRows} training rows, ${s.testRows} test rows · ${s.fitSeconds.toFixed(1)} s${cand ? ' · ' + cand : ''}${textNote(s)}`),
    // read, not read out: the live region announces the lines above and the warnings below
    h('div', { 'aria-live': 'off' },
      h('div', { class: 'scroll', role: 'region', 'aria-label': 'Metrics per class', tabindex: 0 }, table(['class', 'precision', 'recall', 'F1', 'support'], m.perClass.map((c) => [c.label, c.precision.toFixed(3), c.recall.toFixed(3), c.f1.toFixed(3), String(c.support)]), 1, true)),
      h('div', { class: 'scroll', role: 'region', 'aria-label': 'Confusion matrix', tabindex: K <= 20 ? 0 : undefined }, cm),
      ...importanceBlock(s),
      ...classWordsBlock(s)),
    ...s.warnings.map((w) => h('div', { class: 'warn' }, `⚠ ${w}`)),
  );
  setDisabled(saveBtn, false);
  if (!valueOf(saveName) && info) (saveName as unknown as { value: string }).value = `${(info.file.split(/[\\/]/).pop() ?? 'model').replace(/\.[^.]+$/, '')}-${s.model}`;
  saveState();
}

/**
 * What the model relies on: each feature column's permutation importance (accuracy points lost on the held-out
 * rows when its values are shuffled), largest first, with a bar scaled to the largest.
 */
function importanceBlock(s: TrainSummary): Node[] {
  const imp = s.importance;
  if (!imp || !imp.columns.length) return [];
  const top = Math.max(...imp.columns.map((c) => c.drop));
  const rows = imp.columns.map((c) => {
    const bar = h('div', { class: 'bar' });
    // CSSOM, not a style attribute: the view's CSP allows only its nonce'd stylesheet.
    bar.style.width = `${top > 0 ? (Math.max(0, c.drop) / top) * 100 : 0}%`;
    const detail = `${points(c.drop)} ± ${points(c.sd)} points; log loss ${lossText(c.lossRise)}`;
    return [c.column, h('div', { class: 'barbox', 'aria-hidden': 'true' }, bar), h('span', { title: detail, 'aria-label': `${c.column}: ${detail}` }, `${points(c.drop)} ± ${points(c.sd)}`)];
  });
  return [
    h('h3', {}, 'What the model relies on'),
    h('div', { class: 'muted' }, `Accuracy points lost on ${imp.rows.toLocaleString()} held-out rows when a column's values are shuffled (mean ± sd of ${imp.repeats} shuffles). Near zero or below: the model hardly uses that column.`),
    h('div', { class: 'scroll', role: 'region', 'aria-label': 'Column importance', tabindex: 0 }, table(['column', 'importance', 'points lost'], rows, 2)),
  ];
}

/** With text columns: per class, the words that point to it (class-words.ts), with the points each is worth. */
function classWordsBlock(s: TrainSummary): Node[] {
  const cw = s.classWords;
  if (!cw || !cw.some((c) => c.words.length)) return [];
  const rows = cw.map((c) => [
    c.label,
    c.words.length
      ? h('span', {}, ...c.words.flatMap((w, i) => [i ? ', ' : '', h('span', { title: `${w.column}: ${(w.drop * 100).toFixed(1)} points of "${c.label}" lost without it, mean of the ${w.rows} of ${c.rows} held-out rows looked at that hold it` }, w.word)]))
      : h('span', { class: 'muted' }, `none in 2 or more of its ${c.rows} rows looked at`),
  ]);
  return [
    h('h3', {}, 'Words that point to each class'),
    h('div', { class: 'muted' }, 'In the held-out rows of each class, the words whose removal lowers that class\'s probability most; words such as "the" or "is" are not listed (hover a word for its points).'),
    h('div', { class: 'scroll', role: 'region', 'aria-label': 'Words per class', tabindex: 0 }, wrapping(table(['class', 'words'], rows))),
  ];
}

/** A table whose cells wrap instead of ending in "…" (a list of words is read whole). */
function wrapping(t: HTMLTableElement): HTMLTableElement {
  t.classList.add('wrap');
  return t;
}

/** " · text: TF-IDF + embeddings (model)" when text columns were featurized. */
function textNote(s: TrainSummary): string {
  if (!s.textFeatures) return '';
  const how = { tfidf: 'TF-IDF n-grams', embeddings: 'embeddings', both: 'TF-IDF + embeddings' }[s.textFeatures];
  return ` · text: ${how}${s.embeddingModel ? ` (${s.embeddingModel})` : ''}`;
}

/** The folder of the classifier just saved (as the host shows it, relative to the workspace), to select it when listed. */
let justSaved = '';

function renderModels(list: ClassifierSummary[]): void {
  // keep the selected classifier selected through a refresh; after a Save, select the one saved
  const saved = justSaved && list.find((c) => c.dir === justSaved || c.dir.replace(/\\/g, '/').endsWith('/' + justSaved.replace(/\\/g, '/')));
  justSaved = '';
  const wanted = keptClassifier;
  keptClassifier = undefined;
  const keep = saved ? saved.dir : list.some((c) => c.dir === valueOf(modelsSelect)) ? valueOf(modelsSelect) : list.find((c) => c.dir === wanted)?.dir ?? list[0]?.dir;
  models = list;
  modelsSelect.replaceChildren(...list.map((c) => h('vscode-option', { value: c.dir, selected: c.dir === keep }, `${c.name} — ${c.target}, ${c.modelKind}, ${pct(c.accuracy)}`)));
  if (keep) (modelsSelect as unknown as { value: string }).value = keep;
  // nothing to choose: off, and the line under it says how to get a classifier
  setDisabled(modelsSelect, !list.length);
  renderRowForm();
  saveState();
}

function selectedModel(): ClassifierSummary | undefined {
  const dir = valueOf(modelsSelect);
  return models.find((m) => m.dir === dir) ?? models[0];
}

/** The classifier the row form was made for: a refresh of the list that keeps it keeps what was typed. */
let rowFormFor = '';

function renderRowForm(): void {
  const m = selectedModel();
  const same = !!m && m.dir === rowFormFor;
  rowFormFor = m?.dir ?? '';
  useRow.hidden = !m?.sentiment;
  // Nothing to predict with: the buttons are off and the line says how to get a classifier.
  for (const b of [predictFileBtn, predictRowBtn]) setDisabled(b, !m);
  if (!m) { predictOut.replaceChildren(); rowForm.replaceChildren(h('div', { class: 'muted' }, NO_CLASSIFIERS)); return; }
  if (same) return;
  predictOut.replaceChildren();
  const types = new Map(m.columns.map((c) => [c.name, c.type]));
  // One label + field per feature; a long column name is cut with an ellipsis and shown whole in its tooltip.
  rowForm.replaceChildren(...m.features.map((f) => {
    const type = types.get(f) ?? '?';
    const field = named(h('vscode-textfield', { 'data-col': f }), f);
    onEnter(field, predictRowBtn);
    return h('label', { title: `${f} (${type})` },
      h('span', { class: 'colname' }, f, h('span', { class: 'coltype' }, ` (${type})`)),
      field);
  }));
}

/** Enter in `field` presses `button` (when it is on), as in a form. */
function onEnter(field: HTMLElement, button: HTMLElement): void {
  field.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.isComposing || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    if (!isDisabled(button)) button.click();
  });
}

// ---------- events ----------
fileSelect.addEventListener('change', () => { const f = valueOf(fileSelect); if (f && !showingFile && !training) { keptFile = undefined; lines.startAction(); send({ type: 'pickFile', file: f }); } });
browseBtn.addEventListener('click', () => { if (training) return; keptFile = undefined; lines.startAction(); send({ type: 'browse' }); });
refreshBtn.addEventListener('click', () => send({ type: 'refreshFiles' }));
targetSelect.addEventListener('change', () => { const t = valueOf(targetSelect); if (t && !training) { keptFile = undefined; lines.startAction(); send({ type: 'selectTarget', target: t }); } });
modelsSelect.addEventListener('change', () => { lines.startAction(); renderRowForm(); saveState(); });
// every change of a setting is kept at once (the page may be gone the next moment)
modelSelect.addEventListener('change', saveState);
textSelect.addEventListener('change', () => { textChoice = valueOf(textSelect) || textChoice; saveState(); });
for (const el of [...Object.values(formFields).map((f) => f.f), saveName]) for (const ev of ['input', 'change']) el.addEventListener(ev, saveState);
cwBox.addEventListener('change', saveState);
refreshModelsBtn.addEventListener('click', () => send({ type: 'refreshModels' }));
useLink.addEventListener('click', (e) => { e.preventDefault(); const m = selectedModel(); if (m) { lines.startAction(); send({ type: 'useForAnalysis', modelDir: m.dir }); } });

/** The label of each checked setting's field, as the form shows it. */
const FIELD_LABELS: Record<CheckedTrainOption, string> = {
  testSplit: 'Test share', validationShare: 'Validation share', C: 'C', hidden: 'Hidden sizes', dropout: 'Dropout', epochs: 'Epochs',
  batchSize: 'Batch size', learningRate: 'Learning rate', seed: 'Seed', nTrees: 'Trees', nRounds: 'Rounds', model: 'Model', textFeatures: 'Text features',
};

function readSettings(): TrainSettings | string {
  const n = (f: { f: HTMLElement }, name: string) => {
    const x = Number(valueOf(f.f));
    if (!Number.isFinite(x) || valueOf(f.f).trim() === '') throw new Error(`${name} must be a number`);
    return x;
  };
  try {
    const hiddenText = valueOf(fHidden.f).split(',').map((x) => x.trim()).filter(Boolean);
    const hidden = hiddenText.map(Number);
    if (hidden.some((x) => !Number.isFinite(x))) return `Hidden sizes must be whole numbers like 64 or 128,64 (got ${hiddenText.join(',')})`;
    const s: TrainSettings = {
      target: valueOf(targetSelect), features: [...features], model: valueOf(modelSelect) as TrainSettings['model'],
      testSplit: n(fTest, 'Test share'), validationShare: n(fVal, 'Validation share'), seed: n(fSeed, 'Seed'), classWeight: checked(cwBox) ? 'balanced' : 'none',
      epochs: n(fEpochs, 'Epochs'), batchSize: n(fBatch, 'Batch size'), ...(valueOf(fLr.f).trim() === '' ? {} : { learningRate: n(fLr, 'Learning rate') }), hidden, dropout: n(fDropout, 'Dropout'), C: n(fC, 'C'),
      textFeatures: (valueOf(textSelect) || 'tfidf') as TrainSettings['textFeatures'],
    };
    if (s.textFeatures !== 'tfidf' && !embeddingModel) {
      return embeddingIgnored
        ? 'Embeddings need a local model: this workspace names one in productForge.train.embeddingModel, which Restricted Mode ignores. Trust the workspace, or set it in your user settings'
        : 'Embeddings need a local model: set productForge.train.embeddingModel first';
    }
    // the engine's own rule (core/train/options.ts), each setting named by its field
    const problem = trainOptionProblem(s, (k) => FIELD_LABELS[k]);
    if (problem) return problem;
    if (!s.features.length) return 'Pick at least one feature column';
    return s;
  } catch (e) {
    return (e as Error).message;
  }
}

trainBtn.addEventListener('click', () => {
  lines.startAction();
  const s = readSettings();
  if (typeof s === 'string') { lines.error('train', s); return; }
  results.replaceChildren();
  resetCharts();
  training = true;
  setDisabled(saveBtn, true);
  syncButtons();
  send({ type: 'train', settings: s });
});
// Enter in a setting's field trains, as in a form (when Train is on).
for (const f of [fEpochs, fBatch, fLr, fHidden, fDropout, fC, fTest, fVal, fSeed]) onEnter(f.f, trainBtn);
onEnter(saveName, saveBtn);
cancelBtn.addEventListener('click', () => send({ type: 'cancel' }));
saveBtn.addEventListener('click', () => {
  lines.startAction();
  const name = valueOf(saveName).trim();
  if (!name) { lines.error('save', 'Enter a name for the classifier first.'); saveName.focus(); return; }
  justSaved = '';
  send({ type: 'save', name });
});
predictFileBtn.addEventListener('click', () => { const m = selectedModel(); if (m) { lines.startAction(); send({ type: 'predictFile', modelDir: m.dir }); } });
predictRowBtn.addEventListener('click', () => {
  const m = selectedModel();
  if (!m) return;
  lines.startAction();
  const values: Record<string, string> = {};
  rowForm.querySelectorAll('vscode-textfield').forEach((f) => { values[(f as HTMLElement).dataset.col ?? ''] = valueOf(f); });
  send({ type: 'predictRow', modelDir: m.dir, values });
});

window.addEventListener('message', (ev: MessageEvent) => {
  const msg: ToView | undefined = parseToView(ev.data);
  if (!msg) return;
  switch (msg.type) {
    case 'files': {
      const prompt = filePrompt(msg.files.length);
      fileHint.textContent = prompt.hint;
      fileHint.hidden = !prompt.hint || !!info;
      fileSelect.replaceChildren(h('vscode-option', { value: '', selected: !info }, prompt.option),
        ...msg.files.map((f) => h('vscode-option', { value: f.path, selected: info?.file === f.path }, f.label)));
      return;
    }
    case 'busy': {
      if (msg.training) training = true;
      const { say, detail } = busyParts(msg.stage, msg.done, msg.total);
      setBusy(true, busy ? nextSay(statusSay.textContent ?? '', say) : say, detail);
      return;
    }
    case 'embedding':
      renderEmbedding(msg.model, !!msg.ignored);
      return;
    case 'idle': {
      const ran = training;
      // Cancel (or a Train the run turned off) had the focus: it goes back to Train, not out of the view.
      // (Only while the view has the focus: a run that ends while the user types in an editor takes nothing from it.)
      const lost = document.hasFocus() && (document.activeElement === document.body || document.activeElement === cancelBtn);
      training = false;
      // back to the file's line; after a run, without saying it again (the results are what is announced then)
      if (ran && info) quietly(status, () => setBusy(false, profileStatus(info!)));
      else setBusy(false, info ? profileStatus(info) : '');
      if (ran && lost) focusSoon(trainBtn);
      return;
    }
    case 'profile':
      renderProfile(msg.info, !!msg.restored);
      return;
    case 'features':
      renderFeatures(msg.target, msg.features, msg.excluded);
      return;
    case 'epoch':
      addEpoch(msg.epoch);
      return;
    case 'trained':
      renderResults(msg.summary);
      return;
    case 'saved':
      lines.show('save', `Saved to ${msg.dir}`);
      justSaved = msg.dir;
      return;
    case 'models':
      renderModels(msg.models);
      return;
    case 'prediction':
      predictOut.replaceChildren(h('div', { class: 'big' }, `${msg.label} (${pct(msg.confidence)})`),
        // announced: the label line; the probabilities are there to read
        h('div', { 'aria-live': 'off' }, table(['class', 'probability'], [...msg.probabilities].sort((a, b) => b.p - a.p).slice(0, 10).map((p) => [p.label, pct(p.p)]), 1, true)));
      return;
    case 'predicted':
      predictOut.replaceChildren(h('div', { class: 'ok' }, `Wrote ${msg.rows} predictions to ${msg.out}`), ...(msg.warnings ?? []).slice(0, 5).map((w) => h('div', { class: 'warn' }, `⚠ ${w}`)));
      return;
    case 'error': {
      lines.error(areaOf(msg.context), msg.message === 'Cancelled' ? 'Training cancelled; nothing was kept.' : msg.message);
      return;
    }
  }
});

/** Enables the embedding choices when a model is configured, and says which one (or how to set one). */
function renderEmbedding(model: string | null, ignored = false): void {
  embeddingModel = model;
  embeddingIgnored = ignored;
  textSelect.replaceChildren(...textOptions(model, textChoice));
  const link = h('a', { href: '#', title: 'Open the setting' }, 'productForge.train.embeddingModel');
  link.addEventListener('click', (e) => { e.preventDefault(); send({ type: 'openEmbeddingSetting' }); });
  textHint.replaceChildren(
    ...(model
      ? [`Text columns can also be read by the embedding model ${model} (`, link, ').']
      : ignored
        ? ['This workspace sets ', link, ', but Restricted Mode ignores it (a model from an untrusted workspace is not loaded). Trust the workspace, or set it in your user settings, to use sentence embeddings.']
        : ['To use sentence embeddings for text columns, set ', link, ' to a local model.']),
  );
}

/** Runs `change` on live region `el` without a screen reader announcing it (the region is live again afterwards). */
function quietly(el: HTMLElement, change: () => void): void {
  const live = el.getAttribute('aria-live');
  el.setAttribute('aria-live', 'off');
  change();
  setTimeout(() => { if (live === null) el.removeAttribute('aria-live'); else el.setAttribute('aria-live', live); }, 250);
}

// A CSV dropped on the view from a file manager is picked like one chosen in the list. (VS Code keeps its own
// drags, from the explorer or a tab, away from webviews: "Train a Classifier on This File" is the way there.)
const carriesFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].some((t) => /uri-list|resourceurls|codefiles|^files$/i.test(t));
document.addEventListener('dragover', (e) => {
  if (!carriesFiles(e)) return;
  e.preventDefault();
  if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  document.body.classList.add('dropping');
});
document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) document.body.classList.remove('dropping'); });
document.addEventListener('drop', (e) => {
  document.body.classList.remove('dropping');
  if (!e.dataTransfer) return;
  e.preventDefault();
  const ref = droppedFileRef((t) => e.dataTransfer!.getData(t));
  if (training) {
    // the view is the run's until it ends (the file list and Browse… are off meanwhile)
    lines.error('file', 'A classifier is being trained: wait for the run to end, or Cancel it, then drop the file again.');
    return;
  }
  keptFile = undefined;
  lines.startAction();
  if (ref) send({ type: 'dropFile', ref });
  else lines.error('file', 'The drop carried no file path: use Browse…, or right-click the CSV in the explorer → Train a Classifier on This File.');
});

send({ type: 'ready' });
