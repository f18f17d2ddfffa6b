// A quote cut at a word or phrase boundary still shows the theme's mention it is there to show.
import assert from 'node:assert/strict';
import { themeQuote } from '../../src/core/analysis/markdown';

describe('themeQuote: the mention survives the boundary cut', () => {
  it('a mention inside the last quarter of a plain quote is not cut off (Chinese)', () => {
    const zh = '这款手机外观设计非常漂亮，拿在手里手感也很好，系统运行流畅，拍照效果清晰，屏幕显示细腻，音质也不错，唯一的缺点是电池续航太差了，一天要充好几次电。' + '快递很快，包装完好。'.repeat(4);
    assert.ok(zh.indexOf('电池') + 2 <= 59);
    const q = themeQuote(zh, '电池', 60);
    assert.ok(q.includes('电池'), q);
  });

  it('a mention inside the last quarter of a plain quote is not cut off (English)', () => {
    const t = `${'good value overall and nice screen, '.repeat(2)}and what I dislike: battery-powered fans. ${'Shipping was quick. '.repeat(5)}`;
    const at = t.indexOf('battery');
    assert.ok(at > 75 && at + 7 <= 99, String(at));
    const q = themeQuote(t, 'battery', 100);
    assert.ok(q.includes('battery'), q);
  });
});
