import assert from 'node:assert/strict';
import { EXPLAIN_CHAR_BUDGET, explainUnits, MAX_EXPLAIN_UNITS, splitUnits, withoutUnit } from '../../src/core/analysis/explain';
import type { LoadedModel } from '../../src/runtime/handlers/context';
import { firstSameWindow, scoreTexts, windowSpans } from '../../src/runtime/handlers/scoring';

describe('runtime text helpers', () => {
  describe('windowSpans', () => {
    it('one window when the text fits', () => {
      assert.deepEqual(windowSpans(0, 510), [[0, 0]]);
      assert.deepEqual(windowSpans(510, 510), [[0, 510]]);
    });
    it('overlapping windows cover every token of a long text, none longer than the budget', () => {
      for (const n of [511, 1000, 5000, 12345]) {
        const spans = windowSpans(n, 510);
        assert.equal(spans[0][0], 0);
        assert.equal(spans[spans.length - 1][1], n);
        for (const [a, b] of spans) assert.ok(b - a <= 510 && b > a);
        for (let i = 1; i < spans.length; i++) {
          assert.ok(spans[i][0] < spans[i - 1][1], 'windows overlap (no gap)');
          assert.ok(spans[i][0] > spans[i - 1][0], 'windows advance');
        }
      }
      assert.deepEqual(windowSpans(1000, 400), [[0, 400], [300, 700], [600, 1000]]);
    });
  });

  describe('each distinct window is run once per request', () => {
    it('firstSameWindow: the same ids padded to the same width share their first window; other ids or another width do not', () => {
      const a = [5, 6, 7, 8, 9];
      const b = [1, 5, 6, 7, 8, 9];
      const segs = [
        { ids: a, start: 0, end: 3 }, // 5 6 7
        { ids: b, start: 1, end: 4 }, // 5 6 7: the same window of another text
        { ids: a, start: 2, end: 5 }, // 7 8 9
        { ids: b, start: 3, end: 6 }, // 7 8 9, padded wider
        { ids: b, start: 0, end: 3 }, // 1 5 6
        { ids: a, start: 1, end: 4 }, // 6 7 8
        { ids: a, start: 0, end: 3 }, // 5 6 7 again
        { ids: [], start: 0, end: 0 },
        { ids: [4], start: 0, end: 0 }, // empty too
      ];
      assert.deepEqual([...firstSameWindow(segs, [8, 8, 8, 9, 8, 8, 8, 8, 8])], [0, 0, 2, 3, 4, 5, 0, 7, 7]);
    });

    /** A model of maxLength 10 (8 tokens of text, in windows of 8 overlapping by 2) whose logits depend on its input's ids only. */
    function fakeModel(): { m: LoadedModel; rows: () => number } {
      let rows = 0;
      const vocab = new Map<string, number>();
      const encode = (t: string) => t.split(' ').filter(Boolean).map((w) => vocab.get(w) ?? (vocab.set(w, vocab.size + 10), vocab.size + 9));
      const m = {
        modelId: 'fake', task: 'text-classification', device: 'cpu', modelDir: '', config: {}, labels: ['negative', 'positive'], maxLength: 10,
        model: {},
        tokenizer: { pad_token_id: 0, encode: (t: string, o: { add_special_tokens: boolean }) => (o.add_special_tokens ? [1, ...encode(t), 2] : encode(t)) },
        encode,
        inference: {
          size: 1,
          stopped: false,
          run: async (ids: BigInt64Array, mask: BigInt64Array, dims: number[]) => {
            const [n, width] = dims;
            rows += n;
            const data = new Float32Array(n * 2);
            for (let r = 0; r < n; r++) {
              let h = 0;
              for (let c = 0; c < width; c++) if (mask[r * width + c]) h = (h * 31 + Number(ids[r * width + c])) % 997;
              data[r * 2] = h / 100;
              data[r * 2 + 1] = (h % 13) / 5;
            }
            return { data, dims: [n, 2] };
          },
        },
      } as unknown as LoadedModel;
      return { m, rows: () => rows };
    }

    it('a long text and its variants without a late word: the shared windows run once, every score as when each text runs alone', async () => {
      const words = Array.from({ length: 20 }, (_, i) => `w${i}`);
      const texts = [words.join(' '), ...[17, 18, 19].map((k) => words.filter((_, i) => i !== k).join(' ')), 'w1 w2', 'w1 w2'];
      // 20 tokens: windows [0,8) [6,14) [12,20); 19 tokens: [0,8) [6,14) [12,19): the first two are the whole text's
      const { m, rows } = fakeModel();
      const together = await scoreTexts(m, texts);
      assert.equal(rows(), 3 + 3 * 1 + 1, 'the whole text\'s 3 windows, one new window per variant, "w1 w2" once');
      const alone = fakeModel();
      for (let t = 0; t < texts.length; t++) assert.deepEqual(together[t], (await scoreTexts(alone.m, [texts[t]]))[0], texts[t]);
      assert.equal(alone.rows(), 3 * 4 + 2);
    });
  });

  describe('explain units', () => {
    it('splits English words with character spans', () => {
      const text = "I don't like the e-mail flow, v2.1 broke it.";
      const units = splitUnits(text);
      assert.deepEqual(units.map((u) => u.token), ['I', "don't", 'like', 'the', 'e-mail', 'flow', 'v2.1', 'broke', 'it']);
      for (const u of units) assert.equal(text.slice(u.start, u.end), u.token);
    });
    it('splits Chinese text into words (function characters alone, sentiment words whole), keeping Latin words whole', () => {
      const text = '这个App很好用！每次打开都闪退，续航一般';
      const units = splitUnits(text);
      assert.deepEqual(units.map((u) => u.token), ['这个', 'App', '很', '好用', '每次', '打开', '都', '闪退', '续航', '一般']);
      for (const u of units) assert.equal(text.slice(u.start, u.end), u.token);
      // words of the learned lexicon, not blind pairs (失任 / 何内容); a negation with its verb; 不错 whole
      const words = (t: string) => splitUnits(t).map((u) => u.token);
      assert.deepEqual(words('导入旧笔记很顺利，没有丢失任何内容。'), ['导入', '旧', '笔记', '很', '顺利', '没有', '丢失', '任何', '内容']);
      assert.deepEqual(words('客服态度很好，半小时就解决了我的问题'), ['客服', '态度', '很', '好', '半小时', '就', '解决', '了', '我', '的', '问题']);
      assert.deepEqual(words('设计不错，可是经常卡顿'), ['设计', '不错', '可是', '经常', '卡顿']);
      // 么 and 们 end the word before them, a demonstrative takes its measure word, a negation its evaluation character
      // (these were 不知 / 道怎 / 么 / 说一, 什 / 么, 这 / 个 / 手机 and 不 / 好: "driven by “么”", "driven by “不”, “好”")
      assert.deepEqual(words('什么都看不见'), ['什么', '都', '看不见']);
      assert.deepEqual(words('不知道怎么说'), ['不知', '道', '怎么', '说']);
      assert.deepEqual(words('为什么我们的这个手机信号不好'), ['为什么', '我们', '的', '这个', '手机', '信号', '不好']);
      assert.deepEqual(words('一点不贵，不好吃'), ['一点', '不贵', '不', '好吃']);
      // Japanese and Korean stay one character per unit
      assert.deepEqual(splitUnits('とても良い').map((u) => u.token), ['と', 'て', 'も', '良', 'い']);
      assert.deepEqual(splitUnits('東京駅は便利').map((u) => u.token), ['東', '京', '駅', 'は', '便', '利'], 'kanji in Japanese text too');
    });
    it('keeps UTF-16 spans right around astral characters', () => {
      const text = '😀 great 𠀋好';
      const units = splitUnits(text);
      assert.deepEqual(units.map((u) => u.token), ['😀', 'great', '𠀋好']);
      for (const u of units) assert.equal(text.slice(u.start, u.end), u.token);
    });
    it('Chinese units are the words a reader names: connectives whole, a verb with 不 and its complement whole', () => {
      const words = (t: string) => splitUnits(t).map((u) => u.token);
      // were 但 / 是, 总 / 是, 还 / 是, 就 / 是, 而 / 且: "driven by 但" and 是 (a function word) left out of the report
      assert.deepEqual(words('质量很好，但是物流太慢了'), ['质量', '很', '好', '但是', '物流', '太慢', '了']);
      assert.deepEqual(words('登录总是失败'), ['登录', '总是', '失败']);
      assert.deepEqual(words('还是不错的，就是有点贵'), ['还是', '不错', '的', '就是', '有点贵']);
      assert.deepEqual(words('质量不好，而且很卡'), ['质量', '不好', '而且', '很', '卡']);
      // were 打 / 不 / 开 and 收 / 不 / 到: 不 alone was credited with what 打不开 says
      assert.deepEqual(words('更新以后一直闪退，根本打不开。'), ['更新', '以后', '一直', '闪退', '根本', '打不开']);
      assert.deepEqual(words('验证码收不到'), ['验证码', '收不到']);
      assert.deepEqual(words('用不了，看不清，连不上'), ['用不了', '看不清', '连不上']);
      // a time or measure word before 不到 is no verb; 不好 after a verb stays an evaluation
      assert.ok(!words('一个月不到就坏了').some((w) => w.includes('月不')));
      assert.deepEqual(words('好不好'), ['好', '不好']);
      const text = '但是打不开，还是收不到';
      for (const u of splitUnits(text)) assert.equal(text.slice(u.start, u.end), u.token);
    });
    it('takes web and e-mail addresses and runs of emoji whole, without the sentence\'s punctuation', () => {
      const text = 'Love it 😍😍 but see https://example.com/refund-policy?x=1. Mail a.b@example.com, or (www.x.org/Foo_(bar)) 👍🏽 👨‍👩‍👧 ❤️ 🇫🇷!';
      const units = splitUnits(text);
      assert.deepEqual(units.map((u) => u.token), [
        'Love', 'it', '😍😍', 'but', 'see', 'https://example.com/refund-policy?x=1', 'Mail', 'a.b@example.com', 'or',
        'www.x.org/Foo_(bar)', '👍🏽', '👨‍👩‍👧', '❤️', '🇫🇷',
      ]);
      for (const u of units) assert.equal(text.slice(u.start, u.end), u.token);
      // a variation selector after a character that is no emoji is no word of its own (it was: an invisible unit)
      assert.deepEqual(splitUnits('ok \uFE0F fine').map((u) => u.token), ['ok', 'fine']);
      // an address inside Chinese text ends where the Chinese starts
      assert.deepEqual(splitUnits('访问https://a.cn/x看看').map((u) => u.token), ['访问', 'https://a.cn/x', '看看']);
    });

    it('splits a long run without spaces in linear time (a pasted blob of 50,000 characters took seconds)', () => {
      // Explain takes up to 50,000 characters; the address pattern was tried from every character of such a run
      for (const blob of ['a'.repeat(50_000), 'word.'.repeat(10_000), `${'x'.repeat(49_990)}@ab.cd`]) {
        const t0 = Date.now();
        const units = splitUnits(blob);
        assert.ok(Date.now() - t0 < 1500, `${blob.slice(0, 8)}…: ${Date.now() - t0} ms`);
        assert.equal(units.map((u) => u.token).join(''), blob.replace(/[.]$/, ''));
      }
      // an address is still found whole where its run starts, after a space or other text
      assert.deepEqual(splitUnits('mail a.b+c@ex.co.uk now').map((u) => u.token), ['mail', 'a.b+c@ex.co.uk', 'now']);
      assert.deepEqual(splitUnits('(x@y.io)').map((u) => u.token), ['x@y.io']);
    });
    it('explains every word of a text up to the budget, and a longer one by passages of consecutive words', () => {
      const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i % 10}`).join(' ');
      const short = words(200); // 200 words, 599 characters
      const plan = explainUnits(short);
      assert.equal(plan.wordsPerUnit, 1);
      assert.deepEqual(plan.units, splitUnits(short));
      // more words than MAX_EXPLAIN_UNITS: runs of 2
      const many = words(MAX_EXPLAIN_UNITS + 10);
      const runs = explainUnits(many);
      assert.equal(runs.wordsPerUnit, 2);
      assert.ok(runs.units.length <= MAX_EXPLAIN_UNITS);
      assert.equal(runs.units[0].token, 'w0 w1');
      // a long text: units × length stays within the budget, and the runs cover every word in order
      const long = words(5000);
      const lp = explainUnits(long);
      assert.ok(lp.units.length * long.length <= EXPLAIN_CHAR_BUDGET, `${lp.units.length} units of ${long.length} chars`);
      assert.equal(lp.units[0].start, 0);
      assert.equal(lp.units[lp.units.length - 1].end, long.length);
      for (let i = 1; i < lp.units.length; i++) assert.ok(lp.units[i].start > lp.units[i - 1].end);
      assert.equal(lp.units[0].token.split(' ').length, lp.wordsPerUnit);
    });
    it('removing a word leaves one space', () => {
      const text = 'not bad at all';
      const [not, bad, , all] = splitUnits(text);
      assert.equal(withoutUnit(text, not), 'bad at all');
      assert.equal(withoutUnit(text, bad), 'not at all');
      assert.equal(withoutUnit(text, all), 'not bad at');
      const zh = '不好用';
      assert.equal(withoutUnit(zh, splitUnits(zh)[0]), '好用');
    });
  });
});
