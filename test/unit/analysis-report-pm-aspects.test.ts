// A product manager's read of reports on public review data (Amazon books/DVDs, SemEval laptops, Chinese phone, hotel
// and food-delivery reviews) found: a long clause gave its one label to every aspect it named, one review was the
// example of several aspects, the product itself (手机, "book") topped the themes, and 送餐 / 配送 were two themes.
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../src/core/analysis';
import { computeAspects, type AspectStat } from '../../src/core/analysis/analyze';
import { contrastUnits, MAX_CONTRAST_UNITS, splitContrast } from '../../src/core/analysis/aspects';
import { computeThemes, PRODUCT_MIN_SHARE, PRODUCT_NAMED_SHARE, type ThemeSampleItem } from '../../src/core/analysis/themes';
import { analysisSandbox } from './analysis.helpers';

const box = analysisSandbox('pf-report-pm-aspects-');

const sampleOf = (texts: string[], label: ThemeSampleItem['label'] = 'negative'): ThemeSampleItem[] =>
  texts.map((text, i) => ({ text, source: 'r.csv', line: i + 2, label, score: 0.9 }));

describe('analysis: aspects and themes a product manager reads', () => {
  it('a contrastive clause of several sentences is classified sentence by sentence', () => {
    // (an Amazon DVD review: before, "…predictable… ending I hated. The animation is top quality… music… bad story" was
    // one clause, one label for the plotline, the ending, the animation and the music alike)
    const review =
      "I didn't like it; I found the plotline predictable with an ending I hated. The animation is top quality and the music is appropriately spooky. Good visuals don't make up for bad story though. This is geared towards adults.";
    assert.equal(splitContrast(review).length, 2);
    assert.deepEqual(contrastUnits(review), [
      "I didn't like it;",
      'I found the plotline predictable with an ending I hated.',
      'The animation is top quality and the music is appropriately spooky.',
      "Good visuals don't make up for bad story",
      'This is geared towards adults.',
    ]);
    // abbreviations, initials and decimals end no sentence; a piece too short to say anything stays with its neighbour
    assert.deepEqual(contrastUnits('Wow. Bought it in the U.S. for approx. 3.5 hours of work, e.g. email. The fan is loud but the screen is fine. Enjoy!'), [
      'Wow. Bought it in the U.S. for approx. 3.5 hours of work, e.g. email.',
      'The fan is loud',
      'the screen is fine. Enjoy!',
    ]);
    // Chinese sentence ends, and a full stop between Chinese characters
    assert.deepEqual(contrastUnits('外观很精致，手感很好。屏幕很清晰！别看它小，但是电池不耐用。铃声也不好听'), ['外观很精致，手感很好。', '屏幕很清晰！', '别看它小', '电池不耐用。', '铃声也不好听']);
    assert.deepEqual(contrastUnits('好用,速度很快.性价比很高.但是屏幕有坏点'), ['好用,速度很快.', '性价比很高.', '屏幕有坏点']);
    // no contrast: nothing to classify apart
    assert.deepEqual(contrastUnits('The screen is sharp. The battery lasts all day.'), []);
  });

  it('past the most pieces, the sentences either side of the contrast are kept', () => {
    const before = Array.from({ length: 10 }, (_, i) => `Chapter ${i + 1} of the story drags on for pages.`).join(' ');
    const text = `${before} The ending is moving, but the epilogue is rushed. The index is useful.`;
    const units = contrastUnits(text);
    assert.equal(units.length, MAX_CONTRAST_UNITS);
    assert.ok(units.includes('The ending is moving'), units.join(' | '));
    assert.ok(units.includes('the epilogue is rushed.'), units.join(' | '));
    assert.ok(units.includes('The index is useful.'), units.join(' | '));
    // the chapters furthest from the cut go first; the kept pieces are in the text's order
    assert.ok(!units.includes('Chapter 1 of the story drags on for pages.') && units.includes('Chapter 10 of the story drags on for pages.'));
    assert.deepEqual(units, [...units].sort((a, b) => text.indexOf(a) - text.indexOf(b)));
  });

  it('feedback naming "constructor" or "__proto__" is analyzed: themes and aspects (the analysis threw)', async () => {
    // a term looked up in the Chinese-English theme table read Object.prototype's function for these: "key.replace is
    // not a function", the whole analysis lost for one word in one review (an IMDb review names a "constructor")
    const lines = [
      'The constructor kit is great but the paint is bad.',
      'Love the colours but the constructor manual is awful.',
      'The constructor set broke after a day.',
      'Our __proto__ field was empty, but the export is great.',
      'The export is slow.',
    ];
    const r = await box.analyze([box.write('ctor.txt', lines.join('\n'))]);
    assert.equal(r.total, 5);
    assert.ok(r.themes.some((t) => /constructor/.test(t.phrase)), JSON.stringify(r.themes.map((t) => t.phrase)));
    assert.ok(r.aspects.findings.some((f) => f.aspect === 'constructor'), JSON.stringify(r.aspects.findings.map((f) => f.aspect)));
  });

  it("each aspect's own sentence labels it in a long mixed review", async () => {
    const lines = [
      'The price was great for what you get. The battery is terrible and dies by noon. The keyboard is good, but the screen is bad.',
      'The battery is bad and the charger broke. The price is good, but the screen is slow to wake.',
    ];
    const r = await box.analyze([box.write('long.txt', lines.join('\n'))]);
    const battery = r.aspects.findings.find((f) => f.aspect === 'battery');
    const price = r.aspects.findings.find((f) => f.aspect === 'price');
    assert.ok(battery && price, JSON.stringify(r.aspects.findings.map((f) => f.aspect)));
    // before: the first review's battery was praised with the price and the keyboard in one clause
    assert.deepEqual([battery.counts.positive, battery.counts.negative], [0, 2]);
    assert.deepEqual([price.counts.positive, price.counts.negative], [2, 0]);
    assert.match(battery.criticized!.clause, /^The battery is (terrible|bad)/);
  });

  it('an aspect shows a review no aspect above it shows, when another of its clauses reads as well', () => {
    const ex = (line: number, clause: string, s: number) => ({ clause, source: 'laptops.csv', line, s });
    const stat = (neg: number, criticized: ReturnType<typeof ex>[]): AspectStat => ({ counts: { negative: neg, neutral: 0, positive: 0 }, surfaces: new Map(), criticized });
    const both = ex(7, 'The keyboard is mushy and the screen flickers all the time', 0.97);
    const stats = new Map<string, AspectStat>([
      ['keyboard', stat(6, [both, ex(9, 'The keyboard lost two keys in a month', 0.9)])],
      ['screen', stat(4, [both, ex(12, 'The screen went black after the update', 0.92)])],
      // its only other clause is too short to read: the shared review stays its example
      ['trackpad', stat(3, [ex(7, 'The keyboard is mushy, the trackpad jumps and the screen flickers', 0.96), ex(15, 'Trackpad!', 0.93)])],
    ]);
    const f = computeAspects(stats);
    const line = (a: string) => f.find((x) => x.aspect === a)?.criticized?.line;
    assert.equal(line('keyboard'), 7);
    assert.equal(line('screen'), 12);
    assert.equal(line('trackpad'), 7);
    // the stats' own example lists are not changed by merging variants
    assert.equal(stats.get('screen')!.criticized!.length, 2);
  });

  it('the product itself (这款手机, "this book") is set apart from the themes, with its counts', async () => {
    const texts: string[] = [];
    for (let i = 0; i < 12; i++) texts.push(`这款手机用了${i}天就死机了，屏幕也有坏点`, `手机的电池不耐用，待机时间太短${i}`, `这个手机短信经常发不出去${i}`);
    for (let i = 0; i < 10; i++) texts.push(`屏幕很清晰，铃声好听${i}`, `电池待机时间很长${i}`, `短信群发很方便${i}`, `铃声音量太小${i}`, `外观漂亮，做工不错${i}`);
    const themes = await computeThemes(sampleOf(texts), texts.length, 15);
    const phone = themes.find((t) => t.key === '手机');
    assert.ok(phone?.product, JSON.stringify(themes.map((t) => [t.phrase, t.product])));
    assert.equal(phone.count, 36);
    // in 36 of 86 items, 24 of them "这款手机" / "这个手机"
    assert.ok(phone.count >= PRODUCT_MIN_SHARE * texts.length && 24 >= PRODUCT_NAMED_SHARE * phone.count);
    assert.ok(themes.filter((t) => !t.product).some((t) => t.key === '屏幕'));
    // a topic named "this update" now and then is a theme as before
    const app: string[] = [];
    for (let i = 0; i < 10; i++) app.push(`The update broke sync on my phone ${i}`, `After the update the notes are gone ${i}`, `The export to PDF is great ${i}`, `Search is fast and accurate ${i}`);
    app.push('This update broke everything', 'Sync is slow since the last update');
    const appThemes = await computeThemes(sampleOf(app), app.length, 15);
    assert.ok(appThemes.some((t) => t.key === 'update' && !t.product), JSON.stringify(appThemes.map((t) => [t.phrase, t.product])));
  });

  it('the report names the product itself beside the themes, and not among the aspects', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 8; i++) {
      lines.push(`This book is great, but the ending is bad ${i}`, `The plot is slow and the ending is terrible ${i}`, `I love this book, the characters are great ${i}`);
      lines.push(`The characters are perfect ${i}`, `The plot is fantastic but the index is bad ${i}`);
    }
    const r = await box.analyze([box.write('books.txt', lines.join('\n'))]);
    assert.deepEqual(r.productThemes?.map((t) => t.phrase), ['book']);
    assert.ok(!r.themes.some((t) => t.phrase === 'book'));
    assert.ok(!r.aspects.findings.some((f) => f.aspect === 'book'), JSON.stringify(r.aspects.findings.map((f) => f.aspect)));
    const md = renderMarkdown(r);
    const themes = md.slice(md.indexOf('## Themes'), md.indexOf('## Aspects'));
    assert.match(themes, /The product itself is not ranked: \*\*book\*\* \(16 mentions, \d+% negative\)\. Feedback calls it “this book”/);
    assert.ok(!/^\| book \|/m.test(themes), themes);
  });

  it('送餐, 配送 and 送货 are one theme', async () => {
    const texts: string[] = [];
    for (let i = 0; i < 6; i++) texts.push(`送餐太慢了，等了两个小时${i}`, `配送员态度很差${i}`, `送货速度还可以${i}`, `味道一般，米饭太硬${i}`, `味道不错，分量足${i}`);
    const themes = await computeThemes(sampleOf(texts), texts.length, 15);
    const delivery = themes.find((t) => t.phrase.includes('送餐'));
    assert.ok(delivery, JSON.stringify(themes.map((t) => t.phrase)));
    assert.equal(delivery.count, 18);
    assert.ok(!themes.some((t) => t !== delivery && /配送|送货/.test(t.phrase)), JSON.stringify(themes.map((t) => t.phrase)));
  });
});
