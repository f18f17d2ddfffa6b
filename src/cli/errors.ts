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
  /** Whoever read stdout stopped (`| head`): the command stopped quietly, as if killed by SIGPIPE. */
  stdoutClosed: 141,
} as const;

export interface Writable {
  write(s: string): unknown;
}

const PREFIX = 'product-forge:';
/** The signal that stopped this command, if any: SIGTERM ends with 143 rather than 130. */
let stoppedBy: 'SIGINT' | 'SIGTERM' | undefined;

/**
 * The engine's messages name the extension's settings; on the command line the same choices are options (and the
 * CLI never downloads a model).
 */
export function cliWording(message: string): string {
  return message
    .replace(/Enable productForge\.allowModelDownloads to download it \([^)]*\), or set productForge\.modelsPath to a folder that has it\./g, 'Pass --models-path DIR (or set PRODUCT_FORGE_MODELS_PATH) with a folder that has it; the CLI does not download models.')
    .replace(/,? or enable productForge\.allowModelDownloads/g, '')
    .replace(/Run the command again and accept the download, or set productForge\.modelsPath to/g, 'Pass --models-path DIR with')
    .replace(/[Ss]et productForge\.modelsPath to/g, (m) => (m[0] === 'S' ? 'Pass --models-path DIR with' : 'pass --models-path DIR with'))
    .replace(/point productForge\.modelsPath to/g, 'pass --models-path DIR with')
    .replace(/productForge\.modelsPath "([^"]*)" is not a folder\. Fix or clear the setting\./g, '--models-path "$1" is not a folder.')
    .replace(/productForge\.modelsPath/g, '--models-path')
    .replace(/Set productForge\.device to "auto" or "cpu"\./g, 'Pass --device auto or --device cpu.')
    .replace(/productForge\.generation\.model/g, '--model')
    .replace(/productForge\.generation\.endpoint/g, '--endpoint')
    .replace(/maxNewTokens \(productForge\.generation\.maxNewTokens\)/g, '--max-new-tokens')
    .replace(/productForge\.generation\.maxNewTokens/g, '--max-new-tokens')
    .replace(/"Product Forge: Set OpenAI-Compatible API Key" \(CLI: PRODUCT_FORGE_API_KEY\)/g, 'PRODUCT_FORGE_API_KEY');
}

/** `product-forge: message`, a `hint:` line when there is one. */
export function printError(stderr: Writable, message: string, hint?: string): void {
  stderr.write(`${PREFIX} ${cliWording(message)}\n${hint ? `${PREFIX} hint: ${cliWording(hint)}\n` : ''}`);
}

export function printWarning(stderr: Writable, message: string): void {
  stderr.write(`${PREFIX} warning: ${cliWording(message)}\n`);
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
  // the reader of stdout went away: nothing to tell it, and no error of ours
  if (stdoutClosed || (e as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return EXIT.stdoutClosed;
  if (e instanceof CancelledError || (o.aborted && !(e instanceof UserError))) {
    printError(stderr, o.cancelled ?? 'cancelled; nothing was written');
    return stoppedBy === 'SIGTERM' ? 143 : EXIT.cancelled;
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

/**
 * Ctrl+C (SIGINT) and SIGTERM for a command: the first calls `stop` (cancel, then clean up); copies of that same
 * signal (a terminal or `timeout` sends it to the process and to its group) are ignored; a later one quits at once,
 * after `onForce` (synchronous last-moment clean-up). Returns the function that removes the handlers: call it only
 * after the clean-up, so a late copy cannot cut it short.
 */
export function onStopSignals(stop: (sig: 'SIGINT' | 'SIGTERM' | 'EPIPE') => void, onForce?: () => void, stderr: Writable = process.stderr): () => void {
  let first: number | undefined;
  const handler = (sig: 'SIGINT' | 'SIGTERM' | 'EPIPE') => {
    if (first === undefined) {
      first = Date.now();
      if (sig !== 'EPIPE') stoppedBy = sig;
      stop(sig);
      return;
    }
    if (sig === 'EPIPE') return;
    if (Date.now() - first < 150) return;
    stderr.write('quitting now\n');
    onForce?.();
    process.exit(sig === 'SIGTERM' ? 143 : EXIT.cancelled);
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  // `product-forge … | head`: stdout's reader leaves; the command stops as on Ctrl+C (its clean-up runs), quietly
  watchStdout();
  const onClosed = () => handler('EPIPE');
  stdoutListeners.add(onClosed);
  if (stdoutClosed) onClosed();
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    stdoutListeners.delete(onClosed);
  };
}

/** Set once writing to stdout failed with EPIPE. */
let stdoutClosed = false;
let watchingStdout = false;
const stdoutListeners = new Set<() => void>();

/** True once stdout's reader has gone (EPIPE): a command stops writing and ends with EXIT.stdoutClosed. */
export function isStdoutClosed(): boolean {
  return stdoutClosed;
}

function watchStdout(): void {
  if (watchingStdout) return;
  watchingStdout = true;
  // Kept for the life of the process: a later write to the closed pipe must not crash it either.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    if (stdoutClosed) return;
    stdoutClosed = true;
    for (const l of [...stdoutListeners]) l();
  });
}
