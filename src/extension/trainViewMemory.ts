// What the Train view shows that a re-created view must be shown again (no 'vscode': unit-tested). VS Code re-creates
// the webview when the user hides the view and opens it again, moves it, or reloads webviews; the new page starts
// empty and says 'ready'. The host notes what it posts (the file's profile, the features, the run's epochs, its result,
// the stage of a run going on) and replays it then, so the view shows the running training, its curves so far (the
// next epochs follow live), a Cancel that works, and the last result. It also knows whether a run or a file's reading
// is going on, which the host lets happen one at a time: a file is not picked during a run (the view's file list is
// off then; the run's view, its Cancel and its results stay the run's), and no run starts while a file is read.
// (The form's settings are the page's own, kept in its webview state: src/webview/train/saved-state.ts.)
import type { EpochInfo, TableInfo, ToView, TrainSettings, TrainSummary } from '../webview/train/protocol';

/** The epochs of one run kept for a re-created view (a long network run has a few hundred per model). */
export const MAX_KEPT_EPOCHS = 5000;

type Features = Extract<ToView, { type: 'features' }>;
type Busy = Extract<ToView, { type: 'busy' }>;

/** A file's reading (profile and proposed features) going on: its last stage. */
export interface FileRead { file: string; busy: Busy }

const baseName = (file: string) => file.split(/[\\/]/).pop() || file;

export class TrainViewMemory {
  private profile: TableInfo | undefined;
  private features: Features | undefined;
  private epochs: EpochInfo[] = [];
  private summary: TrainSummary | undefined;
  /** The stage of the training run going on; undefined when none is. */
  private stage: string | undefined;
  /** The file the run going on (or the last run) trains on. */
  private runFile: string | undefined;
  /** The file being read, if one is. */
  private picking: FileRead | undefined;

  /** Notes a message posted to the view (whether or not a view received it). */
  note(m: ToView): void {
    switch (m.type) {
      case 'profile':
        this.profile = m.info;
        this.features = undefined;
        return;
      case 'features':
        this.features = m;
        return;
      case 'epoch':
        this.epochs.push(m.epoch);
        if (this.epochs.length > MAX_KEPT_EPOCHS) this.epochs.splice(0, this.epochs.length - MAX_KEPT_EPOCHS);
        return;
      case 'trained':
        this.summary = m.summary;
        return;
      case 'busy':
        if (m.training && this.stage !== undefined) this.stage = m.stage;
        else if (!m.training && this.picking) this.picking.busy = m;
        return;
      default:
        return;
    }
  }

  /**
   * Why `file` cannot be picked now, or undefined when it can: not during a training run (the view shows the run, its
   * curves and Cancel, and its results and Save go with its file; another file's profile under them would mislead).
   */
  pickRefusal(file?: string): string | undefined {
    if (this.stage === undefined) return undefined;
    const run = this.runFile ? baseName(this.runFile) : 'a file';
    const what = file === undefined ? 'the file' : `${baseName(file)}${file === this.runFile ? ' again' : ''}`;
    return `A classifier is being trained on ${run}: wait for the run to end, or Cancel it, then pick ${what}.`;
  }

  /** Why the target cannot be changed now (during a run: its results and Save are for the run's target), or undefined. */
  targetRefusal(): string | undefined {
    if (this.stage === undefined) return undefined;
    const target = this.features?.target;
    return `A classifier is being trained${target ? ` to predict ${target}` : ''}: wait for the run to end, or Cancel it, then choose the target.`;
  }

  /** Why a run cannot start now, or undefined when it can: not during another run, nor while a file is read. */
  trainRefusal(): string | undefined {
    if (this.stage !== undefined) return 'A training run is in progress; cancel it first.';
    if (this.picking) return `${baseName(this.picking.file)} is still being read: train once its columns are shown.`;
    return undefined;
  }

  /** `file` is being read (its stages are kept for a page made anew meanwhile); hand the result to pickEnded. */
  pickStarted(file: string): FileRead {
    this.picking = { file, busy: { type: 'busy', stage: `reading ${baseName(file)}` } };
    return this.picking;
  }

  /** The reading `pick` ended (a later pick's reading goes on). */
  pickEnded(pick: FileRead): void {
    if (this.picking === pick) this.picking = undefined;
  }

  /** A run on `file` starts with `settings`: its curves replace the last run's, and its target and features are what the view shows. */
  runStarted(settings: Pick<TrainSettings, 'target' | 'features'>, file?: string): void {
    this.runFile = file ?? this.profile?.file;
    this.epochs = [];
    this.summary = undefined;
    this.stage = 'training';
    this.features = { type: 'features', target: settings.target, features: [...settings.features], excluded: this.features?.excluded ?? [] };
  }

  /** The run ended (done, failed or cancelled). */
  runEnded(): void {
    this.stage = undefined;
  }

  /** The messages that bring a new, empty view to what the last one showed, in the order the view needs them. */
  replay(): ToView[] {
    const out: ToView[] = [];
    if (this.profile) {
      // restored: the page gives back the choices it kept for this file (saved-state.ts), not for a file just picked
      out.push({ type: 'profile', info: this.profile, restored: true });
      if (this.features) out.push(this.features);
      for (const epoch of this.epochs) out.push({ type: 'epoch', epoch });
      if (this.stage !== undefined) out.push({ type: 'busy', stage: this.stage, training: true });
      else if (this.summary) out.push({ type: 'trained', summary: this.summary });
    }
    // a file still being read (the first one, or another): its stage, Train off, until the host's 'idle'
    if (this.picking) out.push(this.picking.busy);
    return out;
  }
}
