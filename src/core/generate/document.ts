// Builds PRDs, marketing copy and personas as a stream of Markdown chunks.
// Template backend: every section is filled from the brief and computed evidence figures, and the
// document says at the top that no language model was used. Language-model backends: one grounded
// prompt per section (brief + figures + evidence with ids), tokens streamed into the document through
// the EvidenceVerifier; figures tables and the evidence appendix are written by code, not the model.
import { CancelledError, throwIfAborted } from '../types';
import { bullets, type Brief } from './brief';
import { cite, citeLink, type EvidenceItem, type EvidenceSet } from './evidence';
import { computeInsights, quoteOf, type Insights, type Persona, type Quote } from './insights';
import { briefFocus, stemKey, type BriefFocus } from './relevance';
import { EvidenceTopics } from './topics';
import { capitalize, cues, fitLength, NFR_AREAS, nfrMatches, NOT_A_REQUEST, pct, requestOf, sentences, words } from './text';
import {
  CHANNEL_LIMITS,
  FRAMEWORK_STEPS,
  IncompleteOutputError,
  type Channel,
  type DocKind,
  type Framework,
  type GenerateOptions,
  type TextGenerator,
} from './types';
import { EvidenceVerifier } from './verify';

export interface GenerateDocInput {
  kind: DocKind;
  brief: Brief;
  evidence: EvidenceSet;
  options?: GenerateOptions;
  /** A language model, or 'template' for the no-model draft. */
  backend: TextGenerator | 'template';
  signal?: AbortSignal;
  /** Folder the evidence paths are relative to, for links (default: as given). */
  linkBase?: string;
  /** Fixed "now" for reproducible output (tests). */
  now?: Date;
  /** Told what the reader should know that the document only marks inline (a section cut at the token limit). */
  onWarning?: (message: string) => void;
}

/** Figures and citations gathered while writing, for the appendix. */
class Ctx {
  readonly cited: EvidenceItem[] = [];
  /** Language-model sections finished (an error after one leaves a partial document, marked as such). */
  llmSections = 0;
  /** Sections cut at the token limit. */
  cutOff = 0;
  /** Items a template copy variant quoted as a pain: the next variant quotes another one when it can. */
  readonly copyQuoted = new Set<EvidenceItem>();
  private readonly seen = new Set<string>();
  readonly verifier: EvidenceVerifier;
  /** What the brief is about: its topic words, and which themes and items share them. */
  readonly focus: BriefFocus;
  constructor(readonly input: GenerateDocInput, readonly ins: Insights, focus: BriefFocus) {
    this.verifier = new EvidenceVerifier(input.evidence.items, input.linkBase);
    this.focus = focus;
  }
  use(it: EvidenceItem): EvidenceItem {
    if (!this.seen.has(it.id)) {
      this.seen.add(it.id);
      this.cited.push(it);
    }
    return it;
  }
  link(it: EvidenceItem): string {
    this.use(it);
    return citeLink(it, this.input.linkBase);
  }
  /** `"verbatim" ([file:line](…))`, with an ellipsis outside the quote when the excerpt is partial. */
  q(quote: Quote): string {
    const partial = quote.text.length < quote.item.text.trim().length ? '…' : '';
    return `"${quote.text}"${partial} (${this.link(quote.item)})`;
  }
  get llm(): TextGenerator | undefined {
    return this.input.backend === 'template' ? undefined : this.input.backend;
  }
}

const N = (ins: Insights) => ins.total;

export async function* generateDocument(input: GenerateDocInput): AsyncGenerator<string> {
  const opts = input.options ?? {};
  throwIfAborted(input.signal);
  // the evidence's words as Analyze Feedback's report reads them, for the themes and for what is about the brief
  const topics = new EvidenceTopics(input.evidence.items.map((i) => i.text));
  const focus = focusOf(input.brief, topics);
  const ins = await computeInsights(input.evidence, { withPersonas: input.kind !== 'copy', personas: opts.count ?? 'auto', seed: opts.seed ?? 42, aboutBrief: focus.central, topics });
  const ctx = new Ctx(input, ins, focus);
  yield header(ctx);
  try {
    if (input.kind === 'prd') yield* prd(ctx);
    else if (input.kind === 'personas') yield* personas(ctx);
    else yield* copy(ctx);
  } catch (e) {
    // A backend that fails after a section was written (a server error on the next request) leaves a partial
    // document just as one that stops mid-answer: marked, with its appendix, and reported as incomplete.
    const midway = ctx.llmSections > 0 && !(e instanceof CancelledError);
    if (e instanceof IncompleteOutputError || midway) {
      // the first sentence: what happened (the rest is advice in the words of the extension or the CLI, said apart)
      const why = (e as Error).message.replace(/\s+/g, ' ').replace(/^(.*?[.)])\s+[A-Z].*$/, '$1').replace(/\.$/, '');
      yield `\n\n> ⚠️ **Incomplete:** the language model stopped mid-answer (${why}). The text above is partial.\n`;
      yield appendix(ctx);
      if (!(e instanceof IncompleteOutputError)) throw new IncompleteOutputError(why);
    }
    throw e;
  }
  yield appendix(ctx);
}

/**
 * What the brief is about: the topic words of its body when it has a few (a title's head noun, "mode" in "Offline
 * mode", matches "dark mode"), else the title's too. Headings, section labels and the non-goals are not its topic
 * ("Non-goals: calendar integration" makes calendar feedback no evidence for the brief).
 */
export function focusOf(b: Brief, topics?: EvidenceTopics): BriefFocus {
  // where the feedback comes from ("app reviews and support tickets") is not what the brief is about, unless its title says so
  const about = (b.about ?? b.text).replace(SOURCE_PHRASES, (m) => (new RegExp(`\\b${m.replace(/\s+/g, '\\s+')}\\b`, 'i').test(b.title) ? m : ' '));
  const body = about.split('\n').filter((l) => l.replace(/^#+\s*/, '').trim() !== b.title).join('\n');
  const opts = { core: [b.sections.goals, b.sections.requirements].filter(Boolean).join('\n'), names: productNameWords(b.title, b.text), topics };
  const inBody = briefFocus(body, b.title, opts);
  return inBody.terms.length >= 2 ? inBody : briefFocus(`${b.title}\n${about}`, b.title, opts);
}

/** Phrases that name where feedback comes from, not a topic: "app reviews", "support tickets", "survey responses". */
const SOURCE_PHRASES = /\b(?:(?:app|app[- ]store|play[- ]store|store|customer|user|product)\s+reviews?|support\s+(?:tickets?|requests?|emails?|queue)|(?:nps\s+)?survey\s+(?:responses?|answers?|comments?)|user\s+feedback)\b|用户评价|用户反馈/giu;

/**
 * Words of the product's name in the title ("Reliable sync for Inkwell Notes"): two or more capitalised words after the
 * title's first word, in a title that is not written in Title Case, and named again in the brief. They are no topic:
 * a notes app's feedback names notes whatever it is about.
 */
export function productNameWords(title: string, text: string): Set<string> {
  const out = new Set<string>();
  const toks = title.split(/[\s,:;()–—-]+/).filter(Boolean);
  const long = toks.filter((t) => /^\p{L}{4,}$/u.test(t));
  if (!long.length || long.every((t) => /^\p{Lu}/u.test(t))) return out; // Title Case: capitals say nothing
  const cap = (t: string) => /^\p{Lu}\p{Ll}+$/u.test(t);
  for (let i = 1; i < toks.length; i++) {
    if (!cap(toks[i]) || cap(toks[i - 1])) continue;
    let j = i;
    while (j < toks.length && cap(toks[j])) j++;
    const run = toks.slice(i, j);
    if (run.length >= 2 && text.split(run.join(' ')).length > 2) for (const w of run) out.add(w.toLowerCase());
    i = j;
  }
  return out;
}

function header(ctx: Ctx): string {
  const { brief, kind, evidence } = ctx.input;
  const what = kind === 'prd' ? 'Product Requirements' : kind === 'copy' ? 'Marketing Copy' : 'User Personas';
  const date = (ctx.input.now ?? new Date()).toISOString().slice(0, 10);
  const files = evidence.files.length;
  const total = evidence.totalItems;
  const count = total && total > N(ctx.ins) ? `a random sample of ${N(ctx.ins)} of ${total} items` : `${N(ctx.ins)} item${N(ctx.ins) === 1 ? '' : 's'}`;
  const base = `Evidence: ${count} from ${files} file${files === 1 ? '' : 's'}. Generated ${date}.`;
  // personas come from evidence only: without any, nothing is drafted and the model is not asked
  const nothing = kind === 'personas' && !N(ctx.ins);
  const banner = nothing
    ? `> Nothing drafted: personas are built from evidence, and none was given${ctx.llm ? ' (the language model was not asked)' : ''}.\n> ${base}`
    : ctx.llm
    ? `> Drafted by a language model (${ctx.llm.label}) from the brief and the evidence. Quotes are checked word for word against the evidence (unverifiable ones are flagged); figures and the evidence appendix are computed by Product Forge, not by the model.\n> ${base}`
    : `> **Draft made without a language model** (template backend): every section is filled from the brief and figures computed from the evidence. Review and rewrite before sharing.\n> ${base}`;
  return `# ${brief.title} — ${what}\n\n${banner}\n`;
}

// ------------------------------------------------------------------------------------------------
// Language-model sections
// ------------------------------------------------------------------------------------------------

const SYSTEM = [
  'You are a senior product manager writing a document section from a brief and customer evidence.',
  'Rules:',
  '- Use only facts from the brief, the figures and the evidence below. Do not invent numbers, customers or quotes.',
  '- When you quote a user, copy their exact words inside double quotes and add the evidence id in brackets, e.g. "the export is slow" [E3].',
  '- Write concise Markdown (bullets or short paragraphs). Do not repeat the section heading.',
].join('\n');

function evidenceBlock(items: EvidenceItem[], limit = 12): string {
  return items
    .slice(0, limit)
    .map((it) => `[${it.id}] (${cite(it)}) ${it.text.length > 300 ? `${it.text.slice(0, 300)}…` : it.text}`)
    .join('\n');
}

function figuresBlock(ctx: Ctx): string {
  const ins = ctx.ins;
  const lines = [`- Evidence items: ${ins.total}`];
  // the brief's topic first, as in the template document: the model is told what the evidence says about it
  const { related, other } = splitByFocus(ctx, ins.themes);
  if (ins.total && ctx.focus.terms.length) {
    const about = ctx.input.evidence.items.filter((i) => ctx.focus.mentions(i)).length;
    lines.push(`- Items about the brief's topic: ${about} of ${ins.total} (${pct(about, ins.total)})`);
  }
  const shown = [...related.slice(0, 4), ...other.slice(0, Math.max(2, 6 - Math.min(4, related.length)))];
  for (const t of shown) lines.push(`- "${t.term}" is mentioned in ${t.count} of ${ins.total} items (${pct(t.count, ins.total)})${related.includes(t) ? " (the brief's topic)" : ''}`);
  if (ins.sentiment) lines.push(`- Sentiment (${ins.sentiment.known} items): negative ${pct(ins.sentiment.negative, ins.sentiment.known)}, neutral ${pct(ins.sentiment.neutral, ins.sentiment.known)}, positive ${pct(ins.sentiment.positive, ins.sentiment.known)}`);
  if (ins.rating) lines.push(`- Average ${ins.rating.field}: ${ins.rating.mean.toFixed(2)} of ${ins.rating.scaleMax} (${ins.rating.count} ratings)`);
  for (const f of ins.nfr.slice(0, 4)) lines.push(`- ${f.area} concerns: ${f.items.length} items (${pct(f.items.length, ins.total)})`);
  for (const p of ins.personas) lines.push(`- Segment ${p.index} "${p.name}": ${p.size} items (${pct(p.size, ins.total)})`);
  return lines.join('\n');
}

/** Streams one model answer through the verifier; returns when done. */
async function* llmSection(ctx: Ctx, task: string, evidence: EvidenceItem[], maxNewTokens?: number): AsyncGenerator<string> {
  const gen = ctx.llm!;
  const o = ctx.input.options ?? {};
  const user = [
    `Brief:\n${ctx.input.brief.text.slice(0, 4000)}`,
    `Figures computed from the evidence:\n${figuresBlock(ctx)}`,
    evidence.length ? `Evidence (id, file:line, text):\n${evidenceBlock(evidence)}` : 'Evidence: none was provided.',
    `Task: ${task}`,
  ].join('\n\n');
  const v = ctx.verifier;
  let wrote = false;
  for await (const piece of gen.stream({
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: user },
    ],
    maxNewTokens: maxNewTokens ?? o.maxNewTokens ?? 512,
    temperature: o.temperature,
    seed: o.seed,
    signal: ctx.input.signal,
  })) {
    const out = v.push(piece);
    if (out) {
      wrote = true;
      yield out;
    }
  }
  const rest = v.end();
  if (rest) yield rest;
  for (const it of v.stats.cited) ctx.use(it);
  if (!wrote && !rest) yield '_The model returned nothing for this section._';
  else if (gen.lastFinishReason === 'length' && gen.lastContextFull) {
    // the prompt and the answer filled the model's context: a higher token limit would not help
    const size = gen.lastContextFull;
    yield ` … ⚠️ *(cut off: the model's context of ${size} tokens is full)*`;
    if (!ctx.cutOff++) ctx.input.onWarning?.(`a section was cut off: the prompt and the answer filled the model's context of ${size} tokens; give less evidence or a shorter brief, or use a model with a longer context`);
  } else if (gen.lastFinishReason === 'length') {
    // cut at the token limit: said where it happened, and once to the caller
    const limit = maxNewTokens ?? o.maxNewTokens ?? 512;
    yield ` … ⚠️ *(cut off: the model reached its limit of ${limit} new tokens)*`;
    if (!ctx.cutOff++) ctx.input.onWarning?.(`a section was cut off at the limit of ${limit} new tokens; raise maxNewTokens (productForge.generation.maxNewTokens) for complete sections`);
  }
  ctx.llmSections++;
  yield '\n\n';
}

function frustrationItems(ctx: Ctx): EvidenceItem[] {
  return ctx.input.evidence.items.filter((i) => i.sentiment === 'negative' || cues(i.text).frustration);
}
function goalItems(ctx: Ctx): EvidenceItem[] {
  return ctx.input.evidence.items.filter((i) => cues(i.text).goal);
}
/**
 * Items for prompts: the brief's topic first (its themes, then the other items that mention it), then items spread over
 * the other top themes, then the rest. The model sees the evidence the document is about before other feedback.
 */
function representative(ctx: Ctx, pool?: EvidenceItem[]): EvidenceItem[] {
  const items = pool ?? ctx.input.evidence.items;
  const inPool = new Set(items);
  const chosen = new Map<string, EvidenceItem>();
  const { related, other } = splitByFocus(ctx, ctx.ins.themes);
  for (const t of related) for (const it of t.items.filter((i) => inPool.has(i)).slice(0, 2)) chosen.set(it.id, it);
  for (const it of items) if (ctx.focus.mentions(it)) chosen.set(it.id, it);
  for (const t of other) for (const it of t.items.filter((i) => inPool.has(i)).slice(0, 2)) chosen.set(it.id, it);
  for (const it of items) chosen.set(it.id, it);
  return [...chosen.values()];
}

// ------------------------------------------------------------------------------------------------
// PRD
// ------------------------------------------------------------------------------------------------

interface Section {
  title: string;
  template: () => string;
  /** Model task; undefined means code writes the section in every mode (figures). */
  task?: string;
  evidence?: () => EvidenceItem[];
}

async function* runSections(ctx: Ctx, sections: Section[]): AsyncGenerator<string> {
  for (const s of sections) {
    throwIfAborted(ctx.input.signal);
    yield `\n## ${s.title}\n\n`;
    if (ctx.llm && s.task) yield* llmSection(ctx, s.task, s.evidence?.() ?? representative(ctx));
    else yield `${s.template().trim()}\n`;
  }
}

function prd(ctx: Ctx): AsyncGenerator<string> {
  const { brief } = ctx.input;
  const ins = ctx.ins;
  const frus = frustrationItems(ctx);
  const sections: Section[] = [
    { title: 'Summary', template: () => prdSummary(ctx), task: 'Write the Summary of the PRD: what we build, for whom, and why now (3-5 sentences).' },
    { title: 'Problem', template: () => prdProblem(ctx), task: 'Write the Problem section: the user problem, backed by 2-3 exact user quotes with their ids and the figures.', evidence: () => representative(ctx, frus.length ? frus : undefined) },
    { title: 'Goals and non-goals', template: () => prdGoals(ctx), task: 'Write Goals (bullets) and Non-goals (bullets). Goals must address the evidence; non-goals come from the brief or are things the evidence does not ask for.' },
    { title: 'Target users and personas', template: () => prdUsers(ctx), task: 'Describe the target users using the segments in the figures (name, size) and the brief.' },
    { title: 'User stories', template: () => prdStories(ctx), task: 'Write 4-8 user stories "As a <user>, I want <action> so that <benefit>", each with a priority (P0, P1, P2) and the evidence id that supports it.', evidence: () => representative(ctx, goalItems(ctx).length ? goalItems(ctx) : undefined) },
    { title: 'Functional requirements', template: () => prdFunctional(ctx), task: 'List numbered functional requirements (FR-1, FR-2, ...) that follow from the brief and the evidence, each with the supporting evidence id.' },
    { title: 'Non-functional requirements', template: () => prdNonFunctional(ctx), task: 'List non-functional requirements (performance, reliability, usability, privacy, accessibility) that the evidence supports, each with evidence ids.', evidence: () => ins.nfr.flatMap((f) => f.items.slice(0, 3)) },
    { title: 'Success metrics', template: () => prdMetrics(ctx) },
    { title: 'Risks', template: () => prdRisks(ctx), task: 'List the main risks (product, delivery, and evidence quality: the sample size and sources are in the figures).' },
    { title: 'Open questions', template: () => prdQuestions(ctx), task: 'List the open questions the team must answer before building, based on gaps in the brief and the evidence.' },
  ];
  void brief;
  return runSections(ctx, sections);
}

function prdSummary(ctx: Ctx): string {
  const { brief } = ctx.input;
  const ins = ctx.ins;
  const out = [brief.summary || brief.title];
  if (ins.total) {
    const fig = (t: { term: string; count: number }) => `"${t.term}" (${t.count} of ${ins.total}, ${pct(t.count, ins.total)})`;
    const { related, other } = splitByFocus(ctx, ins.themes);
    const head = `The evidence holds ${ins.total} feedback items from ${ins.files.length} file${ins.files.length === 1 ? '' : 's'}.`;
    const about = ctx.input.evidence.items.filter((i) => ctx.focus.mentions(i)).length;
    if (related.length) {
      out.push(`${head} Related to the brief: ${about} of ${ins.total} items (${pct(about, ins.total)}) mention its topic; most mentioned ${related.slice(0, 4).map(fig).join(', ')}.${other.length ? ` Other feedback in the evidence: ${other.slice(0, 3).map(fig).join(', ')}.` : ''}`);
    } else {
      const few = about ? ` ${about} of ${ins.total} items mention the brief's topic words, none of them often enough to be a theme.` : '';
      out.push(`${head} ${noFocusNote(ctx)}${few}${ins.themes.length ? ` Most mentioned: ${ins.themes.slice(0, 3).map(fig).join(', ')}.` : ''}`);
    }
  } else out.push('_No evidence was provided: add feedback files or an analysis report to ground this document._');
  return out.join('\n\n');
}

function prdProblem(ctx: Ctx): string {
  const { brief } = ctx.input;
  const ins = ctx.ins;
  const out: string[] = [];
  if (brief.sections.problem) out.push(brief.sections.problem);
  const frus = frustrationItems(ctx);
  if (ins.total) {
    const facts: string[] = [];
    facts.push(`- ${frus.length} of ${ins.total} items (${pct(frus.length, ins.total)}) describe a problem or complaint.`);
    if (ins.sentiment) facts.push(`- Sentiment of ${ins.sentiment.known} analysed items: ${ins.sentiment.negative} negative (${pct(ins.sentiment.negative, ins.sentiment.known)}), ${ins.sentiment.neutral} neutral, ${ins.sentiment.positive} positive.`);
    if (ins.rating) facts.push(`- Average ${ins.rating.field}: ${ins.rating.mean.toFixed(2)} of ${ins.rating.scaleMax} over ${ins.rating.count} ratings; ${pct(Math.round(ins.rating.lowShare * ins.rating.count), ins.rating.count)} are ${ins.rating.lowWords}.`);
    const { related, other } = splitByFocus(ctx, themesIn(ctx, frus));
    const shown = new Set<EvidenceItem>();
    const line = (t: { term: string; count: number; items: EvidenceItem[] }) => {
      const q = themeExample(t, (c) => cues(c).frustration, shown);
      shown.add(q.item);
      return `- "${t.term}" comes up in ${t.count} complaint${t.count === 1 ? '' : 's'}, e.g. ${ctx.q(q)}`;
    };
    const frusThemes = [...related.slice(0, 3), ...other.slice(0, related.length ? 2 : 3)];
    out.push(`What the evidence says:\n\n${facts.join('\n')}`);
    if (related.length) out.push(`Complaints related to the brief:\n\n${related.slice(0, 3).map(line).join('\n')}`);
    else out.push(`_${noFocusNote(ctx)}_`);
    if (other.length) out.push(`${related.length ? 'Other complaints in the evidence' : 'Complaints in the evidence'} (not about the brief's topic):\n\n${other.slice(0, related.length ? 2 : 3).map(line).join('\n')}`);
    // more voices: items about the brief's topic first
    const extra = [...frus.filter((i) => ctx.focus.mentions(i)), ...frus.filter((i) => !ctx.focus.mentions(i))].filter((i) => !shown.has(i) && !frusThemes.some((t) => t.items[0] === i)).slice(0, 2);
    if (extra.length) out.push(extra.map((i) => `> ${ctx.q(quoteOf(i, (s) => cues(s).frustration))}`).join('\n>\n'));
  }
  if (!out.length) out.push('_Not stated in the brief and no evidence was provided._');
  return out.join('\n\n');
}

/** Themes counted within a subset of items. */
function themesIn(ctx: Ctx, subset: EvidenceItem[]): { term: string; forms: string[]; count: number; items: EvidenceItem[] }[] {
  const set = new Set(subset);
  return ctx.ins.themes
    .map((t) => ({ term: t.term, forms: t.forms, items: t.items.filter((i) => set.has(i)) }))
    .map((t) => ({ ...t, count: t.items.length }))
    .filter((t) => t.count > 0)
    .sort((a, b) => b.count - a.count);
}

/** Clauses of a sentence: a theme's word is judged by what its own clause says ("配送很快，味道一般": delivery was fast). */
const CLAUSE = /[,;，；]|\s(?:but|however|although|though|while|whereas)\s|但是?|不过|可是|就是/iu;

/**
 * The example of a theme: a sentence that names the theme's word where the clause naming it is what `wanted` looks for
 * (a complaint, a request), or where the sentence is and that clause says nothing the other way (no praise), from an
 * item not shown yet; else the first item's sentence naming the word.
 */
function themeExample(t: { term: string; forms?: string[]; items: EvidenceItem[] }, wanted: (text: string) => boolean, avoid?: Set<EvidenceItem>): Quote {
  // (any of its forms: "synced" is the sync theme's word too)
  const forms = t.forms ?? [t.term];
  const has = (x: string) => {
    const l = x.toLowerCase();
    return forms.some((f) => l.includes(f));
  };
  const fits = (sentence: string): boolean => {
    if (!has(sentence)) return false;
    const clause = sentence.split(CLAUSE).find(has) ?? sentence;
    return wanted(clause) || (wanted(sentence) && !cues(clause).motivation);
  };
  let fallback: Quote | undefined;
  for (const it of t.items.slice(0, 200)) {
    const q = quoteOf(it, fits);
    if (!fits(q.text)) continue;
    if (!avoid?.has(it)) return q;
    fallback ??= q;
  }
  return fallback ?? quoteOf(t.items[0], has);
}

/** Themes about the brief's topic and the others, each in the order given (by count). */
function splitByFocus<T extends { term: string; forms?: string[] }>(ctx: Ctx, themes: T[]): { related: T[]; other: T[] } {
  // a theme relates by any of its words ("sync" or 同步)
  const related = themes.filter((t) => (t.forms ?? [t.term]).some((f) => ctx.focus.relates(f)));
  return { related, other: themes.filter((t) => !related.includes(t)) };
}

/** Said plainly when no evidence theme shares a topic word with the brief. */
function noFocusNote(ctx: Ctx): string {
  const terms = ctx.focus.terms.slice(0, 6).map((t) => `"${t}"`).join(', ');
  return terms
    ? `Nothing in the evidence themes relates to the brief (its topic words: ${terms}); the figures below come from other feedback.`
    : 'The brief names no topic words to match against the evidence; the figures below come from all the feedback.';
}

function prdGoals(ctx: Ctx): string {
  const { brief } = ctx.input;
  const ins = ctx.ins;
  const goals = bullets(brief.sections.goals).map((g) => `- ${g}`);
  if (!goals.length) {
    const { related, other } = splitByFocus(ctx, themesIn(ctx, frustrationItems(ctx)));
    for (const t of related.slice(0, 3)) goals.push(`- Resolve the "${t.term}" complaints (${t.count} of ${ins.total} items, ${pct(t.count, ins.total)} today).`);
    if (!related.length) for (const t of other.slice(0, 3)) goals.push(`- Resolve the "${t.term}" complaints (${t.count} of ${ins.total} items, ${pct(t.count, ins.total)} today) _(other feedback: not the brief's topic)_.`);
  }
  if (!goals.length) goals.push('- _No goals in the brief and no complaint themes in the evidence: define the outcome this work should change._');
  const non = bullets(brief.sections.nonGoals).map((g) => `- ${g}`);
  if (!non.length) non.push('- _None stated in the brief: write down what is out of scope._');
  return `**Goals**\n\n${goals.join('\n')}\n\n**Non-goals**\n\n${non.join('\n')}`;
}

function prdUsers(ctx: Ctx): string {
  const { brief } = ctx.input;
  const ins = ctx.ins;
  const out: string[] = [];
  if (brief.sections.users) out.push(brief.sections.users);
  if (ins.personas.length) {
    const seg = ins.segmentation;
    out.push(
      `Segments found in the evidence (${ins.total} items clustered by what they talk about${ctx.input.evidence.attributes.length ? ` and by ${ctx.input.evidence.attributes.join(', ')}` : ''}${seg && seg.k > 1 ? `; k = ${seg.k}, silhouette ${seg.silhouette.toFixed(2)}` : ''}):`,
    );
    out.push(
      ins.personas
        .map((p) => `- **${p.name}** — ${p.size} items (${pct(p.size, ins.total)}); talks about ${p.terms.join(', ') || 'various topics'}${p.quote ? `; e.g. ${ctx.q(p.quote)}` : ''}`)
        .join('\n'),
    );
    const weak = weakSegmentsNote(ins);
    if (weak) out.push(`> ⚠️ ${weak}`);
  }
  if (!out.length) out.push('_Not stated in the brief and no evidence was provided._');
  return out.join('\n\n');
}

const WANT = /\b(?:i|we)?\s*(?:really\s+)?(?:want|need|wish|would like|would love|hope)\s+(to\s+|for\s+|that\s+|there\s+was\s+|it\s+to\s+)?([^.!?\n]{6,120})/i;

/** What a sentence asks for, following "I want", from a request phrasing or an "I want / we need" one. */
function askedFor(sentence: string): string | undefined {
  const r = requestOf(sentence);
  if (r) return r;
  if (NOT_A_REQUEST.test(sentence)) return undefined;
  const m = WANT.exec(sentence);
  if (!m) return undefined;
  const action = m[2].trim().replace(/[,;:]+$/, '');
  // "everything I need in one place": a place, not a request
  if (!m[1] && /^(in|on|at|from|of|with|by|about|into|here|there|now|again|anymore|it|this|that|everything|anything|nothing)\b/i.test(action)) return undefined;
  return /^(to|it\s+to)\s/i.test(m[1] ?? '') ? `to ${action}` : /^that\s/i.test(m[1] ?? '') ? `that ${action}` : action;
}

function prdStories(ctx: Ctx): string {
  const ins = ctx.ins;
  const top = new Set(ins.themes.slice(0, 6).map((t) => t.term));
  const personaOf = new Map<string, Persona>();
  for (const p of ins.personas) for (const m of p.members) personaOf.set(m.id, p);
  const found: { p: string; line: string; order: number }[] = [];
  for (const it of ctx.input.evidence.items) {
    let s: string | undefined, asked: string | undefined;
    for (const x of sentences(it.text)) {
      asked = askedFor(x);
      if (asked !== undefined) {
        s = x;
        break;
      }
    }
    if (!s || asked === undefined) continue;
    const want = asked.replace(/\.$/, '');
    // the request itself is about the brief, not another sentence of the same review ("送餐太慢。希望评价可以上传图片。")
    const prio = ctx.focus.mentions({ ...it, text: s }) ? 'P0' : words(s.toLowerCase()).some((w) => top.has(w)) ? 'P1' : 'P2';
    const who = personaOf.get(it.id)?.name.toLowerCase() ?? 'users';
    found.push({ p: prio, order: found.length, line: `- **${prio}** As one of the ${who}, I want ${want}. — ${ctx.q(quoteOf(it, (x) => x === s))}` });
  }
  found.sort((a, b) => a.p.localeCompare(b.p) || a.order - b.order);
  const stories = found.slice(0, 8);
  for (const r of bullets(ctx.input.brief.sections.requirements)) {
    if (stories.length >= 10) break;
    stories.push({ p: 'P1', order: 0, line: `- **P1** As a user, I want ${r.charAt(0).toLowerCase()}${r.slice(1).replace(/\.$/, '')}. — from the brief` });
  }
  if (!stories.length) return '_No requests ("please add…", "I wish…", "would be great if…", "I want…") in the evidence and no requirements in the brief; write stories with the team._';
  stories.sort((a, b) => a.p.localeCompare(b.p));
  const more = found.length > 8 ? `\n\n_${found.length} requests in the evidence; the first 8 by priority are shown._` : '';
  return `Priority: P0 = about the brief's topic, P1 = one of the six most frequent themes or from the brief, P2 = other feedback.\n\n${stories.map((s) => s.line).join('\n')}${more}`;
}

function prdFunctional(ctx: Ctx): string {
  const ins = ctx.ins;
  const out: string[] = [];
  let n = 0;
  for (const r of bullets(ctx.input.brief.sections.requirements)) out.push(`- **FR-${++n}** ${r} _(brief)_`);
  const pool = ctx.input.evidence.items.filter((i) => cues(i.text).goal || cues(i.text).frustration || i.sentiment === 'negative');
  const { related, other } = splitByFocus(ctx, themesIn(ctx, pool));
  const fr = (t: { term: string; count: number; items: EvidenceItem[] }, tag: string) =>
    `- **FR-${++n}** Address "${t.term}"${tag}: raised as a complaint or request in ${t.count} of ${ins.total} items (${pct(t.count, ins.total)}), e.g. ${ctx.q(themeExample(t, (c) => cues(c).frustration || cues(c).goal))}`;
  for (const t of related.slice(0, 5)) out.push(fr(t, ''));
  for (const t of other.slice(0, Math.max(2, 5 - related.length))) out.push(fr(t, ' _(other feedback, not the brief\'s topic)_'));
  return out.length ? out.join('\n') : '_No requirements in the brief and no requests or complaints in the evidence._';
}

function prdNonFunctional(ctx: Ctx): string {
  const ins = ctx.ins;
  if (!ins.nfr.length) return '_The evidence raises no performance, reliability, usability, privacy, accessibility or cost concerns._';
  const used = new Set<string>();
  return ins.nfr
    .map((f, i) => {
      const ex = nfrExample(ctx, f.area, f.items, used);
      used.add(ex.item.id);
      return `- **NFR-${i + 1} ${f.area}:** ${f.requirement} — ${f.items.length} of ${ins.total} items (${pct(f.items.length, ins.total)}), e.g. ${ctx.q(ex)}`;
    })
    .join('\n');
}

/**
 * The example of a non-functional area: the sentence that is about it, from an item not yet shown for
 * another area, about this area alone, a complaint, and about the brief's topic, in that order of weight.
 */
function nfrExample(ctx: Ctx, areaName: string, items: EvidenceItem[], used: Set<string>): Quote {
  const area = NFR_AREAS.find((a) => a.area === areaName);
  if (!area) return quoteOf(items[0]);
  let best: { q: Quote; key: number[] } | undefined;
  for (const it of items.slice(0, 200)) {
    const q = quoteOf(it, (s) => nfrMatches(area, s));
    const others = NFR_AREAS.filter((a) => a !== area && a.re.test(q.text)).length;
    const key = [used.has(it.id) ? 1 : 0, others, cues(q.text).frustration ? 0 : 1, ctx.focus.mentions(it) ? 0 : 1];
    const j = best ? key.findIndex((k, m) => k !== best!.key[m]) : -1;
    if (!best || (j >= 0 && key[j] < best.key[j])) best = { q, key };
  }
  return best!.q;
}

function prdMetrics(ctx: Ctx): string {
  const ins = ctx.ins;
  const rows: string[] = [];
  const { related, other } = splitByFocus(ctx, themesIn(ctx, frustrationItems(ctx)));
  for (const t of related.length ? related.slice(0, 3) : other.slice(0, 3)) {
    rows.push(`| Share of feedback complaining about "${t.term}"${related.length ? '' : ' (other feedback)'} | ${t.count} of ${ins.total} (${pct(t.count, ins.total)}) | lower than baseline (set a number) |`);
  }
  if (ins.sentiment) rows.push(`| Share of negative feedback | ${ins.sentiment.negative} of ${ins.sentiment.known} (${pct(ins.sentiment.negative, ins.sentiment.known)}) | lower than baseline (set a number) |`);
  if (ins.rating) rows.push(`| Average ${ins.rating.field} | ${ins.rating.mean.toFixed(2)} of ${ins.rating.scaleMax} (n = ${ins.rating.count}) | higher than baseline (set a number) |`);
  for (const m of bullets(ctx.input.brief.sections.metrics)) rows.push(`| ${m.replace(/\|/g, '\\|')} | baseline: to be measured | from the brief |`);
  if (!rows.length) rows.push('| Primary outcome metric (define) | baseline: to be measured | to be agreed |');
  return `Baselines are computed from the evidence; where the data has none, the baseline is "to be measured".\n\n| Metric | Baseline | Target |\n|---|---|---|\n${rows.join('\n')}`;
}

function prdRisks(ctx: Ctx): string {
  const ins = ctx.ins;
  const out = bullets(ctx.input.brief.sections.risks).map((r) => `- ${r} _(brief)_`);
  if (ins.total === 0) out.push('- No evidence: the document rests on the brief alone.');
  else {
    if (ins.total < 30) out.push(`- Small sample: ${ins.total} items; shares can move a lot with a few more answers.`);
    // the files the items come from, counted in the items used: an analysis's results cite the files analyzed, and a
    // sample holds fewer items than its files (a file's full count over the sample's made "1255% of the items")
    const bySource = new Map<string, number>();
    for (const it of ctx.input.evidence.items) bySource.set(it.source, (bySource.get(it.source) ?? 0) + 1);
    const [biggest, n] = [...bySource].sort((a, b) => b[1] - a[1])[0];
    if (bySource.size === 1) out.push(`- Single source: all evidence comes from ${biggest}.`);
    else if (n > ins.total * 0.7) out.push(`- Skewed sources: ${biggest} holds ${pct(n, ins.total)} of the items${ctx.input.evidence.totalItems ? ' (in the sample)' : ''}.`);
    if (!ins.sentiment) out.push('- No sentiment analysis in the evidence: complaints are found by wording only (run Analyze Feedback and use its report).');
  }
  return out.length ? out.join('\n') : '_None identified._';
}

function prdQuestions(ctx: Ctx): string {
  const ins = ctx.ins;
  const out = bullets(ctx.input.brief.sections.questions).map((q) => `- ${q} _(brief)_`);
  if (!ctx.input.brief.sections.users) out.push('- Who exactly is the primary user? The brief does not say.');
  if (!ctx.input.brief.sections.metrics) out.push('- Which metric defines success, and what is its current baseline?');
  if (ins.personas.length > 1) {
    const seg = ins.segmentation;
    out.push(
      seg && seg.silhouette < WEAK_SILHOUETTE
        ? `- Who are the distinct users? The ${ins.personas.length} segments found are weakly separated (silhouette ${seg.silhouette.toFixed(2)}); segment by real user data (plan, role, usage) to find out.`
        : `- Which of the ${ins.personas.length} segments do we serve first?`,
    );
  }
  for (const t of ins.themes.filter((x) => x.count === 2).slice(0, 2)) out.push(`- Is "${t.term}" a real trend? Only 2 items mention it.`);
  return out.length ? out.join('\n') : '_None._';
}

// ------------------------------------------------------------------------------------------------
// Personas
// ------------------------------------------------------------------------------------------------

async function* personas(ctx: Ctx): AsyncGenerator<string> {
  const ins = ctx.ins;
  const seg = ins.segmentation;
  const ev = ctx.input.evidence;
  if (!ins.total) {
    yield '\n_No evidence was provided: personas are built from feedback or a user CSV. Give feedback files or an analysis as evidence._\n';
    return;
  }
  const how =
    `${ins.total} items were clustered by what they talk about (TF-IDF + spherical k-means${ev.attributes.length ? `, with the attributes ${ev.attributes.join(', ')}` : ''}). ` +
    (seg && seg.tried.length ? `k = ${seg.k} was chosen by silhouette (${seg.tried.map((t) => `k=${t.k}: ${t.silhouette.toFixed(2)}`).join(', ')}).` : `k = ${seg?.k ?? 1}${requestedNote(seg?.k ?? 1, ctx.input.options?.count)}.`) +
    ` Each persona summarises one real segment; sizes add up to ${ins.total}.`;
  yield `\n${how}\n`;
  const weak = weakSegmentsNote(ins);
  if (weak) yield `\n> ⚠️ ${weak}\n`;
  for (const p of ins.personas) {
    throwIfAborted(ctx.input.signal);
    yield `\n## Persona ${p.index}: ${p.name}\n\n`;
    const attrs = p.attributes.map((a) => `${a.field}: ${a.value} (${a.count} of ${p.size})`);
    const sentiment = p.sentiment ? `; sentiment: ${p.sentiment.negative} negative, ${p.sentiment.neutral} neutral, ${p.sentiment.positive} positive` : '';
    yield `**Segment:** ${p.size} of ${ins.total} items (${pct(p.size, ins.total)}) · talks about ${p.terms.join(', ') || 'various topics'}${attrs.length ? ` · ${attrs.join(', ')}` : ''}${sentiment}\n\n`;
    if (p.quote) yield `> ${ctx.q(p.quote)}\n\n`;
    if (ctx.llm) {
      yield* llmSection(
        ctx,
        `Write a persona for this segment: ${p.name} (${p.size} items). Give Goals, Frustrations, Motivations and Behaviours as short bullet lists under those bold labels, each point backed by an exact quote or an evidence id from this segment only.`,
        p.members,
      );
    } else {
      yield personaList(ctx, 'Goals', p.goals);
      yield personaList(ctx, 'Frustrations', p.frustrations);
      yield personaList(ctx, 'Motivations', p.motivations);
      const beh = p.behaviours.map((q) => `- ${ctx.q(q)}`);
      for (const a of p.attributes) beh.push(`- ${a.field}: ${a.value} for ${a.count} of ${p.size} (${pct(a.count, p.size)})`);
      yield `**Behaviours**\n\n${beh.length ? beh.join('\n') : '- _No evidence in this segment._'}\n\n`;
    }
    const ids = p.members.slice(0, 12).map((m) => `${m.id} ${ctx.link(m)}`);
    yield `_Evidence behind this persona (${p.size} items${p.size > 12 ? ', first 12 shown' : ''}): ${ids.join(', ')}_\n`;
  }
}

/** Below this mean silhouette the clusters show no substantial structure (Kaufman & Rousseeuw: < 0.25). */
const WEAK_SILHOUETTE = 0.25;

/** Said when the segments are weakly separated or one of them is a catch-all; undefined when they are clear. */
function weakSegmentsNote(ins: Insights): string | undefined {
  const seg = ins.segmentation;
  if (!seg || seg.k < 2 || ins.personas.length < 2) return undefined;
  const out: string[] = [];
  if (seg.silhouette < WEAK_SILHOUETTE) {
    out.push(
      `**Weak segments:** silhouette ${seg.silhouette.toFixed(2)} (under ${WEAK_SILHOUETTE} means no clear structure). The items do not fall into distinct groups: read these as topics the feedback talks about, not as distinct kinds of users, and check them against real user data (plan, role, usage) before relying on them.`,
    );
  }
  const big = ins.personas[0];
  if (big && big.size > ins.total * 0.5 && seg.silhouette < WEAK_SILHOUETTE) out.push(`"${big.name}" holds ${pct(big.size, ins.total)} of the items: a catch-all of feedback that fits no narrower topic, not one kind of user.`);
  return out.length ? out.join(' ') : undefined;
}

function personaList(ctx: Ctx, label: string, qs: Quote[]): string {
  const lines = qs.map((q) => `- ${ctx.q(q)}`);
  return `**${label}**\n\n${lines.length ? lines.join('\n') : '- _No evidence in this segment._'}\n\n`;
}

// ------------------------------------------------------------------------------------------------
// Marketing copy
// ------------------------------------------------------------------------------------------------

const CTAS: Record<string, string[]> = {
  friendly: ['Give it a try', 'Try it free', 'See how it works'],
  professional: ['Get started', 'Request a demo', 'Learn more'],
  bold: ['Start now', 'Get it today', 'Switch today'],
  playful: ["Let's go", 'Take it for a spin', 'Jump in'],
  empathetic: ['See how it helps', 'Start at your pace', 'Try it today'],
};

export interface CopyVariant {
  headline: string;
  body: string;
  cta: string;
}

/** Enforces the channel limits on a variant (social: headline + body + CTA within 280 characters). */
export function enforceLimits(v: CopyVariant, channel: Channel): CopyVariant {
  const l = CHANNEL_LIMITS[channel];
  const headline = fitLength(v.headline, l.headline);
  const cta = fitLength(v.cta, l.cta);
  let bodyMax = l.body;
  if (channel === 'social-post') bodyMax = Math.min(bodyMax, 280 - headline.length - cta.length - 2);
  return { headline, body: fitSentences(v.body, bodyMax), cta };
}

/** Whole sentences up to `max` characters (a quote is never cut); falls back to fitLength. */
function fitSentences(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  let out = '';
  for (const s of t.match(/[^.!?]+[.!?]+["”]?(?:\s*\([^)]*\))?|[^.!?]+$/g) ?? [t]) {
    const next = out ? `${out} ${s.trim()}` : s.trim();
    if (next.length > max) break;
    out = next;
  }
  return out || fitLength(t, max);
}

async function* copy(ctx: Ctx): AsyncGenerator<string> {
  const o = ctx.input.options ?? {};
  const channel: Channel = o.channel ?? 'landing-page';
  const framework: Framework = o.framework ?? 'AIDA';
  const tone = o.tone ?? 'friendly';
  const audience = o.audience ?? (ctx.input.brief.sections.users ? bullets(ctx.input.brief.sections.users)[0] : 'our users');
  const n = Math.max(1, Math.min(10, Math.floor(o.variants ?? 3)));
  const l = CHANNEL_LIMITS[channel];
  yield `\n**Channel:** ${l.label} (${l.note}; limits: ${l.headlineName.toLowerCase()} ${l.headline}, body ${l.body}, call to action ${l.cta} characters) · **Framework:** ${framework} (${FRAMEWORK_STEPS[framework].join(' → ')}) · **Audience:** ${audience} · **Tone:** ${tone} · **Variants:** ${n}\n`;
  if (ctx.ins.total) {
    const { related, other } = splitByFocus(ctx, ctx.ins.themes);
    const fig = (t: { term: string; count: number }) => `"${t.term}" (${t.count} of ${ctx.ins.total})`;
    const says = related.length
      ? `about the brief's topic ${related.slice(0, 4).map(fig).join(', ')}${other.length ? `; other feedback ${other.slice(0, 3).map(fig).join(', ')}` : ''}`
      : `${other.slice(0, 4).map(fig).join(', ') || 'no recurring themes'}${ctx.ins.themes.length ? ` (nothing about the brief's topic: ${ctx.focus.terms.slice(0, 4).map((t) => `"${t}"`).join(', ') || 'no topic words'})` : ''}`;
    yield `\nWhat the audience says: ${says}.\n`;
  }
  if (!ctx.llm && !ctx.input.brief.sections.product) {
    yield `\n_The brief has no Product section (what you offer, its value proposition): the offer in these variants is taken from its ${ctx.input.brief.summary ? 'first paragraph' : 'title'}. Add a "## Product" section for copy that sells what you build._\n`;
  }
  for (let i = 0; i < n; i++) {
    throwIfAborted(ctx.input.signal);
    yield `\n## Variant ${i + 1}\n\n`;
    if (ctx.llm) yield* llmVariant(ctx, i, { channel, framework, tone, audience });
    else {
      const draft = templateVariant(ctx, i, { channel, framework, tone });
      const v = enforceLimits(draft, channel);
      for (const q of draft.quotes) if (v.body.includes(q.text)) ctx.use(q.item);
      yield `**${l.headlineName}:** ${v.headline}\n\n**Body:** ${v.body}\n\n**Call to action:** ${v.cta}\n\n`;
      yield `_Length: ${v.headline.length}/${l.headline}, ${v.body.length}/${l.body}, ${v.cta.length}/${l.cta} characters._\n`;
    }
  }
}

/** A paragraph's hard-wrapped lines joined (the brief's "…sync is unreliable: notes edited on\none device…"); list items stay lines. */
export function unwrap(text: string): string {
  return text.replace(/([^\n])\n(?![ \t]*(?:[-*+]|\d+[.)])\s|[ \t]*\n)[ \t]*/gu, (_m, c: string, off: number, all: string) => {
    const next = all[off + _m.length] ?? '';
    return /[\p{Script=Han}，。！？、]/u.test(c) && /\p{Script=Han}/u.test(next) ? c : `${c} `;
  });
}

/** A theme's word as the brief writes it ("PDF", "iPad"), else as found: copy does not print "Pdf". */
function asWritten(ctx: Ctx, term: string): string {
  if (isCjkText(term)) return term;
  const m = new RegExp(`(?<![\\p{L}\\p{N}])${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'iu').exec(ctx.input.brief.text);
  return m && m[0] !== m[0].toLowerCase() && m[0] !== capitalize(m[0].toLowerCase()) ? m[0] : term;
}
const isCjkText = (t: string) => /\p{Script=Han}/u.test(t);

function templateVariant(ctx: Ctx, i: number, o: { channel: Channel; framework: Framework; tone: string }): CopyVariant & { quotes: Quote[] } {
  const { brief } = ctx.input;
  const ins = ctx.ins;
  const product = sentences(unwrap(brief.sections.product ?? brief.summary ?? brief.title));
  const offer = product[i % Math.max(1, product.length)] ?? brief.title;
  const goalsB = bullets(brief.sections.goals);
  const frus = frustrationItems(ctx);
  // pains about the brief's topic first; when there are some, only those (the copy sells the brief's product)
  const split = splitByFocus(ctx, themesIn(ctx, frus));
  // the pains the brief is mainly about: a word it names in passing ("show no error") sells nothing
  const top = Math.max(0, ...split.related.map((t) => ctx.focus.weight(t.term)));
  // (and one complaint is no pain to sell against when others have more: "fail to upload on mobile data")
  const main = split.related.filter((t) => ctx.focus.weight(t.term) * 3 >= top && (t.count >= 2 || split.related.every((r) => r.count < 2)));
  // one pain per word ("export" and "exporting" are one), in the brief's language when the evidence has it in both
  const zhBrief = (brief.text.match(/\p{Script=Han}/gu)?.length ?? 0) > (brief.text.match(/[A-Za-z]/g)?.length ?? 0) / 2;
  const stems = new Set<string>();
  const distinct = (main.length ? main : split.other).filter((t) => {
    const k = isCjkText(t.term) ? t.term : stemKey(t.term);
    return !stems.has(k) && !!stems.add(k);
  });
  const inLanguage = distinct.filter((t) => isCjkText(t.term) === zhBrief);
  const pains = inLanguage.length ? inLanguage : distinct;
  const pain = pains[i % Math.max(1, pains.length)];
  // a sentence that complains about the pain (not "配送很快，味道一般"), another one for each variant when there is one
  const painQuote = pain ? themeExample(pain, (c) => cues(c).frustration, ctx.copyQuoted) : undefined;
  if (painQuote) ctx.copyQuoted.add(painQuote.item);
  // praise: positive items, or ones with words of praise and no complaint ("easy to set up, but too many ads" is not)
  const praised = ctx.input.evidence.items.filter((it) => it.sentiment === 'positive' || (it.sentiment !== 'negative' && cues(it.text).motivation && !cues(it.text).frustration));
  const likes = [...praised.filter((it) => ctx.focus.mentions(it)), ...praised.filter((it) => !ctx.focus.mentions(it))];
  const like = likes.length ? quoteOf(likes[(i * 7) % likes.length], (s) => cues(s).motivation) : undefined;
  // pain.count counts the complaints that name the term (not every mention of it): said as such
  const painWord = pain ? asWritten(ctx, pain.term) : '';
  const fig = pain ? `${pain.count} of ${ins.total} pieces of feedback complain about ${painWord}.` : '';
  const qt = (q: Quote | undefined) => (q ? `"${q.text}"${q.text.length < q.item.text.trim().length ? '…' : ''}` : '');
  const ctas = CTAS[o.tone] ?? CTAS.friendly;
  const cta = ctas[i % ctas.length];
  const benefit = goalsB[i % Math.max(1, goalsB.length)] ?? offer;
  const headlineOptions = [brief.title, pain ? `${capitalize(painWord)}, solved` : '', benefit, offer].filter(Boolean);
  // a headline cut with "…" is no headline: one that fits the channel, from the brief's goals and offer too, when any does
  const max = CHANNEL_LIMITS[o.channel].headline;
  const fitting = [...new Set([...headlineOptions, ...goalsB, ...product].map((h) => h.replace(/[.。]$/u, '')).filter((h) => h.length <= max))];
  const headline = headlineOptions[i % headlineOptions.length].length <= max || !fitting.length ? headlineOptions[i % headlineOptions.length] : fitting[i % fitting.length];
  let body: string[];
  switch (o.framework) {
    case 'PAS':
      body = [painQuote ? `${qt(painQuote)} — that is what we hear.` : `${capitalize(painWord || 'The old way')} gets in the way.`, fig, offer];
      break;
    case 'FAB':
      body = [offer, pain ? `It takes on ${painWord}, the issue ${pain.count} of ${ins.total} people raised.` : '', like ? `Users tell us: ${qt(like)}` : benefit];
      break;
    case 'BAB':
      body = [painQuote ? `Before: ${qt(painQuote)}` : `Before: ${painWord || 'friction'} every day.`, `After: ${benefit.replace(/\.$/, '')}.`, `The bridge: ${offer}`];
      break;
    default: // AIDA
      body = [pain ? `Still fighting ${painWord}?` : `${brief.title}.`, fig, like ? `${qt(like)}` : benefit, `${cta}.`];
  }
  return { headline, body: body.filter(Boolean).join(' '), cta, quotes: [painQuote, like].filter((q): q is Quote => !!q) };
}

/** Streams model text while enforcing a character limit (cuts at a word boundary, stops the request). */
async function* limitedField(ctx: Ctx, task: string, limit: number, singleLine: boolean, evidence: EvidenceItem[]): AsyncGenerator<string> {
  const gen = ctx.llm!;
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  ctx.input.signal?.addEventListener('abort', onAbort, { once: true });
  let raw = '';
  let emitted = 0;
  let started = false;
  const v = ctx.verifier;
  const o = ctx.input.options ?? {};
  try {
    const user = [
      `Brief:\n${ctx.input.brief.text.slice(0, 3000)}`,
      `Figures computed from the evidence:\n${figuresBlock(ctx)}`,
      evidence.length ? `Evidence (id, file:line, text):\n${evidenceBlock(evidence, 8)}` : '',
      `Task: ${task} At most ${limit} characters. Output only the text itself, no label and no quotes around it.`,
    ].filter(Boolean).join('\n\n');
    for await (const piece of gen.stream({ messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: user }], maxNewTokens: Math.min(o.maxNewTokens ?? 512, Math.ceil(limit / 2) + 16), temperature: o.temperature, seed: o.seed, signal: ac.signal })) {
      raw += piece;
      let text = raw.replace(/^\s*(?:\*\*)?(?:headline|subject(?: line)?|subtitle|hook|body|call to action|cta)(?:\*\*)?\s*:\s*/i, '');
      if (!started && text.length < 24 && !/\s/.test(text.slice(1))) continue; // wait to strip a leading label
      started = true;
      let stop = false;
      if (singleLine && text.trimStart().includes('\n')) {
        text = text.trimStart().split('\n')[0];
        stop = true;
      }
      text = text.trimStart();
      if (text.length > limit) {
        const cut = text.slice(0, limit + 1);
        const sp = cut.lastIndexOf(' ');
        text = (sp > limit * 0.5 ? cut.slice(0, sp) : cut.slice(0, limit)).trimEnd();
        stop = true;
      }
      // Emit up to the last space (a partial word may still grow), or everything when stopping.
      const safe = stop ? text.length : Math.max(emitted, text.lastIndexOf(' ') + 1);
      if (safe > emitted) {
        const out = v.push(text.slice(emitted, safe));
        emitted = safe;
        if (out) yield out;
      }
      if (stop) {
        ac.abort();
        break;
      }
    }
    if (!ac.signal.aborted) {
      let text = raw.replace(/^\s*(?:\*\*)?(?:headline|subject(?: line)?|subtitle|hook|body|call to action|cta)(?:\*\*)?\s*:\s*/i, '').trimStart();
      if (singleLine) text = text.split('\n')[0];
      text = text.trimEnd().slice(0, limit);
      if (text.length > emitted) {
        const out = v.push(text.slice(emitted));
        emitted = text.length;
        if (out) yield out;
      }
    }
  } catch (e) {
    if (!(e instanceof CancelledError) || ctx.input.signal?.aborted) throw e;
  } finally {
    ctx.input.signal?.removeEventListener('abort', onAbort);
  }
  const rest = v.end();
  if (rest) yield rest;
  for (const it of v.stats.cited) ctx.use(it);
}

async function* llmVariant(ctx: Ctx, i: number, o: { channel: Channel; framework: Framework; tone: string; audience: string }): AsyncGenerator<string> {
  const l = CHANNEL_LIMITS[o.channel];
  const ev = representative(ctx).slice(i * 3).concat(representative(ctx).slice(0, i * 3));
  const common = `Marketing copy variant ${i + 1} for a ${l.label.toLowerCase()}, framework ${o.framework} (${FRAMEWORK_STEPS[o.framework].join(', ')}), tone ${o.tone}, audience: ${o.audience}.`;
  yield `**${l.headlineName}:** `;
  yield* limitedField(ctx, `${common} Write the ${l.headlineName.toLowerCase()}.`, l.headline, true, ev);
  yield `\n\n**Body:** `;
  yield* limitedField(ctx, `${common} Write the body following the ${o.framework} steps in one paragraph.`, o.channel === 'social-post' ? 280 - l.headline - l.cta - 2 : l.body, false, ev);
  yield `\n\n**Call to action:** `;
  yield* limitedField(ctx, `${common} Write the call-to-action button label (2-4 words).`, l.cta, true, []);
  yield `\n\n_Limits enforced: ${l.headlineName.toLowerCase()} ${l.headline}, body ${l.body}, call to action ${l.cta} characters._\n`;
}

// ------------------------------------------------------------------------------------------------
// Evidence appendix (always written by code)
// ------------------------------------------------------------------------------------------------

function appendix(ctx: Ctx): string {
  const items = [...ctx.cited].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  const lines = items.map((it) => {
    const q = quoteOf(it);
    const partial = q.text.length < it.text.trim().length ? '…' : '';
    return `- **${it.id}** ${citeLink(it, ctx.input.linkBase)} — "${q.text}"${partial}`;
  });
  const v = ctx.verifier.stats;
  const checks = ctx.llm ? `\n\nQuote check: ${v.verified} verified, ${v.unverified} flagged as unverified${v.unknownIds ? `, ${v.unknownIds} unknown evidence ids` : ''}${v.miscited ? `, ${v.miscited} citation${v.miscited === 1 ? '' : 's'} corrected to the item that holds the quote` : ''}.` : '';
  const files = ctx.ins.files.map((f) => `${f.path} (${f.items} item${f.items === 1 ? '' : 's'}${f.kind === 'analysis' ? ', analysis results' : ''})`).join('; ');
  return `\n## Evidence\n\nSources: ${files || 'none'}.${checks}\n\n${lines.length ? lines.join('\n') : '_No evidence cited._'}\n`;
}

/** "(requested)", or why fewer segments than requested were found. */
function requestedNote(k: number, count: number | 'auto' | undefined): string {
  if (count === undefined || count === 'auto') return '';
  return k === count ? ' (requested)' : ` (${count} requested; the evidence supports ${k})`;
}
