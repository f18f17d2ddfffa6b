// What the Train view page keeps of the user's choices through its own re-creation (DOM-free: unit-tested in node).
//
// Where it is kept, and why there: in the page's own state, acquireVsCodeApi().setState()/getState(). The form's
// settings belong to the page (the host sees them only with a Train request), and VS Code keeps a webview view's state
// for that view when it makes the page anew: the view hidden ("Hide 'Train'") and opened again, moved to another
// container, "Developer: Reload Webviews", and (in the workspace's storage) a window reload. No message, and nothing
// on the host, is needed for it. What the host owns (the profiled file, a run, its curves and result) stays in the
// host's memory (src/extension/trainViewMemory.ts), which the page cannot keep across a run it is not there for.
//
// What is kept: the model settings (model, text features, epochs, batch size, learning rate, hidden sizes, dropout, C,
// test and validation shares, seed, class weighting), as typed, for every file: a user who set up a network expects
// it set up the same way for the next file, as the form already does while the page lives. The target, the ticked
// features and the classifier's name belong to one file: they come back only when the host shows that same file
// again in a re-made page; a file picked (even the same one) starts from the host's proposal.
//
// The state is read like a message: it may come from an older page of another shape, or be damaged, so each field
// is checked on its own and one that does not pass is left at the form's default.
import { MODEL_CHOICES } from '../../core/train/options';
import { TEXT_FEATURES, type TextFeatures } from '../../core/train/embed';
import type { TableInfo, TrainSettings } from './protocol';

export const STATE_VERSION = 1;

/** The form's model settings, each text field as typed (a half-typed value comes back as it was). */
export interface FormChoices {
  model?: TrainSettings['model'];
  textFeatures?: TextFeatures;
  epochs?: string;
  batchSize?: string;
  learningRate?: string;
  hidden?: string;
  dropout?: string;
  C?: string;
  testSplit?: string;
  validationShare?: string;
  seed?: string;
  balanced?: boolean;
}

/** One file's choices: its target, the features ticked for it, the classifier name typed for it. */
export interface FileChoices {
  file: string;
  target: string;
  features: string[];
  name: string;
}

export interface SavedState {
  v: typeof STATE_VERSION;
  form: FormChoices;
  file?: FileChoices;
  /** The saved classifier selected under "Saved classifiers" (its folder). */
  classifier?: string;
}

/** The text fields of the form, in FormChoices. */
export const FORM_TEXT_FIELDS = ['epochs', 'batchSize', 'learningRate', 'hidden', 'dropout', 'C', 'testSplit', 'validationShare', 'seed'] as const;

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
/** Longest value kept for a typed setting (a number, or a few layer widths). */
const MAX_FIELD = 100;

/** The state `v` (what getState() gave: anything), reduced to the fields that pass their checks. Never throws. */
export function parseSavedState(v: unknown): SavedState {
  const out: SavedState = { v: STATE_VERSION, form: {} };
  if (!isObj(v)) return out;
  const f = isObj(v.form) ? v.form : {};
  if (typeof f.model === 'string' && MODEL_CHOICES.includes(f.model)) out.form.model = f.model as TrainSettings['model'];
  if (typeof f.textFeatures === 'string' && TEXT_FEATURES.includes(f.textFeatures as TextFeatures)) out.form.textFeatures = f.textFeatures as TextFeatures;
  for (const k of FORM_TEXT_FIELDS) {
    const x = f[k];
    if (isStr(x, MAX_FIELD)) out.form[k] = x;
  }
  if (typeof f.balanced === 'boolean') out.form.balanced = f.balanced;
  const file = v.file;
  if (isObj(file) && isStr(file.file, 4096) && file.file && isStr(file.target, 1000) && file.target
    && Array.isArray(file.features) && file.features.length <= 10_000 && file.features.every((x) => isStr(x, 1000))) {
    out.file = { file: file.file, target: file.target, features: [...file.features] as string[], name: isStr(file.name, 100) ? file.name : '' };
  }
  if (isStr(v.classifier, 4096) && v.classifier) out.classifier = v.classifier;
  return out;
}

/**
 * The features to tick for `target` of the file `info` that a re-made page shows, from the choices kept for a file:
 * undefined when they were kept for another file or another target (the host's proposal stands then). Columns the
 * file no longer has, and the target itself, are left out.
 */
export function keptFeatures(kept: FileChoices | undefined, info: Pick<TableInfo, 'file' | 'columns'>, target: string): string[] | undefined {
  if (!kept || kept.file !== info.file || kept.target !== target) return undefined;
  const names = new Set(info.columns.map((c) => c.name));
  return kept.features.filter((c) => c !== target && names.has(c));
}
