// How a device the models ran on is named to a user (the status bar, report.md, the Report view): pure, no imports,
// so the webviews use it too.

/** Human-friendly device name: 'cpu' -> CPU, 'cuda' -> CUDA, 'dml' -> DirectML, 'coreml' -> CoreML. */
export function deviceLabel(device: string): string {
  switch (device.toLowerCase()) {
    case 'cpu':
      return 'CPU';
    case 'cuda':
      return 'CUDA';
    case 'dml':
    case 'directml':
      return 'DirectML';
    case 'coreml':
      return 'CoreML';
    case 'webgpu':
      return 'WebGPU';
    default:
      return device;
  }
}

/**
 * Where a model ran, after "analyzed … ": "on the CPU", "on the GPU (CUDA)", "on the GPU (DirectML)", "with CoreML"
 * (which itself spreads the work over the GPU, the Neural Engine and the CPU); an unknown name as it is ("on npu").
 */
export function onDevice(device: string): string {
  const d = device.toLowerCase();
  if (d === 'cpu') return 'on the CPU';
  if (d === 'cuda' || d === 'dml' || d === 'directml' || d === 'webgpu') return `on the GPU (${deviceLabel(d)})`;
  if (d === 'coreml') return 'with CoreML';
  return `on ${device}`;
}
