// Theme extraction on small synthetic corpora (English and Chinese) with known topics mixed into
// generic chatter: real topics must come out as themes, generic words, sentiment words, function
// words and numbers must not, and themes are ranked by the negative items they explain.
import assert from 'node:assert/strict';
import { extractTerms } from '../../src/core/analysis';
import { computeAspects } from '../../src/core/analysis/analyze';
import { inflectionKey, isTopicWord, mergedNames, type WordUse } from '../../src/core/analysis/phrases';
import { matchesSearch } from '../../src/webview/report/sort';
import { computeThemes, pickQuotes, sampleTerms, type ThemeSampleItem } from '../../src/core/analysis/themes';
import { mulberry32 } from '../../src/core/random';
import type { SentimentLabel } from '../../src/core/types';

/** Deterministic PRNG (mulberry32) so corpora are the same on every run. */
const rng = mulberry32;

interface Topic {
  texts: string[];
  label: SentimentLabel;
  n: number;
}

/** Items of each topic (phrasings drawn at random) plus chatter, shuffled, with file/line locations. */
function corpus(topics: Topic[], chatter: { texts: string[]; n: number }, seed: number): ThemeSampleItem[] {
  const r = rng(seed);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const labels: SentimentLabel[] = ['negative', 'neutral', 'positive'];
  const raw: { text: string; label: SentimentLabel }[] = [];
  for (const t of topics) for (let i = 0; i < t.n; i++) raw.push({ text: pick(t.texts), label: r() < 0.85 ? t.label : pick(labels) });
  for (let i = 0; i < chatter.n; i++) raw.push({ text: pick(chatter.texts), label: pick(labels) });
  for (let i = raw.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [raw[i], raw[j]] = [raw[j], raw[i]];
  }
  return raw.map((x, i) => ({ ...x, source: i % 2 ? 'feedback/b.csv' : 'feedback/a.txt', line: i + 1, score: 0.6 + r() * 0.39 }));
}

const EN_TOPICS: Topic[] = [
  {
    label: 'negative',
    n: 40,
    texts: [
      'Battery drain is terrible since the last update',
      'The battery drain on my phone is really bad, 20% an hour',
      'Huge battery drain when the app runs in the background',
      'battery drain again!! please fix',
    ],
  },
  {
    label: 'negative',
    n: 30,
    texts: [
      'I cannot log in after the update',
      'Login fails every time with an unknown error',
      'The login page just spins forever',
      "Can't log in on Android, really annoying",
      'login broken again',
    ],
  },
  {
    label: 'positive',
    n: 45,
    texts: ['Love the dark mode, great work', 'Dark mode looks amazing', 'The new dark mode is so easy on the eyes', 'dark modes on both apps are great'],
  },
  {
    label: 'negative',
    n: 20,
    texts: ['Export to CSV drops half the columns', 'Please fix export to csv, the dates are wrong', 'export to CSV is broken for large files'],
  },
  {
    label: 'negative',
    n: 25,
    texts: ['Customer support never answers my emails', 'Customer support took 3 weeks to reply', 'customer support was rude and unhelpful'],
  },
];

const EN_CHATTER = {
  n: 140,
  texts: [
    'I really use this app every day',
    'Great app, love it',
    'Really bad, I want my time back',
    'It is ok I guess',
    'Use it all the time, 5 stars',
    'Thanks for the great app',
    'Not bad, not great',
    'Really really good',
    'Best app ever, I use it daily',
    'I have been using it for 2 years',
    'Worst thing ever',
    'Just ok, nothing special',
    'Would recommend to anyone',
    'Time will tell, really',
    'Pretty good so far, 10/10',
  ],
};

const ZH_TOPICS: Topic[] = [
  { label: 'negative', n: 30, texts: ['客服一直不回复，太差了', '客服态度很差，问题也没解决', '联系客服三次都没有人理', '客服回复太慢了'] },
  { label: 'negative', n: 25, texts: ['物流太慢了，等了一个星期', '物流信息一直不更新', '这次物流很慢，包装也破了'] },
  { label: 'negative', n: 20, texts: ['配送员态度不好', '配送时间太长了', '配送延迟了两天，很失望'] },
  { label: 'negative', n: 15, texts: ['更新以后一直闪退', '打开就闪退，根本用不了', '闪退太频繁了'] },
  { label: 'positive', n: 30, texts: ['深色模式很舒服', '喜欢深色模式，晚上用不累眼睛', '深色模式做得很好看'] },
];

const ZH_CHATTER = {
  n: 120,
  texts: ['很好', '非常满意，还会再来', '太差了', '一般般吧', '还可以吧', '真的不错', '用了3天了，还行', '第一次用，感觉挺好的', '好好好', '差评！', '很满意', '不错不错，五星好评', '我觉得还行吧'],
};

async function themesOf(sample: ThemeSampleItem[], limit = 15) {
  return computeThemes(sample, sample.length, limit);
}

function assertRankedByNegatives(themes: { counts: { negative: number }; count: number }[]): void {
  for (let i = 1; i < themes.length; i++) {
    const a = themes[i - 1], b = themes[i];
    assert.ok(a.counts.negative > b.counts.negative || (a.counts.negative === b.counts.negative && a.count >= b.count), `theme ${i} is out of order`);
  }
}

function assertQuotesReal(sample: ThemeSampleItem[], themes: { phrase: string; quotes: { text: string; source: string; line: number }[] }[]): void {
  for (const t of themes) {
    // Two different quotes where the theme's items have two different texts.
    // (a theme of several words is named by each: "物流 / 配送")
    const names = t.phrase.toLowerCase().split(' / ');
    const distinct = new Set(sample.filter((s) => names.some((n) => s.text.toLowerCase().includes(n))).map((s) => s.text)).size;
    assert.equal(t.quotes.length, Math.min(2, distinct), t.phrase);
    if (t.quotes.length === 2) assert.notEqual(t.quotes[0].text, t.quotes[1].text);
    for (const q of t.quotes) {
      const item = sample[q.line - 1];
      assert.equal(item.text, q.text);
      assert.equal(item.source, q.source);
    }
  }
}

describe('analysis: themes', () => {
  it('English: real topics become themes, generic, sentiment and number words do not', async () => {
    const sample = corpus(EN_TOPICS, EN_CHATTER, 7);
    const themes = await themesOf(sample);
    const names = themes.map((t) => t.phrase.toLowerCase());
    for (const want of ['battery drain', 'dark mode', 'export to csv', 'customer support']) assert.ok(names.includes(want), `${want} missing from ${names.join(' | ')}`);
    assert.ok(names.some((n) => n === 'login' || n === 'log in'), names.join(' | '));
    const generic = /^(app|really|time|use|using|great|bad|good|love|day|thing|star|year|ok|best|worst|pretty|guess|far|special|star|\d+.*)$/;
    for (const n of names) assert.ok(!generic.test(n), `generic theme "${n}"`);
    // Head words covered by their phrase are not themes of their own.
    for (const part of ['mode', 'dark', 'battery', 'drain', 'csv', 'export', 'customer', 'support']) assert.ok(!names.includes(part), `"${part}" duplicates a phrase`);
    assertRankedByNegatives(themes);
    assertQuotesReal(sample, themes);
  });

  it('English: spelling variants fold into one theme with all their items', async () => {
    const sample = corpus(EN_TOPICS, EN_CHATTER, 11);
    const themes = await themesOf(sample);
    const login = themes.find((t) => /^(login|log in)$/i.test(t.phrase));
    assert.ok(login);
    const expected = sample.filter((s) => /log ?in/i.test(s.text)).length;
    assert.equal(login.count, expected, '"log in" and "login" are one theme');
    const dark = themes.find((t) => t.phrase.toLowerCase() === 'dark mode')!;
    assert.equal(dark.count, sample.filter((s) => /dark mode/i.test(s.text)).length, '"dark modes" and "the dark mode" are "dark mode"');
    assert.equal(themes.filter((t) => /dark/i.test(t.phrase)).length, 1);
  });

  it('a topic spread over many small variants ("shipping to Paris", "shipping to Oslo", ...) stays one theme', async () => {
    const cities = ['Paris', 'Oslo', 'Berlin', 'Madrid', 'Rome', 'Vienna', 'Prague', 'Lisbon', 'Dublin', 'Warsaw', 'Athens', 'Zurich'];
    const shipping: Topic = {
      label: 'negative',
      n: 60,
      texts: cities.flatMap((c) => [`Shipping to ${c} took three weeks`, `The shipping to ${c} was slow and expensive`, `I waited a month for shipping to ${c}`]),
    };
    const sample = corpus([shipping, EN_TOPICS[2]], EN_CHATTER, 21);
    const themes = await themesOf(sample);
    const names = themes.map((t) => t.phrase.toLowerCase());
    const theme = themes.find((t) => t.phrase.toLowerCase() === 'shipping');
    assert.ok(theme, names.join(' | '));
    assert.equal(theme.count, sample.filter((s) => /shipping/i.test(s.text)).length);
    // The per-city phrases are facets of it (a neutral majority in a city is no opposite view of shipping).
    assert.ok(!names.some((n) => n.startsWith('shipping to')), names.join(' | '));
    // A head word mostly covered by one or two phrases still gives way to them ("dark mode", not "mode").
    assert.ok(names.includes('dark mode') && !names.includes('mode') && !names.includes('dark'), names.join(' | '));
  });

  it('distinct problems of one thing ("screen flicker", "screen crack", ...) stay themes of their own', async () => {
    const problems = ['screen flicker', 'screen crack', 'screen freeze', 'screen glare', 'screen burn', 'screen lag'];
    const topics: Topic[] = problems.map((p) => ({ label: 'negative', n: 14, texts: [`The ${p} is back since the update`, `I get ${p} all the time`, `${p} again, please fix`] }));
    const themes = await themesOf(corpus(topics, EN_CHATTER, 5));
    const names = themes.map((t) => t.phrase.toLowerCase());
    for (const p of problems) assert.ok(names.includes(p), `${p} missing from ${names.join(' | ')}`);
    assert.ok(!names.includes('screen'), names.join(' | '));
  });

  it('a complaint is never hidden as a facet of a mostly neutral theme ("checkout crashes" under "checkout")', async () => {
    const neutral: Topic = { label: 'neutral', n: 120, texts: ['I used the checkout on Monday', 'The checkout asks for my address', 'Went through checkout with a gift card'] };
    const crash: Topic = { label: 'negative', n: 40, texts: ['The checkout crashes when I pay', 'checkout crashes again', 'Every time the checkout crashes on my phone'] };
    // labels exactly as given (the corpus helper mixes in 15% random ones)
    const sample = corpus([neutral, crash], EN_CHATTER, 4).map((s) => ({ ...s, label: /crash/.test(s.text) ? 'negative' as const : /checkout/.test(s.text) ? 'neutral' as const : s.label }));
    const themes = await themesOf(sample);
    const names = themes.map((t) => t.phrase.toLowerCase());
    assert.ok(names.includes('checkout crashes') || names.includes('checkout crash'), names.join(' | '));
  });

  it('ranking: the topic explaining the most negative items comes first, even when a positive one is bigger', async () => {
    const sample = corpus(EN_TOPICS, EN_CHATTER, 3);
    const themes = await themesOf(sample);
    const negatives = (re: RegExp) => sample.filter((s) => re.test(s.text) && s.label === 'negative').length;
    const expectedTop = [/battery drain/i, /log ?in/i, /customer support/i, /export to csv/i, /dark mode/i].map((re) => ({ re, neg: negatives(re) })).sort((a, b) => b.neg - a.neg)[0];
    assert.ok(expectedTop.re.test(themes[0].phrase), `${themes[0].phrase} first, expected ${expectedTop.re}`);
    assert.equal(themes[0].counts.negative, expectedTop.neg);
    const dark = themes.findIndex((t) => /dark mode/i.test(t.phrase));
    const darkTheme = themes[dark];
    assert.ok(darkTheme.count > themes[0].count, 'the positive topic is the largest');
    assert.ok(themes.slice(0, dark).every((t) => t.counts.negative >= darkTheme.counts.negative));
    const mix = darkTheme.counts.negative + darkTheme.counts.neutral + darkTheme.counts.positive;
    assert.equal(mix, darkTheme.count);
    assert.ok(Math.abs(darkTheme.negativeShare - darkTheme.counts.negative / darkTheme.count) < 1e-12);
  });

  it('Chinese: words found without spaces; fragments, sentiment and function words are no themes', async () => {
    const sample = corpus(ZH_TOPICS, ZH_CHATTER, 5);
    const themes = await themesOf(sample);
    const names = themes.map((t) => t.phrase);
    // (物流 and 配送 are found each, and are one theme: shipping and delivery)
    for (const want of ['客服', '物流 / 配送', '闪退', '深色模式']) assert.ok(names.includes(want), `${want} missing from ${names.join(' | ')}`);
    const bad = ['好', '差', '很好', '太差', '满意', '不错', '一般', '还行', '好评', '差评', '五星', '觉得', '感觉', '第一次', '深色', '色模式', '模式', '态度很'];
    for (const n of names) {
      assert.ok(!bad.includes(n), `"${n}" is no topic`);
      assert.ok(!/[的了吧很太\d]/.test(n), `"${n}" holds a function character or a number`);
    }
    assertRankedByNegatives(themes);
    // shipping and delivery together are complained about more than 客服
    assert.equal(themes[0].phrase, '物流 / 配送');
    assert.ok(themes[0].counts.negative > themes.find((t) => t.phrase === '客服')!.counts.negative);
    assertQuotesReal(sample, themes);
  });

  it('mixed English and Chinese corpus keeps the topics of both', async () => {
    const sample = corpus([...EN_TOPICS, ...ZH_TOPICS], { n: 200, texts: [...EN_CHATTER.texts, ...ZH_CHATTER.texts] }, 9);
    const themes = await themesOf(sample, 20);
    // a theme named in both languages ("客服 / customer support") counts for each name
    const names = themes.flatMap((t) => t.phrase.toLowerCase().split(' / '));
    for (const want of ['battery drain', 'customer support', '客服', '物流', '配送']) assert.ok(names.includes(want), `${want} missing from ${names.join(' | ')}`);
    assert.ok(themes.some((t) => ['客服 / customer support', 'customer support / 客服'].includes(t.phrase.toLowerCase())), 'customer support and 客服 are one theme');
  });

  it('a theme of several Chinese table words keeps its English name, and a spelling (登陆) is not named beside its word', async () => {
    const mk = (texts: string[]): ThemeSampleItem[] => texts.map((text, i) => ({ text, source: 'f.txt', line: i + 1, label: 'negative', score: 0.9 }));
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `${['很好', '非常满意', 'great app', 'love it'][i % 4]}${i}`);
    // 深色模式, 夜间模式, 暗黑模式 and "dark mode" are one theme: three Chinese names must not push the English one out
    const dark: string[] = [];
    for (let i = 0; i < 4; i++) dark.push(`深色模式太丑了${i}`, `夜间模式不好用${i}`, `暗黑模式有问题${i}`, `dark mode is bad ${i}`);
    dark.push('深色模式很差', '深色模式难看');
    const d = (await themesOf(mk([...dark, ...filler(36)]))).find((t) => t.key === '深色模式');
    assert.ok(d, 'no dark-mode theme');
    assert.equal(d.count, 18);
    assert.equal(d.phrase, '深色模式 / 夜间模式 / dark mode');
    // clicking it in the Report view finds its English items too (and those of the two Chinese words named)
    const found = mk(dark).filter((m) => matchesSearch({ text: m.text, source: '' }, d.phrase)).map((m) => m.text);
    assert.equal(found.filter((t) => t.startsWith('dark mode')).length, 4, found.join(' | '));
    assert.equal(found.length, 14, found.join(' | '));
    // 登陆 (more frequent here) and 登录 are one word: named once
    const login: string[] = [];
    for (let i = 0; i < 5; i++) login.push(`登陆不了${i}`, `无法登陆${i}`, `登录失败${i}`, `login fails ${i}`, `the login is slow ${i}`);
    const l = (await themesOf(mk([...login, ...filler(50)]))).find((t) => t.key === 'login');
    assert.equal(l?.phrase, 'login / 登陆');
    // aspects are named so too
    const stat = (n: number, surface: string) => ({ counts: { negative: n, neutral: 0, positive: 0 }, surfaces: new Map([[surface, n]]) });
    const aspects = computeAspects(new Map([['深色模式', stat(6, '深色模式')], ['夜间模式', stat(4, '夜间模式')], ['暗黑模式', stat(4, '暗黑模式')], ['dark mode', stat(4, 'dark mode')]]));
    assert.deepEqual(aspects.map((a) => a.aspect), ['深色模式 / 夜间模式 / dark mode']);
    const loginAspects = computeAspects(new Map([['login', stat(9, 'login')], ['登陆', stat(6, '登陆')], ['登录', stat(3, '登录')]]));
    assert.deepEqual(loginAspects.map((a) => a.aspect), ['login / 登陆']);
    const named = () => true;
    assert.deepEqual(mergedNames(['深色模式', '夜间模式', '暗黑模式', 'dark mode'], named), ['深色模式', '夜间模式', 'dark mode']);
    assert.deepEqual(mergedNames(['login', '登陆', '登录'], named), ['login', '登陆']);
    assert.deepEqual(mergedNames(['登陆', '登录'], named), ['登陆']);
    assert.deepEqual(mergedNames(['shipping', '物流', '快递'], named), ['shipping', '物流', '快递']);
    assert.deepEqual(mergedNames(['物流', '快递'], named), ['物流', '快递']);
    assert.deepEqual(mergedNames(['物流', 'shipping', '快递'], (k) => k !== 'shipping'), ['物流', '快递']);
  });

  it('a tiny or topic-free corpus yields no generic themes', async () => {
    assert.deepEqual(await themesOf([]), []);
    const chatter = corpus([], EN_CHATTER, 1);
    const themes = await themesOf(chatter);
    assert.deepEqual(themes.map((t) => t.phrase), [], 'chatter has no topics');
  });

  it('extractTerms: noun phrases in, stopwords, sentiment words and numbers out', () => {
    const keys = extractTerms('The batteries die fast and the customer support is great, 3 times in 2 days').map((t) => t.key);
    assert.ok(keys.includes('battery'));
    assert.ok(keys.includes('customer support'));
    for (const k of ['the', 'great', 'fast', '3', '2', 'time', 'day']) assert.ok(!keys.includes(k), k);
    assert.ok(extractTerms('Export to CSV fails').some((t) => t.key === 'export to csv' && t.surface === 'export to CSV'));
    assert.ok(extractTerms('I cannot log in since Monday').some((t) => t.key === 'log in'));
    const zh = extractTerms('物流很快，质量很差，客服态度一般').map((t) => t.key);
    for (const k of ['物流', '质量', '客服', '态度']) assert.ok(zh.includes(k), k);
    for (const k of ['很快', '很差', '一般', '快', '差']) assert.ok(!zh.includes(k), k);
    // a sentiment word cuts the segment: no "价格便" (the head of 便宜), "做工粗" or "续航一"
    const cut = extractTerms('价格便宜，但是做工粗糙，续航一般').map((t) => t.key);
    for (const k of ['价格', '做工', '续航']) assert.ok(cut.includes(k), k);
    for (const k of ['价格便', '做工粗', '续航一', '格便', '工粗']) assert.ok(!cut.includes(k), `${k} in ${cut.join(' ')}`);
    // a sentiment word opening with a function character cuts whole (非常快: no "常快"), and an n-gram that is no word
    // does not cut a known word apart (送餐 / 速度: no "餐速", "送餐速"); known words inside longer ones stay (百度外卖)
    const whole = extractTerms('送餐速度非常快，用百度外卖点了宇宙卷饼').map((t) => t.key);
    for (const k of ['送餐', '速度', '送餐速度', '外卖', '卷饼']) assert.ok(whole.includes(k), `${k} missing from ${whole.join(' ')}`);
    for (const k of ['常快', '餐速', '送餐速', '餐速度']) assert.ok(!whole.includes(k), `${k} in ${whole.join(' ')}`);
    const oneOf = extractTerms('最差餐厅，没有之一，只剩四分之一').map((t) => t.key);
    assert.ok(oneOf.includes('餐厅') && !oneOf.some((k) => /之一|分之/.test(k)), oneOf.join(' '));
    // a sentiment word with a noun suffix is a topic
    const nouns = extractTerms('稳定性太差，画面流畅度不错，识别准确率低').map((t) => t.key);
    for (const k of ['稳定性', '流畅度', '准确率']) assert.ok(nouns.includes(k), `${k} missing from ${nouns.join(' ')}`);
    // the words a persona "talks about": topics only
    for (const w of ['great', 'never', 'customer', 'without', 'really', 'worked', '满意', '问题']) assert.equal(isTopicWord(w), false, w);
    for (const w of ['sync', 'battery', 'onboarding', '笔记', '物流']) assert.equal(isTopicWord(w), true, w);
  });

  it('a 20,000-item sample (what 100,000 items are sampled to) takes ~a second and yields often', async function () {
    this.timeout(60_000);
    const topics = [...EN_TOPICS, ...ZH_TOPICS].map((t) => ({ ...t, n: t.n * 40 }));
    const sample = corpus(topics, { n: 20_000 - topics.reduce((a, t) => a + t.n, 0), texts: [...EN_CHATTER.texts, ...ZH_CHATTER.texts] }, 13);
    // Vary the texts so the term maps are realistic (ids and numbers of all kinds).
    sample.forEach((s, i) => (s.text = `${s.text} #${i % 997} ref ${String.fromCharCode(97 + (i % 26))}${i % 89}x`));
    assert.equal(sample.length, 20_000);
    let maxSlice = 0;
    let yields = 0;
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      if (now - last < 4) return undefined;
      maxSlice = Math.max(maxSlice, now - last);
      yields++;
      return new Promise<void>((res) =>
        setImmediate(() => {
          last = performance.now();
          res();
        }),
      );
    };
    const t0 = performance.now();
    const terms = await sampleTerms(sample, tick);
    const themes = await computeThemes(sample, 100_000, 15, tick, terms);
    const ms = performance.now() - t0;
    assert.ok(themes.some((t) => t.phrase.split(' / ').includes('客服')) && themes.some((t) => t.phrase.toLowerCase() === 'battery drain'), themes.map((t) => t.phrase).join(' | '));
    assert.ok(ms < 5000, `themes took ${ms.toFixed(0)} ms`);
    assert.ok(yields > 10, 'the work is sliced');
    assert.ok(maxSlice < 100, `longest synchronous slice ${maxSlice.toFixed(1)} ms`);
  });
  it('a review naming several themes is quoted by one of them when others read as well; a long Chinese one gives way', async () => {
    const item = (text: string, line: number, label: SentimentLabel, score = 0.9): ThemeSampleItem => ({ text, source: 'r.csv', line, label, score });
    // the long review is the surest about every topic it names: before, it was the first quote of all three themes
    const sample: ThemeSampleItem[] = [item('系统装不上，驱动也找不到，散热太差，风扇一直响', 1, 'negative', 0.99)];
    const per = { 系统: ['系统经常蓝屏', '系统太慢了', '系统装了好几次'], 驱动: ['驱动有问题', '驱动很难装', '驱动老是出错'], 散热: ['散热很差，烫手', '散热不行，很烫', '散热太差'] };
    for (const texts of Object.values(per)) for (const t of texts) for (let k = 0; k < 4; k++) sample.push(item(t, sample.length + 1, 'negative'));
    for (let k = 0; k < 30; k++) sample.push(item('外观漂亮，很喜欢', sample.length + 1, 'positive'));
    const themes = await themesOf(sample);
    const named = themes.filter((t) => ['系统', '驱动', '散热'].includes(t.phrase));
    assert.equal(named.length, 3, themes.map((t) => t.phrase).join(' | '));
    const quotingIt = named.filter((t) => t.quotes.some((q) => q.line === 1));
    assert.equal(quotingIt.length, 1, named.map((t) => `${t.phrase}: ${t.quotes.map((q) => q.line)}`).join('; '));
    // Han characters count double toward "too long" as toward "long enough": a 160-character spec sheet is no quote
    // while a readable review of the same sentiment is there, however sure the model is of the long one
    const long = item('支持'.repeat(80), 1, 'positive', 0.99), short = item('铃声很好听，支持MP3', 2, 'positive', 0.8);
    assert.equal(pickQuotes([long, short], { negative: 0, neutral: 0, positive: 2 })[0].text, short.text);
  });
});

describe('analysis: a word\'s inflections are one theme', () => {
  const item = (text: string, line: number, label: SentimentLabel, score = 0.9): ThemeSampleItem => ({ text, source: 'r.csv', line, label, score });
  it('inflectionKey: plurals, -ing, -ed with a doubled consonant or a silent e, irregular forms; words of their own apart', () => {
    const same = [
      ['sync', 'syncs', 'synced', 'syncing'],
      ['export', 'exports', 'exported', 'exporting'],
      ['stop', 'stopped', 'stopping'],
      ['share', 'shared', 'sharing'],
      ['update', 'updated', 'updating', 'updates'],
      ['note', 'notes', 'noted'],
      ['freeze', 'freezing', 'froze', 'frozen'],
      ['lose', 'lost', 'losing'],
      ['copy', 'copied', 'copies'],
      ['add', 'added', 'adding'],
      ['man', 'men'],
    ];
    for (const g of same) assert.equal(new Set(g.map(inflectionKey)).size, 1, g.map((w) => `${w}→${inflectionKey(w)}`).join(' '));
    const apart = [['news', 'new'], ['glasses', 'glass'], ['data', 'date'], ['setting', 'set'], ['shipping', 'ship'], ['note', 'not'], ['rate', 'rat'],
      ['mode', 'mod'], ['hoping', 'hopping'], ['interested', 'interest'], ['booking', 'book'], ['ending', 'end'], ['thing', 'th'], ['speed', 'sp'], ['viewer', 'view']];
    for (const [a, b] of apart) assert.notEqual(inflectionKey(a), inflectionKey(b), `${a} / ${b}`);
  });

  it('a silent e that tells two words apart is kept: "humane" is no "human", "suite" no "suit", "clothes" no "cloth"', () => {
    const apart = [['humane', 'human'], ['suite', 'suit'], ['suites', 'suit'], ['clothes', 'cloth'], ['severe', 'sever'], ['finale', 'final'],
      ['morale', 'moral'], ['locale', 'local'], ['paste', 'past'], ['issued', 'issues'], ['issued', 'issue']];
    for (const [a, b] of apart) assert.notEqual(inflectionKey(a), inflectionKey(b), `${a} / ${b}`);
    // the other long words still meet their forms
    for (const g of [['update', 'updated', 'updating'], ['humane', 'humanes'], ['suite', 'suites'], ['purchase', 'purchased']]) {
      assert.equal(new Set(g.map(inflectionKey)).size, 1, g.map((w) => `${w}→${inflectionKey(w)}`).join(' '));
    }
  });

  it('a complaint verb\'s forms are its theme however they are used: "crashed twice", "is crashing", "it will crash" with "the crash"', async () => {
    const filler = ['The onboarding was quick.', 'I like the colors of the editor.', 'Search finds old notes.', 'The widget looks nice.'];
    const run = async (uses: string[]) => {
      const rows: ThemeSampleItem[] = [];
      let line = 1;
      for (let k = 0; k < 12; k++) rows.push(item(`${uses[k % uses.length]} (${k})`, line++, 'negative'), item(`Another crash after the update (${k})`, line++, 'negative'));
      for (let k = 0; k < 10; k++) for (const text of filler) rows.push(item(`${text} ${k}`, line++, 'neutral'));
      return computeThemes(rows, rows.length, 15);
    };
    // a participle that is most of the mentions but is what the app does, not a story ("purchased this laptop")
    for (const uses of [['It crashed twice today'], ['It is crashing all the time'], ['It will crash when I open a note', 'The app keeps crashing', 'The app keeps crashing']]) {
      const themes = await run(uses);
      const crash = themes.find((t) => /^crash/.test(t.phrase));
      assert.equal(crash?.count, 24, `${uses[0]}: ${JSON.stringify(themes.map((t) => [t.phrase, t.count]))}`);
      assert.equal(crash.phrase, 'crash');
    }
  });

  it('counts a participle\'s uses: without an object it is what the thing does, with one (or after "I") a story', () => {
    const uses = new Map<string, WordUse>();
    for (const t of ['It crashed twice today', 'My notes never synced to the tablet', 'I was charged twice', 'I purchased this laptop', 'We ordered the pasta', 'Shared notebooks are great', 'I ordered online']) extractTerms(t, uses);
    for (const k of ['crashed', 'synced', 'charged']) assert.deepEqual([uses.get(k)?.bare, uses.get(k)?.object], [1, undefined], k);
    for (const k of ['purchased', 'shared']) assert.deepEqual([uses.get(k)?.bare, uses.get(k)?.object], [undefined, 1], k);
    assert.deepEqual([uses.get('ordered')?.bare, uses.get('ordered')?.object], [undefined, 2]);
  });

  it('a participle with its doer or its complement is no behaviour: "directed by", "filled with", "caused by" stay apart', async () => {
    // Amazon DVD reviews: "directed by" made a "direct" theme of 82 items, "filled with" a "fill" theme
    const uses = new Map<string, WordUse>();
    for (const t of ['It was directed by Ridley Scott', 'A film filled with clichés', 'Loaded with bloatware', 'Portrayed as a hero', 'The crash was caused by the update']) extractTerms(t, uses);
    for (const k of ['directed', 'filled', 'loaded', 'portrayed', 'caused']) assert.deepEqual([uses.get(k)?.bare, uses.get(k)?.object], [undefined, 1], k);
    // an amount after "about" is no complement: the app's behaviour still
    extractTerms('It crashed about 5 times today', uses);
    assert.equal(uses.get('crashed')?.bare, 1);
    const rows: ThemeSampleItem[] = [];
    let line = 1;
    for (let k = 0; k < 12; k++) rows.push(item(`Directed by ${['Ridley Scott', 'Ang Lee', 'Sofia Coppola'][k % 3]}, it drags (${k})`, line++, 'negative'));
    for (let k = 0; k < 5; k++) rows.push(item(`A direct sequel to the first film (${k})`, line++, 'negative'));
    for (let k = 0; k < 10; k++) for (const text of ['The acting is wooden.', 'Great soundtrack.', 'The plot drags.', 'Nice extras on the disc.']) rows.push(item(`${text} ${k}`, line++, 'neutral'));
    const direct = (await computeThemes(rows, rows.length, 15)).find((t) => /^direct/.test(t.phrase));
    assert.equal(direct?.count, 5, JSON.stringify(direct));
  });

  it('a participle before an infinitive, graded as an adjective or used as a preposition is no behaviour; "synced to the tablet" is', async () => {
    // Amazon DVD reviews: "forced to watch", "excited to see", "compared to the book", "involved in this film"
    const uses = new Map<string, WordUse>();
    for (const t of ['I was forced to watch it twice', 'Refused to pay me back', 'We were excited to see this', 'Poor compared to the book', 'Compared with his first film']) extractTerms(t, uses);
    for (const k of ['forced', 'refused', 'excited', 'compared']) assert.equal(uses.get(k)?.bare, undefined, k);
    // "to" before a noun phrase is movement, still the thing's behaviour
    for (const t of ['My notes never synced to the tablet', 'It synced to Dropbox overnight', 'Then it synced to other devices']) extractTerms(t, uses);
    assert.deepEqual([uses.get('synced')?.bare, uses.get('synced')?.object], [3, undefined]);
    extractTerms('I am very concerned', uses);
    extractTerms('The plot is too involved', uses);
    assert.deepEqual([uses.get('concerned')?.graded, uses.get('involved')?.graded], [1, 1]);

    const rows: ThemeSampleItem[] = [];
    let line = 1;
    for (let k = 0; k < 8; k++) rows.push(item(`Nobody involved in this film should be proud (${k})`, line++, 'negative'));
    for (let k = 0; k < 6; k++) rows.push(item(`I was concerned the whole time (${k})`, line++, 'negative'));
    for (let k = 0; k < 6; k++) rows.push(item(`I was forced to watch the whole thing (${k})`, line++, 'negative'));
    rows.push(item('It gets very involved.', line++, 'negative'), item('We were so concerned.', line++, 'negative'));
    for (let k = 0; k < 5; k++) rows.push(item(`I worry about my involvement (${k})`, line++, 'neutral'));
    for (let k = 0; k < 5; k++) rows.push(item(`A real concern for the kids (${k})`, line++, 'neutral'));
    for (let k = 0; k < 5; k++) rows.push(item(`Little force in the last act (${k})`, line++, 'neutral'));
    for (let k = 0; k < 10; k++) for (const text of ['The acting is wooden.', 'Great soundtrack.', 'The plot drags.']) rows.push(item(`${text} ${k}`, line++, 'neutral'));
    const themes = await computeThemes(rows, rows.length, 20);
    const show = JSON.stringify(themes.map((t) => [t.phrase, t.count]));
    assert.equal(themes.find((t) => t.phrase === 'concern')?.count, 5, show);
    assert.ok(!themes.some((t) => /^(involv|forc)/.test(t.phrase) && t.count > 5), show);
  });

  it('a name is none of a word\'s inflections ("Manning" is not "man"), and "seat" and "seating" are one theme', async () => {
    const rows: ThemeSampleItem[] = [];
    let line = 1;
    for (let k = 0; k < 6; k++) rows.push(item(`A great game by Peyton Manning and Dakota Fanning (${k})`, line++, 'positive'));
    for (let k = 0; k < 6; k++) rows.push(item(`Every fan of the show will like it (${k})`, line++, 'positive'));
    for (let k = 0; k < 4; k++) rows.push(item(`The seating was cramped (${k})`, line++, 'negative'));
    for (let k = 0; k < 4; k++) rows.push(item(`Our seat was by the door (${k})`, line++, 'negative'));
    for (let k = 0; k < 10; k++) for (const text of ['The acting is wooden.', 'Great soundtrack.', 'The plot drags.']) rows.push(item(`${text} ${k}`, line++, 'neutral'));
    const themes = await computeThemes(rows, rows.length, 20);
    const show = JSON.stringify(themes.map((t) => [t.phrase, t.count]));
    assert.equal(themes.find((t) => t.phrase === 'fan')?.count, 6, show);
    assert.equal(themes.find((t) => t.phrase === 'seat' || t.phrase === 'seating')?.count, 8, show);
    assert.equal(inflectionKey('seating'), inflectionKey('seat'));
    // the word in lower case as often is the inflection again ("fanning the flames")
    const uses = new Map<string, WordUse>();
    for (const t of ['Peyton Manning threw', 'with Peyton Manning', 'and Peyton Manning']) extractTerms(t, uses);
    assert.deepEqual([uses.get('manning')?.capital, uses.get('manning')?.lower], [3, undefined]);
  });

  it('"sync", "syncing", "synced" and 同步 are one theme with every item, and the view finds them by its variants', async () => {
    // from samples/feedback: the word as a noun, a gerund, a participle, in Chinese
    const sync = [
      ['Sync stopped working on my work laptop.', 'negative'], ['Sync lost my notes again.', 'negative'], ['Sync is fast and reliable now.', 'positive'],
      ['Syncing between my phone and laptop is instant.', 'positive'], ['Syncing takes forever on the office wifi.', 'negative'],
      ['My notes never synced to the tablet.', 'negative'], ['同步出错，好几篇笔记都丢失了。', 'negative'],
    ] as const;
    const exp = [['The export to PDF is missing images.', 'negative'], ['Exporting a notebook takes minutes.', 'negative'], ['Exported files open fine in Word.', 'positive'], ['Export to CSV works.', 'positive']] as const;
    const filler = ['The onboarding was quick.', 'I like the colors of the editor.', 'Search finds old notes.', 'The widget looks nice.'];
    const rows: ThemeSampleItem[] = [];
    let line = 1;
    for (let k = 0; k < 3; k++) for (const [text, label] of [...sync, ...exp]) rows.push(item(`${text} (${k})`, line++, label, 0.9));
    for (let k = 0; k < 10; k++) for (const text of filler) rows.push(item(`${text} ${k}`, line++, 'neutral', 0.9));
    const themes = await computeThemes(rows, rows.length, 15);
    const s = themes.find((t) => /^sync/.test(t.phrase))!;
    assert.equal(s.count, 21, JSON.stringify(themes.map((t) => [t.phrase, t.count])));
    assert.match(s.phrase, /^sync \/ 同步$/);
    const e = themes.find((t) => /^export/i.test(t.phrase))!;
    assert.equal(e.count, 12, JSON.stringify(themes.map((t) => [t.phrase, t.count])));
    // no theme of its own for a participle or a gerund of a theme
    assert.ok(!themes.some((t) => /^(synced|syncing|exported|exporting)$/i.test(t.phrase)), JSON.stringify(themes.map((t) => t.phrase)));
    for (const r of rows.filter((x) => /sync|同步/i.test(x.text))) assert.ok(matchesSearch({ text: r.text, source: r.source }, s.phrase, themes.map((t) => ({ term: t.phrase, variants: t.variants }))), r.text);
  });

  it('a verb the feedback narrates with ("I purchased", "they played") keeps its forms apart', async () => {
    const rows: ThemeSampleItem[] = [];
    let line = 1;
    for (let k = 0; k < 6; k++) {
      rows.push(item(`I purchased this laptop for school ${k}`, line++, 'neutral', 0.9), item(`We purchased two of them last year ${k}`, line++, 'neutral', 0.9));
      rows.push(item(`My purchase arrived broken ${k}`, line++, 'negative', 0.9));
      rows.push(item(`I play the movie every night ${k}`, line++, 'positive', 0.9), item(`They play it on repeat ${k}`, line++, 'positive', 0.9), item(`We play it loud ${k}`, line++, 'positive', 0.9));
      rows.push(item(`The playing of the band is wonderful ${k}`, line++, 'positive', 0.9));
    }
    for (let k = 0; k < 20; k++) rows.push(item(`The battery lasts all day ${k}`, line++, 'positive', 0.9));
    const themes = await computeThemes(rows, rows.length, 15);
    const p = themes.find((t) => t.phrase === 'purchase');
    assert.equal(p?.count, 6, JSON.stringify(themes.map((t) => [t.phrase, t.count])));
    assert.ok(!themes.some((t) => t.phrase === 'play' && t.count > 6), JSON.stringify(themes.map((t) => [t.phrase, t.count])));
  });
});
