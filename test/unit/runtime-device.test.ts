import assert from 'node:assert/strict';
import { UserError } from '../../src/core/types';
import { gpuProviderFor, planDevices, realProbes, selectDevice, type Device, type DeviceProbes } from '../../src/runtime/device';

function probes(over: Partial<DeviceProbes> = {}): DeviceProbes {
  return {
    platform: 'linux',
    arch: 'x64',
    ortBackends: () => ['cpu', 'webgpu', 'cuda', 'tensorrt'],
    providerLibraryMissing: () => undefined,
    ...over,
  };
}

/** An attempt function that records what was tried and fails on the given devices. */
function attempts(failOn: Device[]) {
  const tried: Device[] = [];
  const fn = async (d: Device) => {
    tried.push(d);
    if (failOn.includes(d)) throw new Error(`${d} session failed\nsecond line`);
    return `session on ${d}`;
  };
  return { tried, fn };
}

describe('runtime device selection', () => {
  it('maps platforms to their GPU provider', () => {
    assert.equal(gpuProviderFor('linux', 'x64'), 'cuda');
    assert.equal(gpuProviderFor('linux', 'arm64'), undefined);
    assert.equal(gpuProviderFor('win32', 'x64'), 'dml');
    assert.equal(gpuProviderFor('darwin', 'arm64'), 'coreml');
  });

  it('cpu setting never probes the GPU', async () => {
    const p = probes({ ortBackends: () => assert.fail('must not probe') });
    const a = attempts([]);
    const sel = await selectDevice('cpu', p, a.fn);
    assert.deepEqual(a.tried, ['cpu']);
    assert.equal(sel.device, 'cpu');
    assert.equal(sel.fallbackReason, undefined);
  });

  it('auto uses the GPU when the provider works', async () => {
    const a = attempts([]);
    const sel = await selectDevice('auto', probes(), a.fn);
    assert.deepEqual(a.tried, ['cuda']);
    assert.equal(sel.device, 'cuda');
    assert.equal(sel.value, 'session on cuda');
  });

  it('auto falls back to CPU when the GPU session fails, recording why', async () => {
    const a = attempts(['cuda']);
    const logs: string[] = [];
    const sel = await selectDevice('auto', probes(), a.fn, (m) => logs.push(m));
    assert.deepEqual(a.tried, ['cuda', 'cpu']);
    assert.equal(sel.device, 'cpu');
    assert.equal(sel.fallbackReason, 'cuda: cuda session failed');
    assert.ok(logs.some((l) => l.includes('cuda session failed')));
  });

  it('auto falls back to CPU when the CUDA provider library is missing (no GPU attempt)', async () => {
    const a = attempts([]);
    const sel = await selectDevice('auto', probes({ providerLibraryMissing: () => 'libonnxruntime_providers_cuda.so not found in /x' }), a.fn);
    assert.deepEqual(a.tried, ['cpu']);
    assert.match(sel.fallbackReason!, /^cuda: libonnxruntime_providers_cuda\.so not found in \/x$/);
  });

  it('auto falls back to CPU when importing onnxruntime-node throws', async () => {
    const a = attempts([]);
    const p = probes({
      ortBackends: () => {
        throw new Error('Cannot find module onnxruntime_binding.node');
      },
    });
    const sel = await selectDevice('auto', p, a.fn);
    assert.equal(sel.device, 'cpu');
    assert.match(sel.fallbackReason!, /onnxruntime-node could not be loaded \(Cannot find module onnxruntime_binding\.node\)/);
  });

  it('auto on a platform without a GPU provider says so', async () => {
    const sel = await selectDevice('auto', probes({ platform: 'linux', arch: 'arm64' }), attempts([]).fn);
    assert.equal(sel.device, 'cpu');
    assert.equal(sel.fallbackReason, 'no GPU execution provider for linux-arm64');
  });

  it('auto skips a provider the binding does not list', () => {
    const plan = planDevices('auto', probes({ platform: 'win32', ortBackends: () => ['cpu'] }));
    assert.deepEqual(plan.candidates, ['cpu']);
    assert.deepEqual(plan.skipped, ['dml: this onnxruntime-node build has no dml provider']);
  });

  it('gpu setting fails with a UserError listing what was tried', async () => {
    const a = attempts(['cuda']);
    await assert.rejects(selectDevice('gpu', probes(), a.fn), (err: Error) => {
      assert.ok(err instanceof UserError);
      assert.equal((err as UserError & { code: string }).code, 'device-unavailable');
      assert.match(err.message, /^No GPU could be used \(cuda: cuda session failed\)\. Set productForge\.device to "auto" or "cpu"\.$/);
      return true;
    });
    assert.deepEqual(a.tried, ['cuda'], 'gpu never falls back to cpu');
  });

  it('gpu setting fails clearly when the provider library is missing', async () => {
    const a = attempts([]);
    await assert.rejects(
      selectDevice('gpu', probes({ providerLibraryMissing: () => 'libonnxruntime_providers_cuda.so not found in /bin' }), a.fn),
      /No GPU could be used \(cuda: libonnxruntime_providers_cuda\.so not found in \/bin\)/,
    );
    assert.deepEqual(a.tried, []);
  });

  it('a CPU failure is not hidden behind a fallback', async () => {
    await assert.rejects(selectDevice('auto', probes(), attempts(['cuda', 'cpu']).fn), /cpu session failed/);
  });

  it('real probes read the installed onnxruntime-node', () => {
    const p = realProbes();
    const backends = p.ortBackends();
    assert.ok(backends.includes('cpu'), `backends: ${backends}`);
    if (process.platform === 'linux' && process.arch === 'x64') {
      // This checkout has no CUDA provider library (it is not shipped with the npm package).
      const missing = p.providerLibraryMissing('cuda');
      assert.ok(missing === undefined || /libonnxruntime_providers_cuda\.so not found in .*napi-v6/.test(missing), missing);
    }
  });
});
