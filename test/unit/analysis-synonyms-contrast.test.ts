// Near-synonyms of product feedback are one theme ("shipping / delivery"), and idioms with "but" ("nothing but
// problems", "not only fast but also cheap") or 可是 / 非但 are no contrast. Found on public review data: SemEval-2014
// restaurants (atmosphere 52 items, ambience 27, ambiance 21: three themes; waiter 40, waitress 19: two), laptops
// (screen 110, display 18), Chinese shops (快递 / 物流 and 送货 / 配送: two themes), and "I have had nothing but problems"
// cut into "I have had nothing" | "problems since the day I took it out of the box!".
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../src/core/analysis';
import { computeAspects, type AspectStat } from '../../src/core/analysis/analyze';
import { contrastUnits, splitContrast } from '../../src/core/analysis/aspects';
import { extractTerms, mergedNames, themeGroupKey } from '../../src/core/analysis/phrases';
import { computeThemes, type ThemeSampleItem } from '../../src/core/analysis/themes';
import { analysisSandbox } from './analysis.helpers';

const box = analysisSandbox('pf-synonyms-');

const sampleOf = (rows: [string, ThemeSampleItem['label']][]): ThemeSampleItem[] =>
  rows.map(([text, label], i) => ({ text, source: 'reviews.csv', line: i + 2, label, score: 0.9 }));

/** Reviews that name none of the topics under test. */
const filler = (n: number): [string, ThemeSampleItem['label']][] =>
  Array.from({ length: n }, (_, i) => [[`Great pasta, will come back ${i}`, `The dessert menu is short ${i}`, `Parking was easy ${i}`, `Lovely terrace in summer ${i}`][i % 4], i % 2 ? 'negative' : 'positive']);

describe('analysis: near-synonyms are one theme, and "but" idioms no contrast', () => {
  it('shipping and delivery, ambience and atmosphere, waiter and waitress are one theme each, named by both words', async () => {
    const rows: [string, ThemeSampleItem['label']][] = [];
    for (let i = 0; i < 4; i++) {
      rows.push([`Shipping took three weeks ${i}`, 'negative'], [`The delivery was late again ${i}`, 'negative'], [`Delivery driver left it in the rain ${i}`, 'negative']);
      rows.push([`The atmosphere is cozy ${i}`, 'positive'], [`Our waitress forgot the drinks ${i}`, 'negative']);
    }
    for (let i = 0; i < 3; i++) rows.push([`Lovely ambience and candles ${i}`, 'positive'], [`The ambiance is romantic ${i}`, 'positive'], [`The waiter was rude to us ${i}`, 'negative']);
    const themes = await computeThemes(sampleOf([...rows, ...filler(40)]), 69, 15);
    const byName = new Map(themes.map((t) => [t.phrase, t]));
    // named by its most frequent word first
    const shipping = byName.get('delivery / shipping');
    assert.ok(shipping, JSON.stringify(themes.map((t) => t.phrase)));
    assert.equal(shipping.count, 12);
    assert.deepEqual(shipping.counts, { negative: 12, neutral: 0, positive: 0 });
    // "ambiance" is a spelling of "ambience": merged, named once
    assert.equal(byName.get('atmosphere / ambience')?.count, 10, JSON.stringify(themes.map((t) => t.phrase)));
    assert.equal(byName.get('waitress / waiter')?.count, 7);
    for (const alone of ['shipping', 'delivery', 'atmosphere', 'ambience', 'ambiance', 'waiter', 'waitress']) assert.ok(!byName.has(alone), `${alone} is a theme of its own`);
  });

  it('words of different meaning stay apart: price and value, crash and freeze, service and support', async () => {
    const rows: [string, ThemeSampleItem['label']][] = [];
    for (let i = 0; i < 4; i++) {
      rows.push([`The price went up again ${i}`, 'negative'], [[`Good value overall ${i}`, `Great value, big portions ${i}`, `The value is unbeatable ${i}`, `Value is excellent ${i}`][i], 'positive']);
      rows.push([`The app crashes on startup ${i}`, 'negative'], [`The app freezes when I paste an image ${i}`, 'negative']);
      rows.push([`The service was slow tonight ${i}`, 'negative'], [`Support never answered my email ${i}`, 'negative']);
    }
    const themes = await computeThemes(sampleOf([...rows, ...filler(40)]), 64, 15);
    const names = themes.map((t) => t.phrase);
    for (const [a, b] of [[/price/, /value/], [/crash/, /freez/], [/service/, /support/]]) {
      assert.ok(names.some((n) => a.test(n) && !b.test(n)) && names.some((n) => b.test(n) && !a.test(n)), `${a} and ${b} in ${names.join(' | ')}`);
    }
    for (const a of ['price', 'crash', 'service']) for (const b of ['value', 'freeze', 'support']) assert.notEqual(themeGroupKey(a), themeGroupKey(b));
  });

  it('the English words and the Chinese ones of a topic are one group: shipping, delivery, 物流, 快递, 送货, 配送', () => {
    const g = themeGroupKey('shipping');
    for (const k of ['delivery', 'shipment', '物流', '快递', '送货', '配送', '送餐']) assert.equal(themeGroupKey(k), g, k);
    assert.equal(themeGroupKey('operating system'), themeGroupKey('os'));
    assert.equal(themeGroupKey('sign in'), themeGroupKey('log in'));
    assert.equal(themeGroupKey('customer service'), themeGroupKey('客服'));
    // names: the same language's synonym first, then the other language's name, three at most; spellings never
    const named = () => true;
    assert.deepEqual(mergedNames(['shipping', 'delivery', '物流', '快递'], named), ['shipping', 'delivery', '物流']);
    assert.deepEqual(mergedNames(['物流', '快递', 'delivery'], named), ['物流', '快递', 'delivery']);
    assert.deepEqual(mergedNames(['delivery', 'shipping', 'shipment'], named), ['delivery', 'shipping', 'shipment']);
    assert.deepEqual(mergedNames(['color', 'colour'], named), ['color']);
    assert.deepEqual(mergedNames(['ambiance', 'ambience', 'atmosphere'], named), ['ambiance', 'atmosphere']);
    assert.deepEqual(mergedNames(['login', 'sign in', 'log in'], named), ['login']);
    // a synonym mentioned once is merged, not named
    assert.deepEqual(mergedNames(['screen', 'display'], (k) => k !== 'display'), ['screen']);
  });

  it('an idiom is no mention: "avoid at all costs" names no price, "on display" no screen', async () => {
    const keys = (t: string) => extractTerms(t).map((x) => x.key);
    assert.ok(!keys('Overpriced and rude staff, avoid at all costs.').includes('cost'));
    assert.ok(!keys('A great choice at any cost.').includes('cost'));
    assert.ok(keys('The cost of a refill is absurd').includes('cost'));
    assert.ok(!keys('The new models were on display at the store').includes('display'));
    assert.ok(keys('The display is dim outdoors').includes('display'));
    // "display" as a verb names no screen: photos that do not show are no screen theme
    assert.ok(!keys("The app doesn't display my photos").includes('display'));
    assert.ok(!keys('Notes won’t display after the update').includes('display'));
    assert.ok(!keys('It fails to display the chart').includes('display'));
    assert.ok(!keys('The film displays the talent of its cast').includes('display'));
    // "cost" as a verb states a price when what it costs is money, and is a loss, no price, otherwise
    for (const t of ['It cost me $20 to ship it back', 'They cost more, but they are worth it', 'Laptops that cost twice as much', 'It costs nothing', 'For the cost this is a winner']) {
      assert.ok(keys(t).includes('cost'), t);
    }
    // ...also the price of doing something and a coin of no value (Amazon reviews: "worth the $5 bucks it would cost to buy
    // it", "not because it cost you a dime"), where an amount of time is a loss however it is counted
    for (const t of ['Worth the $5 bucks it would cost to buy it', 'What it costs to repair a hinge is absurd', 'It didn’t cost me a dime']) {
      assert.ok(keys(t).includes('cost'), `${t}: ${keys(t).join(', ')}`);
    }
    for (const t of ['This bug cost us a whole afternoon', 'The crash cost me my notes', 'It ended up costing me my job',
      'The update cost me 2 hours of work', 'This bug cost us half a day', 'Syncing cost me a lot of time']) {
      assert.ok(!keys(t).some((k) => /^cost/.test(k)), `${t}: ${keys(t).join(', ')}`);
    }
    const verbs: [string, ThemeSampleItem['label']][] = [];
    for (let i = 0; i < 6; i++) verbs.push([`The app does not display my photos ${i}`, 'negative'], [`Notes won't display after the update ${i}`, 'negative']);
    for (let i = 0; i < 4; i++) verbs.push([`The screen is too bright at night ${i}`, 'negative']);
    const screens = await computeThemes(sampleOf([...verbs, ...filler(40)]), 56, 15);
    assert.ok(!screens.some((t) => /display/.test(t.phrase)), JSON.stringify(screens.map((t) => t.phrase)));
    assert.equal(screens.find((t) => t.phrase === 'screen')?.count, 4, JSON.stringify(screens.map((t) => [t.phrase, t.count])));
    const rows: [string, ThemeSampleItem['label']][] = [];
    for (let i = 0; i < 3; i++) rows.push([`Fair prices for the portions ${i}`, 'positive'], [`The cost of a bottle of wine is fair ${i}`, 'positive'], [`Dirty tables, avoid at all costs ${i}`, 'negative']);
    for (let i = 0; i < 2; i++) rows.push([`Prices went up last month ${i}`, 'negative']);
    const themes = await computeThemes(sampleOf([...rows, ...filler(40)]), 51, 15);
    const price = themes.find((t) => t.phrase === 'prices / cost');
    assert.ok(price, JSON.stringify(themes.map((t) => t.phrase)));
    // the two price rises, and none of the tables to avoid at all costs
    assert.deepEqual(price.counts, { negative: 2, neutral: 0, positive: 6 });
  });

  it('aspects merge the synonyms, and a clause naming two of them counts once', async () => {
    const lines = [
      'The food is great but shipping was slow.',
      'Fast shipping and fast delivery, but the box was bad.',
      'The strap is great but the delivery was terrible.',
      'The case is perfect but the delivery took a month and it was bad.',
      'Great screen but the display is dim at noon and bad in sunlight.',
      'The price is good but the screen is bad.',
    ];
    const r = await box.analyze([box.write('mixed.txt', lines.join('\n'))]);
    const shipping = r.aspects.findings.find((f) => /shipping|delivery/.test(f.aspect));
    assert.ok(shipping, JSON.stringify(r.aspects.findings.map((f) => f.aspect)));
    assert.equal(shipping.aspect, 'shipping / delivery');
    // four clauses: the second review's "Fast shipping and fast delivery" once
    assert.equal(shipping.mentions, 4);
    assert.deepEqual([shipping.counts.positive, shipping.counts.negative], [1, 3]);
    assert.match(renderMarkdown(r), /\| shipping \/ delivery \| 4 \| 1 \| 3 \|/);
    // computeAspects names a merged group as themes are
    const stat = (n: number, surface: string): AspectStat => ({ counts: { negative: n, neutral: 0, positive: 0 }, surfaces: new Map([[surface, n]]) });
    assert.deepEqual(computeAspects(new Map([['screen', stat(5, 'screen')], ['display', stat(3, 'display')]])).map((a) => [a.aspect, a.mentions]), [['screen / display', 8]]);
  });

  it('"but" in an idiom contrasts nothing: nothing but, anything but, all but, can\'t help but, no choice but, not only … but', () => {
    for (const text of [
      'I have had nothing but problems since the day I took it out of the box!',
      'The staff was anything but friendly.',
      'This hardboiled gem has been all but forgotten.',
      "I can't help but be drawn into the story every time.",
      'I had no choice but to return it after a week.',
      'Not only was the food outstanding, but the little perks were great.',
      'He not only makes his own mozzarella, but every pie is ultra fresh.',
      'The laptop is not only fast but also cheap.',
      'Last, but not least, the battery lasts all day.',
      'I felt as though I were eating in Paris.',
    ]) assert.deepEqual(splitContrast(text), [], text);
    // the contrasts stay: "at all but", a "but also" without "not only", a second "but" after "not only … but"
    assert.deepEqual(splitContrast("It's not a bad story at all but it's just way too long."), ["It's not a bad story at all", "it's just way too long."]);
    assert.deepEqual(splitContrast('I found the book informative while reading it, but also a bit confusing and dry.'), ['I found the book informative while reading it', 'also a bit confusing and dry.']);
    assert.deepEqual(splitContrast('Not only is it fast, but it is cheap too, but the battery is weak.'), ['Not only is it fast, but it is cheap too', 'the battery is weak.']);
    assert.deepEqual(splitContrast('I have nothing, but the store gave me a refund.'), ['I have nothing', 'the store gave me a refund.']);
    assert.deepEqual(contrastUnits('The screen is sharp. I have had nothing but praise for the keyboard.'), []);
  });

  it('an idiom word that ends a clause, followed by a clause, is a plain "but": "I tried everything but it still crashes"', () => {
    // "everything", "all", "no other choice" end the clause before "but"; a subject and its verb follow
    assert.deepEqual(splitContrast('I tried everything but it still crashes every day.'), ['I tried everything', 'it still crashes every day.']);
    assert.deepEqual(splitContrast('I love it all but the price is too high.'), ['I love it all', 'the price is too high.']);
    assert.deepEqual(splitContrast('I had no other choice but it worked out fine.'), ['I had no other choice', 'it worked out fine.']);
    // the idiom opening its sentence is "except", and a noun or a participle after "but" is no clause
    for (const text of ['Everyone but the waiter was friendly.', 'Everything but the ending is great.', 'We had nothing but trouble with it.', 'It does everything but make coffee.']) {
      assert.deepEqual(splitContrast(text), [], text);
    }
  });

  it('Chinese: 不但 / 非但 … 而且 and 不仅 … 还 are no contrast, nor 可是 after its subject ("这可是新机")', () => {
    for (const text of ['不但价格便宜，而且质量很好', '菜品非但不好吃，而且很贵', '不仅送货快，还帮忙安装', '等了一个半小时，这可是刚出锅的米粉啊', '这款手机我可是用了三年了，一直很满意']) {
      assert.deepEqual(splitContrast(text), [], text);
    }
    assert.deepEqual(splitContrast('价格便宜，可是质量很差'), ['价格便宜', '质量很差']);
    assert.deepEqual(splitContrast('外观不错，但是电池不耐用'), ['外观不错', '电池不耐用']);
    // a pronoun after a verb is its object, not the subject of 可是: "I like it, but the battery is poor"
    assert.deepEqual(splitContrast('我很喜欢它可是电池太差了'), ['我很喜欢它', '电池太差了']);
    assert.deepEqual(splitContrast('外观我很喜欢，送给他可是他不喜欢'), ['外观我很喜欢，送给他', '他不喜欢']);
  });
});
