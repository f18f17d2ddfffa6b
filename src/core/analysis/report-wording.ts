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

const n = (x: number) => x.toLocaleString('en-US');

/**
 * How a day ("2024-04-23") is written in the sentence: as it is in report.md, whose tables write their periods the same
 * way; the Report view passes its own (the user's locale, as it writes every date it shows).
 */
export type DayText = (isoDay: string) => string;
const asIs: DayText = (day) => day;

/** The halves are too small to compare (fewer than `minItems` dated items in one). */
export function halvesTooSmall(sp: HalvesSplit): boolean {
  return sp.earlyItems < sp.minItems || sp.lateItems < sp.minItems;
}

/**
 * The line over the themes mentioned more in the later half, or why they were not compared: "Themes mentioned more
 * in the later half (since 2024-04-23): the share of items naming each, earlier half → later half (54 dated items
 * each)." `sampled`: the themes were counted on a sample (its dated items were split). `day`: how the split's days are
 * written (report.md: as its tables write them). Undefined: nothing to say (halves compared, no theme grew).
 */
export function growthIntroText(sp: HalvesSplit | undefined, growing: number, sampled: boolean, day: DayText = asIs): string | undefined {
  const of = sampled ? ' of the sample' : '';
  if (sp && halvesTooSmall(sp)) {
    return `Themes mentioned more in the later half: not compared. The earlier half (up to ${day(sp.lastEarly)}) has ${n(sp.earlyItems)} dated item${sp.earlyItems === 1 ? '' : 's'}${of}, the later half ${n(sp.lateItems)}; each needs at least ${n(sp.minItems)}.`;
  }
  if (!growing) return undefined;
  if (!sp) return `Themes mentioned more in the later half of the dated items: the share of items naming each, earlier half → later half.`;
  const halves = sp.earlyItems === sp.lateItems ? `${n(sp.earlyItems)} dated items each${of}` : `${n(sp.earlyItems)} and ${n(sp.lateItems)} dated items${of}`;
  return `Themes mentioned more in the later half (since ${day(sp.firstLate)}): the share of items naming each, earlier half → later half (${halves}).`;
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

/** An average rating resting on fewer rated items than this says how many it rests on. */
export const FEW_RATED = 10;

type Labelled<V> = { negative: V; neutral: V; positive: V };

/**
 * The averages of one rating scale by predicted sentiment, as report.md and the Report view write them: "negative 2.5,
 * neutral 4.0 (1 item), positive 4.1". An average of fewer than FEW_RATED rated items says how many (one item's rating
 * read as the label's average misled); `items` absent (a summary.json written before the counts): the averages alone.
 */
export function averagesText(avg: Labelled<number | null>, items?: Labelled<number>): string {
  return (['negative', 'neutral', 'positive'] as const)
    .map((l) => {
      const a = avg[l];
      if (a === null) return `${l} –`;
      const k = items?.[l];
      return `${l} ${a.toFixed(1)}${k !== undefined && k > 0 && k < FEW_RATED ? ` (${k} item${k === 1 ? '' : 's'})` : ''}`;
    })
    .join(', ');
}
