// Lazy, configured access to transformers.js inside the worker. Loading it also loads the native
// onnxruntime-node binding, so it happens on the first 'load' (not at worker start) and a failure
// becomes a clear 'runtime-unavailable' error instead of a dead worker.
import { RuntimeUserError } from './errors';
import { keepOnnxRuntimeLocal } from '../core/ortPrivacy';
import { oneLine } from './device';

type Transformers = typeof import('@huggingface/transformers');

let cached: Transformers | undefined;

export async function transformers(): Promise<Transformers> {
  if (cached) return cached;
  let tf: Transformers;
  keepOnnxRuntimeLocal();
  try {
    tf = await import('@huggingface/transformers');
  } catch (err) {
    throw new RuntimeUserError(
      `The ONNX runtime could not be loaded on ${process.platform}-${process.arch} (${oneLine(err)}). Reinstall the extension build for this platform.`,
      'runtime-unavailable',
    );
  }
  // Only local folders, given as absolute paths: never the Hub, never a cache of ours on disk.
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.useFSCache = false;
  tf.env.useBrowserCache = false;
  tf.env.logLevel = tf.LogLevel?.ERROR ?? tf.env.logLevel;
  cached = tf;
  return tf;
}

/** transformers.js if a load already brought it in (never loads it). */
export function loadedTransformers(): Transformers | undefined {
  return cached;
}
