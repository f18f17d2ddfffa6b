// The model worker (worker_threads): all inference runs here, off the extension host thread.
// Message loop: {kind:'request'} -> handler (with its own AbortController) -> one {kind:'response'};
// {kind:'cancel'} aborts that request's signal. console output is forwarded as 'log' messages.
import { parentPort, threadId } from 'node:worker_threads';
import { CancelledError } from '../core/types';
import { toErrorInfo } from './errors';
import { analyzeJob } from './handlers/analyze';
import { classify } from './handlers/classify';
import type { HandlerContext, LoadedModel } from './handlers/context';
import { explain } from './handlers/explain';
import { generate } from './handlers/generate';
import { load, settleReleases, unload } from './handlers/load';
import { lowerThreadPriority } from './priority';
import { loadedTransformers } from './transformers';
import type { FromWorker, Method, RequestMap, RequestMessage, ToWorker } from './protocol';

type Handler<M extends Method> = (params: RequestMap[M]['params'], ctx: HandlerContext) => Promise<RequestMap[M]['result']>;

const port = parentPort;
if (!port) throw new Error('src/runtime/worker.ts must run in a worker thread.');

const models = new Map<string, LoadedModel>();
const niceness = lowerThreadPriority();
const active = new Map<number, AbortController>();

function post(msg: FromWorker): void {
  port!.postMessage(msg);
}
function log(level: 'info' | 'warn' | 'error', message: string): void {
  post({ kind: 'log', level, message });
}

// transformers.js and onnxruntime write warnings to the console: route them to the client's log.
const fmt = (args: unknown[]): string => args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : safeJson(a))).join(' ');
console.log = console.info = console.debug = (...a: unknown[]) => log('info', fmt(a));
console.warn = (...a: unknown[]) => log('warn', fmt(a));
console.error = (...a: unknown[]) => log('error', fmt(a));
if (niceness !== undefined) log('info', `Model worker threads run at nice ${niceness} (below the editor).`);

async function ping(params: RequestMap['ping']['params'], ctx: HandlerContext): Promise<RequestMap['ping']['result']> {
  const delay = Number(params?.delayMs ?? 0);
  if (delay > 0) {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, Math.min(delay, 600_000));
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(new CancelledError());
      });
    });
  }
  const versions: Record<string, string> = { node: process.versions.node };
  const tf = loadedTransformers();
  if (tf) versions.transformers = String(tf.env.version);
  return { pid: process.pid, threadId, versions, models: [...models.keys()] };
}

const handlers: { [M in Method]: Handler<M> } = {
  ping,
  load,
  unload,
  classify,
  explain,
  analyze: analyzeJob,
  generate,
};

async function handle(req: RequestMessage): Promise<void> {
  const ac = new AbortController();
  active.set(req.id, ac);
  const ctx: HandlerContext = {
    signal: ac.signal,
    progress: (data) => {
      if (!ac.signal.aborted) post({ kind: 'progress', id: req.id, data } as FromWorker);
    },
    log,
    models,
  };
  try {
    const handler = handlers[req.method] as Handler<Method> | undefined;
    if (!handler) throw Object.assign(new Error(`Unknown method "${String(req.method)}".`), { code: 'bad-request' });
    const result = await handler(req.params, ctx);
    post({ kind: 'response', id: req.id, ok: true, result } as FromWorker);
  } catch (err) {
    const e = ac.signal.aborted && !(err instanceof CancelledError) ? new CancelledError() : err;
    if (!(e instanceof CancelledError) && toErrorInfo(e).code === 'internal') log('error', `${req.method} failed: ${(e as Error)?.stack ?? e}`);
    post({ kind: 'response', id: req.id, ok: false, error: toErrorInfo(e) });
  } finally {
    active.delete(req.id);
  }
}

/** Cancels every job, waits for them to finish (temp files removed), then releases every model. */
async function shutdown(): Promise<void> {
  shuttingDown = true;
  for (const ac of active.values()) ac.abort();
  for (let waited = 0; active.size && waited < 4_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  const all = [...models.keys()];
  for (const id of all) {
    await unload({ modelId: id, force: true }, { signal: new AbortController().signal, progress: () => undefined, log, models }).catch(() => undefined);
  }
  // models unloaded earlier while a job held them: released now, and every release finished, before the exit
  await Promise.race([settleReleases(), new Promise((r) => setTimeout(r, 4_000).unref())]);
  post({ kind: 'shutdown-done' });
}

let shuttingDown = false;
port.on('message', (msg: ToWorker) => {
  if (msg?.kind === 'cancel') active.get(msg.id)?.abort();
  else if (msg?.kind === 'request') {
    if (shuttingDown) post({ kind: 'response', id: msg.id, ok: false, error: { message: 'The model runtime was shut down.', code: 'worker-stopped' } });
    else void handle(msg);
  } else if (msg?.kind === 'shutdown') void shutdown();
});

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
