// How column importance figures are written, shared by the CLI (importance.ts) and the Train view (no imports: the
// webview bundles it).

/** A fall in accuracy in percentage points, as the CLI and the Train view print it ("4.2", "0.0", "-0.3"). */
export function points(drop: number): string {
  const v = Math.round(drop * 1000) / 10;
  return (Object.is(v, -0) ? 0 : v).toFixed(1);
}

/** A rise in log loss with its sign ("+0.052", "-0.001"). */
export function lossText(rise: number): string {
  const v = rise.toFixed(3);
  return rise >= 0 || v === '-0.000' ? `+${v.replace('-', '')}` : v;
}
