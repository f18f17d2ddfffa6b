// `product-forge explain <text…> | --file F --line N[-M]`: which words drove the sentiment label, by
// occlusion over the ONNX model in the worker (each word removed in turn, the drop of the predicted
// label's probability is its weight); a range of lines explains each feedback item on them.
import type { ExplainResult } from '../runtime/protocol';
import type { RuntimeSentimentClassifier } from '../runtime/sentiment';
import type { DeviceSetting } from '../core/types';
import { driverSide, driverStrength, isDriver, MIN_DRIVER_LOG_ODDS, MIN_DRIVER_WEIGHT, pointsText, shortUnit } from '../core/analysis/drivers-format';
import { MAX_EXPLAIN_ITEMS } from '../core/analysis/explain';
import { UserError } from '../core/types';
import { DEFAULT_SENTIMENT_MODEL, loadRuntimeClassifier } from './analyze';
import { choice, parseArgs, stringFlag, type FlagSpec } from './args';
import { onStopSignals, printError, printWarning, reportFailure } from './errors';

export const EXPLAIN_USAGE = `usage: product-forge explain <text…> [options]
       product-forge explain --file FILE --line N[-M] [--column NAME] [options]
  Shows the sentiment of one text and the words that drove it: each word is removed in turn and the text
  scored again; a word's number is the points of the label's probability the text loses without it (+: the
  word supports the label, -: it argues against it). A text too long for every word (over about 2,900
  characters, or 512 words) is explained by passages of a few words; at most 50,000 characters.
  --file FILE --line N   explain the feedback item at that line/row of a feedback file (a table's text column)
  --line N-M             each item on lines N to M, one after the other (at most ${MAX_EXPLAIN_ITEMS}: the first are explained
                         and a warning says which lines remain)
  --column NAME[,NAME…]  CSV/TSV column or JSON field with the text (default: detected); several are joined
  --top 8                how many words to list on each side
  --two-way              negative or positive only, as analyze --two-way
  --json                 print one JSON object (below) instead of the text
  --quiet, -q            no warnings on stderr (errors still)
  --device auto|cpu|gpu  where the model runs (default auto)
  --model ID|DIR         sentiment model id or folder (default ${DEFAULT_SENTIMENT_MODEL}), or a saved
                         sentiment classifier (see analyze --help)
  --models-path DIR      folder of model folders searched before the bundled models (or PRODUCT_FORGE_MODELS_PATH)
  --json prints {"text", "label", "scores": {"negative", "neutral", "positive"}, "units": "words"|"passages",
  "wordsPerUnit", "tokens": [{"token", "start", "end", "weight", "logOdds"}]}: every word (or passage) in text
  order, not only the strongest; start/end: its UTF-16 offsets in text; weight: P(label) minus P(label) without
  it (0.149 = 14.9 points); logOdds: the drop of the label's log-odds, log(p/(1-p)), without it, which still
  moves where the model is sure (p = 0.9999). Scores and weights are unrounded; new fields may be added.
  With --line N-M, --json prints one such object per item, one per line (JSON Lines), each with "line" first.`;

const SPEC: FlagSpec = { file: 'value', line: 'value', column: 'value', top: 'value', json: 'bool', 'two-way': 'bool', device: 'value', model: 'value', 'models-path': 'value', quiet: 'bool', help: 'bool' };

/** The text output repeats a text up to this many characters; a longer one by its start and end. */
const MAX_SHOWN_TEXT = 300;

/**
 * Text rendering of an explanation: label, scores, what the numbers mean, and the strongest words (or passages) for
 * and against the label.
 */
export function formatExplanation(text: string, r: ExplainResult, top: number, opts: { twoWay?: boolean } = {}): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const scores = opts.twoWay
    ? `negative ${pct(r.scores.negative)}, positive ${pct(r.scores.positive)}; two-way`
    : `negative ${pct(r.scores.negative)}, neutral ${pct(r.scores.neutral)}, positive ${pct(r.scores.positive)}`;
  const passages = r.units === 'passages';
  const unit = passages ? 'passage' : 'word';
  // a long text is named by its start and end, not printed whole above its words
  const shown = text.length > MAX_SHOWN_TEXT ? `${shortUnit(text, MAX_SHOWN_TEXT)} (${text.length.toLocaleString('en-US')} characters)` : text;
  const lines = [`${r.label} (${scores})`, `text: ${shown}`];
  // Half a point of probability, or a log-odds drop of MIN_DRIVER_LOG_ODDS where the model is sure (drivers-format.ts).
  const ranked = [...r.tokens].filter((t) => isDriver(t.weight, t.logOdds)).sort((a, b) => driverStrength(b) - driverStrength(a));
  const side = (sign: 1 | -1) => ranked.filter((t) => driverSide(t) === sign).slice(0, top);
  const pro = side(1);
  const con = side(-1);
  // points of probability; the log-odds too where the probability hardly moves
  const tiny = (t: ExplainResult['tokens'][number]) => Math.abs(t.weight) < 0.001 && t.logOdds !== undefined;
  const row = (t: ExplainResult['tokens'][number]) =>
    `  ${`${driverSide(t) > 0 ? '+' : '-'}${pointsText(t.weight)}`.padStart(6)}  ${shortUnit(t.token, 60)}  [${t.start}-${t.end}]${tiny(t) ? `  (log-odds ${t.logOdds! > 0 ? '-' : '+'}${Math.abs(t.logOdds!).toFixed(2)} without it)` : ''}`;
  if (passages) lines.push(`(a long text: removed in passages of ${r.wordsPerUnit} words, not word by word; explain a part of it to see single words)`);
  lines.push(
    `numbers: points of P(${r.label}) lost without the ${unit} (+: it supports "${r.label}"; -: it argues against it, P(${r.label}) rises without it); [start-end]: its place in the text`,
  );
  if ([...pro, ...con].some(tiny)) lines.push(`(log-odds …): where the model is this sure the probability hardly moves; its log-odds, log(p/(1-p)), still do`);
  const none = `  (none moves it by ${pointsText(MIN_DRIVER_WEIGHT)} points or ${MIN_DRIVER_LOG_ODDS} in log-odds)`;
  lines.push(`${unit}s supporting "${r.label}":`, ...(pro.length ? pro.map(row) : [none]));
  lines.push(`${unit}s against it:`, ...(con.length ? con.map(row) : [none]));
  return lines.join('\n') + '\n';
}

/** The --json object, its fields in the documented order (EXPLAIN_USAGE). */
export function explanationJson(text: string, r: ExplainResult): Record<string, unknown> {
  return {
    text,
    label: r.label,
    scores: { negative: r.scores.negative, neutral: r.scores.neutral, positive: r.scores.positive },
    units: r.units,
    wordsPerUnit: r.wordsPerUnit,
    tokens: r.tokens.map((t) => ({ token: t.token, start: t.start, end: t.end, weight: t.weight, ...(t.logOdds !== undefined ? { logOdds: t.logOdds } : {}) })),
  };
}

/** --line N or N-M: the first and last 1-based line. */
export function lineRange(flag: string | undefined): [number, number] {
  const m = /^\s*(\d+)\s*(?:[-–]\s*(\d+))?\s*$/.exec(flag ?? '');
  const first = m ? Number(m[1]) : NaN;
  const last = m?.[2] !== undefined ? Number(m[2]) : first;
  if (!m || first < 1 || last < first) {
    throw new UserError('--file needs --line N (the 1-based line or row of the item), or --line N-M for each item on lines N to M');
  }
  return [first, last];
}

export async function runExplain(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, SPEC);
    if (args.flags.get('help')) {
      process.stdout.write(`${EXPLAIN_USAGE}\n`);
      return 0;
    }
    const file = stringFlag(args, 'file');
    const lineFlag = stringFlag(args, 'line');
    const top = Number(stringFlag(args, 'top') ?? 8);
    if (!Number.isInteger(top) || top < 1) throw new UserError('--top takes a positive whole number');
    const device: DeviceSetting = choice(args, 'device', ['auto', 'cpu', 'gpu'] as const, 'auto');
    const typed = args.positional.join(' ').trim();
    // what to explain: the text given, or the items at --line (N, or N-M) of --file
    let items: { line?: number; text: string }[] = typed ? [{ text: typed }] : [];
    let several = false;
    if (file) {
      if (typed) throw new UserError('give either a text or --file/--line, not both');
      const [first, last] = lineRange(lineFlag);
      several = last > first;
      const { feedbackItemsInLines, openFeedbackFile } = await import('../core/readers');
      const column = stringFlag(args, 'column');
      // (one more than explained: where the rest start)
      const found = await feedbackItemsInLines(file, first, last, { column, max: MAX_EXPLAIN_ITEMS + 1 });
      if (!found.count) {
        const starts: number[] = [];
        for await (const b of (await openFeedbackFile(file, { column })).batches()) {
          starts.push(...b.items.slice(0, 5 - starts.length).map((i) => i.line));
          if (starts.length >= 5) break;
        }
        const where = first === last ? `line ${first}` : `lines ${first}-${last}`;
        throw new UserError(`no feedback item at ${where} of ${file} (items start at lines ${starts.join(', ')}…)`);
      }
      if (found.count > MAX_EXPLAIN_ITEMS && !args.flags.has('quiet')) {
        const rest = found.items[MAX_EXPLAIN_ITEMS].line;
        printWarning(process.stderr, `lines ${first}-${last} hold ${found.count} feedback items; explain takes at most ${MAX_EXPLAIN_ITEMS} at a time: these are the first ${MAX_EXPLAIN_ITEMS}; give --line ${rest}-${last} for the rest, or run analyze --explain for the words that drove every item`);
      }
      items = found.items.slice(0, MAX_EXPLAIN_ITEMS).map((it) => ({ line: it.line, text: it.text }));
    }
    if (!items.length) throw new UserError('nothing to explain: give a text, or --file FILE --line N');
    const ac = new AbortController();
    onStopSignals(() => ac.abort()); // the process ends with the command
    const loaded = await loadRuntimeClassifier({
      model: stringFlag(args, 'model') ?? DEFAULT_SENTIMENT_MODEL,
      modelsPath: stringFlag(args, 'models-path'),
      device,
      signal: ac.signal,
      log: (level, msg) => level === 'error' ? printError(process.stderr, msg) : level === 'warn' && !args.flags.has('quiet') && printWarning(process.stderr, msg),
    });
    try {
      const twoWay = args.flags.has('two-way');
      for (const [k, { line, text }] of items.entries()) {
        const result = await (loaded.classifier as RuntimeSentimentClassifier).explain(text, ac.signal, { twoWay });
        // each item as soon as it is explained
        if (args.flags.get('json')) process.stdout.write(`${JSON.stringify(several ? { line, ...explanationJson(text, result) } : explanationJson(text, result))}\n`);
        else process.stdout.write(`${several ? `${k ? '\n' : ''}line ${line}:\n` : ''}${formatExplanation(text, result, top, { twoWay })}`);
      }
    } finally {
      await loaded.dispose();
    }
    return 0;
  } catch (e) {
    return reportFailure(e, process.stderr, { cancelled: 'cancelled' });
  }
}
