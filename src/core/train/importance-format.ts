// How column importance figures and auto's candidates are written, shared by the CLI (importance.ts, cli/train.ts) and
// the Train view (no imports but types: the webview bundles it).
import type { Candidate } from './trainer';

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

/**
 * Auto's candidates as "logreg 81.20%, gb 81.91%, MLP 83.92% on the first fold (gb 83.50% there; a network needs 1% more)":
 * a network fitted once beside the cross-validation is scored on the first fold only, against the winner's score there.
 */
export function candidatesText(cands: readonly Candidate[], name: (model: string) => string, pct: (x: number) => string): string {
  return cands
    .map((c) => {
      const f = c.firstFold;
      const fold = f ? ` on the first fold (${name(f.winner)} ${pct(f.winnerAccuracy)} there; a network needs ${f.margin} more of its ${f.rows} rows right)` : '';
      return `${name(c.model)} ${pct(c.valAccuracy)}${fold}`;
    })
    .join(', ');
}
