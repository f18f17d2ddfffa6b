// Small text utilities for grounded generation: word tokens for TF-IDF, sentence splitting that keeps
// verbatim substrings, cue detection, and length-limited trimming at word boundaries.

import { chineseTermKeys } from '../analysis/phrases';
import { mulberry32 } from '../random';

const STOP = new Set(
  (
    'a an and are as at be been but by can could did do does doing for from had has have having he her here hers him his how i if in into is it its ' +
    "it's itself just me more most my no nor not now of off on once only or other our ours out over own same she should so some such than that the their " +
    'theirs them then there these they this those through to too under until up very was we were what when where which while who whom why will with ' +
    "would you your yours also get got i'm im ive i've dont don't doesn't didn't isn't can't cant won't wont really even still much many one two any all " +
    'every each been being am us lot lots thing things way make made use used using app please thanks thank since after before again about because ' +
    'would like want wish need needs wanted hope able'
  ).split(/\s+/),
);

/**
 * Lower-cased word tokens (letters/digits), stop words removed, then the Chinese terms: 2-4-character
 * n-grams of the function-free segments, as Analyze Feedback's themes find them (not single characters,
 * which made "了" and "很" the most mentioned "topics" of Chinese feedback).
 */
export function words(text: string): string[] {
  const out: string[] = [];
  // Letters and digits other than Han (Han runs give the Chinese terms below).
  const re = /(?:(?!\p{Script=Han})[\p{L}\p{N}])(?:(?!\p{Script=Han})[\p{L}\p{N}'’-])*/gu;
  for (const m of text.toLowerCase().matchAll(re)) {
    const w = m[0].replace(/['’-]+$/, '').replace(/’/g, "'");
    if (w.length < 2) continue;
    if (STOP.has(w) || /^\d+$/.test(w)) continue;
    out.push(w);
  }
  out.push(...chineseTermKeys(text));
  return out;
}

/** Sentences of `text` as exact substrings (so quotes stay verbatim), trimmed, non-empty. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  // A sentence ends at . ! ? followed by a space or the end (so "2.0" and "e.g." inside words stay whole).
  const re = /[^\s][^\n]*?(?:[.!?]+["”’)]?(?=\s|$)|[。！？]+|(?=\n)|$)/gu;
  for (const m of text.matchAll(re)) {
    const s = m[0].trim();
    if (s.length >= 2) out.push(s);
  }
  return out.length ? out : text.trim() ? [text.trim()] : [];
}

/** At most `max` characters, cut at a word boundary with an ellipsis when shortened. */
export function fitLength(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  if (max <= 1) return t.slice(0, Math.max(0, max));
  const cut = t.slice(0, max - 1);
  const sp = cut.lastIndexOf(' ');
  const base = (sp > max * 0.5 ? cut.slice(0, sp) : cut).replace(/[\s,;:.!?-]+$/, '');
  return `${base}…`;
}

export interface Cues {
  goal: boolean;
  frustration: boolean;
  motivation: boolean;
  behaviour: boolean;
}

const GOAL = /\b(want|wants|wanted|need|needs|wish|would like|would love|hope|looking for|trying to|so that|in order to|goal|should be able|let me|allow(?:s)? me|ability to|please add|add an?|support for)\b/i;
const FRUSTRATION =
  /\b(slow|slower|lag|laggy|crash(?:es|ed|ing)?|bug(?:s|gy)?|broken|fail(?:s|ed|ing|ure)?|error(?:s)?|confus(?:ing|ed)|hard to|difficult|annoying|frustrat\w*|hate|terrible|awful|worst|can't|cannot|can not|doesn't work|does not work|won't|unable|lost|missing|too (?:many|much|long|expensive)|expensive|freez\w*|stuck|disappointed|useless|(?<!\b(?:solved|fixed|resolved|sorted|no|any|without(?: any)?|zero) (?:(?:my|the|our|this|that|every|an?|all|any) )?)(?:problem(?:s)?|issue(?:s)?)(?! (?:was|were|is|are|got|has been|have been) (?:solved|fixed|resolved|sorted))|(?:waited|waiting|wait) (?:for )?(?:\w+ ){0,2}(?:hours|days|weeks|months|forever|ages|so long|too long)|easy to (?:miss|lose|overlook|forget|break|confuse|mix up|misclick|mistype|delete)|(?:stopped|not|isn't|aren't|never) working|disappear(?:s|ed|ing)?|duplicat(?:e|es|ed|ing|ion|ions)|conflicts?|(?:are|is|was|were|all) gone|wrong|(?:arrived?|arrives|came|comes|was|were|always|too|very|so|hours?) (?:late|cold)|never (?:arrived?|arrives|came|answer(?:s|ed)?|repl(?:y|ies|ied)|respond(?:s|ed)?|shows? up)|nobody (?:answer(?:s|ed)?|repl(?:y|ies|ied)|respond(?:s|ed)?)|no (?:answer|reply|response)|(?:not|isn't|wasn't) (?:easy|intuitive|reliable|worth it))\b|太慢|崩溃|失败|(?<!没|没有|没什么|无|解决了?|修复了?)问题(?!(?:都|也|很快|马上|就)?(?:已经?)?(?:解决|修复|修好)(?![不没]))|难用/i;
/**
 * Chinese complaints (food delivery, shopping, apps): slow (not 不慢 nor 慢慢), bad, tastes bad, cold, late, a wrong or
 * short order, lost data, too expensive, disappointed. No bare 错: 不错 ("not bad") is praise.
 */
const FRUSTRATION_ZH =
  /(?<![不慢])慢(?!慢)|(?:太|很|真|好|最|极|巨|非常|特别|超级?)差|差劲|差评|难吃|难喝|不好吃|不好用|不新鲜|不喜欢|一般般|(?:味道|口味|服务|质量|态度|包装)(?:很|也|真|比较|有点|还|就|太)?一般|不好(?!意思)|不满意?|凉了|都凉|已经凉|冷了|都冷|迟到|超时|延误|晚了|晚到|等了(?:很久|好久|半天|[\d一二两三四五六七八九十半俩]+)|送错|少送|漏送|洒了|撒了|漏了|丢失|丢了|不见了|闪退|卡顿|卡死|出错|错误|太贵|贵了|不值|失望|投诉|退款|垃圾|恶心|糟糕|无语|吐槽|坑人|坑爹|骗人|上当/u;
/** English praise, not negated ("not easy", "isn't reliable", "never fast"). */
const MOTIVATION =
  /(?<!\b(?:not|never|isn't|wasn't|aren't|weren't|no longer|not very|not so|not that)\s)\b(love|loved|great|helps?|helped|saves?|saved|easy(?! to (?:miss|lose|overlook|forget|break|confuse|mix up|misclick|mistype|delete)\b)|easier|fast|faster|reliable|best|enjoy|favorite|favourite|useful|simple|so i can|so we can|perfect|recommend|amazing|excellent|works well)\b/i;
/**
 * Chinese praise, not negated: 不喜欢, 不是我喜欢的, 不太方便, 不好吃 and 没那么快 are complaints; 不错 ("not bad") is praise.
 */
const MOTIVATION_ZH =
  /(?<!不|没|不是|不是我|不太|不怎么|不是很|没那么|不够|没有)(?:喜欢|方便|好用|好吃|好喝|满意|推荐|准时|及时|给力|很快|挺快|非常快|特别快|超快|真快|新鲜|实惠|很好|非常好|超赞)|不错|好评|点赞/u;
const BEHAVIOUR =
  /\b(every (?:day|morning|week|month|time)|daily|weekly|monthly|always|usually|often|sometimes|each (?:day|week)|i use|we use|i've been using|using it|use it|on my (?:phone|laptop|ipad|desktop)|my team|our team|at work|workflow|switched|export(?:ed)? to|share with)\b|每天|经常/i;

export function cues(text: string): Cues {
  // A goal is a sentence that wants something, not one that regrets ("should have known better", "I wish I had never
  // bought it"): that is judged per sentence.
  const goal = (GOAL.test(text) || REQUEST_HINT.test(text)) && sentences(text).some((s) => (GOAL.test(s) || REQUEST_HINT.test(s)) && !NOT_A_REQUEST.test(s));
  return { goal, frustration: FRUSTRATION.test(text) || FRUSTRATION_ZH.test(text), motivation: MOTIVATION.test(text) || MOTIVATION_ZH.test(text), behaviour: BEHAVIOUR.test(text) };
}

// Requests as feedback words them: "please add", "would be great if", "I wish", "I'd like", "can you add",
// "feature request:", "should have/support", "needs a way to", 希望, 能不能, 建议, 要是能.
const REQUEST_HINT =
  /\b(?:please\s+(?:add|allow|let|make|support|bring|include|give|provide|implement|consider)|would\s+be\s+(?:great|nice|good|awesome|helpful|cool|lovely|amazing)\s+(?:if|to)|(?:i|we)\s+(?:really\s+)?wish|(?:i|we)['’]d\s+(?:really\s+)?(?:like|love)|(?:can|could|would)\s+you\s+(?:please\s+)?(?:add|make|support|include|allow|let|bring)|feature\s+request|should\s+(?:have|support|offer|include|let|allow)|needs?\s+(?:a|an)\s+(?:way|option|setting|button|feature)\s+to)\b|希望|能不能|能否|建议|要是能/i;
const TRAIL = /[\s,;:.!?。！？，；…]+$/u;
/**
 * Regret and warnings worded like requests: "I should have read the reviews", "should have known better", "I wish I
 * could give zero stars", "I wish I had never bought it", 建议大家不要买 ("I advise everyone not to buy"); and good wishes worded
 * with 希望 ("hope"): 希望一直这么给力 ("hope it stays this good"), 希望不会拉肚子 ("hope I don't get sick").
 */
export const NOT_A_REQUEST =
  /\b(?:i|we)\s+should\s+have\b|\bshould\s+have\s+(?:been|known|bought|gone|done|read|got|gotten|taken|kept|left|paid|chosen|seen|thought|spent|listened|returned|stayed|stuck|tried|checked|looked|waited)\b|\b(?:i|we)\s+(?:really\s+)?wish\s+(?:that\s+)?(?:i|we)\s+(?:had|hadn['’]t|never|didn['’]t|could\s+(?:give|rate)\s+(?:it\s+|this\s+(?:app\s+|product\s+)?)?(?:zero|0|no|negative|less|fewer|minus|half)\b)|建议(?:大家|各位|你们)?(?:不要|别|慎)|建议[^，,。！？!?]{0,24}?(?:不要|别|慎)(?:再)?(?:买|订|点|用|来|去|选)|希望(?:你们|商家|店家|贵店|老板|这家)?(?:能)?(?:一直|继续保持|保持|越来越|生意兴隆|再接再厉|下次还|以后还|不会|没事|别拉肚子)/i;

/**
 * What a sentence asks for, worded to follow "I want" ("an option to sort notes by title", "to edit
 * offline", "support for dark mode"), or undefined when the sentence asks for nothing.
 */
export function requestOf(sentence: string): string | undefined {
  if (!REQUEST_HINT.test(sentence) && !/\b(?:want|need|would like|would love)\b/i.test(sentence)) return undefined;
  if (NOT_A_REQUEST.test(sentence)) return undefined;
  const t = sentence.trim();
  const clean = (x: string | undefined): string | undefined => {
    const r = (x ?? '').replace(/\s*\b(?:please|thanks?|thank you)\b[\s!.]*$/i, '').replace(TRAIL, '').trim();
    return r.length >= 3 ? r : undefined;
  };
  /** "I could X" → "to X"; "there was X" → "X"; "you add X" → "X"; else "that …". */
  const afterIf = (rest: string): string | undefined => {
    let m: RegExpExecArray | null;
    if ((m = /^(?:i|we|users?|one)\s+(?:could|can|were able to|was able to)\s+(.+)/i.exec(rest))) return clean(`to ${m[1]}`);
    if ((m = /^there\s+(?:was|were|is|are|would be)\s+(.+)/i.exec(rest))) return clean(m[1]);
    if ((m = /^you\s+(?:could\s+|would\s+|can\s+)?(?:please\s+)?(?:add(?:ed)?|include[ds]?|offer(?:ed)?|provide[ds]?|ma[dk]e)\s+(.+)/i.exec(rest))) return clean(m[1]);
    if ((m = /^(?:it|the app|this app|the product)\s+(?:could|would|can)\s+(.+)/i.exec(rest))) return clean(`the app to ${m[1]}`);
    return clean(`that ${rest}`);
  };
  /** What "<verb> <rest>" asks for: "allow me to X" → "to X", "support X" → "support for X", "bring X back". */
  const asked = (verb: string, rest: string): string | undefined => {
    const v = verb.toLowerCase();
    if (v === 'allow' || v === 'let') {
      const who = /^(?:me|us|users?|people)\s+(?:to\s+)?(.+)/i.exec(rest);
      return clean(who ? `to ${who[1]}` : rest);
    }
    if (v === 'support') return clean(`support for ${rest}`);
    if (v.startsWith('bring')) return clean(`${rest} back`);
    if (v === 'make') return clean(`the app to make ${rest}`);
    if (v === 'give') return clean(rest.replace(/^(?:me|us|users)\s+/i, ''));
    if (v === 'consider') return clean(rest.replace(/^adding\s+/i, ''));
    return clean(rest);
  };
  let m: RegExpExecArray | null;
  if ((m = /\bplease\s+(add|allow|let|make|support|bring(?:\s+back)?|include|give|provide|implement|consider)\s+(.+)/i.exec(t))) return asked(m[1], m[2]);
  if ((m = /\bwould\s+be\s+(?:great|nice|good|awesome|helpful|cool|lovely|amazing)\s+(if|to)\s+(.+)/i.exec(t))) return m[1].toLowerCase() === 'to' ? clean(`to ${m[2]}`) : afterIf(m[2]);
  if ((m = /\b(?:i|we)\s+(?:really\s+)?wish\s+(?:that\s+)?(.+)/i.exec(t))) {
    const w = /^(?:the app|it|you)\s+would\s+(.+)/i.exec(m[1]);
    return w ? clean(`the app to ${w[1]}`) : afterIf(m[1]);
  }
  if ((m = /\b(?:i|we)(?:['’]d|\s+would)\s+(?:really\s+)?(?:like|love)\s+(?:to\s+(?:see|have|get)\s+|it\s+if\s+)?(.+)/i.exec(t))) return /^to\s/i.test(m[1]) ? clean(m[1]) : /\bit\s+if\s+$/i.test(m[0].slice(0, m[0].length - m[1].length)) ? afterIf(m[1]) : clean(m[1]);
  if ((m = /\b(?:can|could|would)\s+you\s+(?:please\s+)?(add|make|support|include|allow|let|bring(?:\s+back)?)\s+(.+)/i.exec(t))) return asked(m[1], m[2]);
  if ((m = /\bfeature\s+request\s*[:\-–—]?\s*(.+)/i.exec(t))) return clean(m[1].replace(/^(?:for\s+|to\s+)?(?:add(?:ing)?|allow(?:ing)?|support(?:ing)?(?:\s+for)?)\s+/i, '').replace(/^(?:me|us|users?)\s+to\s+/i, 'to '));
  if ((m = /\bshould\s+(have|support|offer|include|let|allow)\s+(?!been\b)(.+)/i.exec(t))) return asked(m[1], m[2]);
  if ((m = /\bneeds?\s+((?:a|an)\s+(?:way|option|setting|button|feature)\s+to\s+.+)/i.exec(t))) return clean(m[1]);
  if ((m = /要是能(.+?)(?:就好了|就更好了|就好)?[。！!？?]*$/u.exec(t))) return clean(m[1]);
  // a Chinese request is its own clause: 希望5:30送达，5点就到了 asks for 5:30送达
  if ((m = /(?:希望|建议)(?:能够|能|可以)?([^，,；;。！？!?]+)/u.exec(t))) return clean(m[1]);
  if ((m = /(?:能不能|能否)([^，,；;。！？!?]+?)(?:呢|吗|嘛|啊)?(?=[，,；;。！？!?]|$)/u.exec(t))) return clean(m[1]);
  return undefined;
}

/** Non-functional requirement areas and the words that signal them in feedback. */
export const NFR_AREAS: { area: string; re: RegExp; requirement: string; not?: RegExp }[] = [
  {
    area: 'Performance',
    re: /\b(slow|slower|lag|laggy|fast|faster|speed|load(?:ing)? time|takes forever|freez\w*|latency|performance)\b|太慢|卡/i,
    // "support is very slow to answer", "fast delivery", 送餐太慢: people and service, not the product's speed
    not: /\b(support|customer service|service desk|help ?desk|agents?|staff|repl(?:y|ies|ied)|answer(?:s|ed|ing)?|respond(?:s|ed)? to (?:my|our|the) (?:email|ticket|message)s?|refunds?|delivery|shipping|courier|driver|rider)\b|客服|回复|送餐|配送|送达|送货|送到|送来|快递|物流|骑手|外卖/i,
    requirement: 'Common actions respond quickly; set a latency budget for the slow paths users name.',
  },
  { area: 'Reliability', re: /\b(crash(?:es|ed|ing)?|bug(?:s|gy)?|broken|fail(?:s|ed|ing|ure)?|error(?:s)?|data loss|lost|sync(?:ing)? (?:fails|issue|problem))\b|崩溃|闪退/i, requirement: 'No crashes or silent failures in the affected flows; errors are reported with a way to recover.' },
  { area: 'Usability', re: /\b(confus(?:ing|ed)|hard to|difficult|unclear|intuitive|can't find|cannot find|learning curve|complicated)\b|难用/i, requirement: 'First-time users complete the core flow without help; labels and settings are discoverable.' },
  { area: 'Security & privacy', re: /\b(privacy|private|secure|security|password|leak|gdpr|tracking|permissions?)\b|隐私/i, requirement: 'User data stays protected; permissions and data use are explained.' },
  { area: 'Accessibility', re: /\b(accessib\w*|screen reader|font size|contrast|dark mode|colou?r ?blind)\b/i, requirement: 'Meets WCAG 2.1 AA for the changed screens (contrast, keyboard, screen readers).' },
  { area: 'Cost', re: /\b(price|pricing|expensive|cost(?:s|ly)?|subscription|refund|billing|charged?)\b|太贵/i, requirement: 'Pricing and billing changes are clear before the user pays.' },
];

/**
 * Whether a sentence is about a non-functional area: one of its clauses has the area's words and none of the words
 * that mean something else ("the app is slow and support never replies" is about performance in its first clause).
 */
export function nfrMatches(area: (typeof NFR_AREAS)[number], sentence: string): boolean {
  if (!area.re.test(sentence)) return false;
  if (!area.not) return true;
  return sentence.split(NFR_CLAUSE).some((c) => area.re.test(c) && !area.not!.test(c));
}

/** Where a sentence's clauses meet, for nfrMatches. */
const NFR_CLAUSE = /[,;]|\b(?:and|but|while|whereas|although|though)\b|，|；|但是?|而且/i;

/** Whether an item is about the area: one of its sentences is. */
export function nfrItemMatches(area: (typeof NFR_AREAS)[number], text: string): boolean {
  return area.re.test(text) && sentences(text).some((s) => nfrMatches(area, s));
}

/** Deterministic PRNG (mulberry32) so clustering and variant choices repeat exactly. */
export const rng = mulberry32;

export function pct(n: number, total: number): string {
  if (!total) return '0%';
  const p = (100 * n) / total;
  return `${p >= 10 || Number.isInteger(p) ? Math.round(p) : p.toFixed(1)}%`;
}

export function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
