import assert from 'node:assert/strict';
import { check, message, parseMessage } from '../../src/webview/shared/protocol';
import { hostToWebviewValidators, webviewToHostValidators, type HostToWebview, type WebviewToHost } from '../../src/webview/report/messages';

describe('extension: webview message validation', () => {
  const parse = (m: unknown) => parseMessage<WebviewToHost>(m, webviewToHostValidators);
  it('accepts well-formed messages', () => {
    assert.deepEqual(parse({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parse({ type: 'openItem', reportId: 'r1', index: 3 }), { type: 'openItem', reportId: 'r1', index: 3 });
    assert.deepEqual(parse({ type: 'openFile', reportId: 'r1', file: 'csv' }), { type: 'openFile', reportId: 'r1', file: 'csv' });
    assert.deepEqual(parse({ type: 'analyze' }), { type: 'analyze' });
    assert.equal(parse({ type: 'analyze', file: '/etc/passwd' }), undefined);
    assert.deepEqual(parse({ type: 'label', reportId: 'r1', index: 2, label: 'neutral' }), { type: 'label', reportId: 'r1', index: 2, label: 'neutral' });
    assert.deepEqual(parse({ type: 'trainOnLabels' }), { type: 'trainOnLabels' });
    assert.deepEqual(parse({ type: 'search', reportId: 'r1', query: 'login / 登录', label: 'all' }), { type: 'search', reportId: 'r1', query: 'login / 登录', label: 'all' });
  });
  it('rejects unknown types, wrong shapes and extra fields', () => {
    for (const bad of [
      null,
      'ready',
      [],
      { type: 'toString' },
      { type: '__proto__' },
      { type: 'nope' },
      { type: 'openItem', reportId: 'r1', index: -1 },
      { type: 'openItem', reportId: 'r1', index: 1.5 },
      { type: 'openItem', reportId: 'r1', index: '3' },
      { type: 'openItem', index: 3 },
      { type: 'openItem', reportId: 'r1', index: 3, file: '/etc/passwd' },
      { type: 'openFile', reportId: 'r1', file: '/etc/passwd' },
      { type: 'ready', path: '/x' },
      { type: 'label', reportId: 'r1', index: 2, label: 'angry' },
      { type: 'label', reportId: 'r1', index: 2, label: 'neutral', text: 'x' },
      { type: 'trainOnLabels', file: '/etc/passwd' },
      { type: 'search', reportId: 'r1', query: 'x', label: 'angry' },
      { type: 'search', reportId: 'r1', query: 'x'.repeat(1001), label: 'all' },
      { type: 'search', reportId: 'r1', query: 'x', label: 'all', file: '/etc/passwd' },
      { type: 'search', reportId: 'r1', label: 'all' },
    ]) {
      assert.equal(parse(bad), undefined, JSON.stringify(bad));
    }
  });
  it('validates host messages too', () => {
    const p = (m: unknown) => parseMessage<HostToWebview>(m, hostToWebviewValidators);
    assert.ok(p({ type: 'empty', reason: 'none' }));
    assert.ok(p({ type: 'labelled', reportId: 'r', index: 0, label: 'positive', count: 3, file: '.product-forge/labels/sentiment-labels.csv' }));
    assert.equal(p({ type: 'labelled', reportId: 'r', index: 0, label: 'meh', count: 3, file: 'f' }), undefined);
    assert.equal(p({ type: 'report', report: { id: 'x' } }), undefined);
    assert.ok(p({ type: 'empty', reason: 'No report yet.', canAnalyze: true }));
    assert.ok(p({ type: 'empty', reason: 'Open a folder.' }));
    assert.equal(p({ type: 'empty', reason: 'x', canAnalyze: 'yes' }), undefined);
    assert.ok(p({ type: 'searchResults', reportId: 'r', query: 'sync', label: 'negative', items: [], matched: 0 }));
    assert.equal(p({ type: 'searchResults', reportId: 'r', query: 'sync', label: 'negative', items: [], matched: -1 }), undefined);
    assert.equal(p({ type: 'searchResults', reportId: 'r', query: 'sync', label: 'negative', items: {}, matched: 0 }), undefined);
    assert.ok(p({ type: 'searchFailed', reportId: 'r', query: 'sync', label: 'all', message: 'ENOENT' }));
    assert.ok(p(message<HostToWebview, 'report'>('report', { report: { id: 'x', dir: 'd', total: 0, distribution: { negative: 0, neutral: 0, positive: 0 }, timeline: [], themes: [], items: [], truncated: false, hasCsv: false } })));
  });
  it('field checks', () => {
    assert.ok(check.int(0) && !check.int(-1) && !check.int(NaN) && !check.int(2 ** 60));
    assert.ok(check.string('a', 1) && !check.string('ab', 1) && !check.string(1));
    assert.ok(check.oneOf('a', ['a', 'b']) && !check.oneOf('c', ['a', 'b']));
    assert.ok(check.number(0.5, 0, 1) && !check.number(Infinity));
  });
});
