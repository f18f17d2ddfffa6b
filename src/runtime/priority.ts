// Background threads yield the CPU to the editor. On Linux, setpriority() on "process 0" changes only
// the calling thread, so a worker thread can lower its own priority without touching the extension
// host; elsewhere the same call would change the whole process, so it is not made there.
// PRODUCT_FORGE_WORKER_NICE (0–19) is set by the extension for its model worker; the CLI leaves it unset.
import os from 'node:os';

/** Lowers this thread's priority per PRODUCT_FORGE_WORKER_NICE (Linux only); returns the niceness set, or undefined. */
export function lowerThreadPriority(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): number | undefined {
  const n = Number(env.PRODUCT_FORGE_WORKER_NICE);
  if (platform !== 'linux' || !Number.isInteger(n) || n <= 0) return undefined;
  const nice = Math.min(19, n);
  try {
    os.setPriority(0, nice);
    return nice;
  } catch {
    return undefined; // not permitted here: run at normal priority
  }
}
