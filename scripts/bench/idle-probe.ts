// The reference for the event-loop figures of `npm run bench`, measured over the same window: a separate, idle Node
// process at normal priority with the same event-loop histogram (monitorEventLoopDelay, 10 ms resolution). Whatever
// delay it sees comes from the machine (other processes, the hypervisor), not from a busy event loop.
import { spawn, type ChildProcess } from 'node:child_process';

const PROBE = `
const { monitorEventLoopDelay } = require('node:perf_hooks');
const h = monitorEventLoopDelay({ resolution: 10 }); h.enable();
// and, like the extension's own 20 ms ticker, when the stalls over 40 ms fell (seconds after the start)
const t0 = performance.now(); let tick = t0; const stalls = [];
setInterval(() => { const now = performance.now(); const late = now - tick - 20; tick = now; if (late > 40 && stalls.length < 20) stalls.push([Math.round(late), +((now - t0) / 1000).toFixed(1)]); }, 20);
process.stdin.on('data', () => {});
// like the extension's log line: the delay beyond the 10 ms interval the histogram records whole
process.stdin.on('end', () => { h.disable(); process.stdout.write(JSON.stringify({ max: Math.max(0, h.max / 1e6 - 10), mean: Math.max(0, h.mean / 1e6 - 10), stalls })); process.exit(0); });
`;

export interface ProbeResult {
  /** Max delay beyond the 10 ms sampling interval, ms. */
  max: number;
  mean: number;
  /** [ms late, seconds after the start] of the stalls over 40 ms (at most 20). */
  stalls: [number, number][];
}

export function startProbe(): { stop: () => Promise<ProbeResult | undefined> } {
  const child: ChildProcess = spawn(process.execPath, ['-e', PROBE], { stdio: ['pipe', 'pipe', 'ignore'] });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', () => {
          try {
            resolve(JSON.parse(out));
          } catch {
            resolve(undefined);
          }
        });
        child.stdin?.end();
        setTimeout(() => child.kill(), 5000).unref();
      }),
  };
}
