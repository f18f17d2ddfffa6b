// Cooperative yielding for long synchronous loops on a thread that must stay responsive (the extension
// host's, or a worker's that also answers cancel messages).

/** A tick: undefined while the slice lasts, else a promise that resolves after one setImmediate turn. */
export type Tick = () => Promise<void> | undefined;

/**
 * Returns a function that yields to the event loop (setImmediate) once `budgetMs` of synchronous work
 * have passed since the last yield: long loops call it per item and await it when it returns a promise.
 */
export function yielder(budgetMs = 4): Tick {
  let last = performance.now();
  return () => {
    if (performance.now() - last < budgetMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now();
        resolve();
      }),
    );
  };
}

/** One setImmediate turn: between the stages of a step that has no loop to put a tick in (sniffing a file's start). */
export function breathe(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
