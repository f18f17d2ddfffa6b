// Device selection. The decision is pure (`planDevices`, `selectDevice` with injected probes and an
// injected attempt function) so it is unit-tested without hardware; `realProbes()` looks at the real
// onnxruntime-node install. Runs inside the worker thread (the probes may load the native binding).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DeviceSetting } from '../core/types';
import { keepOnnxRuntimeLocal } from '../core/ortPrivacy';
import { RuntimeUserError } from './errors';

export type GpuProvider = 'cuda' | 'dml' | 'coreml';
export type Device = GpuProvider | 'cpu';

export interface DeviceProbes {
  platform: string;
  arch: string;
  /** Execution providers the native onnxruntime binding reports; throws when the binding cannot be loaded. */
  ortBackends(): string[];
  /** Whether the provider's extra shared library is installed: undefined when it is, else why not. */
  providerLibraryMissing(provider: GpuProvider): string | undefined;
}

export interface DevicePlan {
  /** Devices to try, in order (the last is 'cpu' unless the setting is 'gpu'). */
  candidates: Device[];
  /** Why GPU providers were left out before trying (e.g. "cuda: libonnxruntime_providers_cuda.so not found in ..."). */
  skipped: string[];
}

/** The GPU execution provider onnxruntime-node offers on a platform, if any. */
export function gpuProviderFor(platform: string, arch: string): GpuProvider | undefined {
  if (platform === 'linux' && arch === 'x64') return 'cuda';
  if (platform === 'win32') return 'dml';
  if (platform === 'darwin') return 'coreml';
  return undefined;
}

/** Which devices to try for a setting. Never throws: a failing probe becomes a skip reason. */
export function planDevices(setting: DeviceSetting, probes: DeviceProbes): DevicePlan {
  if (setting === 'cpu') return { candidates: ['cpu'], skipped: [] };
  const skipped: string[] = [];
  const candidates: Device[] = [];
  const gpu = gpuProviderFor(probes.platform, probes.arch);
  if (!gpu) {
    skipped.push(`no GPU execution provider for ${probes.platform}-${probes.arch}`);
  } else {
    try {
      const backends = probes.ortBackends();
      const missing = probes.providerLibraryMissing(gpu);
      if (!backends.includes(gpu)) skipped.push(`${gpu}: this onnxruntime-node build has no ${gpu} provider`);
      else if (missing) skipped.push(`${gpu}: ${missing}`);
      else candidates.push(gpu);
    } catch (err) {
      skipped.push(`${gpu}: onnxruntime-node could not be loaded (${oneLine(err)})`);
    }
  }
  if (setting === 'auto') candidates.push('cpu');
  return { candidates, skipped };
}

export interface DeviceSelection<T> {
  device: Device;
  value: T;
  /** Set when a GPU was wanted ('auto') but not used: every reason, '; '-separated. */
  fallbackReason?: string;
}

/**
 * Tries the plan's devices in order with `attempt` (e.g. create the ONNX session there). 'auto' falls
 * back to CPU on any GPU failure and records why; 'gpu' fails with a UserError listing what was tried;
 * a CPU failure is rethrown as is (the model or runtime is broken, not the device).
 */
export async function selectDevice<T>(
  setting: DeviceSetting,
  probes: DeviceProbes,
  attempt: (device: Device) => Promise<T>,
  log?: (message: string) => void,
): Promise<DeviceSelection<T>> {
  const plan = planDevices(setting, probes);
  const reasons = [...plan.skipped];
  for (const device of plan.candidates) {
    if (device === 'cpu') {
      const value = await attempt('cpu');
      const fallbackReason = setting === 'auto' && reasons.length ? reasons.join('; ') : undefined;
      if (fallbackReason) log?.(`Using the CPU: ${fallbackReason}`);
      return { device, value, fallbackReason };
    }
    try {
      return { device, value: await attempt(device) };
    } catch (err) {
      if ((err as { name?: string })?.name === 'CancelledError') throw err;
      reasons.push(`${device}: ${oneLine(err)}`);
      log?.(`The ${device} provider failed: ${oneLine(err)}`);
    }
  }
  throw new RuntimeUserError(
    `No GPU could be used (${reasons.join('; ') || 'nothing to try'}). Set productForge.device to "auto" or "cpu".`,
    'device-unavailable',
  );
}

/** File name of a provider's extra shared library, when it has one. */
export function providerLibraryName(provider: GpuProvider, platform: string): string | undefined {
  if (provider === 'cuda') return platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return undefined; // DirectML and CoreML are built into the binding on their platforms.
}

/** Probes of the real onnxruntime-node next to this bundle (dist/) or in node_modules. */
export function realProbes(): DeviceProbes {
  const req = createRequire(__filename);
  const bindingDir = (): string => {
    const main = req.resolve('onnxruntime-node');
    return path.join(path.dirname(path.dirname(main)), 'bin', 'napi-v6', process.platform, process.arch);
  };
  return {
    platform: process.platform,
    arch: process.arch,
    ortBackends() {
      keepOnnxRuntimeLocal();
      const ort = req('onnxruntime-node') as { listSupportedBackends?: () => { name: string }[] };
      if (typeof ort.listSupportedBackends !== 'function') throw new Error('listSupportedBackends is missing');
      return ort.listSupportedBackends().map((b) => b.name);
    },
    providerLibraryMissing(provider) {
      const lib = providerLibraryName(provider, process.platform);
      if (!lib) return undefined;
      const dir = bindingDir();
      return existsSync(path.join(dir, lib)) ? undefined : `${lib} not found in ${dir}`;
    },
  };
}

export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const first = msg.split(/\r?\n/).find((l) => l.trim()) ?? msg;
  return first.trim().slice(0, 300);
}
