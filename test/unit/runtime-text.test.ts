import assert from 'node:assert/strict';
import { splitUnits, withoutUnit } from '../../src/core/analysis/explain';
import { windowSpans } from '../../src/runtime/handlers/scoring';

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
      assert.deepEqual(words('设计不错，可是经常卡顿'), ['设计', '不错', '可', '是', '经常', '卡顿']);
      // 么 and 们 end the word before them, a demonstrative takes its measure word, a negation its evaluation character
      // (these were 不知 / 道怎 / 么 / 说一, 什 / 么, 这 / 个 / 手机 and 不 / 好: "driven by “么”", "driven by “不”, “好”")
      assert.deepEqual(words('什么都看不见'), ['什么', '都', '看', '不', '见']);
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
      assert.deepEqual(units.map((u) => u.token), ['great', '𠀋好']);
      for (const u of units) assert.equal(text.slice(u.start, u.end), u.token);
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
