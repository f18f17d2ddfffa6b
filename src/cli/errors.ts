// One way for every command to end: the same exit codes and the same `product-forge:` prefix on stderr.
import { CancelledError, UserError } from '../core/types';

/** Exit codes of every command (README, "CLI"). */
export const EXIT = {
  ok: 0,
  /** Something failed while running (a model, a file that could not be read or written). */
  failed: 1,
  /** Bad arguments or input the user can fix; the message says how. */
  badInput: 2,
  /** generate: the language-model backend asked for is not available. */
  backendUnavailable: 3,
  /** Interrupted (Ctrl+C); nothing was written. */
  cancelled: 130,
} as const;

export interface Writable {
  write(s: string): unknown;
}

const PREFIX = 'product-forge:';

/** `product-forge: message`, a `hint:` line when there is one. */
export function printError(stderr: Writable, message: string, hint?: string): void {
  stderr.write(`${PREFIX} ${message}\n${hint ? `${PREFIX} hint: ${hint}\n` : ''}`);
}

export function printWarning(stderr: Writable, message: string): void {
  stderr.write(`${PREFIX} warning: ${message}\n`);
}

export interface FailureOptions {
  /** Also treat any non-UserError as a cancellation (the command's signal fired). */
  aborted?: boolean;
  /** What the cancellation message says was (not) written. */
  cancelled?: string;
  /** Write a UserError's message on one line (messages wrapped for the editor). */
  oneLine?: boolean;
}

/** Prints why a command ended and returns its exit code. */
export function reportFailure(e: unknown, stderr: Writable, o: FailureOptions = {}): number {
  if (e instanceof CancelledError || (o.aborted && !(e instanceof UserError))) {
    printError(stderr, o.cancelled ?? 'cancelled; nothing was written');
    return EXIT.cancelled;
  }
  if (e instanceof UserError) {
    printError(stderr, o.oneLine ? e.message.replace(/\s*\n\s*/g, ' ') : e.message, e.hint);
    return EXIT.badInput;
  }
  const err = e as Error | undefined;
  printError(stderr, err?.message?.split('\n')[0] || String(e));
  if (process.env.PRODUCT_FORGE_DEBUG) stderr.write(`${err?.stack ?? ''}\n`);
  else stderr.write(`${PREFIX} (set PRODUCT_FORGE_DEBUG=1 for the full error)\n`);
  return EXIT.failed;
}
