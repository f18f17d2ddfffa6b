// Errors crossing the worker boundary. Inside the worker, handlers throw `workerError(code, msg)`
// (or any Error, which becomes 'internal'); the response carries {message, code}; the client turns
// it back into a CancelledError, a UserError with `code` (user-facing codes) or an Error with `code`.
import { CancelledError, UserError } from '../core/types';
import { USER_ERROR_CODES, type WorkerErrorCode, type WorkerErrorInfo } from './protocol';

/** A UserError (one-line, actionable message) that also says which runtime condition caused it. */
export class RuntimeUserError extends UserError {
  constructor(message: string, readonly code: WorkerErrorCode, hint?: string) {
    super(message, hint);
  }
}

/** An unexpected runtime failure; `code` is 'internal' or 'worker-stopped'. */
export class RuntimeError extends Error {
  constructor(message: string, readonly code: WorkerErrorCode) {
    super(message);
    this.name = 'RuntimeError';
  }
}

export function workerError(code: WorkerErrorCode, message: string): Error {
  if (code === 'cancelled') return new CancelledError(message);
  return USER_ERROR_CODES.includes(code) ? new RuntimeUserError(message, code) : new RuntimeError(message, code);
}

/** The code of an error thrown by the runtime ('internal' for anything unknown). */
export function errorCode(err: unknown): WorkerErrorCode {
  if (err instanceof CancelledError) return 'cancelled';
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && isWorkerErrorCode(code)) return code;
  if (err instanceof UserError) return 'bad-request';
  return 'internal';
}

function isWorkerErrorCode(code: string): code is WorkerErrorCode {
  return (
    USER_ERROR_CODES.includes(code as WorkerErrorCode) || code === 'cancelled' || code === 'internal' || code === 'worker-stopped'
  );
}

export function toErrorInfo(err: unknown): WorkerErrorInfo {
  const code = errorCode(err);
  if (err instanceof Error) return { message: err.message || String(err), code, stack: err.stack };
  return { message: String(err), code };
}

export function fromErrorInfo(info: WorkerErrorInfo): Error {
  const err = workerError(info.code, info.message);
  if (info.code === 'internal' && info.stack) err.stack = `${err.name}: ${info.message}\n    [worker stack]\n${info.stack.split('\n').slice(1).join('\n')}`;
  return err;
}
