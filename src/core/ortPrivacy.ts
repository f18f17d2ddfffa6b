// onnxruntime-node 1.30's Linux and macOS binaries carry Microsoft's 1DS telemetry (onnxruntime PR #27379): unless
// ORT_DISABLE_TELEMETRY=1 is in the process environment when the runtime initializes, every process that creates a
// session writes a persistent device id and an event database under $XDG_CACHE_HOME (~/.cache)/Microsoft/
// DeveloperTools/.onnxruntime, leaves mat-debug-<pid>.log and .ses files in the temp folder, and uploads usage events.
// Product Forge promises that nothing leaves the machine, so it opts out before any ONNX Runtime session exists.
// The runtime reads the variable with getenv(): it must be set on the process itself, from the main thread (a
// worker thread's process.env is a private copy that native code never sees), before the first worker that loads
// onnxruntime-node starts. Every place that starts such a worker, or loads onnxruntime-node, calls this first.
// (Windows builds log through ETW instead, governed by Windows' own diagnostic-data settings; no variable exists.)
import { isMainThread } from 'node:worker_threads';

export const ORT_TELEMETRY_OPT_OUT = 'ORT_DISABLE_TELEMETRY';

/** Turns ONNX Runtime's telemetry off for this process (idempotent; a no-op off the main thread). */
export function keepOnnxRuntimeLocal(): void {
  if (isMainThread) process.env[ORT_TELEMETRY_OPT_OUT] = '1';
}
