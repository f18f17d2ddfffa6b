// What the Train view shows that a re-created view must be shown again (no 'vscode': unit-tested). VS Code re-creates
// the webview when the user hides the view and opens it again, moves it, or reloads webviews; the new page starts
// empty and says 'ready'. The host notes what it posts (the file's profile, the features, the run's epochs, its result,
// the stage of a run going on) and replays it then, so the view shows the running training, its curves so far (the
// next epochs follow live), a Cancel that works, and the last result.
import type { EpochInfo, TableInfo, ToView, TrainSettings, TrainSummary } from '../webview/train/protocol';

/** The epochs of one run kept for a re-created view (a long network run has a few hundred per model). */
export const MAX_KEPT_EPOCHS = 5000;

type Features = Extract<ToView, { type: 'features' }>;

export class TrainViewMemory {
  private profile: TableInfo | undefined;
  private features: Features | undefined;
  private epochs: EpochInfo[] = [];
  private summary: TrainSummary | undefined;
  /** The stage of the training run going on; undefined when none is. */
  private stage: string | undefined;

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
        return;
      default:
        return;
    }
  }

  /** A run starts with `settings`: its curves replace the last run's, and its target and features are what the view shows. */
  runStarted(settings: Pick<TrainSettings, 'target' | 'features'>): void {
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
    if (!this.profile) return out;
    out.push({ type: 'profile', info: this.profile });
    if (this.features) out.push(this.features);
    for (const epoch of this.epochs) out.push({ type: 'epoch', epoch });
    if (this.stage !== undefined) out.push({ type: 'busy', stage: this.stage, training: true });
    else if (this.summary) out.push({ type: 'trained', summary: this.summary });
    return out;
  }
}
