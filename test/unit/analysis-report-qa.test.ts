// Defects a product manager's read of real reports found (SemEval laptops/restaurants, Amazon book and DVD reviews,
// waimai / online-shopping reviews, banking77): each test is a small hand-made input that failed before its fix.
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { extractTerms, renderMarkdown } from '../../src/core/analysis';
import { splitContrast } from '../../src/core/analysis/aspects';
import { themeQuote } from '../../src/core/analysis/markdown';
import { normalizeWord } from '../../src/core/analysis/phrases';
import { chooseGranularity } from '../../src/core/analysis/time';
import { analysisSandbox } from './analysis.helpers';

const box = analysisSandbox('pf-report-qa-');
const keys = (t: string) => extractTerms(t).map((x) => x.key);
const U = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

describe('analysis: report defects found on real feedback', () => {
  it('plurals of -ie nouns fold into their singular ("movies" is "movie", "series" stays "series")', () => {
    assert.equal(normalizeWord('movies'), 'movie');
    assert.equal(normalizeWord('cookies'), 'cookie');
    assert.equal(normalizeWord('series'), 'series');
    assert.equal(normalizeWord('stories'), 'story');
    assert.equal(normalizeWord('batteries'), 'battery');
    assert.deepEqual(keys('I watched two movies'), keys('I watched the movie'));
  });

  it('names keep their capitals (Toshiba, Windows), a capital that only starts the sentence does not (battery)', async () => {
    const forms = (t: string) => Object.fromEntries(extractTerms(t).map((x) => [x.key, x.surface]));
    const f = forms('Battery dies within an hour on my Toshiba');
    assert.equal(f['battery'], 'battery');
    assert.equal(f['toshiba'], 'Toshiba');
    // first in its sentence a name looks like any capitalized word: counted in lower case (the most frequent form shows)
    assert.equal(forms('Toshiba support never answered')['toshiba'], 'toshiba');
    assert.equal(forms('the iOS app and the PDF export')['io'] ?? forms('the iOS app and the PDF export')['ios'], 'iOS');
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) {
      lines.push(`Battery dies fast after update ${i}`, `My Toshiba overheats with Windows ${i}`, `The battery is weak on day ${i}`, `Windows updates break the Toshiba drivers ${i}`);
    }
    const r = await box.analyze([box.write('laptops.txt', lines.join('\n'))]);
    const phrases = r.themes.map((t) => t.phrase);
    const names = phrases.filter((p) => /toshiba|windows/i.test(p));
    assert.ok(names.length && names.every((p) => !/toshiba|windows/.test(p)), phrases.join(', '));
    assert.ok(phrases.includes('battery'), phrases.join(', '));
  });

  it('a file named by its absolute path outside the workspace is located by that path, not by ../../', async () => {
    const file = box.write('export.txt', 'The app crashes on start\nLove the new editor\n');
    const r = await box.analyze([file]);
    assert.match(renderMarkdown(r, { relativeTo: box.dir() }), /`export\.txt:1`/);
    const elsewhere = path.join(os.tmpdir(), 'pf-some-workspace');
    const md = renderMarkdown(r, { relativeTo: elsewhere });
    assert.ok(md.includes(`\`${file.split(path.sep).join('/')}:1\``), md);
    assert.doesNotMatch(md, /`\.\.\//);
    // named relative to the current folder, it stays relative (to the report)
    const rel = await box.analyze([path.relative(process.cwd(), file)]);
    assert.match(renderMarkdown(rel, { relativeTo: elsewhere }), /`\.\.\/[^`]*export\.txt:1`/);
  });

  it("the header names an input inside the workspace relative to it (VS Code passes absolute paths), and the device in words", async () => {
    const file = box.write('sub/app-reviews.csv', 'review\nThe app crashes on start\nLove the new editor\n');
    const r = await box.analyze([file]);
    const head = (md: string) => md.split('\n').find((l) => l.includes('analyzed locally'))!;
    // before: "(`/tmp/pf-report-qa-…/sub/app-reviews.csv`) analyzed locally with `…` on cpu in 0.2 s (12.0 items/s)"
    const inWs = head(renderMarkdown(r, { relativeTo: box.dir() }));
    assert.match(inWs, /\(`sub\/app-reviews\.csv`\) analyzed locally with `[^`]+` on the CPU in \d+\.\d s \(\d+\.\d items\/s\)/);
    assert.ok(!inWs.includes(box.dir()), inWs);
    // the workspace folder itself, analyzed whole
    assert.match(head(renderMarkdown({ ...r, inputs: [box.dir()] }, { relativeTo: box.dir() })), /\(`\.`\)/);
    // outside the workspace: the absolute path as given; relative (as typed at the CLI): as given
    const elsewhere = path.join(os.tmpdir(), 'pf-some-workspace');
    assert.ok(head(renderMarkdown(r, { relativeTo: elsewhere })).includes(`(\`${file}\`)`));
    assert.ok(head(renderMarkdown({ ...r, inputs: ['data/../sub/app-reviews.csv'] }, { relativeTo: box.dir() })).includes('(`data/../sub/app-reviews.csv`)'));
    assert.ok(head(renderMarkdown(r)).includes(`(\`${file}\`)`));
    // a GPU is named as one, with its provider
    assert.match(head(renderMarkdown({ ...r, model: { ...r.model, device: 'cuda' } })), / on the GPU \(CUDA\) in /);
    assert.match(head(renderMarkdown({ ...r, model: { ...r.model, device: 'dml' } })), / on the GPU \(DirectML\) in /);
  });

  it('adverbs, modal verbs, "buy"/"bought", "fact" and "interesting" are no themes', () => {
    const k = keys('Well, I bought it now and may buy another; the fact is the plot was interesting but it might drag');
    for (const w of ['well', 'now', 'bought', 'buy', 'may', 'might', 'fact', 'interesting']) assert.ok(!k.includes(w), `${w} in ${k.join(', ')}`);
    assert.ok(k.includes('plot'), k.join(', '));
  });

  it('Chinese: no fragments of 个小时 / 为什么 / 结果 / 里面, and 难吃 is a sentiment word, not a topic', () => {
    const k = keys('送餐太慢，等了2个小时，结果饭都凉了，里面有头发，为什么这么难吃');
    for (const w of ['个小', '为什', '结果', '果饭', '里面', '面有头', '难吃']) assert.ok(!k.includes(w), `${w} in ${k.join(', ')}`);
    assert.ok(k.includes('送餐') && k.includes('头发'), k.join(', '));
    // a cut word is never read across a word boundary: 表现在 is 表现 + 在, not 表 + 现在
    assert.ok(keys('性能表现在同类中很好').includes('表现'), keys('性能表现在同类中很好').join(', '));
  });

  it('"yet" splits mixed feedback only as a conjunction ("I have yet to see it" is one clause)', () => {
    assert.deepEqual(splitContrast('I was told I would be getting a refund but I have yet to see it'), ['I was told I would be getting a refund', 'I have yet to see it']);
    assert.deepEqual(splitContrast('It has not arrived yet and support is slow'), []);
    assert.deepEqual(splitContrast('The screen is sharp, yet the battery dies fast'), ['The screen is sharp', 'the battery dies fast']);
    // without a comma, "yet" opening a clause with its subject still contrasts; "yet to", "not yet" do not
    assert.deepEqual(splitContrast('Fast shipping yet the strap broke after a week'), ['Fast shipping', 'the strap broke after a week']);
    assert.deepEqual(splitContrast('The refund is not here yet and nobody answers'), []);
  });

  it('Chinese: 只不过 inside a clause, 不但, 但愿, 再好不过, 不过如此, 反应不过来 and 只是 as "only" are no contrast (a clause was cut mid-word: "距离" | "马路对面")', () => {
    for (const t of ['这只不过是个小问题，还是推荐', '送餐非常慢，一个多小时，距离只是马路对面而已！', '不但便宜而且好吃，下次还来', '第一次买这个牌子，还没用过，但愿质量不错', '这个价位再好不过了，推荐', '一见倾心也不过如此', '看个电影半天都反应不过来，无语了', '冷却效果很好，噪音也小']) {
      assert.deepEqual(splitContrast(t), [], t);
    }
    // the contrasts stay
    assert.deepEqual(splitContrast('东西不错只是有点贵'), ['东西不错', '有点贵']);
    assert.deepEqual(splitContrast('包装很好，只是送得太慢了'), ['包装很好', '送得太慢了']);
    assert.deepEqual(splitContrast('味道不错，不过送餐太慢'), ['味道不错', '送餐太慢']);
    assert.deepEqual(splitContrast('价格便宜但质量差'), ['价格便宜', '质量差']);
    assert.deepEqual(splitContrast('质量不错，可惜颜色不对'), ['质量不错', '颜色不对']);
    // 只不过 opening a clause is "it's just that": 42 of the 59 uses that open a clause in the Chinese review sets
    assert.deepEqual(splitContrast('味道很好，只不过送餐太慢了'), ['味道很好', '送餐太慢了']);
    assert.deepEqual(splitContrast('很好,只不过吃完拉肚子了'), ['很好', '吃完拉肚子了']);
  });

  it('Chinese: 却 and 就是 (有点…) stand after their subject, so the subject goes with their clause; 比不过 / 也不过 are no contrast', async () => {
    // the subject was left in the praising clause: 价格便宜，质量 | 很差 (质量 praised), 米饭 | 是挺不错
    assert.deepEqual(splitContrast('价格便宜，质量却很差'), ['价格便宜', '质量却很差']);
    assert.deepEqual(splitContrast('梅菜扣肉不好吃，米饭却是挺不错。'), ['梅菜扣肉不好吃', '米饭却是挺不错。']);
    assert.deepEqual(splitContrast('物流很快，质量就是有点差'), ['物流很快', '质量就是有点差']);
    // without punctuation the subject is the word after an evaluation; a clause without one is cut at the adverb
    assert.deepEqual(splitContrast('价格便宜质量却很差'), ['价格便宜', '质量却很差']);
    assert.deepEqual(splitContrast('很好吃却很贵'), ['很好吃', '很贵']);
    // 就是有点 after a comma: the reservation was dropped with the marker ("吵" alone is no clause)
    assert.deepEqual(splitContrast('环境不错，就是有点吵'), ['环境不错', '有点吵']);
    // 但…却… is one contrast
    assert.deepEqual(splitContrast('粉很好吃，但是订了卤蛋却没有。'), ['粉很好吃', '订了卤蛋却没有。']);
    // 不过 as a verb's complement (cannot beat / trust / outlast) or "merely" after 也: no contrast
    for (const t of ['待机时间干不过师兄', '国产的就比不过进口的，希望改进', '这家店真信不过', '有时候熬不过一天', '也不过就是一两年前的事']) {
      assert.deepEqual(splitContrast(t), [], t);
    }
    const rows = ['text', ...Array.from({ length: 4 }, () => '价格便宜，质量却很差'), '包装好，质量却很差'];
    const r = await box.analyze([box.write('zh-que.csv', rows.join('\n'))]);
    const q = r.aspects.findings.find((f) => f.aspect === '质量');
    assert.ok(q, JSON.stringify(r.aspects.findings.map((f) => f.aspect)));
    assert.deepEqual([q.counts.positive, q.counts.negative], [0, 5]);
  });

  it('aspects are named as written ("windows", not the key "window") and their example says what most clauses say', async () => {
    const rows = [
      'text',
      '"Windows is great, but the battery is bad"',
      '"Windows is excellent, but the keyboard is bad"',
      '"Windows is good on it, but the speaker is terrible"',
      '"Windows is slow, but the screen is good"',
    ];
    const r = await box.analyze([box.write('mixed.csv', rows.join('\n'))]);
    const f = r.aspects.findings.find((x) => /^windows?$/.test(x.aspect));
    assert.ok(f, JSON.stringify(r.aspects.findings.map((x) => x.aspect)));
    assert.equal(f.aspect, 'windows');
    assert.deepEqual([f.counts.positive, f.counts.negative], [3, 1]);
    // the aspects table's row (the themes table has one too)
    const row = renderMarkdown(r).split('\n').find((l) => l.startsWith('| windows |') && l.includes('(`'))!;
    assert.match(row, /\| Windows is (great|excellent|good on it) \(/, row);
  });

  it('a theme quote whose mention lies past the cut is an excerpt around the mention', () => {
    const long = `${'The packaging was fine and the delivery came on the day it was promised to us. '.repeat(4)}Sadly the battery dies within an hour of use, every single day. ${'More words follow here. '.repeat(5)}`;
    const q = themeQuote(long, 'battery');
    assert.ok(q.length <= 241, String(q.length));
    assert.ok(q.startsWith('…') && q.includes('battery dies within an hour'), q);
    // a mention near the start keeps the start
    assert.ok(themeQuote(`The battery is weak. ${'x '.repeat(200)}`, 'battery').startsWith('The battery is weak.'));
    // plural theme, singular mention
    assert.ok(themeQuote(long, 'batteries').includes('battery dies'), themeQuote(long, 'batteries'));
    // the excerpt ends at a word boundary, not mid-word: what follows it in the text is a space
    const body = q.slice(1, -1), flat = long.replace(/\s+/g, ' ');
    assert.ok(flat.includes(body) && /[\s,.]/.test(flat[flat.indexOf(body) + body.length]), q);
    // and so does a plain quote cut at its length
    const plain = themeQuote(`The battery ${'lasts a very long time '.repeat(20)}`, 'battery', 50);
    assert.match(plain, /^The battery lasts a very long time lasts a very…$/, plain);
    // Chinese: an excerpt starts and ends at punctuation (no spaces there), not at a fixed offset
    const zh = `${'包装很好，快递也很快，客服态度不错。'.repeat(6)}可惜电池不耐用，一个小时就没电了。${'其他都还可以，'.repeat(12)}`;
    const z = themeQuote(zh, '电池', 60);
    assert.ok(z.includes('电池不耐用'), z);
    assert.match(z, /^…[^，。]/, z);
    assert.ok(/[，。]…$/.test(z) || !z.endsWith('…'), z);
  });

  it('sentiment over time: a few items over years get year rows, not mostly empty month rows', () => {
    const days = [U(2001, 10, 3), U(2004, 7, 1), U(2005, 4, 2), U(2005, 8, 9), ...Array.from({ length: 26 }, (_, i) => U(2006, 1 + (i % 11), 1 + i))];
    assert.equal(chooseGranularity(days[0], U(2006, 11, 20), days), 'year');
    // enough items per month keeps months; without the days, the span alone decides as before
    const dense = Array.from({ length: 62 }, (_, i) => U(2001 + Math.floor((9 + i) / 12), ((9 + i) % 12) + 1, 5));
    assert.equal(chooseGranularity(dense[0], dense[61], dense), 'month');
    assert.equal(chooseGranularity(days[0], U(2006, 11, 20)), 'month');
  });
  it('a word the feedback uses as a verb ("to watch it", "I read") is no theme or aspect; the same word as a product, or a broken function ("can\'t sync"), is', async () => {
    const dvd = [];
    for (let i = 0; i < 12; i++) {
      dvd.push(`I watch it every year, the plot is bad ${i}`, `you will read the book in a day, the plot is great ${i}`, `hard to watch this, but the acting is great ${i}`,
        `I read it twice but the ending is bad ${i}`, `we watch a lot of films and the acting is great ${i}`);
    }
    const r1 = await box.analyze([box.write('dvd.txt', dvd.join('\n'))]);
    const themes1 = r1.themes.map((t) => t.phrase), aspects1 = r1.aspects.findings.map((f) => f.aspect);
    assert.ok(themes1.includes('plot') && themes1.includes('acting'), themes1.join(', '));
    assert.ok(!themes1.includes('watch') && !themes1.includes('read'), themes1.join(', '));
    assert.ok(aspects1.includes('acting') && !aspects1.includes('watch') && !aspects1.includes('read'), aspects1.join(', '));
    const app = [];
    for (let i = 0; i < 12; i++) {
      app.push(`my watch is great but the strap is bad ${i}`, `the watch battery is bad ${i}`, `I can't sync my notes, bad ${i}`,
        `sync won't finish, the sync is bad ${i}`, `love the watch, great screen ${i}`);
    }
    const r2 = await box.analyze([box.write('watch.txt', app.join('\n'))]);
    const themes2 = r2.themes.map((t) => t.phrase);
    assert.ok(themes2.includes('watch') && themes2.includes('sync'), themes2.join(', '));
    // how single uses count: a curly "I’ll watch" is a verb use, "the May update" is no modal's
    const uses = new Map<string, { verb: number; noun: number; adj: number }>();
    for (const t of ['I’ll watch it again', 'the May update broke it', 'you will watch this']) extractTerms(t, uses);
    assert.deepEqual(uses.get('watch'), { verb: 2, noun: 0, adj: 0, lower: 2 });
    assert.equal(uses.get('update')?.verb ?? 0, 0);
    // a feature used in a trigger or a question is still the feature ("crashes when I export", "how do I export")
    const triggers = [];
    for (let i = 0; i < 10; i++) triggers.push(`it crashes when I export, bad ${i}`, `how do I export my notes? bad ${i}`, `the editor is great ${i}`, `the calendar is great ${i}`, `love the widgets ${i}`);
    const r3 = await box.analyze([box.write('triggers.txt', triggers.join('\n'))]);
    assert.ok(r3.themes.some((t) => t.phrase === 'export'), r3.themes.map((t) => t.phrase).join(', '));
  });
  it('a product word in English and Chinese is one theme, named in both ("login / 登录"); a Chinese-only one keeps its name', async () => {
    const lines = [];
    const zh = ['登录总是失败，太差了', '每次登录都要验证码，麻烦', '无法登录，差评', '登录页面打不开，垃圾'];
    for (let i = 0; i < 8; i++) lines.push(`login fails every morning, bad ${i}`, `${zh[i % 4]}${i}`, `search is bad and slow ${i}`, `夜间模式很好用${i}`);
    for (let i = 0; i < 4; i++) lines.push(`物流太慢了，差评${i}`);
    const r = await box.analyze([box.write('mixed-lang.txt', lines.join('\n'))]);
    const t = r.themes.find((x) => x.phrase === 'login / 登录');
    assert.ok(t, r.themes.map((x) => x.phrase).join(', '));
    assert.equal(t.count, 16);
    // the forms its items contain, for the Report view's search
    assert.deepEqual([...(t.variants ?? [])].sort(), ['login', '登录'].sort());
    assert.ok(!r.themes.some((x) => x.phrase === '登录' || x.phrase === 'login'), r.themes.map((x) => x.phrase).join(', '));
    // its quotes come from both languages' items as the mix decides; a word with no English mention stays Chinese
    assert.ok(r.themes.some((x) => x.phrase === '物流'), r.themes.map((x) => x.phrase).join(', '));
    // when the English head word gives way to a longer phrase ("battery" to "battery life"), the Chinese mentions stay
    const bat = [];
    const zhBat = ['电池不耐用，太差了', '电池发热严重，差评', '换了电池还是不行', '电池容量太小，失望'];
    for (let i = 0; i < 8; i++) bat.push(`battery life is bad ${i}`, `the battery life got worse ${i}`, `${zhBat[i % 4]}${i}`, `the screen is great ${i}`, `屏幕很清晰${i}`);
    const b = await box.analyze([box.write('battery.txt', bat.join('\n'))]);
    const names = b.themes.map((x) => x.phrase);
    assert.ok(names.includes('battery life') && names.includes('电池'), names.join(', '));
    // two Chinese words of the table merged into one theme are both named (物流 and 快递 are one "shipping" theme)
    const ship = [];
    for (let i = 0; i < 6; i++) ship.push(`物流太慢了，差评${i}`, `快递员态度很差${i}`, `屏幕很清晰${i}`, `声音很好${i}`);
    const sh = await box.analyze([box.write('ship.txt', ship.join('\n'))]);
    assert.ok(sh.themes.some((x) => ['物流 / 快递', '快递 / 物流'].includes(x.phrase)), sh.themes.map((x) => x.phrase).join(', '));
    // aspects of mixed feedback too
    const mixed = [];
    for (let i = 0; i < 3; i++) mixed.push(`the editor is great, but sync is bad ${i}`, `界面很好看，但是同步太差了${i}`);
    const a = await box.analyze([box.write('aspects-lang.txt', mixed.join('\n'))]);
    const sync = a.aspects.findings.find((f) => f.aspect === 'sync / 同步');
    assert.ok(sync, a.aspects.findings.map((f) => f.aspect).join(', '));
    assert.equal(sync.counts.negative, 6);
  });
  it('an English variant used as a verb leaves a theme named in both languages, whichever language is more frequent; the Chinese items stay, as in aspects', async () => {
    const themeOf = (r: Awaited<ReturnType<typeof box.analyze>>) => r.themes.find((x) => x.phrase.includes('同步') || /\bsync\b/.test(x.phrase));
    // English more frequent than Chinese: the whole group used to be dropped, 同步 with it
    const en = [];
    for (let i = 0; i < 6; i++) en.push(`I sync my notes every day and it is bad ${i}`, `同步太慢了，差评${i}`, `the editor is great ${i}`, `search is bad ${i}`);
    for (let i = 0; i < 2; i++) en.push(`I sync again ${i}`);
    const r1 = await box.analyze([box.write('sync-en.txt', en.join('\n'))]);
    const t1 = themeOf(r1);
    assert.ok(t1, r1.themes.map((x) => x.phrase).join(', '));
    assert.equal(t1.phrase, '同步');
    assert.equal(t1.count, 6);
    // Chinese more frequent: the English verb uses used to be counted in
    const zh = [];
    for (let i = 0; i < 6; i++) zh.push(`I sync my notes every day and it is bad ${i}`, `同步太慢了，差评${i}`, `同步总是失败${i}`, `the editor is great ${i}`, `search is bad ${i}`);
    const r2 = await box.analyze([box.write('sync-zh.txt', zh.join('\n'))]);
    const t2 = themeOf(r2);
    assert.ok(t2, r2.themes.map((x) => x.phrase).join(', '));
    assert.equal(t2.phrase, '同步');
    assert.equal(t2.count, 12);
  });
  it('广告 is one theme with "ads", the form feedback writes (3-letter plurals keep their s)', async () => {
    const lines = [];
    for (let i = 0; i < 6; i++) lines.push(`too many ads in the free version, bad ${i}`, `广告太多了，差评${i}`, `the editor is great ${i}`, `search is slow ${i}`);
    const r = await box.analyze([box.write('ads.txt', lines.join('\n'))]);
    const t = r.themes.find((x) => x.phrase === 'ads / 广告' || x.phrase === '广告 / ads');
    assert.ok(t, r.themes.map((x) => x.phrase).join(', '));
    assert.equal(t.count, 12);
  });
  it('a theme named in both languages takes its sentiment from the clause that names it in either language, and its quotes show either name', async () => {
    const lines = [];
    for (let i = 0; i < 5; i++) {
      lines.push(`the editor is great ${i}`, `the search is great ${i}`, `the calendar is fine ${i}`, `the widget is fine ${i}`, `the font is fine ${i}`,
        `the menu is fine ${i}`, `the login is bad ${i}`, `login fails, bad ${i}`, `login again, bad ${i}`, `登录很好，但是物流太差了${i}`);
    }
    const r = await box.analyze([box.write('login-clauses.txt', lines.join('\n'))]);
    const t = r.themes.find((x) => x.phrase === 'login / 登录');
    assert.ok(t, r.themes.map((x) => x.phrase).join(', '));
    // 登录很好 praises login: positive, not the item's label
    assert.deepEqual(t.counts, { negative: 15, neutral: 0, positive: 5 });
    assert.ok(t.quotes.some((q) => q.text.startsWith('登录很好') && q.label === 'positive'), JSON.stringify(t.quotes));
    const long = '这个应用的界面设计得非常漂亮，我每天都在用它记录工作和生活中的各种事情。'.repeat(6) + '但是最近登录总是失败。';
    assert.ok(themeQuote(long, 'login / 登录').includes('登录'), themeQuote(long, 'login / 登录'));
    const longEn = 'The editor is lovely and I use it every day for all of my work notes and my lists. '.repeat(4) + 'But the login fails every morning.';
    assert.ok(themeQuote(longEn, '登录 / login').includes('login fails'), themeQuote(longEn, '登录 / login'));
  });
});
