// Which evidence relates to the brief: themes and items that share the brief's topic words or their
// variants as Analyze Feedback's themes read them (sync / syncs / synced / syncing, connection / connections,
// notes / note, delivery / shipping: phrases.ts themeGroupKey), in the words the report counts (topics.ts: "cost" in
// "cost us a whole afternoon" is no price, "purchased" in "I purchased this laptop" no purchase where the evidence
// tells such stories). Documents list these first and say which evidence is other feedback.
import { isCjk, isStopWord, isTopicWord, normalizeWord, themeGroupKey } from '../analysis/phrases';
import type { EvidenceItem } from './evidence';
import { words } from './text';
import { NO_EVIDENCE, wordKey, type EvidenceTopics } from './topics';

/**
 * The key of a word's variants for matching the brief: Analyze Feedback's theme key (phrases.ts themeGroupKey), that is
 * its inflections ("sync", "syncs", "synced", "syncing"; "lost" of "lose"; "stopped" of "stop") and the words of one
 * topic in its synonym table ("delivery" / "shipping"), and "loss" as "lose" ("lost my notes" on a brief about data
 * loss). Derived words are other words: "viewer" is no "view", "connection" no "connect". With the evidence's
 * `topics`, a participle the report leaves out of its word there ("purchased" in "I purchased this laptop", topics.ts)
 * is no variant: its key is '' (matching nothing).
 */
export function stemOf(word: string, topics: EvidenceTopics = NO_EVIDENCE): string {
  const w = word.toLowerCase().replace(/[’']s$/, '');
  if (isCjk(w)) return w;
  if (!topics.counts(wordKey(w))) return '';
  const n = normalizeWord(w);
  return themeGroupKey(n === 'loss' ? 'lose' : n);
}

export interface BriefFocus {
  /** Topic words of the brief as written (lower case), in order of first use. */
  terms: string[];
  /** Whether a theme term (a word or a Chinese term) relates to the brief. */
  relates(term: string): boolean;
  /** Whether an evidence item mentions one of the brief's topic words (or a variant). */
  mentions(item: EvidenceItem): boolean;
  /**
   * Whether a term is about the brief's main topic: a word of its title or one it uses more than once ("reminders" in a
   * brief on reminders, not "android" in "on iOS, Android and Web"), or its counterpart in the other language.
   */
  central(term: string): boolean;
  /**
   * How much the brief is about a term: the uses of its word in the brief (a title's or goal's word counts twice; a
   * Chinese or English counterpart counts as its word), 0 when it does not relate. "sync" in a brief on sync beats
   * "error" that it names twice.
   */
  weight(term: string): number;
}

/**
 * Product words in English and Chinese: feedback is often Chinese while the brief is English (or the other way), so a
 * brief about "sync" also finds 同步 in the feedback, and one about 登录 finds "login". Each row: English words (matched
 * by stem), then Chinese words (matched as written).
 */
const BILINGUAL: readonly (readonly [string[], string[]])[] = [
  [['sync', 'synchronization', 'synchronize'], ['同步']],
  [['offline'], ['离线', '断网', '没网']],
  [['login', 'logout', 'signin', 'password'], ['登录', '登陆', '密码', '验证码']],
  // an account is not a login: "account admins" found 登录失败 (login failed) feedback
  [['account'], ['账号', '账户']],
  [['crash', 'freeze'], ['闪退', '崩溃', '卡死']],
  [['note', 'notebook'], ['笔记']],
  [['search'], ['搜索']],
  [['price', 'pricing', 'subscription', 'membership', 'renewal'], ['价格', '会员', '续费', '订阅']],
  [['refund'], ['退款']],
  [['advert', 'advertising', 'advertisement'], ['广告']],
  [['export'], ['导出']],
  [['import'], ['导入']],
  [['update', 'upgrade'], ['更新', '升级']],
  [['battery'], ['耗电', '电量', '电池']],
  [['support'], ['客服']],
  [['font'], ['字体']],
  [['template'], ['模板']],
  [['reminder', 'notification'], ['提醒', '通知']],
  [['share', 'sharing'], ['分享', '共享']],
  [['speed', 'performance', 'lag'], ['速度', '卡顿', '延迟']],
  [['interface', 'layout'], ['界面']],
  [['widget'], ['小组件']],
  [['voice', 'dictation', 'transcription'], ['语音']],
  [['handwriting'], ['手写']],
  [['collaboration'], ['协作']],
  [['folder'], ['文件夹']],
  [['delivery', 'shipping', 'courier'], ['物流', '快递', '配送', '送餐']],
  [['quality'], ['质量']],
  [['packaging'], ['包装']],
  [['privacy'], ['隐私']],
  [['desktop'], ['电脑版', '桌面']],
];

/** Distinct topic words above which a brief is a full one, whose topic is its main topic (see briefFocus). */
const FULL_BRIEF_WORDS = 20;

/**
 * The brief's topic words (not sentiment, generic or function words) and matchers for themes and items. `title`, when
 * the text does not hold it, names the main topic too (see `central`).
 */
export function briefFocus(briefText: string, title = '', opts: { core?: string; names?: ReadonlySet<string>; topics?: EvidenceTopics } = {}): BriefFocus {
  const terms: string[] = [];
  // the evidence's words as the report reads them (topics.ts): an item mentions a topic where the report would count it
  const topics = opts.topics ?? NO_EVIDENCE;
  const stemKey = (w: string) => stemOf(w, topics);
  // the product's own name ("Inkwell Notes") is no topic: feedback on a notes app names its notes everywhere
  const named = (w: string): boolean => !!opts.names?.has(w.toLowerCase());
  const stems = new Set<string>();
  const cjk: string[] = [];
  // how often each topic word (stem, or Chinese term) is used; a title's words count as main topic at once
  const uses = new Map<string, number>();
  const use = (k: string, n = 1) => uses.set(k, (uses.get(k) ?? 0) + n);
  for (const w of words(title)) if (isTopicWord(w) && !named(w)) use(isCjk(w) ? w : stemKey(w), 2);
  // the brief's goals and requirements say what it is about as much as its title does
  for (const w of words(opts.core ?? '')) if (isTopicWord(w) && !named(w)) use(isCjk(w) ? w : stemKey(w), 2);
  for (const w of words(briefText)) {
    if (!isTopicWord(w) || named(w)) continue;
    if (isCjk(w)) {
      use(w);
      if (w.length === 2 && !cjk.includes(w)) cjk.push(w);
      continue;
    }
    const k = stemKey(w);
    use(k);
    if (k.length < 3 || stems.has(k)) continue;
    stems.add(k);
    terms.push(w);
  }
  const coreEn = new Set([...stems].filter((k) => (uses.get(k) ?? 0) >= 2));
  const coreZh = new Set(cjk.filter((w) => (uses.get(w) ?? 0) >= 2));
  for (const w of words(title)) if (isCjk(w) && w.length === 2 && isTopicWord(w)) coreZh.add(w);
  // A full brief (sections, dozens of topic words) uses many words in passing ("executives read it on their phone",
  // "knowledge workers", "share of sessions"): its topic is then its main topic only (title, goals, requirements,
  // the words it repeats). A short brief's every topic word is its topic.
  const narrow = stems.size + cjk.length > FULL_BRIEF_WORDS && coreEn.size + coreZh.size >= 3;
  if (narrow) {
    for (const k of [...stems]) if (!coreEn.has(k)) stems.delete(k);
    for (let i = cjk.length - 1; i >= 0; i--) if (!coreZh.has(cjk[i])) cjk.splice(i, 1);
    for (let i = terms.length - 1; i >= 0; i--) if (!stems.has(stemKey(terms[i]))) terms.splice(i, 1);
  }
  // The same topics in the other language (BILINGUAL); the terms shown stay the brief's own words.
  const zhSet = new Set(cjk), enStems = new Set(stems);
  const twin = new Map<string, number>();
  for (const [en, zh] of BILINGUAL) {
    const enUses = Math.max(0, ...en.map((w) => uses.get(stemKey(w)) ?? 0));
    const zhUses = Math.max(0, ...zh.map((w) => uses.get(w) ?? 0));
    for (const w of zh) twin.set(w, Math.max(twin.get(w) ?? 0, enUses));
    for (const w of en) twin.set(stemKey(w), Math.max(twin.get(stemKey(w)) ?? 0, zhUses));
    if (en.some((w) => stems.has(stemKey(w)))) for (const w of zh) zhSet.add(w);
    if (zh.some((w) => (narrow ? coreZh.has(w) : briefText.includes(w)))) for (const w of en) enStems.add(stemKey(w));
    if (en.some((w) => coreEn.has(stemKey(w)))) for (const w of zh) coreZh.add(w);
    if (zh.some((w) => coreZh.has(w))) for (const w of en) coreEn.add(stemKey(w));
  }
  const zhTerms = [...zhSet];
  // A function word is no variant of a topic word, though the crude stem may match: "not" (notes, noted), "them"
  // (themes), "off" (offers), "own" (owners).
  const variant = (w: string): boolean => !isStopWord(w) && enStems.has(stemKey(w));
  const relates = (term: string): boolean => {
    if (isCjk(term)) return zhTerms.some((c) => term.includes(c)) || (!narrow && briefText.includes(term));
    return term.split(/\s+/).some(variant);
  };
  // each document section asks about the same items: answered once per item
  const answered = new WeakMap<EvidenceItem, boolean>();
  const mentions = (item: EvidenceItem): boolean => {
    let a = answered.get(item);
    if (a === undefined) {
      // (the words the report counts: "cost" in "this bug cost us a whole afternoon" is no price, "displays" in "it
      // displays the time" no screen)
      a = topics.keysIn(item.text).some((k) => !isCjk(k) && enStems.has(stemKey(k)));
      if (!a && zhTerms.length) {
        const ws = words(item.text);
        a = zhTerms.some((c) => (c.length === 2 ? ws.includes(c) : item.text.includes(c)));
      }
      answered.set(item, a);
    }
    return a;
  };
  const central = (term: string): boolean => {
    if (isCjk(term)) return [...coreZh].some((c) => term.includes(c));
    return term.split(/\s+/).some((w) => !isStopWord(w) && coreEn.has(stemKey(w)));
  };
  const weight = (term: string): number => {
    if (!relates(term)) return 0;
    const of = (k: string) => Math.max(uses.get(k) ?? 0, twin.get(k) ?? 0);
    if (isCjk(term)) return Math.max(1, ...zhTerms.filter((c) => term.includes(c)).map(of));
    return Math.max(1, ...term.split(/\s+/).filter((w) => !isStopWord(w)).map((w) => of(stemKey(w))));
  };
  return { terms: [...terms, ...cjk], relates, mentions, central, weight };
}

/** stemOf without the evidence (a brief's words, a theme's name). */
export function stemKey(word: string): string {
  return stemOf(word, NO_EVIDENCE);
}
