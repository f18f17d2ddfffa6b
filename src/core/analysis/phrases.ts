// Key-phrase candidates for themes and aspects.
//
// English: noun-phrase-like chunks without a tagger. A clause is cut into runs at function words,
// numbers, sentiment words and generic verbs/adverbs; a run yields unigrams of content words and
// 2-3-word phrases that end in a noun-like word ("dark mode", "battery drain", "customer support"),
// plus "X to/of/for/with/on Y" ("export to csv") and particle verbs ("log in"). Keys are folded
// (case, plurals, possessives, hyphens).
// Chinese (no spaces): Han runs are cut at function characters (的 了 很 也 都 不 …), then 2-4
// character n-grams that neither start nor end like a function word, a numeral or a sentiment word.
// Whether an n-gram is a word is decided on the corpus (accessor variety, see themes.ts).
//
// The word lists below are a background of what carries no topic in *any* feedback: function words,
// words frequent in all English/Chinese text, and pure sentiment words (the classifier covers those).
// Everything else is left to corpus statistics.

import { ZH_LEXICON } from './zh-lexicon';

const words = (s: string): Set<string> => new Set(s.trim().split(/\s+/));

/** Function words: never part of a phrase (except as the connector of "X to Y" / a particle). */
const EN_STOP = words(`
  a about above after again against all am an and any are every aren't as at be because been before being below between both but by
  can can't cannot could couldn't did didn't do does doesn't doing don't down during each either few for from further had hadn't
  has hasn't have haven't having he he's her here hers herself him himself his how i i'd i'll i'm i've if in into is isn't it
  it's its itself let's me mine more most mustn't my myself neither no nor not of off on once only or other others ought our ours
  ourselves out over own same shan't she she's should shouldn't so some such than that that's the their theirs them themselves
  then there there's these they they'd they'll they're they've this those through to too under until up upon us was wasn't we
  we'd we'll we're we've were weren't what what's when where which while who whom whose why will with won't would wouldn't you
  you'd you'll you're you've your yours yourself yourselves im ive id dont doesnt didnt cant wont isnt arent wasnt couldnt
  shouldnt wouldnt thats theres whats hes shes youre theyre etc via per without within across around among toward towards
  instead almost enough another anyone someone everyone anybody somebody everybody nobody anything something everything nothing
  whatever whenever wherever whether though although however yet since unless also just even ever still already always never
  sometimes often usually again else very too much many lot lots quite rather pretty bit little less least
  one two three four five six seven eight nine ten hundred thousand first second third once twice
  yes yeah yep no nope ok okay oh ah hey hi hello please pls plz thanks thank thx sorry lol btw imo fyi hmm hm um uh erm
  otherwise meanwhile besides regardless anyhow nonetheless nevertheless furthermore moreover may might must shall`);

/** Frequent in any text, no topic on their own: generic verbs, adverbs, adjectives. Cut runs like stopwords. */
const EN_GENERIC = words(`
  really actually basically literally totally completely absolutely definitely certainly probably maybe perhaps seriously
  simply especially finally constantly literally recently currently suddenly randomly frequently immediately honestly
  anyway anyways somehow like likely unlikely able unable sure certain real truly highly
  get gets getting got gotten make makes making made go goes going gone went come comes coming came take takes taking took
  taken give gives giving gave given keep keeps keeping kept put puts putting let lets letting use uses using used usage
  try tries trying tried want wants wanting wanted need needs needing needed know knows knowing knew known think thinks
  thinking thought say says saying said see sees seeing saw seen look looks looking looked seem seems seeming seemed feel
  feels feeling felt find finds finding found tell tells telling told ask asks asking asked work works working worked
  happen happens happening happened start starts starting started stop stops stopping stopped show shows showing showed shown
  leave leaves leaving left turn turns turning turned run runs running ran call calls calling called mean means meaning meant
  help helps helping helped fail fails failing failed wish wishes hope hopes expect expects expected guess bother bothers
  do does did done doing become becomes became end ends ended arrive arrives arriving appear appears appearing occur occurs
  occurring exist exists existing remain remains stay stays contain contains include includes including allow allows allowing
  provide provides providing require requires requiring fix fixes fixing
  back far away ago later soon special anymore together now well
  buy buys buying bought believe believes believed written
  be been being is are was were am has have had
  new old free whole entire main last next full big small large long short high low latest recent current different various
  extra additional basic multiple single several general overall total own certain particular main major minor huge tiny
  able possible impossible available unavailable`);

/** Generic nouns of feedback: not a theme alone, fine inside a phrase ("response time", "battery life"). */
const EN_GENERIC_NOUN = words(`
  app apps application applications product products software program tool tools feature features function functions
  option options thing things stuff way ways time times day days week weeks month months year years hour hours minute minutes
  second seconds moment people person user users customer customers client clients guy guys team company business
  issue issues problem problems question questions experience experiences version versions job money place world life
  part parts kind sort type lot bunch matter reason result results point case example idea star stars review reviews rating
  fact facts`);

/** Modifiers that may open a phrase ("new editor", "free version") but are no theme alone. */
const EN_MODIFIER = words(`new old free whole entire main last latest recent current full big small large long short high low extra basic default multiple single`);

/** Sentiment and evaluation words: the classifier covers them; they carry no topic. */
const EN_SENTIMENT = words(`
  good great bad love loved loves loving like liked likes hate hated hates awesome amazing excellent terrible horrible awful nice
  poor poorly worst best better worse perfect perfectly fantastic wonderful disappointing disappointed disappointment happy
  unhappy annoying annoyed useless useful fine decent superb brilliant lovely crap crappy garbage trash sucks suck sucked stupid
  fun glad sad mad angry furious upset frustrated frustrating frustration satisfied unsatisfied satisfying recommend recommended
  favorite favourite beautiful ugly cool wow meh impressed impressive solid mediocre fabulous outstanding pleased dissatisfied
  unacceptable ridiculous slow slower slowest fast faster fastest quick quicker quickly slowly easy easier easiest easily hard
  harder difficult simple simpler intuitive confusing confused clunky buggy laggy unusable broken smooth smoothly clean
  cleaner responsive unresponsive reliable unreliable stable unstable accurate inaccurate convenient inconvenient helpful
  unhelpful rude friendly polite kind painful pain worth worthless waste wasted wrong right correct excellent incredible
  incredibly super extremely horribly terribly awfully nicely badly wonderfully beautifully enjoy enjoyed enjoying praise praises
  praised complain complains complained thrilled delighted grateful thankful appreciate appreciated unfortunately sadly
  luckily hopefully shame joke nightmare disaster mess messy miserable pathetic outrageous insane crazy weird strange odd
  expensive cheap cheaper pricey overpriced affordable reasonable fair unfair bright sturdy flimsy durable comfortable
  uncomfortable noisy loud interesting interested boring bored`);

/** Nouns ending in -ly (the -ly adverb rule must not cut them). */
const EN_LY_NOUNS = words(`family reply replies supply assembly anomaly july italy ally rally jelly belly bully fly butterfly lily monopoly`);

// Chinese. Function characters that cut a Han run (particles, pronouns, adverbs, negation, conjunctions).
const ZH_BREAK = new Set([...'的了吗呢吧啊呀哦嗯啦呗哈么很太也都又再才就还却而但是我你他她它们这那被把让给和与或跟不没挺蛮非最真啥咋得着些']);
/** Characters that don't start a content word here (numerals, "一", modal verbs). */
const ZH_NO_START = new Set([...'一二三四五六七八九十百千万两几半每各某第有要可能会用在从向往比对说个']);
/** Characters that don't end a content word here (measure words, complements, locatives of verbs). */
const ZH_NO_END = new Set([...'个次种点下来去到起里在有会对说过样么什怎']);
/** Pure sentiment/evaluation characters: a segment starting or ending with one is an evaluation, not a topic. */
const ZH_SENTIMENT_CHARS = new Set([...'好差棒烂赞坑爽糟渣爱恨慢贵']);
/** Multi-character sentiment/evaluation words. */
const ZH_SENTIMENT = words(`
  不错 满意 失望 垃圾 喜欢 讨厌 推荐 方便 麻烦 简单 复杂 流畅 优秀 完美 糟糕 厉害 离谱 舒服 难用 好用 好看 难看 实用 实惠
  便宜 划算 值得 准确 准时 及时 清楚 清晰 顺手 顺利 丰富 齐全 严重 恶心 无语 生气 愤怒 开心 高兴 感谢 谢谢 辛苦 耐心 热情
  敷衍 稳定 干净 整洁 合理 精致 简陋 粗糙 漂亮 一般 还行 凑合 可惜 遗憾 强烈 特别 非常 十分 超级 完全 根本 几乎 简洁
  舒适 友好 贴心 靠谱 不行 太慢 太贵 很快 很慢 好评 差评 神器 良心 失败 难吃 好吃 差劲 难喝 好喝`);
/** Generic and function words (multi-character) of any Chinese text or feedback. */
const ZH_GENERIC = words(`
  以后 之后 然后 最后 以前 之前 时候 现在 已经 一直 一下 一点 一个 一些 一样 一起 一次 有点 有些 所有 任何 各种 其他 其它 别的
  因为 所以 如果 虽然 但是 可是 不过 而且 并且 还是 就是 只是 或者 然而 于是 而是 总是 经常 常常 马上 立刻 直接 反复 终于 其实
  确实 当然 比较 稍微 重新 继续 整体 整个 自己 大家 我们 你们 他们 它们 东西 事情 地方 用户 客户 顾客 朋友 可以 能够 需要
  应该 觉得 感觉 知道 希望 使用 用了 用来 起来 出来 下来 上去 什么 怎么 怎样 为什么 这样 那样 多少 时间 问题 功能 软件 应用
  产品 体验 版本 小时 分钟 秒钟 今天 昨天 明天 每天 一天 一年 半年 几天 两天 两周 一周 一月 本来 目前 平时 总体 总之 另外
  希望能 请问 建议 打开 进行 出现 发现 没有 不能 不会 不要 可能 还有 只有 作为 通过 关于 对于 为了 以及 之类 左右 以上 以下
  解决 处理 频繁 经常 每次 有时 偶尔 好像 似乎 一般般 五星 一星 之一 分之`);

const HAN = /\p{Script=Han}/u;
const HAN_RUNS = /\p{Script=Han}+/gu;
const CLAUSES = /[.,;:!?()[\]{}"“”‘’«»<>|/\\…。，；：！？、（）【】《》\n\r\t]+|\s[-–—]+\s/;
const TOKENS = /[A-Za-z0-9][A-Za-z0-9'’-]*/g;

/** Nouns whose singular ends in -ie ("movies" is the plural of "movie", not of "movy"). */
const EN_IE_NOUNS = words(`movie cookie zombie selfie hoodie smoothie brownie rookie goalie freebie newbie techie foodie veggie
  calorie genie prairie indie aussie birdie sweetie lingerie auntie bootie boogie budgie collie eyrie hippie junkie pixie yuppie`);
/** Same form in the singular and the plural. */
const EN_IES_INVARIANT = words(`series species`);
/**
 * Words in -s that are no plural of the word without it ("news" is not "new", "glasses" you wear not "glass", "goods"
 * not "good"), or whose -s is part of the word ("lens", "canvas", "chaos").
 */
const EN_NOT_PLURAL = words(`news glasses goods lens canvas atlas alias chaos kudos ethos diabetes herpes measles
  always perhaps whereas`);

/** Light English normalization: possessives, plurals (-ies, -es after sibilants, -s). */
export function normalizeWord(w: string): string {
  let s = w.toLowerCase().replace(/[’']s$/, '').replace(/[’']/g, "'");
  if (EN_NOT_PLURAL.has(s)) return s;
  if (s.length > 4 && s.endsWith('ies')) {
    if (!EN_IES_INVARIANT.has(s)) s = EN_IE_NOUNS.has(s.slice(0, -1)) ? s.slice(0, -1) : s.slice(0, -3) + 'y';
  }
  else if (s.length > 4 && /(ches|shes|sses|xes|zes)$/.test(s)) s = s.slice(0, -2);
  else if (s.length > 3 && s.endsWith('s') && !/(ss|us|is|ous|ics)$/.test(s)) s = s.slice(0, -1);
  return s;
}

/**
 * Irregular inflections of words feedback uses about products ("lost my notes", "the app froze", "it broke"): the
 * word's base form. Only inflections of one word ("lost" of "lose", not "loss"), and none with a meaning of its own
 * ("left" is also a side, "found" also to found, "felt" a fabric).
 */
const EN_IRREGULAR: Readonly<Record<string, string>> = {
  lost: 'lose', broke: 'break', broken: 'break', froze: 'freeze', frozen: 'freeze', paid: 'pay', sent: 'send',
  took: 'take', taken: 'take', ran: 'run', bought: 'buy', built: 'build', caught: 'catch', chose: 'choose',
  chosen: 'choose', fell: 'fall', fallen: 'fall', forgot: 'forget', forgotten: 'forget', got: 'get', gotten: 'get',
  hid: 'hide', hidden: 'hide', kept: 'keep', made: 'make', went: 'go', gone: 'go', shown: 'show', spent: 'spend',
  stuck: 'stick', wrote: 'write', written: 'write', understood: 'understand', began: 'begin', begun: 'begin',
  threw: 'throw', thrown: 'throw', drew: 'draw', drawn: 'draw', shook: 'shake', shaken: 'shake', slid: 'slide',
  sold: 'sell', told: 'tell', thought: 'think', brought: 'bring', taught: 'teach', won: 'win', wore: 'wear', worn: 'wear',
  tore: 'tear', torn: 'tear', woke: 'wake', woken: 'wake', rang: 'ring', rung: 'ring', sank: 'sink', sunk: 'sink',
  tried: 'try', tries: 'try', died: 'die', dying: 'die', lying: 'lie', tying: 'tie', agreed: 'agree', freed: 'free',
  guaranteed: 'guarantee', children: 'child', men: 'man', women: 'woman', feet: 'foot', teeth: 'tooth', mice: 'mouse',
};

/**
 * Words in -ing and -ed that are words of their own, not the verb's form: their meaning differs ("setting" is no
 * "set", "shipping" no "ship", "booking" no "book", "ending" no "end", "acting" no "act", "interested" no "interest",
 * "dated" no "date", "tired" no "tire"), or they only look like one ("morning", "ceiling", "nothing", "hundred").
 */
const EN_OWN_WORDS = words(`
  operating setting settings shipping building buildings meeting meetings booking bookings booked wedding clothing housing morning
  mornings evening evenings ceiling painting paintings heading headings ending endings opening beginning feeling feelings
  reading writing handwriting packaging pudding stuffing dressing icing frosting topping toppings filling fillings
  seasoning seasoned serving servings helping offering offerings rating ratings savings earning earnings belongings
  surroundings finding findings training learning drawing drawings listing listings posting postings landing marketing
  engineering programming networking accounting advertising spelling timing pacing casting acting lighting
  parking banking funding hearing binding recording recordings spacing shopping cooking camping tasting boarding
  onboarding sibling siblings darling sterling earring earrings dumpling dumplings duckling inkling lightning awning
  inning viking stocking stockings railing siding flooring roofing plumbing wiring lining coating bedding fitting
  fittings during nothing something anything everything thing things sing king ring string spring swing wing bring
  interested based related dated tired united married gifted supposed wicked naked sacred hundred kindred infrared
  beloved learned blessed crooked rugged ragged jagged aged advanced detailed limited talented skilled experienced`);

/**
 * Words whose final silent e tells them from another word spelled without it ("humane" is not "human", "suite" not
 * "suit", "clothes" not "cloth", "severe" not "sever", "finale" not "final"): their key keeps the e, where a longer word's
 * e is otherwise dropped so that it meets its forms ("update", "updated"). Which spelling without the e is a word of
 * its own is knowledge of the lexicon, not of the spelling, so it is a table, as EN_OWN_WORDS is for -ing and -ed.
 */
const EN_E_WORDS = words(`humane inhumane urbane germane arcane finale locale morale rationale chorale fatale royale suite paste
  severe premiere heroine silicone breathe bathe clothe lunge borne forte unite envelope`);

const VOWEL = /[aeiou]/;
/** Whether a stem has a vowel ("sync", "typ", "shar"; not "th" of "thing", "br" of "bring"). */
function hasVowel(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (vowelAt(w, i)) return true;
  return false;
}
/** Whether the letter at i is a vowel (y after a consonant is one: "sync", "type"). */
function vowelAt(w: string, i: number): boolean {
  const c = w[i];
  return VOWEL.test(c) || (c === 'y' && i > 0 && !vowelAt(w, i - 1));
}
/** Vowel groups of a stem ("sync" 1, "share" 1, "update" 3). */
function vowelGroups(w: string): number {
  let n = 0;
  for (let i = 0; i < w.length; i++) if (vowelAt(w, i) && (i === 0 || !vowelAt(w, i - 1))) n++;
  return n;
}
/** Ends consonant-vowel-consonant, the last not w, x or y ("shar", "typ", "not", "hop"; not "sync", "load", "fix"). */
function endsCvc(w: string): boolean {
  const n = w.length;
  return n >= 3 && !vowelAt(w, n - 1) && vowelAt(w, n - 2) && !vowelAt(w, n - 3) && !/[wxy]/.test(w[n - 1]);
}

/**
 * The key of an English word's inflections ("sync", "syncs", "synced", "syncing"; "share", "shared", "sharing";
 * "stop", "stopped", "stopping"; "lose", "lost"): the word without its plural, -ing or -ed, a doubled last consonant
 * undone, and a final silent e written the same way in every form, so that the base and its forms meet: a short word
 * that ends like "hop" keeps or gets its e by the form's spelling ("hoping" and "hope" are "hope", "hopping" and "hop"
 * "hop"; "note" is not "not", "code" not "cod", "rate" not "rat"), a longer one drops it in every form ("update",
 * "updated", "updating" are "updat"). A key, not a word to show. Words of their own in -ing and -ed (EN_OWN_WORDS:
 * "setting", "shipping", "interested"), -s words that are no plurals ("news", "glasses", "series", normalizeWord) and
 * irregular forms (EN_IRREGULAR) are handled by tables. Lower-case English only; anything else is returned as is.
 */
export function inflectionKey(word: string): string {
  const lower = word.toLowerCase().replace(/’/g, "'");
  if (!/^[a-z][a-z'-]*$/.test(lower)) return lower;
  if (Object.prototype.hasOwnProperty.call(EN_IRREGULAR, lower)) return inflectionKey(EN_IRREGULAR[lower]);
  if (EN_OWN_WORDS.has(lower) || EN_STOP.has(lower)) return lower;
  let w = normalizeWord(lower);
  if (w !== lower && (EN_OWN_WORDS.has(w) || Object.prototype.hasOwnProperty.call(EN_IRREGULAR, w))) return inflectionKey(w);
  let stripped = false;
  // -ing, -ed: the stem keeps three letters and a vowel ("thing", "bring", "red", "shed" are no forms); -eed is a word
  // ("speed", "need"), -ied is -y ("copied", "replied")
  if (w.endsWith('ing') && w.length >= 6 && hasVowel(w.slice(0, -3))) (w = w.slice(0, -3)), (stripped = true);
  else if (w.endsWith('ied') && w.length >= 5) return w.slice(0, -3) + 'y';
  else if (w.endsWith('ed') && !w.endsWith('eed') && w.length >= 5 && hasVowel(w.slice(0, -2))) (w = w.slice(0, -2)), (stripped = true);
  if (stripped) {
    // a doubled consonant ("stopping", "shipped", "logging"; not "installing", "passed", "buzzing", "stuffed")
    if (w.length >= 4 && /([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|zz|ff)$/.test(w)) return w.slice(0, -1);
    // a short word's e ("sharing", "saved", "typing", "noted"): its base ends in e
    if (vowelGroups(w) === 1 && endsCvc(w)) return `${w}e`;
    // ("using", "freezing", "charging", "updating": the e stays off, as it is dropped from their base below)
    return w;
  }
  // the base form's final silent e, but for a short word that ends like "hop" ("share", "note", "code") and -ee ("free"),
  // and for a word whose e tells it from another ("humane", "suite": EN_E_WORDS)
  if (EN_E_WORDS.has(w)) return w;
  if (w.length >= 4 && w.endsWith('e') && !/[aeiouy]e$/.test(w) && !(vowelGroups(w.slice(0, -1)) === 1 && endsCvc(w.slice(0, -1)))) return w.slice(0, -1);
  return w;
}

export interface Term {
  /** Normalized key used for counting. */
  key: string;
  /** The form as written (for display). */
  surface: string;
}

const enum Kind {
  /** Cuts a run (function word, number, sentiment, generic verb/adverb). */
  Break,
  /** Function word usable as a connector ("export to csv") or particle ("log in"). */
  Connector,
  /** Opens a phrase only. */
  Modifier,
  /** Inside a phrase only. */
  GenericNoun,
  Content,
  /**
   * A participle in -ed ("synced", "exported", "crashed"): cuts a run like Break, and is a term of its own that joins the
   * theme of its word (themeGroupKey: "synced" is "sync") but is no theme alone (joinsThemeOnly).
   */
  Participle,
}

const CONNECTORS = new Set(['to', 'of', 'for', 'with', 'on', 'in']);
const PARTICLES = new Set(['in', 'up', 'out', 'on', 'off']);
/** Words after which a particle ends its verb ("log in after", "sign up with") rather than opens an object ("drain on my"). */
const PARTICLE_FOLLOWERS = words(`after before since because when while until again anymore and but or with at to for from on in if
  so then now today every since without via using through`);

interface Tok {
  readonly key: string;
  /** As written, capitals kept (Toshiba, iOS, PDF); lower case when it has none. */
  readonly surface: string;
  /** Lower case. */
  readonly plain: string;
  /** Only its first letter is a capital ("Toshiba", or "Battery" at the start of a sentence). */
  readonly titled: boolean;
  readonly kind: Kind;
}

/**
 * Tokens already classified. Feedback repeats its words (Zipf), and classifying allocates several strings per token:
 * on a 100,000-row analysis this cache removes a fifth of the analysis thread's allocation. Bounded (cleared when
 * full); short tokens only, as a longer one can be a slice that keeps its whole text alive.
 */
const tokCache = new Map<string, Tok>();
const TOK_CACHE_MAX = 50_000;
const TOK_CACHE_LEN = 12;

function classify(raw: string): Tok {
  if (raw.length > TOK_CACHE_LEN) return classifyToken(raw);
  let t = tokCache.get(raw);
  if (!t) {
    if (tokCache.size >= TOK_CACHE_MAX) tokCache.clear();
    tokCache.set(raw, (t = classifyToken(raw)));
  }
  return t;
}

function classifyToken(raw: string): Tok {
  const clean = raw.replace(/[-'’]+$/, '');
  const lower = clean.toLowerCase().replace(/’/g, "'");
  // Written forms keep their capitals for display (PDF, iOS, Toshiba); a capital that only starts a sentence is
  // dropped where the term is collected (termForm).
  const surface = /[A-Z]/.test(clean) ? clean : lower;
  const titled = /^[A-Z]/.test(clean) && !/[A-Z]/.test(clean.slice(1));
  if (/\d/.test(lower) && !/^[a-z]{2,}/.test(lower)) return { key: lower, surface, plain: lower, titled, kind: Kind.Break };
  const key = normalizeWord(lower).replace(/-/g, '');
  const isWord = (set: Set<string>) => set.has(lower) || set.has(key);
  let kind: Kind;
  if (EN_STOP.has(lower)) kind = CONNECTORS.has(lower) || PARTICLES.has(lower) ? Kind.Connector : Kind.Break;
  else if (key.length < 2 || isWord(EN_SENTIMENT)) kind = Kind.Break;
  else if (isWord(EN_MODIFIER)) kind = Kind.Modifier;
  else if (isWord(EN_GENERIC)) kind = Kind.Break;
  else if (isWord(EN_GENERIC_NOUN)) kind = Kind.GenericNoun;
  // -ly adverbs and -ed participles are no topic (nouns in -ly / -eed excepted).
  else if (lower.length >= 5 && lower.endsWith('ly') && !EN_LY_NOUNS.has(lower)) kind = Kind.Break;
  else if (lower.length >= 5 && /[^e]ed$/.test(lower)) kind = EN_OWN_WORDS.has(lower) ? Kind.Break : Kind.Participle;
  else kind = Kind.Content;
  return { key, surface, plain: lower, titled, kind };
}

/**
 * The form a term shows: as written, except that a word capitalized only because it starts the clause is shown in
 * lower case ("Battery dies fast" gives "battery"; "my Toshiba" keeps "Toshiba"). The most frequent form is displayed.
 */
function termForm(t: Tok, at: number): string {
  return at === 0 && t.titled ? t.plain : t.surface;
}

function addTerm(out: Map<string, string>, key: string, surface: string): void {
  if (!out.has(key)) out.set(key, surface);
}

/**
 * How a content word is used in the text, counted where its neighbours say so: as a verb after a subject pronoun or a
 * modal ("I read", "you'll watch", "will see"); as a noun after a determiner or a possessive ("the watch", "my watch",
 * "the app's update"). A feature used in a trigger or a question ("crashes when I sync", "how do I export", "can I
 * cancel") and a negated one ("can't sync", "won't load") count as neither: in feedback they name the feature.
 */
export interface WordUse {
  verb: number;
  noun: number;
  /** As a predicate or graded adjective: after a copula or a degree adverb ("was delicious", "very funny", "is not bland"). */
  adj: number;
  /**
   * Participles only ("crashed", "purchased"): used without an object, as the thing's behaviour ("it crashed twice",
   * "froze during sync", "was charged twice"), or `object`: with one or before a noun ("purchased this laptop", "shared
   * notebooks"), after a person who did it ("I ordered", "we have booked") or with its doer or complement ("directed by",
   * "filled with": COMPLEMENTS): a story or a property, not the topic.
   */
  bare?: number;
  object?: number;
  /**
   * Participles only: graded by a degree word ("very excited", "so concerned", "more involved"), which only an adjective
   * is: where the sample grades a participle, it is an adjective there, a property and no behaviour (themes.ts).
   */
  graded?: number;
  /**
   * Content words only: written with a capital inside a clause ("Peyton Manning", "Dakota Fanning"; not at its start,
   * not all capitals), or in lower case (`lower`). A word mostly capitalised inside clauses is a name, no inflection.
   */
  capital?: number;
  lower?: number;
}
const SUBJECTS = words(`i you we they he she`);
/** A person doing something: a subject pronoun, also with its auxiliary cut off ("I've", "we'd"; "ve" of "I’ve"). */
const PERSONS = words(`i you we they he she i've we've you've they've i'd we'd you'd they'd he'd she'd ve`);
/** Before a modal, it is the thing's behaviour, not what a person does ("it will crash", "which would freeze"). */
const THING_SUBJECTS = words(`it which`);
/** Object pronouns: after a verb form, its object ("cost me", "purchased them"). */
const OBJECT_PRONOUNS = words(`me us him them it you her`);
const MODALS = words(`will would should must shall can could may might
  i'll you'll we'll they'll he'll she'll i'd you'd we'd they'd he'd she'd ll`);
/** Before the subject: the verb names a feature being used, not an activity ("when I sync", "how do I export"). */
const FEATURE_USE_BEFORE = words(`when whenever if while once after before until time as do does did can could will would
  should may might`);
const NOUN_BEFORE = words(`the a an this that these those my your his her its our their each every any no some of`);
/** Before a predicate adjective ("the food was delicious", "it tastes bland", "it's funny"). */
const COPULAS = words(`is was are were be been being am isn't wasn't aren't weren't it's that's he's she's they're we're
  you're i'm seems seemed seem looks looked look feels felt feel tastes tasted taste sounds sounded sound`);
/** Before a copula, it introduces a noun ("there is noise", "what is missing"), not a predicate. */
const NOT_PREDICATE = words(`there here what where which who whatever`);
/** Degree adverbs: what they grade is an adjective ("very funny", "so delicious", "too spicy"). */
const DEGREE = words(`very so too quite really pretty extremely super fairly incredibly overly`);

/** A word met as a verb at least 3 times, and 3 times as often as as a noun (plus one), is an activity, not a topic. */
export function usedAsVerb(u: WordUse | undefined): boolean {
  return !!u && u.verb >= 3 && u.verb >= 3 * (u.noun + 1);
}

/**
 * A word met as an adjective ("was delicious", "very funny", "tastes bland") at least 3 times, and 3 times as often as
 * as a noun (plus one), is an evaluation or a property, not a topic ("delicious", "funny", "quiet"); the phrases it
 * opens ("bland food") stay candidates.
 */
export function usedAsAdjective(u: WordUse | undefined): boolean {
  return !!u && u.adj >= 3 && u.adj >= 3 * (u.noun + 1);
}

/** A word the sample uses mostly as a verb or an adjective: no theme or aspect alone. */
export function notATopic(u: WordUse | undefined): boolean {
  return usedAsVerb(u) || usedAsAdjective(u);
}

/** Two counts of word uses (the clauses' and the sample's) together. */
export function addUses(a: WordUse | undefined, b: WordUse | undefined): WordUse | undefined {
  return a || b ? { verb: (a?.verb ?? 0) + (b?.verb ?? 0), noun: (a?.noun ?? 0) + (b?.noun ?? 0), adj: (a?.adj ?? 0) + (b?.adj ?? 0) } : undefined;
}

function countUse(uses: Map<string, WordUse>, toks: readonly Tok[], i: number): void {
  const prev = toks[i - 1];
  if (!prev) return;
  const p = prev.plain, pp = toks[i - 2]?.plain ?? '';
  // ("ll": "I’ll" is cut at its curly apostrophe; a modal after a determiner is a name: "the May update")
  // (and a modal after "it" is the thing's behaviour: "it will crash")
  const verb = (MODALS.has(p) || SUBJECTS.has(p)) && !FEATURE_USE_BEFORE.has(pp) && !(MODALS.has(p) && (NOUN_BEFORE.has(pp) || THING_SUBJECTS.has(pp)));
  const noun = !verb && (NOUN_BEFORE.has(p) || (/'s$/.test(p) && !COPULAS.has(p)));
  // "was delicious", "very funny", "is not bland"
  const adj = !verb && !noun && ((COPULAS.has(p) && !NOT_PREDICATE.has(pp)) || DEGREE.has(p) || ((p === 'not' || p === 'never') && COPULAS.has(pp)));
  if (!verb && !noun && !adj) return;
  let u = uses.get(toks[i].key);
  if (!u) uses.set(toks[i].key, (u = { verb: 0, noun: 0, adj: 0 }));
  if (verb) u.verb++;
  else if (noun) u.noun++;
  else u.adj++;
}

/** Whether the token at i opens a noun phrase after a verb form: its object or the noun it modifies ("this", "me", "2", "files"). */
function objectAt(toks: readonly Tok[], i: number): boolean {
  const t = toks[i];
  if (!t) return false;
  if (t.kind === Kind.Content || t.kind === Kind.GenericNoun || t.kind === Kind.Modifier) return true;
  return (NOUN_BEFORE.has(t.plain) && t.plain !== 'of') || OBJECT_PRONOUNS.has(t.plain) || /^\d/.test(t.plain);
}

/**
 * Words after a participle that make it a passive with its doer or an adjective with its complement, no behaviour of the
 * thing: "directed by Spielberg", "caused by the update", "filled with clichés", "loaded with bloatware", "concerned
 * about", "portrayed as a hero" ("about" before a number is an amount: "crashed about 5 times").
 */
const COMPLEMENTS = words(`by with as about`);

/** Words that open a noun phrase after "to" besides determiners and pronouns ("compared to other films", "sent to everyone"). */
const NP_OPENERS = words(`all both many most other others another everyone everybody everything anyone anything someone something
  nothing none one what whatever whoever whom`);

/**
 * Whether "to" at i is an infinitive's, its verb after it: the participle before it takes a clause, as an adjective or a
 * verb of will does ("forced to watch this", "refused to pay me", "excited to see", "able to be"), no movement of the
 * thing ("synced to the tablet", "sent to my old address", "upgraded to Windows 10", "compared to other films": a noun
 * phrase, by its determiner, pronoun, number or capital). A verb is told from a noun by what follows it: its object
 * ("watch this", "pay me"); or it is one of the common verbs the term tables cut ("see", "get", "be", "make").
 */
function infinitiveAt(toks: readonly Tok[], i: number): boolean {
  const v = toks[i + 1];
  if (toks[i]?.plain !== 'to' || !v) return false;
  if (NOUN_BEFORE.has(v.plain) || OBJECT_PRONOUNS.has(v.plain) || NP_OPENERS.has(v.plain) || /^\d/.test(v.plain) || /[A-Z]/.test(v.surface)) return false;
  if (v.kind === Kind.Break) return true;
  if (v.kind !== Kind.Content && v.kind !== Kind.GenericNoun) return false;
  const o = toks[i + 2];
  return !!o && ((NOUN_BEFORE.has(o.plain) && o.plain !== 'of') || OBJECT_PRONOUNS.has(o.plain) || NP_OPENERS.has(o.plain));
}

/**
 * Participles that are prepositions before their object ("compared to the book", "compared with his first film"), as
 * English grammar lists them (marginal prepositions; "based on" is a word of its own, EN_OWN_WORDS): no behaviour.
 */
const PREPOSITION_PARTICIPLES: ReadonlyMap<string, ReadonlySet<string>> = new Map([['compared', words(`to with`)]]);
/** Degree words before a participle: only an adjective is graded ("very excited", "more involved", "less concerned"). */
const PARTICIPLE_DEGREE = words(`more most less least`);

/** Counts how a participle is used: without an object ("it crashed twice") or in a story or as a property (WordUse.bare). */
function countParticiple(uses: Map<string, WordUse>, toks: readonly Tok[], i: number): void {
  const p = toks[i - 1]?.plain.replace(/’/g, "'") ?? '', pp = toks[i - 2]?.plain.replace(/’/g, "'") ?? '';
  // "I ordered", "we have booked" (but "I was charged twice" is no story of what the person did)
  const person = PERSONS.has(p) || ((p === 'have' || p === 'had' || p === 'has') && PERSONS.has(pp));
  const next = toks[i + 1]?.plain;
  const complement = next !== undefined && ((COMPLEMENTS.has(next) && !(next === 'about' && /^\d/.test(toks[i + 2]?.plain ?? ''))) || !!PREPOSITION_PARTICIPLES.get(toks[i].plain)?.has(next));
  const graded = DEGREE.has(p) || PARTICIPLE_DEGREE.has(p);
  let u = uses.get(toks[i].key);
  if (!u) uses.set(toks[i].key, (u = { verb: 0, noun: 0, adj: 0 }));
  if (graded) u.graded = (u.graded ?? 0) + 1;
  if (person || complement || graded || infinitiveAt(toks, i + 1) || objectAt(toks, i + 1)) u.object = (u.object ?? 0) + 1;
  else u.bare = (u.bare ?? 0) + 1;
}

/** Counts a content word written with a capital inside its clause, or in lower case (WordUse.capital). */
function countCase(uses: Map<string, WordUse>, toks: readonly Tok[], i: number): void {
  const t = toks[i];
  const capital = i > 0 && t.titled;
  if (!capital && t.surface !== t.plain) return;
  let u = uses.get(t.key);
  if (!u) uses.set(t.key, (u = { verb: 0, noun: 0, adj: 0 }));
  if (capital) u.capital = (u.capital ?? 0) + 1;
  else u.lower = (u.lower ?? 0) + 1;
}

/**
 * A word the sample writes mostly with a capital inside a clause, and rarely in lower case, is a name ("Peyton Manning",
 * "Dakota Fanning"), none of a word's inflections ("man", "fan"): at least 3 capitals, 4 times its lower-case uses.
 */
export function usedAsName(u: WordUse | undefined): boolean {
  return !!u && (u.capital ?? 0) >= 3 && (u.capital ?? 0) >= 4 * (u.lower ?? 0);
}

/**
 * Words before a verb's bare form: "doesn't display", "won't display", "fails to display" ("t": "won’t" is cut at its
 * curly apostrophe, which ends a clause).
 */
const BEFORE_VERB = new Set(['t', 'not', 'never', 'to', 'will', 'would', 'could', 'should', 'can', 'cannot', 'does', 'do', 'did', "won't", 'wont', "don't", 'dont', "doesn't", 'doesnt', "didn't", 'didnt', "can't", 'cant', "couldn't", "wouldn't", "shouldn't"]);

/** Table words (EN_SYNONYMS) that are verbs too: the table merges the nouns ("the cost" is "the price"), not the verbs. */
const TABLE_VERBS = words(`cost display`);
/** Subjects right before a verb ("it cost", "which displays"; not "this cost", a noun after a demonstrative). */
const VERB_SUBJECTS = words(`it which i you we they he she`);
/** Words of money: "cost" before one of them states a price ("cost me 20 dollars", "cost a fortune", "not cost you a dime"). */
const MONEY = words(`dollar dollars buck bucks euro euros pound pounds cent cents penny pennies dime dimes nickel yuan rmb quid grand
  money fortune price arm`);
/**
 * Words of amounts: "cost" before one of them states a price ("cost me $20", "cost twice as much", "costs nothing"),
 * unless what is counted is time ("cost me 2 hours", "cost us half a day", "cost me a lot of time": TIME).
 */
const AMOUNTS = words(`more less much extra twice double half lot nothing anything same little hundred hundreds thousand thousands`);
/** Time: what "cost" takes when it is a loss, not a price ("cost us a whole afternoon", "cost me 2 hours"). */
const TIME = words(`time second seconds minute minutes hour hours day days night nights week weeks weekend weekends month months
  year years morning mornings afternoon afternoons evening evenings`);

/**
 * A word of a table synonym (EN_SYNONYMS) inside an idiom that names no topic: "avoid at all costs", "at any cost" (no
 * price), "on display" (shown, not a screen), or used as a verb, in any form, where the verb is no longer the table's
 * noun: "display" (after a subject, a modal, a negation or "to", or before its object: "the app doesn't display my
 * photos", "it displayed the wrong date": no screen), and "cost" with an object that is no money ("this bug cost us a
 * whole afternoon", "it cost me my notes", "cost me 2 hours": a loss, no price; but "it cost me $20", "they cost more",
 * "laptops that cost twice as much", "it would cost to buy it", "it didn't cost me a dime" state prices, as the reviews
 * measured here mostly do). Merged, they would put "avoid at all costs" and
 * the afternoon lost among the prices, and photos that do not show among the screens.
 */
function idiom(toks: readonly Tok[], i: number): boolean {
  const k = toks[i].key, p = toks[i - 1]?.plain.replace(/’/g, "'");
  if (k === 'cost' && (p === 'all' || p === 'any') && toks[i - 2]?.plain === 'at') return true;
  if (k === 'display' && p === 'on') return true;
  const base = TABLE_VERBS.has(k) ? k : /(?:ing|ed)$/.test(k) && TABLE_VERBS.has(inflectionKey(k)) ? inflectionKey(k) : undefined;
  // (after a determiner it is the noun: "for the cost this is a winner")
  if (!base || (p !== undefined && NOUN_BEFORE.has(p))) return false;
  let j = i + 1;
  const next = toks[j];
  // (a noun after the table word is a compound: "display quality", "cost savings")
  const verb = (p !== undefined && (BEFORE_VERB.has(p) || VERB_SUBJECTS.has(p))) || (!!next && ((NOUN_BEFORE.has(next.plain) && next.plain !== 'of') || OBJECT_PRONOUNS.has(next.plain) || /^\d/.test(next.plain)));
  if (base === 'display' || !verb) return verb;
  // "cost [me] <what>": a price when what it costs is money, or an amount of no time, else a loss ("cost us a whole
  // afternoon", "cost me 2 hours"); "cost [me] to <do>" is the price of doing it ("the $5 it would cost to buy it")
  while (toks[j] && OBJECT_PRONOUNS.has(toks[j].plain)) j++;
  if (!toks[j]) return false;
  if (toks[j].plain === 'to') return false;
  const what = toks.slice(j, j + 6).map((t) => t.plain);
  if (what.some((w) => MONEY.has(w))) return false;
  if (what.some((w) => TIME.has(w))) return true;
  return !what.some((w) => /^\d/.test(w) || AMOUNTS.has(w));
}

function englishTerms(text: string, out: Map<string, string>, uses?: Map<string, WordUse>): void {
  for (const clause of text.split(CLAUSES)) {
    const raw = clause.match(TOKENS);
    if (!raw) continue;
    const toks = raw.map(classify);
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      const form = termForm(t, i);
      if (idiom(toks, i)) continue;
      if (t.kind === Kind.Participle) {
        addTerm(out, t.key, form);
        if (uses) countParticiple(uses, toks, i);
        continue;
      }
      if (t.kind === Kind.Content) {
        addTerm(out, t.key, form);
        if (uses) countUse(uses, toks, i), countCase(uses, toks, i);
      }
      if (t.kind === Kind.Break || t.kind === Kind.Connector) continue;
      // Phrases of 2-3 words starting here: contiguous phrase words, at least one content word, ending in a noun-like word.
      let content = t.kind === Kind.Content ? 1 : 0;
      if (t.kind === Kind.GenericNoun || t.kind === Kind.Modifier || t.kind === Kind.Content) {
        let key = t.key, surface = form;
        for (let j = i + 1; j < toks.length && j < i + 3; j++) {
          const u = toks[j];
          if (u.kind !== Kind.Content && u.kind !== Kind.GenericNoun) break;
          if (u.kind === Kind.Content) content++;
          key += ` ${u.key}`;
          surface += ` ${u.surface}`;
          if (content) addTerm(out, key, surface);
        }
      }
      if (t.kind !== Kind.Content) continue;
      const next = toks[i + 1];
      if (next?.kind !== Kind.Connector) continue;
      const after = toks[i + 2];
      // "export to csv", "crash on startup"
      if (after?.kind === Kind.Content && CONNECTORS.has(next.key)) addTerm(out, `${t.key} ${next.key} ${after.key}`, `${form} ${next.surface} ${after.surface}`);
      // "log in", "sign up": a particle ending the clause or followed by a preposition/conjunction, not by its object
      if (PARTICLES.has(next.key) && (!after || PARTICLE_FOLLOWERS.has(after.key))) addTerm(out, `${t.key} ${next.key}`, `${form} ${next.surface}`);
    }
  }
}

/** Lengths of the multi-character sentiment words. */
const ZH_SENTIMENT_LENGTHS = [...new Set([...ZH_SENTIMENT].map((w) => w.length))].sort((a, b) => b - a);

/** Noun suffixes that turn a sentiment word into a topic: 稳定性, 流畅度, 准确率, 舒适感. */
const ZH_NOUN_SUFFIX = new Set([...'性度率感']);

/** Length of the sentiment word starting at chars[i] (0: none; one followed by 性/度/率/感 is a noun, no sentiment word). */
function sentimentWordAt(chars: string[], i: number): number {
  const n = ZH_SENTIMENT_LENGTHS.find((k) => ZH_SENTIMENT.has(chars.slice(i, i + k).join(''))) ?? 0;
  return n && ZH_NOUN_SUFFIX.has(chars[i + n] ?? '') ? 0 : n;
}

/**
 * Connectives, time adverbs and locatives that also cut a segment: "结果饭都凉了" and "里面有头发" give no "果饭" or
 * "面有头" (an n-gram starting in the middle of 结果 / 里面), and 结果 ("and then") is no topic.
 */
const ZH_CUT = words(`结果 然后 因为 所以 如果 虽然 而且 并且 或者 然而 于是 其实 确实 居然 竟然 已经 后来 以后 之后 以前 之前
  里面 外面 上面 下面`);

function cutWordAt(chars: string[], i: number): number {
  return ZH_CUT.has(chars[i] + (chars[i + 1] ?? '')) ? 2 : 0;
}

/**
 * Function-free segments of a Han run, also cut where a sentiment word stands: "价格便宜" gives "价格", not "价格便"
 * (an n-gram ending in the first character of 便宜), and "续航一般" gives "续航".
 */
function zhSegments(run: string): string[] {
  const segs: string[] = [];
  let seg = '';
  const chars = Array.from(run);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    // A sentiment word first, also one that opens with a function character: 非常快 gives no "常快".
    const word = sentimentWordAt(chars, i) || (ZH_BREAK.has(ch) ? 1 : cutWordAt(chars, i));
    if (word) {
      if (seg.length >= 2) segs.push(seg);
      seg = '';
      i += word - 1;
    } else seg += ch;
  }
  if (seg.length >= 2) segs.push(seg);
  return segs;
}

/**
 * A Han run as word-sized pieces, in order, covering it whole (Explain's units): function characters alone,
 * sentiment words whole (好用, 一般), and the rest cut into the words of a lexicon learned from Chinese reviews
 * (zh-lexicon.ts: 丢失 / 任何 / 内容, not 失任 / 何内容), stretches it does not know in words of two characters (one
 * of three for an odd length), so a Chinese item is explained by 闪退 and 好用, not by 闪 and 用.
 */
export function zhWords(run: string): string[] {
  const chars = Array.from(run);
  const out: string[] = [];
  let seg: string[] = [];
  const flush = () => {
    if (seg.length) out.push(...segmentZh(seg));
    seg = [];
  };
  for (let i = 0; i < chars.length; i++) {
    // sentiment words whole, also those that open with a function character (不错, 不行, 很快)
    const n = sentimentWordAt(chars, i);
    if (n) {
      flush();
      out.push(chars.slice(i, i + n).join(''));
      i += n - 1;
      continue;
    }
    // 么 and 们 are suffixes, never words: 什么, 怎么, 这么 and 我们, 他们 are one word (为什么 when the lexicon knows it)
    if (ZH_BOUND_SUFFIX.has(chars[i]) && i > 0) {
      const prev = seg.length ? seg.length >= 2 && zhLexicon().has(seg.slice(-2).join('') + chars[i]) ? seg.splice(-2).join('') : seg.pop()! : undefined;
      if (prev !== undefined) {
        flush();
        out.push(prev + chars[i]);
        continue;
      }
      const last = out[out.length - 1];
      if (last && ZH_BREAK.has(last)) {
        out[out.length - 1] = last + chars[i];
        continue;
      }
    }
    if (ZH_BREAK.has(chars[i])) {
      flush();
      // a negation with its verb when the lexicon knows the pair (没有, 不会, 不能), else the character alone
      const pair = chars[i] + (chars[i + 1] ?? '');
      // (or with an evaluation character that starts no longer word: 不好, 不贵; but 不 / 好吃)
      const negated = pair.length === 2 && (zhLexicon().has(pair) || (ZH_SENTIMENT_CHARS.has(chars[i + 1]) && !sentimentWordAt(chars, i + 1)));
      if ((chars[i] === '不' || chars[i] === '没') && negated) (out.push(pair), i++);
      // a demonstrative with its measure word: 这个, 那些, 这样, 这里 (of 这个手机, not 这 / 个手机)
      else if (ZH_DEMONSTRATIVE.has(chars[i]) && ZH_DEMONSTRATIVE_MEASURE.has(chars[i + 1] ?? '')) (out.push(pair), i++);
      else out.push(chars[i]);
      continue;
    }
    seg.push(chars[i]);
  }
  flush();
  return out;
}

/** Result complements of a verb's potential form: 打不开, 收不到, 用不了, 看不清 (不好 stays a word of its own). */
const ZH_COMPLEMENT = new Set([...'开到了上下来去起动清见懂完住着出进回过']);
/** Time and measure words before 不到 / 不了 are no verb: 一个月不到 is 月 / 不到. */
const ZH_NOT_VERB = new Set([...'年月周天日时分秒次个块元件斤岁']);

/**
 * zhWords as a reader names the words of a sentence (Explain's units): connectives that zhWords cuts at their
 * function characters are whole again (但是, 还是, 总是, 而且, not 但 / 是), and a verb's potential form is one word
 * (打不开, 收不到: not 打 / 不 / 开, which credits 不 alone with what the phrase says).
 */
export function zhReaderWords(run: string): string[] {
  const pieces = zhWords(run);
  const out: string[] = [];
  const single = (w: string | undefined): w is string => w !== undefined && Array.from(w).length === 1;
  for (let i = 0; i < pieces.length; i++) {
    const w = pieces[i];
    const prev = out[out.length - 1];
    if (prev !== undefined && (single(prev) || single(w)) && ZH_GENERIC.has(prev + w)) {
      out[out.length - 1] = prev + w;
      continue;
    }
    // a one-character verb (not a function character) + 不 + complement, as one piece or two
    if (single(prev) && HAN.test(prev) && !ZH_BREAK.has(prev) && !ZH_NOT_VERB.has(prev)) {
      const next = pieces[i + 1];
      if (w === '不' && single(next) && ZH_COMPLEMENT.has(next)) {
        out[out.length - 1] = prev + w + next;
        i++;
        continue;
      }
      if (Array.from(w).length === 2 && w[0] === '不' && ZH_COMPLEMENT.has(w[1])) {
        out[out.length - 1] = prev + w;
        continue;
      }
    }
    out.push(w);
  }
  return out;
}

const ZH_DEMONSTRATIVE = new Set([...'这那哪']);
const ZH_DEMONSTRATIVE_MEASURE = new Set([...'个些样里儿边种次']);
/** Characters that only end a word (什么, 怎么, 我们): they join the character before them. */
const ZH_BOUND_SUFFIX = new Set([...'么们']);

/**
 * Words of software feedback that the review corpora behind zh-lexicon.ts (shopping, food delivery) rarely use, so
 * statistics did not find them: kept whole when Chinese feedback is cut into words (with the English-Chinese table's
 * words, ZH_EN_THEMES).
 */
const ZH_APP_WORDS = `验证码 卡死 续费 耗电 共享 桌面 开会 设置 插件 云端 恢复 数据 文件 附件 下载 上传 安装 卸载 注册 付费 免费 版本 兼容
  适配 夜间 深色 模式 编辑器 快捷键 待办 白屏 黑屏 加载 刷新 推送 弹窗 分享`;
let lexicon: Set<string> | undefined;
/** The segmentation's words: the learned lexicon, the software words and the table's product words (built once). */
function zhLexicon(): Set<string> {
  return (lexicon ??= new Set([...ZH_LEXICON.split(' '), ...ZH_APP_WORDS.split(/\s+/), ...Object.keys(ZH_EN_THEMES)]));
}
/** Costs of a piece in the segmentation: a known word, one character, an unknown pair or triple (pairs first). */
const COST_WORD = 1, COST_CHAR = 1.5, COST_PAIR = 2, COST_TRIPLE = 2.9;

/**
 * The cut of a function-free Chinese stretch into the fewest, best-known pieces (dynamic programming over 1-4
 * characters): lexicon words first; where it knows none, pairs and, for an odd length, one triple.
 */
function segmentZh(seg: readonly string[]): string[] {
  const dict = zhLexicon();
  const n = seg.length;
  if (n <= 1) return n ? [seg[0]] : [];
  const best = new Float64Array(n + 1).fill(Infinity);
  const from = new Int32Array(n + 1);
  best[0] = 0;
  for (let i = 1; i <= n; i++) {
    for (let len = 1; len <= 4 && len <= i; len++) {
      const piece = len === 1 ? seg[i - 1] : seg.slice(i - len, i).join('');
      const cost = len === 1 ? COST_CHAR : dict.has(piece) ? COST_WORD : len === 2 ? COST_PAIR : len === 3 ? COST_TRIPLE : Infinity;
      if (best[i - len] + cost < best[i]) (best[i] = best[i - len] + cost), (from[i] = i - len);
    }
  }
  const out: string[] = [];
  for (let i = n; i > 0; i = from[i]) out.push(seg.slice(from[i], i).join(''));
  return out.reverse();
}

/** A Chinese sentiment or evaluation word (好用, 便宜, 很快), or a word that ends in an evaluation character (挺好, 太贵). */
export function isZhEvaluation(word: string): boolean {
  return ZH_SENTIMENT.has(word) || ZH_SENTIMENT_CHARS.has(word[word.length - 1] ?? '');
}

/** Is this 2-4 character n-gram a possible content word (before corpus statistics)? */
export function zhCandidate(g: string): boolean {
  const first = g[0], last = g[g.length - 1];
  if (ZH_NO_START.has(first) || ZH_NO_END.has(last)) return false;
  if (ZH_SENTIMENT_CHARS.has(first) || ZH_SENTIMENT_CHARS.has(last)) return false;
  if (ZH_GENERIC.has(g) || ZH_SENTIMENT.has(g)) return false;
  // No generic or sentiment word at either edge ("更新以后", "登录失败" keeps only its parts).
  for (let k = 2; k < g.length; k++) {
    const head = g.slice(0, k), tail = g.slice(g.length - k);
    // (a sentiment word with a noun suffix is a topic: 稳定性, 流畅度)
    const nounOfSentiment = k === g.length - 1 && ZH_NOUN_SUFFIX.has(g[k]);
    if ((ZH_SENTIMENT.has(head) && !nounOfSentiment) || ZH_SENTIMENT.has(tail) || isZhFunction(head) || isZhFunction(tail)) return false;
  }
  return true;
}

/** Generic words that are function-like (not nouns that may head a phrase like 功能/时间). */
function isZhFunction(w: string): boolean {
  return ZH_GENERIC.has(w) && !ZH_GENERIC_NOUNS.has(w);
}
const ZH_GENERIC_NOUNS = words(`时间 问题 功能 软件 应用 产品 体验 版本 用户 客户 顾客 东西 事情 地方 朋友`);

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * For each position inside a segment (between character k-1 and k) that falls within a word the lexicon knows, as
 * the word cut (segmentZh) finds them, where that word starts (-1 elsewhere). An n-gram that is no word itself may
 * not start inside a known word nor end inside one it did not start with (餐速 and 送餐速 of 送餐 / 速度); a word's
 * own head stays a candidate (快递 of 快递员), and so does any known word (外卖 in 百度外卖, which the lexicon, learned
 * from reviews, also holds). Pairs the lexicon does not know mark nothing, so an unknown name keeps every n-gram.
 */
function knownWordStarts(chars: readonly string[]): Int32Array | undefined {
  const dict = zhLexicon();
  let startOf: Int32Array | undefined;
  let k = 0;
  for (const piece of segmentZh(chars)) {
    const len = Array.from(piece).length;
    if (len >= 2 && dict.has(piece)) {
      startOf ??= new Int32Array(chars.length + 1).fill(-1);
      for (let j = k + 1; j < k + len; j++) startOf[j] = k;
    }
    k += len;
  }
  return startOf;
}

function chineseTerms(text: string, out: Map<string, string>): void {
  for (const run of text.match(HAN_RUNS) ?? []) {
    for (const seg of zhSegments(run)) {
      // Characters beyond the BMP (rare) are sliced by code point.
      const s: string | string[] = SURROGATE.test(seg) ? Array.from(seg) : seg;
      const n = s.length;
      const startOf = n > 2 ? knownWordStarts(typeof s === 'string' ? Array.from(s) : s) : undefined;
      for (let len = 2; len <= 4; len++) {
        for (let i = 0; i + len <= n; i++) {
          const g = typeof s === 'string' ? s.slice(i, i + len) : s.slice(i, i + len).join('');
          if (startOf && (startOf[i] >= 0 || (startOf[i + len] >= 0 && startOf[i + len] !== i)) && !zhLexicon().has(g)) continue;
          if (!out.has(g) && zhCandidate(g)) out.set(g, g);
        }
      }
    }
  }
}

/** Chinese candidate terms of a text (2-4-character n-grams of its function-free segments), distinct. */
export function chineseTermKeys(text: string): string[] {
  if (!HAN.test(text)) return [];
  const out = new Map<string, string>();
  chineseTerms(text, out);
  return [...out.keys()];
}

/**
 * Distinct candidate terms of a text: English phrase keys and Chinese 2-4-character n-grams. With `uses`, also counts
 * how its English content words are used (verb or noun, see WordUse).
 */
export function extractTerms(text: string, uses?: Map<string, WordUse>): Term[] {
  const out = new Map<string, string>();
  if (/[A-Za-z]/.test(text)) englishTerms(text, out, uses);
  if (HAN.test(text)) chineseTerms(text, out);
  return [...out].map(([key, surface]) => ({ key, surface }));
}

/** A Chinese demonstrative with its measure word, if any: 这款 / 这个 / 这台 / 此 / 该 (这款手机, 该酒店). */
const ZH_DEMONSTRATIVE_NOUN = /(?:这|此|该)(?:款|个|台|部|本|家|只|种|件|套|块|位|条|双|瓶|份)?/gu;
/** "this" / "these" and the two words after it ("this book", "this little laptop"). */
const EN_DEMONSTRATIVE_NOUN = /\b(?:this|these)\s+([A-Za-z][A-Za-z'’-]*)(?:\s+([A-Za-z][A-Za-z'’-]*))?/gi;

/**
 * Term keys a text names with a demonstrative, as a review names what it reviews: "this book", "this little laptop",
 * 这款手机, 该酒店 (for Chinese, each 2-4-character start of the text after the demonstrative). How often a theme is
 * named so tells the product itself from the topics about it (themes.ts).
 */
export function demonstratedKeys(text: string): string[] {
  const out = new Set<string>();
  if (/[A-Za-z]/.test(text)) {
    for (const m of text.matchAll(EN_DEMONSTRATIVE_NOUN)) {
      for (const w of [m[1], m[2]]) if (w) out.add(classify(w).key);
    }
  }
  if (HAN.test(text)) {
    for (const m of text.matchAll(ZH_DEMONSTRATIVE_NOUN)) {
      const after = text.slice(m.index! + m[0].length, m.index! + m[0].length + 4);
      const run = /^\p{Script=Han}+/u.exec(after)?.[0] ?? '';
      for (let len = 2; len <= run.length; len++) out.add(run.slice(0, len));
    }
  }
  return [...out];
}

/**
 * Calls `visit(gram, left, right)` for each occurrence in `text` of a Chinese n-gram in `wanted`, with
 * the characters next to it, or '' where it touches a boundary (punctuation, a function character, the
 * edge of the text): the counts behind accessor variety.
 */
export function zhContexts(text: string, wanted: ReadonlySet<string>, visit: (gram: string, left: string, right: string) => void): void {
  for (const run of text.match(HAN_RUNS) ?? []) {
    const n = run.length;
    for (let len = 2; len <= 4; len++) {
      for (let i = 0; i + len <= n; i++) {
        const g = run.slice(i, i + len);
        if (!wanted.has(g)) continue;
        const l = i > 0 ? run[i - 1] : '';
        const r = i + len < n ? run[i + len] : '';
        visit(g, l && !ZH_BREAK.has(l) ? l : '', r && !ZH_BREAK.has(r) ? r : '');
      }
    }
  }
}

/**
 * Is this English word of a phrase key generic (a feedback noun like "app", "customer" or a modifier like
 * "new")? A phrase that adds only such words to a theme ("app crash" to "crash") says nothing more.
 */
export function isGenericWord(key: string): boolean {
  return EN_GENERIC_NOUN.has(key) || EN_MODIFIER.has(key);
}

/**
 * Whether a single word names a topic (a persona's "talks about"): not a function, sentiment or generic word
 * ("great", "never", "customer", "without"). Chinese terms are topic candidates already.
 */
export function isTopicWord(word: string): boolean {
  if (isCjk(word)) return !ZH_SENTIMENT.has(word) && !ZH_GENERIC.has(word);
  return classify(word).kind === Kind.Content;
}

/** An English function word ("not", "them", "off", "own"): never a topic, nor a variant of one. */
export function isStopWord(word: string): boolean {
  return EN_STOP.has(word.toLowerCase().replace(/’/g, "'"));
}

export function isCjk(key: string): boolean {
  return HAN.test(key);
}

/**
 * Chinese product words and the English theme they are (term keys: lower case, singular as normalizeWord folds it, so
 * "ads", whose plural it keeps: feedback says "too many ads"): in feedback written in both languages, "login" and 登录
 * are one theme. Only words with one clear English counterpart.
 */
const ZH_EN_THEMES: Readonly<Record<string, string>> = {
  同步: 'sync', 离线: 'offline', 登录: 'login', 登陆: 'login', 密码: 'password', 账号: 'account', 账户: 'account',
  闪退: 'crash', 崩溃: 'crash', 笔记: 'note', 搜索: 'search', 价格: 'price', 会员: 'membership', 订阅: 'subscription',
  退款: 'refund', 广告: 'ads', 导出: 'export', 导入: 'import', 更新: 'update', 升级: 'upgrade', 电池: 'battery',
  客服: 'customer support', 字体: 'font', 模板: 'template', 提醒: 'reminder', 通知: 'notification', 界面: 'interface',
  语音: 'voice', 手写: 'handwriting', 协作: 'collaboration', 文件夹: 'folder', 物流: 'shipping', 快递: 'shipping',
  质量: 'quality', 包装: 'packaging', 隐私: 'privacy', 速度: 'speed', 卡顿: 'lag', 屏幕: 'screen', 电脑版: 'desktop',
  小组件: 'widget', 日历: 'calendar', 标签: 'tag', 备份: 'backup', 截图: 'screenshot', 性能: 'performance',
  稳定性: 'stability', 键盘: 'keyboard', 耳机: 'headphone', 电量: 'battery', 续航: 'battery life', 夜间模式: 'dark mode',
  深色模式: 'dark mode', 暗黑模式: 'dark mode', 送餐: 'delivery', 配送: 'delivery', 送货: 'delivery',
};

/** Whether a Chinese term is one of the product words with an English theme (a word by construction). */
export function isCrossLingualTerm(key: string): boolean {
  return Object.prototype.hasOwnProperty.call(ZH_EN_THEMES, key);
}

/** Table words that are another spelling of a word beside them (登陆 for 登录): merged, never named beside it. */
const ZH_SPELLINGS: ReadonlyMap<string, string> = new Map([['登陆', '登录']]);

/**
 * English words of product feedback that name one topic, by compound key (compoundKey: "sign in" is "signin"), and the
 * word their theme is grouped under: "shipping" and "delivery" are one theme, and so are 物流 / 快递 (shipping) and
 * 送餐 / 配送 / 送货 (delivery) of ZH_EN_THEMES with them. Only words with the same meaning in the feedback this reads:
 * "screen" and "display", not "price" and "value" (a judgement), "crash" and "freeze" (another failure), "service" and
 * "support" ("service" is also a restaurant's), "staff" and "waiter" (more than the waiters) or "server" (a computer's).
 * Measured on public reviews: the restaurants' atmosphere was three themes (atmosphere 52 items, ambience 27, ambiance
 * 21), their waiters two (waiter 40, waitress 19), the laptops' OS two (OS 20, operating system 15); the Chinese shops'
 * 快递 / 物流 (465 of 6,000) and 送货 / 配送 (199) were two, and so were the food deliveries' 送餐 (2,238) and 快递 (299).
 * 送餐 meets 快递 through "delivery" / "shipping" by design: in food-delivery reviews 快递 is the rider who brings the
 * meal and how fast (192 of the 291 waimai_10k reviews naming it say 快递小哥 / 快递员 / 快递师傅…, most others "快递很快"),
 * the topic 送餐 names; the cost is a hotel's room service (送餐, 22 of 20,000 shop reviews) counted with shipping.
 */
const EN_SYNONYMS: Readonly<Record<string, string>> = {
  delivery: 'shipping', shipment: 'shipping',
  display: 'screen',
  cost: 'price', pricing: 'price',
  glitch: 'bug',
  ambience: 'atmosphere', ambiance: 'atmosphere',
  waitress: 'waiter',
  operatingsystem: 'os',
  customerservice: 'customersupport',
  signin: 'login',
  ui: 'interface', userinterface: 'interface',
  ad: 'ads', advert: 'ads', advertisement: 'ads', advertising: 'ads',
  colour: 'color',
};

/** English table words that are another spelling of a word beside them: merged, never named beside it. */
const EN_SPELLINGS: ReadonlyMap<string, string> = new Map([['ambiance', 'ambience'], ['colour', 'color'], ['ad', 'ads'], ['advert', 'advertisement'], ['signin', 'login']]);

/** The English table words by compound key (the synonyms and the words they are grouped under). */
const EN_TABLE_WORDS: ReadonlySet<string> = new Set([...Object.keys(EN_SYNONYMS), ...Object.values(EN_SYNONYMS)]);

/**
 * Whether a word merged into a theme is named with it: a Chinese table word ("物流 / 快递"), or an English synonym of the
 * table ("shipping / delivery"), not a mere spelling of another (登陆 of 登录, "colour" of "color").
 */
export function namesTheme(key: string): boolean {
  if (isCjk(key)) return isCrossLingualTerm(key) && !ZH_SPELLINGS.has(key);
  const c = compoundKey(key);
  return EN_TABLE_WORDS.has(c) && !EN_SPELLINGS.has(c);
}

/** The word a theme's name stands for: a spelling is its word (登陆 is 登录, "colour" is "color", "log in" is "login"). */
function nameWord(key: string): string {
  if (isCjk(key)) return ZH_SPELLINGS.get(key) ?? key;
  const c = compoundKey(key);
  return EN_SPELLINGS.get(c) ?? c;
}

/**
 * The names of a theme or aspect merged from variant keys (`keys`, most frequent first; `named`: mentioned often enough
 * to be named): its first key, the other words of the synonym tables merged into it in its language ("shipping /
 * delivery", "物流 / 快递"), the most frequent key of the other language ("login / 登录") and then that language's table
 * words ("shipping / 物流 / 快递"); three at most. The other language's name is always among them (the Report view finds
 * a theme's items by its names), and a word is named once however it is spelled (登陆 is 登录, "colour" is "color").
 */
export function mergedNames(keys: readonly string[], named: (key: string) => boolean): string[] {
  if (!keys.length) return [];
  const primary = keys[0];
  const other = keys.find((k) => isCjk(k) !== isCjk(primary) && named(k));
  const seen = new Set([nameWord(primary), ...(other ? [nameWord(other)] : [])]);
  const same: string[] = [], across: string[] = [];
  for (const k of keys) {
    if (k === primary || k === other || !namesTheme(k) || !named(k) || seen.has(nameWord(k))) continue;
    seen.add(nameWord(k));
    (isCjk(k) === isCjk(primary) ? same : across).push(k);
  }
  const room = other ? 1 : 2;
  const more = same.slice(0, room);
  return [primary, ...more, ...(other ? [other, ...across.slice(0, room - more.length)] : [])];
}

/**
 * The key that variants of one theme share: "log in" / "log-in" / "login", 登录 with them, the words of one topic
 * ("delivery" / "shipping", 物流 / 送货: EN_SYNONYMS) and, unless `inflections` is false, a word's inflections ("sync",
 * "syncing", "synced": inflectionKey).
 */
export function themeGroupKey(key: string, inflections = true): string {
  const en = isCrossLingualTerm(key) ? ZH_EN_THEMES[key] : key;
  if (isCjk(en)) return en;
  // (own keys only: feedback may name "constructor")
  if (!inflections) {
    const c = compoundKey(en);
    return Object.prototype.hasOwnProperty.call(EN_SYNONYMS, c) ? EN_SYNONYMS[c] : c;
  }
  // each word by its inflections ("syncing issues" is "sync issue"): table words' first words have none ("operating")
  const c = compoundKey(en.split(' ').map(inflectionKey).join(' '));
  return SYNONYM_OF.get(c) ?? c;
}

/** EN_SYNONYMS by the inflection keys of its words (themeGroupKey). */
const SYNONYM_OF: ReadonlyMap<string, string> = new Map(Object.entries(EN_SYNONYMS).map(([k, v]) => [inflectionKey(k), inflectionKey(v)]));

/**
 * Whether a term key only joins the theme of its word and is no theme alone: a participle ("synced" joins "sync",
 * "exported" joins "export"; "ordered" alone is no topic).
 */
export function joinsThemeOnly(key: string): boolean {
  return !isCjk(key) && !key.includes(' ') && classify(key).kind === Kind.Participle;
}

/** Whether a single English term key is a word's -ing or -ed form ("crashing", "synced"; not "setting", "king"). */
export function isVerbForm(key: string): boolean {
  return !isCjk(key) && !key.includes(' ') && /(?:ing|ed)$/.test(key) && inflectionKey(key) !== key;
}

/** Whether an English term key is a verb with its particle ("log in", "sign up"), one word to its theme ("login"). */
export function isVerbParticle(key: string): boolean {
  const w = key.split(' ');
  return w.length === 2 && PARTICLES.has(w[1]);
}

/** The key with spaces and hyphens dropped: "log in", "log-in" and "login" are one term. */
export function compoundKey(key: string): string {
  return isCjk(key) ? key : key.replace(/[\s-]+/g, '');
}

/** Does `longer` contain `shorter` as a phrase (word sequence for English, substring for Chinese)? */
export function containsPhrase(longer: string, shorter: string): boolean {
  if (longer === shorter || longer.length <= shorter.length) return false;
  if (isCjk(shorter)) return longer.includes(shorter);
  return ` ${longer} `.includes(` ${shorter} `);
}

/**
 * Keeps the phrases worth reporting from mention counts: frequent enough, and not explained by a
 * longer phrase (one whose count is >= 70% of its own). Used for aspects, where only counts are known.
 */
export function selectPhrases(counts: Map<string, number>, minCount: number, limit: number): string[] {
  const cands = [...counts].filter(([, n]) => n >= minCount).sort((a, b) => b[1] - a[1] || b[0].length - a[0].length);
  const pool = cands.slice(0, Math.max(limit * 20, 200));
  const keep: string[] = [];
  for (const [k, n] of pool) {
    const covered = pool.some(([k2, n2]) => containsPhrase(k2, k) && n2 >= 0.7 * n);
    if (covered) continue;
    // Chinese: a 3-4 gram is only kept when it isn't an accidental join (count close to one of its 2-gram parts).
    if (isCjk(k) && k.length > 2) {
      const parts = pool.filter(([k2]) => containsPhrase(k, k2));
      if (parts.length && parts.every(([, n2]) => n < 0.5 * n2)) continue;
    }
    keep.push(k);
    if (keep.length >= limit) break;
  }
  return keep;
}

/** Does the text mention the phrase (by the same normalization as extractTerms)? */
export function mentions(termsOfText: Set<string>, phrase: string): boolean {
  return termsOfText.has(phrase);
}
