// Sentences report.md and the Report view word alike: which themes are mentioned more in the later half of the dated
// feedback, and the example of a contrast in the feedback's own language. No imports: the view's webview bundles it.

/** Where the dated items were split in two halves (AnalysisResult's time.split, summary.json's). */
export interface HalvesSplit {
  lastEarly: string;
  firstLate: string;
  earlyItems: number;
  lateItems: number;
  minItems: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const n = (x: number) => x.toLocaleString('en-US');

/** "2024-04-23" -> "23 Apr 2024" (a day as people write it, the same in every locale); anything else as it is. */
export function readableDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  return m && month ? `${Number(m[3])} ${month} ${m[1]}` : day;
}

/** The halves are too small to compare (fewer than `minItems` dated items in one). */
export function halvesTooSmall(sp: HalvesSplit): boolean {
  return sp.earlyItems < sp.minItems || sp.lateItems < sp.minItems;
}

/**
 * The line over the themes mentioned more in the later half, or why they were not compared: "Themes mentioned more
 * in the later half (since 23 Apr 2024): the share of items naming each, earlier half → later half (54 dated items
 * each)." `sampled`: the themes were counted on a sample (its dated items were split). Undefined: nothing to say
 * (halves compared, no theme grew).
 */
export function growthIntroText(sp: HalvesSplit | undefined, growing: number, sampled: boolean): string | undefined {
  const of = sampled ? ' of the sample' : '';
  if (sp && halvesTooSmall(sp)) {
    return `Themes mentioned more in the later half: not compared. The earlier half (up to ${readableDay(sp.lastEarly)}) has ${n(sp.earlyItems)} dated item${sp.earlyItems === 1 ? '' : 's'}${of}, the later half ${n(sp.lateItems)}; each needs at least ${n(sp.minItems)}.`;
  }
  if (!growing) return undefined;
  if (!sp) return `Themes mentioned more in the later half of the dated items: the share of items naming each, earlier half → later half.`;
  const halves = sp.earlyItems === sp.lateItems ? `${n(sp.earlyItems)} dated items each${of}` : `${n(sp.earlyItems)} and ${n(sp.lateItems)} dated items${of}`;
  return `Themes mentioned more in the later half (since ${readableDay(sp.firstLate)}): the share of items naming each, earlier half → later half (${halves}).`;
}

/** The scripts feedback is written in, from its texts (and the names of its themes or aspects). */
export function feedbackScripts(texts: Iterable<string>): { han: boolean; latin: boolean } {
  let han = false;
  let latin = false;
  for (const t of texts) {
    han ||= /\p{Script=Han}/u.test(t);
    latin ||= /\p{Script=Latin}/u.test(t);
    if (han && latin) break;
  }
  return { han, latin };
}

/**
 * The examples of a contrast the aspects' intro gives, in the feedback's language(s): “… but …” for English (or when
 * nothing tells), “…但是…” for Chinese, both for both (an English file showed the Chinese one too). `q`: the quote
 * marks ("“”" in the view, '""' in report.md).
 */
export function contrastExamples(scripts: { han: boolean; latin: boolean }, q: [string, string] = ['“', '”']): string {
  return [scripts.latin || !scripts.han ? `${q[0]}… but …${q[1]}` : '', scripts.han ? `${q[0]}…但是…${q[1]}` : ''].filter(Boolean).join(', ');
}
