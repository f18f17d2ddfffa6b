// The Markdown report of an AnalysisResult.
import * as path from 'node:path';
import { SENTIMENT_LABELS } from '../types';
import { onDevice } from '../deviceName';
import { namedWords } from '../functionWords';
import { describeRatingScale } from '../readers/columns';
import { averagesText, contrastExamples, feedbackScripts, growthIntroText } from './report-wording';
import { MAX_SAMPLE_TEXT, shownAspectExample, type AnalysisResult, type ItemResult, type LabelCounts } from './analyze';

export interface MarkdownOptions {
  /** Relative path of the sentiment-over-time SVG to embed (when written next to the report). */
  chartFile?: string;
  /** Show source paths relative to this folder (default: as given). */
  relativeTo?: string;
  title?: string;
}

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`;
/**
 * Shares of one whole (the overall sentiment), rounded so the shown figures add up to 100% (largest remainder): one
 * decimal for all when one of them is under 10% (as pct shows a small share), whole percents otherwise.
 */
export function wholeShares(xs: readonly number[]): string[] {
  const sum = xs.reduce((a, x) => a + x, 0);
  if (!(sum > 0)) return xs.map(pct);
  const d = xs.some((x) => x > 0 && x / sum < 0.1) ? 1 : 0;
  const units = 100 * 10 ** d;
  const exact = xs.map((x) => (x / sum) * units);
  const out = exact.map(Math.floor);
  let left = units - out.reduce((a, x) => a + x, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i]++;
    left--;
  }
  return out.map((u) => `${u ? (u / 10 ** d).toFixed(d) : '0'}%`);
}
/** "1 item", "3 items". */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function cell(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
}

/**
 * Text from the data (theme phrases, category values, column names, warnings) in Markdown outside code spans:
 * markup characters escaped, so a value such as `<img src=…>` or `![](https://…)` is shown, never rendered or fetched.
 */
function mdText(s: string): string {
  return cell(s).replace(/([*_`\[\]<>!])/g, '\\$1');
}

/** Markdown's emphasis, code, link and HTML characters escaped (quotes from feedback are shown as written). */
function escapeQuote(s: string): string {
  return s.replace(/([*_`\[\]<>])/g, '\\$1');
}

function quote(s: string, n = 240, keep = 0): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return escapeQuote(t.length > n ? `${t.slice(0, cutEnd(t, 0, n - 1, keep))}…` : t);
}

/** Where words end (a space) or a phrase ends (punctuation, Chinese included). */
const BOUNDARY = /[\s,.;:!?)\]，。；：！？、）]/;

/**
 * The end of an excerpt of `t` from `start` of at most `len` characters: at the last word or phrase boundary in its
 * final quarter (so it does not end mid-word: "…as soon as I open a…", "…送餐很快，…"), else at `len`; never before
 * `keep` (the end of a theme's mention the excerpt is there to show).
 */
function cutEnd(t: string, start: number, len: number, keep = 0): number {
  const end = Math.min(t.length, start + len);
  if (end >= t.length) return end;
  for (let i = end; i > start + Math.floor(len * 0.75) && i >= keep; i--) {
    if (BOUNDARY.test(t[i])) return /\s/.test(t[i]) ? i : i + 1 <= end ? i + 1 : i;
  }
  return end;
}

/**
 * Where a theme is mentioned in a text: its phrase, else its singular (or its first word), as a word (English). A theme
 * named in two languages ("login / 登录") is mentioned by either name: the first mention counts.
 */
function mentionAt(t: string, phrase: string): { at: number; len: number } | undefined {
  let first: { at: number; len: number } | undefined;
  for (const name of phrase.split(' / ')) {
    const m = nameAt(t, name);
    if (m && (!first || m.at < first.at)) first = m;
  }
  return first;
}

function nameAt(t: string, phrase: string): { at: number; len: number } | undefined {
  const p = phrase.replace(/\s+/g, ' ').trim();
  const tries = [p, p.replace(/ies$/i, 'y'), p.replace(/(?:es|s)$/i, ''), p.split(' ')[0]].filter((x, i, a) => x.length >= 2 && a.indexOf(x) === i);
  for (const x of tries) {
    const esc = x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(/^[A-Za-z0-9]/.test(x) ? `\\b${esc}` : esc, 'i').exec(t);
    if (m) return { at: m.index, len: x.length };
  }
  return undefined;
}

/**
 * A theme's quote: the start of the text, or, when the theme is first mentioned past the cut, an excerpt around that
 * mention ("… the battery dies within an hour …"), so every quote shows what makes it one of the theme's.
 */
export function themeQuote(s: string, phrase: string, n = 240): string {
  const t = s.replace(/\s+/g, ' ').trim();
  const m = t.length > n ? mentionAt(t, phrase) : undefined;
  if (!m || m.at + m.len <= n - 1) return quote(t, n, m ? m.at + m.len : 0);
  // start at a word or phrase boundary some way before the mention (a third of the length: a short excerpt keeps it in
  // view); Chinese has no spaces, so its punctuation is the boundary there
  let start = Math.max(0, m.at - Math.round(n / 3));
  if (start > 0) {
    for (let i = start; i < m.at; i++) {
      if (BOUNDARY.test(t[i])) {
        start = i + 1;
        break;
      }
    }
    while (start < m.at && t[start] === ' ') start++;
  }
  const body = t.slice(start, cutEnd(t, start, n - 2, m.at + m.len));
  return escapeQuote(`…${body}${start + body.length < t.length ? '…' : ''}`);
}

/**
 * " · driven by “slow”, “loses”": the (up to 3) words that pushed the item towards its label, strongest first; a word
 * said again ("Great, great, great") is named once, and function words ("the", "it", "I") are not named.
 */
function why(it: ItemResult): string {
  const pro = namedWords((it.drivers ?? []).filter((d) => d.weight > 0).map((d) => d.token)).slice(0, 3);
  return pro.length ? ` · driven by ${pro.map((w) => `“${quote(w, 60)}”`).join(', ')}` : '';
}

const DRIVERS_NOTE = '“Driven by” names the words whose removal lowers the label\'s score most (occlusion over the model; words such as “the” or “it” are not named).';

export function renderMarkdown(r: AnalysisResult, opts: MarkdownOptions = {}): string {
  const loc = (source: string, line: number) => {
    // Relative to the workspace (or the report), unless a file named by its absolute path lies outside it: then that
    // path as given ("/data/export.csv", not "../../data/export.csv").
    const rel = opts.relativeTo ? path.relative(opts.relativeTo, path.resolve(source)) : '';
    const p = rel && !(path.isAbsolute(source) && (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))) ? rel : source;
    return `${p.split(path.sep).join('/')}:${line}`;
  };
  const mix = (c: LabelCounts) => SENTIMENT_LABELS.map((l) => c[l]).join(' / ');
  const item = (it: ItemResult) => `- **${it.label} ${it.score.toFixed(2)}** — “${quote(it.text)}” — \`${loc(it.source, it.line)}\`${why(it)}`;
  const L: string[] = [];
  // an input named by its absolute path inside the workspace (as VS Code names every file) as the files table and the
  // items show it, relative to it; a relative one (the CLI's, as typed) or one outside it as given
  const shownInput = (input: string) => {
    if (!opts.relativeTo || !path.isAbsolute(input)) return input;
    const rel = path.relative(opts.relativeTo, input);
    if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return input;
    return rel ? rel.split(path.sep).join('/') : '.';
  };
  const inputs = r.inputs.map((i) => `\`${shownInput(i)}\``).join(', ');
  L.push(`# ${opts.title ?? 'Feedback analysis'}`);
  L.push('');
  L.push(
    `${count(r.total, 'item')} from ${r.files.length} file${r.files.length === 1 ? '' : 's'} (${inputs}) analyzed locally with \`${r.model.id}\` ${onDevice(r.model.device)} in ${(r.durationMs / 1000).toFixed(1)} s (${r.itemsPerSecond.toFixed(1)} items/s${r.sharedModel ? ', while another analysis ran beside it in the model worker' : ''}), ${r.startedAt.slice(0, 19).replace('T', ' ')} UTC.`,
  );
  L.push('');
  L.push('## Overall sentiment');
  L.push('');
  L.push('| Sentiment | Items | Share |');
  L.push('|---|---:|---:|');
  // the shares add up to 100% as shown (25%, 15%, 59% of 900 items summed to 99%)
  const shown = SENTIMENT_LABELS.filter((l) => !r.twoWay || l !== 'neutral');
  const shares = wholeShares(shown.map((l) => r.shares[l]));
  shown.forEach((l, i) => L.push(`| ${l} | ${r.counts[l]} | ${shares[i]} |`));
  L.push('');
  if (r.twoWay) {
    L.push('Two-way labels: every item is negative or positive (scores are P(negative) and P(positive) renormalized; neutral is not used).');
    L.push('');
  }
  L.push(`Average confidence ${r.averageConfidence.toFixed(2)}; ${r.lowConfidenceCount} item${r.lowConfidenceCount === 1 ? '' : 's'} (${pct(r.total ? r.lowConfidenceCount / r.total : 0)}) below the ${r.lowConfidenceThreshold} confidence threshold.`);
  L.push('');

  if (r.themes.length) {
    L.push('## Themes');
    L.push('');
    const clipped = r.themeClippedItems ? ` Themes read the first ${MAX_SAMPLE_TEXT.toLocaleString('en-US')} characters of each item; ${count(r.themeClippedItems, 'longer item')} ${r.themeClippedItems === 1 ? 'was' : 'were'} read that far.` : '';
    L.push(`Recurring topics (key phrases), ranked by how much negative feedback they explain${r.themeSample < r.total ? ` (computed on a uniform sample of ${r.themeSample} of ${r.total} items)` : ''}. Mix is negative / neutral / positive; in mixed feedback ("… but …") it is what the clause that names the theme says.${clipped}`);
    L.push('');
    L.push('| Theme | Mentions | Negative share | Mix |');
    L.push('|---|---:|---:|---|');
    for (const t of r.themes) L.push(`| ${mdText(t.phrase)} | ${t.count} | ${pct(t.negativeShare)} | ${mix(t.counts)} |`);
    L.push('');
    if (r.productThemes?.length) {
      const named = r.productThemes.map((t) => `**${mdText(t.phrase)}** (${count(t.count, 'mention')}, ${pct(t.negativeShare)} negative)`);
      const first = r.productThemes[0].phrase.split(' / ')[0];
      const called = /\p{Script=Han}/u.test(first) ? `这个${first}` : `this ${first}`;
      L.push(`The product itself is not ranked: ${named.join(', ')}. Feedback calls it “${mdText(called)}” as it names what it reviews, so its mix mostly repeats the overall sentiment; it is no aspect either.`);
      L.push('');
    }
    for (const t of r.themes) {
      L.push(`**${mdText(t.phrase)}** (${count(t.count, 'mention')}, ${pct(t.negativeShare)} negative)`);
      // one paragraph per quote (consecutive "> " lines would run together when rendered)
      t.quotes.forEach((q, i) => L.push(...(i ? ['>'] : []), `> “${themeQuote(q.text, t.phrase)}” — ${q.label}, \`${loc(q.source, q.line)}\``));
      L.push('');
    }
  }

  if (r.aspects.contrastiveItems) {
    L.push('## Aspects in mixed feedback');
    L.push('');
    L.push(`${r.aspects.contrastiveItems === 1 ? '1 item contrasts' : `${r.aspects.contrastiveItems} items contrast`} two things (${contrastExamples(feedbackScripts([...r.aspects.examples.map((e) => e.text), ...r.aspects.findings.map((f) => f.aspect)]), ['"', '"'])}); their ${r.aspects.clausesClassified} clauses were classified separately (a clause of several sentences sentence by sentence).${r.aspects.findings.length > 1 ? ' Aspects are ranked by the clauses that praise or criticize them (Clauses counts the neutral ones too).' : ''}`);
    L.push('');
    if (r.aspects.findings.length) {
      L.push('| Aspect | Clauses | Praised | Criticized | Example |');
      L.push('|---|---:|---:|---:|---|');
      for (const f of r.aspects.findings) {
        // the example says what most clauses say about it: praise for an aspect mostly praised; a long clause is shown
        // around the aspect's mention, so the example names it
        const ex = shownAspectExample(f);
        L.push(`| ${mdText(f.aspect)} | ${f.mentions} | ${f.counts.positive} | ${f.counts.negative} | ${ex ? `${cell(themeQuote(ex.clause, f.aspect, 100))} (\`${loc(ex.source, ex.line)}\`)` : ''} |`);
      }
      L.push('');
    }
    for (const e of r.aspects.examples.slice(0, 6)) {
      L.push(`- “${quote(e.text, 200)}” — \`${loc(e.source, e.line)}\`: ${e.clauses.map((c) => `*${quote(c.text, 80)}* → ${c.label}`).join('; ')}`);
    }
    L.push('');
  }

  // The first list with drivers says once what they are.
  let noted = false;
  const list = (items: ItemResult[]) => {
    if (!noted && items.some((it) => why(it))) {
      L.push(DRIVERS_NOTE);
      L.push('');
      noted = true;
    }
    for (const it of items) L.push(item(it));
    L.push('');
  };
  if (r.mostNegative.length) {
    L.push('## Most negative');
    L.push('');
    list(r.mostNegative);
  }
  if (r.mostPositive.length) {
    L.push('## Most positive');
    L.push('');
    list(r.mostPositive);
  }
  if (r.lowConfidence.length) {
    L.push(`## Low confidence (top score < ${r.lowConfidenceThreshold})`);
    L.push('');
    L.push('Worth a human look: the model is unsure about these.');
    L.push('');
    list(r.lowConfidence);
  }

  if (r.time) {
    const t = r.time;
    L.push(`## Sentiment over time (by ${t.granularity}, column ${t.columns.map((c) => `\`${c}\``).join(', ')})`);
    L.push('');
    if (opts.chartFile) {
      L.push(`![Sentiment over time](${opts.chartFile})`);
      L.push('');
    }
    L.push(`| ${t.granularity === 'week' ? 'Week of' : t.granularity === 'month' ? 'Month' : 'Year'} | Items | Negative | Neutral | Positive | Negative share |`);
    L.push('|---|---:|---:|---:|---:|---:|');
    for (const b of t.buckets) L.push(`| ${b.start.slice(0, t.granularity === 'week' ? 10 : t.granularity === 'month' ? 7 : 4)} | ${b.total} | ${b.counts.negative} | ${b.counts.neutral} | ${b.counts.positive} | ${b.total ? pct(b.negativeShare) : '–'} |`);
    L.push('');
    if (t.undated) {
      const ph = t.placeholders ? ` (${t.placeholders} of them ${t.placeholders === 1 ? 'a placeholder date' : 'placeholder dates'} such as 1970-01-01, 1900-01-01 or 2100 and later, read as no date)` : '';
      L.push(`${count(t.undated, 'item')} had no readable date${ph} and ${t.undated === 1 ? 'is' : 'are'} not in this table.\n`);
    }
    // items of files with no date column at all (a .txt beside a dated CSV) are not in the table either
    const noColumn = r.total - t.buckets.reduce((a, b) => a + b.total, 0) - t.undated;
    if (noColumn > 0) L.push(`${count(noColumn, 'item')} ${noColumn === 1 ? 'comes' : 'come'} from files without a date column and ${noColumn === 1 ? 'is' : 'are'} not in this table.\n`);
    for (const n of t.notes ?? []) L.push(`Dates: ${mdText(n)}.\n`);
    // the themes mentioned more in the later half of the dated items (split at the median day), said as the Report view says it
    const grew = growthIntroText(t.split, t.growingThemes.length, r.themeSample < r.total);
    if (grew && !t.growingThemes.length) L.push(`${grew}\n`);
    if (grew && t.growingThemes.length) {
      L.push(grew);
      L.push('');
      for (const g of t.growingThemes) L.push(`- **${mdText(g.phrase)}**: ${pct(g.earlyShare)} → ${pct(g.lateShare)} (${g.earlyCount !== undefined ? `${g.earlyCount} → ` : ''}${g.lateCount} mentions, ${pct(g.negativeShare)} negative)`);
      L.push('');
    }
  }

  for (const c of r.categories) {
    // one value for every item: nothing to compare (a language column that is "en" throughout)
    if (c.rows.length === 1 && c.rows[0].total === r.total && !c.merged) continue;
    L.push(`## By ${mdText(c.column)}`);
    L.push('');
    // what the table covers when other files (or rows) have no such column
    const covered = c.rows.reduce((a, row) => a + row.total, 0);
    if (covered < r.total) L.push(`${covered} of ${r.total} items have a \`${cell(c.column)}\` value; the others are not in this table.\n`);
    L.push(`| ${mdText(c.column)} | Items | Negative | Neutral | Positive | Negative share |`);
    L.push('|---|---:|---:|---:|---:|---:|');
    const SMALL = 5;
    for (const row of c.rows.slice(0, 30)) L.push(`| ${mdText(row.value)} | ${row.total} | ${row.counts.negative} | ${row.counts.neutral} | ${row.counts.positive} | ${row.total < SMALL ? `*${pct(row.negativeShare)}*` : pct(row.negativeShare)} |`);
    if (c.rows.length > 30) {
      // the rest together, so the table adds up
      const rest = c.rows.slice(30);
      const sum = (l: 'negative' | 'neutral' | 'positive') => rest.reduce((a, row) => a + row.counts[l], 0);
      const n = rest.reduce((a, row) => a + row.total, 0);
      L.push(`| … ${rest.length} more values | ${n} | ${sum('negative')} | ${sum('neutral')} | ${sum('positive')} | ${n ? pct(sum('negative') / n) : '–'} |`);
    }
    L.push('');
    if (c.rows.length > 30) {
      // the table shows the largest values; name the most negative of the others so they are not lost in the sum
      const worst = c.rows.slice(30).filter((row) => row.total >= SMALL && row.counts.negative > 0 && !(c.merged && row.value === '(other)'))
        .sort((a, b) => b.negativeShare - a.negativeShare || b.total - a.total).slice(0, 5);
      if (worst.length) L.push(`Most negative of the ${c.rows.length - 30} values not shown (at least ${SMALL} items each): ${worst.map((row) => `${mdText(row.value)} (${pct(row.negativeShare)} of ${row.total})`).join(', ')}.\n`);
    }
    if (c.rows.some((row) => row.total < SMALL)) L.push(`Shares in italics rest on fewer than ${SMALL} items: too few to compare.\n`);
  }

  if (r.rating) {
    const g = r.rating;
    const scales = g.scales?.length ? g.scales : [{ column: g.column, scale: g.scale, rated: g.rated, averageRatingByLabel: g.averageRatingByLabel, ratedByLabel: g.ratedByLabel }];
    // the columns from the scales: a column's own name may hold ", " ("How likely … (0 = not at all likely, 10 = …)")
    const ratingCols = [...new Set(g.scales?.length ? g.scales.map((x) => x.column) : g.column.split(', '))];
    L.push(`## Rating vs. text sentiment (${ratingCols.map((c) => `\`${cell(c)}\``).join(', ')})`);
    L.push('');
    const read = scales.map((x) => `${scales.length > 1 || ratingCols.length > 1 ? `\`${x.column}\` as ` : ''}${describeRatingScale(x.scale)}`).join('; ');
    const base = g.agreementBase ?? g.rated;
    const left = g.rated - base;
    L.push(`Ratings map to expected sentiment: ${read}. The text agrees with the rating for ${pct(g.agreement)} of ${base} rated items${left > 0 ? ` (${count(left, 'item')} rated in the middle of the scale ${left === 1 ? 'is' : 'are'} left out: with two-way labels no text is neutral)` : ''}.`);
    L.push('');
    L.push('| Rating says ↓ / text says → | negative | neutral | positive |');
    L.push('|---|---:|---:|---:|');
    for (const e of SENTIMENT_LABELS) L.push(`| ${e} | ${g.matrix[e].negative} | ${g.matrix[e].neutral} | ${g.matrix[e].positive} |`);
    L.push('');
    // one line per scale: a 4.1 of 5 and a 7.9 of 10 are never averaged together; an average of few items says how many
    for (const x of scales) {
      const avg = averagesText(x.averageRatingByLabel, x.ratedByLabel);
      L.push(`Average ${scales.length > 1 ? `\`${x.column}\` (${x.scale.nps ? 'NPS' : `${x.scale.min}–${x.scale.max}`}, ${x.rated} items)` : `rating (${x.scale.min}–${x.scale.max})`} by predicted sentiment: ${avg}.`);
      if (x !== scales[scales.length - 1]) L.push('');
    }
    L.push('');
    if (g.disagreements.length) {
      L.push('Strongest disagreements (rating and text point opposite ways):');
      L.push('');
      for (const d of g.disagreements) L.push(`- rating **${d.rating}**, text **${d.label} ${d.score.toFixed(2)}** — “${quote(d.text)}” — \`${loc(d.source, d.line)}\`${why(d)}`);
      L.push('');
    }
  }

  L.push('## Sources');
  L.push('');
  L.push('| File | Format | Encoding | Items | Text column |');
  L.push('|---|---|---|---:|---|');
  for (const f of r.files) L.push(`| \`${cell(loc(f.file, 0).replace(/:0$/, ''))}\` | ${f.format} | ${f.encoding} | ${f.items} | ${f.textColumn ? `\`${cell(f.textColumn)}\`` : '–'} |`);
  L.push('');
  if (r.warnings.length) {
    L.push('Warnings:');
    L.push('');
    for (const w of r.warnings) L.push(`- ${mdText(w)}`);
    L.push('');
  }
  return L.join('\n');
}
