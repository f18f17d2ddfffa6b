// The Train view's message lines: one per kind of action (file, train, save, predict). Each shows the error or
// outcome of the last action of its kind; when the user starts any action, the lines of earlier ones are cleared,
// so that a message such as "Not saved: … is in use" never stays on screen through later, unrelated actions.
// DOM-free (a line is anything with textContent), so it is unit-tested in node.
import type { ToView } from './protocol';

export type MessageArea = 'file' | 'train' | 'save' | 'predict';
type ErrorContext = Extract<ToView, { type: 'error' }>['context'];

/** Where the host's error of `context` is shown ('general' errors go under the file picker, at the top). */
export function areaOf(context: ErrorContext): MessageArea {
  return context === 'train' || context === 'save' || context === 'predict' ? context : 'file';
}

export class StatusLines {
  constructor(private readonly lines: Record<MessageArea, { textContent: string | null }>) {}

  /** Shows `message` in `area`'s line, replacing what it showed. */
  show(area: MessageArea, message: string): void {
    this.lines[area].textContent = message;
  }

  /** The user starts another action: the messages of earlier actions no longer apply. */
  startAction(): void {
    for (const line of Object.values(this.lines)) line.textContent = '';
  }
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
