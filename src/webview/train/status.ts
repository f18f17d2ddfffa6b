// The Train view's message lines: one per kind of action (file, train, save, predict). Each shows the error or
// outcome of the last action of its kind; when the user starts any action, the lines of earlier ones are cleared,
// so that a message such as "Not saved: … is in use" never stays on screen through later, unrelated actions.
// DOM-free (a line is anything with textContent), so it is unit-tested in node.
import type { TableInfo, ToView } from './protocol';

export type MessageArea = 'file' | 'train' | 'save' | 'predict';
type ErrorContext = Extract<ToView, { type: 'error' }>['context'];

/** Where the host's error of `context` is shown ('general' errors go under the file picker, at the top). */
export function areaOf(context: ErrorContext): MessageArea {
  return context === 'train' || context === 'save' || context === 'predict' ? context : 'file';
}

type Line = { textContent: string | null };

export class StatusLines {
  /**
   * `lines`: each action's outcome line; `errors`: where an action's errors go when that is another element (a
   * role="alert" line, so that a screen reader says it at once), else its outcome line takes them too.
   */
  constructor(private readonly lines: Record<MessageArea, Line>, private readonly errors: Partial<Record<MessageArea, Line>> = {}) {}

  /** Shows `message` in `area`'s line, replacing what it showed (and an error shown there before). */
  show(area: MessageArea, message: string): void {
    const err = this.errors[area];
    if (err && err !== this.lines[area]) err.textContent = '';
    this.lines[area].textContent = message;
  }

  /** Shows the error `message` in `area`'s error line, replacing its outcome line's message. */
  error(area: MessageArea, message: string): void {
    const err = this.errors[area] ?? this.lines[area];
    if (err !== this.lines[area]) this.lines[area].textContent = '';
    err.textContent = message;
  }

  /** The user starts another action: the messages of earlier actions no longer apply. */
  startAction(): void {
    for (const line of new Set([...Object.values(this.lines), ...Object.values(this.errors)])) if (line) line.textContent = '';
  }
}

/**
 * The status line while the host works, in two parts: `say`, the stage a screen reader announces (once: it changes
 * only when the stage does), and `detail`, the counts and the percentage that change as it goes ("cross-validation"
 * + " (2/5 folds done)", "reading" + " 37%"), shown but not announced.
 */
export function busyParts(stage: string, done?: number, total?: number): { say: string; detail: string } {
  const m = /^(.*?)(\s*\(\d[\d,.]*\/\d[\d,.]*[^()]*\))$/.exec(stage);
  const say = (m ? m[1] : stage).trim() || stage;
  let detail = m ? m[2] : '';
  if (total) detail += ` ${Math.round(((done ?? 0) / total) * 100)}%`;
  else if (!detail) detail = '…';
  return { say, detail };
}

/**
 * The stage to announce after `shown`: a bare stage that `shown` already names more fully ("reading" after "reading
 * customers.csv") keeps `shown`, so that it is neither said again nor made vaguer.
 */
export function nextSay(shown: string, say: string): string {
  return shown.startsWith(say + ' ') ? shown : say;
}

/**
 * Which of the view's controls are on. During a training run the view is the run's: Cancel is on, and Train, the file
 * list, Browse… and the target are off (the host refuses another file or target until the run ends, so the run's
 * results and Save stay with the file and target they were trained for; a target chosen mid-run showed the new
 * target's features above the old one's results); while the host reads a file Train waits for its columns. The model
 * settings and the ticked features stay on: they are the next run's, and the page's own.
 */
export function controlsOn(s: { busy: boolean; training: boolean; profiled: boolean; features: number }): { train: boolean; cancel: boolean; pickFile: boolean; pickTarget: boolean } {
  return { train: !s.busy && !s.training && s.profiled && s.features > 0, cancel: s.training, pickFile: !s.training, pickTarget: !s.training && s.profiled };
}

/** The status line of a profiled file: its name, size, how it was read, and what went wrong reading it. */
export function profileStatus(i: Pick<TableInfo, 'file' | 'rowCount' | 'columns' | 'delimiter' | 'hasHeader' | 'warnings'>): string {
  const name = i.file.split(/[\\/]/).pop() || i.file;
  const delimiter = i.delimiter === '\t' ? 'tab' : `'${i.delimiter}'`;
  const header = i.hasHeader ? 'header row' : 'no header: columns named c0, c1, …';
  return `${name}: ${i.rowCount.toLocaleString()} rows, ${i.columns.length} columns (delimiter ${delimiter}, ${header})${i.warnings.length ? ' — ' + i.warnings.join('; ') : ''}`;
}

/** The saved-classifiers line when there are none (the predict buttons are off then). */
export const NO_CLASSIFIERS = 'No saved classifiers yet: train one above and save it, then predict with it here.';

/**
 * The file list's first entry and the line under it, for `count` workspace CSV/TSV files. The entry stays short
 * (a narrow sidebar cuts a long one off); what to do when there are none is said in full on the line.
 */
export function filePrompt(count: number): { option: string; hint: string } {
  return count
    ? { option: 'Pick a file…', hint: '' }
    : { option: 'No CSV/TSV files', hint: 'No CSV or TSV files in this workspace: use Browse…, drop one on this view, or right-click a CSV in the explorer → Train a Classifier on This File.' };
}
