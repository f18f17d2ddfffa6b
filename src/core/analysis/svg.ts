// A self-contained SVG chart of sentiment over time: 100% stacked bars per bucket (negative, neutral,
// positive) with the item count above each bar and a line for the negative share.

export interface ChartBucket {
  label: string;
  negative: number;
  neutral: number;
  positive: number;
}

const COLORS = { negative: '#d9534f', neutral: '#9e9e9e', positive: '#4caf50' } as const;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function sentimentOverTimeSvg(buckets: ChartBucket[], title = 'Sentiment over time'): string {
  const W = Math.max(480, Math.min(1200, 120 + buckets.length * 48));
  const H = 320;
  const left = 48, right = 16, top = 48, bottom = 72;
  const plotW = W - left - right, plotH = H - top - bottom;
  const n = Math.max(1, buckets.length);
  const slot = plotW / n;
  const barW = Math.max(4, Math.min(36, slot * 0.7));
  const y = (share: number) => top + plotH * (1 - share);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11">`);
  parts.push(`<title>${esc(title)}</title>`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="${left}" y="20" font-size="14" font-weight="600" fill="#222">${esc(title)}</text>`);
  // legend
  let lx = left;
  for (const k of ['negative', 'neutral', 'positive'] as const) {
    parts.push(`<rect x="${lx}" y="28" width="10" height="10" fill="${COLORS[k]}"/><text x="${lx + 14}" y="37" fill="#333">${k}</text>`);
    lx += 80;
  }
  parts.push(`<line x1="${lx}" y1="33" x2="${lx + 18}" y2="33" stroke="#7a1f1c" stroke-width="2"/><text x="${lx + 22}" y="37" fill="#333">negative share</text>`);
  // grid + axis
  for (const s of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${left}" y1="${y(s).toFixed(1)}" x2="${W - right}" y2="${y(s).toFixed(1)}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(s) + 4).toFixed(1)}" text-anchor="end" fill="#555">${Math.round(s * 100)}%</text>`);
  }
  const linePts: string[] = [];
  const labelEvery = Math.ceil(n / 16);
  buckets.forEach((b, i) => {
    const total = b.negative + b.neutral + b.positive;
    const cx = left + slot * (i + 0.5);
    const x = cx - barW / 2;
    let acc = 0;
    for (const k of ['negative', 'neutral', 'positive'] as const) {
      if (!total) break;
      const share = b[k] / total;
      if (share > 0) {
        parts.push(`<rect x="${x.toFixed(1)}" y="${y(acc + share).toFixed(1)}" width="${barW.toFixed(1)}" height="${(plotH * share).toFixed(1)}" fill="${COLORS[k]}"><title>${esc(b.label)}: ${b[k]} ${k} (${Math.round(share * 100)}%)</title></rect>`);
      }
      acc += share;
    }
    parts.push(`<text x="${cx.toFixed(1)}" y="${(top - 4).toFixed(1)}" text-anchor="middle" fill="#555" font-size="9">${total}</text>`);
    if (total) linePts.push(`${cx.toFixed(1)},${y(b.negative / total).toFixed(1)}`);
    if (i % labelEvery === 0) {
      parts.push(`<text transform="translate(${cx.toFixed(1)},${(top + plotH + 10).toFixed(1)}) rotate(40)" fill="#333" font-size="10">${esc(b.label.replace(/^week of /, ''))}</text>`);
    }
  });
  if (linePts.length > 1) parts.push(`<polyline points="${linePts.join(' ')}" fill="none" stroke="#7a1f1c" stroke-width="2"/>`);
  for (const p of linePts) {
    const [cx, cy] = p.split(',');
    parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="#7a1f1c"/>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
