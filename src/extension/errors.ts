// How commands report failures: cancellation -> info, UserError -> its message (+ Show Output),
// a GPU that cannot be used -> offer "Use CPU", anything else -> logged with its stack and shown briefly.
import * as vscode from 'vscode';
import { CancelledError, UserError } from '../core/types';
import { errorCode } from '../runtime/errors';
import { useCpuDevice } from './config';
import type { Services } from './services';

export function isCancellation(err: unknown): boolean {
  return err instanceof CancelledError || (err as Error | undefined)?.name === 'AbortError';
}

export interface ErrorReportOptions {
  /** "Analysis", "Explain Sentiment" … used as "<what> failed: …" and "<what> cancelled". */
  what: string;
  /** Runs the command again (offered after "Use CPU"). */
  retry?: () => unknown;
  scope?: vscode.ConfigurationScope;
}

/** The user closed a picker (Escape) before any work began: nothing to report beyond the log. */
export class PickerDismissed extends CancelledError {}

export async function reportCommandError(services: Services, err: unknown, opts: ErrorReportOptions): Promise<void> {
  const { output } = services;
  if (err instanceof PickerDismissed) {
    output.info(`${opts.what}: ${err.message}; nothing was done.`);
    return;
  }
  if (isCancellation(err)) {
    output.info(`${opts.what} cancelled.`);
    void vscode.window.showInformationMessage(`${opts.what} cancelled.`);
    return;
  }
  if (err instanceof UserError) {
    output.error(`${opts.what}: ${err.message}${err.hint ? ` (${err.hint})` : ''}`);
    if (errorCode(err) === 'device-unavailable') {
      const pick = await vscode.window.showErrorMessage(err.message, 'Use CPU', 'Show Output');
      if (pick === 'Use CPU') {
        await useCpuDevice(opts.scope);
        output.info('productForge.device set to "cpu".');
        if (opts.retry) await opts.retry();
      } else if (pick === 'Show Output') output.show(true);
      return;
    }
    const pick = await vscode.window.showErrorMessage(err.message, 'Show Output');
    if (pick) output.show(true);
    return;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  output.error(`${opts.what} failed: ${e.stack ?? e.message}`);
  const pick = await vscode.window.showErrorMessage(`${opts.what} failed: ${e.message}`, 'Show Output');
  if (pick) output.show(true);
}
