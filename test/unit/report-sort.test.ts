// The Report view's table sort (src/webview/report/sort.ts): the default order is the one its header shows,
// Text sorts by the text, and every header's tooltip says what a click on it does.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { ReportItem } from '../../src/webview/report/messages';
import { ariaSort, DEFAULT_SORT, ItemIndex, matchesSearch, matchRanges, nextSort, rangePieces, searchMatcher, searchThemes, sourcePieces, wholeFileSearch, wrapPieces, restoreSort, sortIndicator, sortItems, sortTitle, SORT_KEYS, type SortKey } from '../../src/webview/report/sort';
import { SENTIMENTS } from '../../src/webview/report/messages';

const item = (i: number, source: string, line: number, text: string, score = 0.5): ReportItem => ({ i, source, line, text, label: 'neutral', score });
// in file order (as the report lists them): b.csv before a.txt is not alphabetical, so sorting shows
const items: ReportItem[] = [
  item(0, 'data/a.csv', 2, 'zebra crossing broken', 0.9),
  item(1, 'data/a.csv', 3, 'Apple pay fails', 0.6),
  item(2, 'data/a.csv', 10, 'émigré mode is nice', 0.7),
  item(3, 'data/b.csv', 2, 'apple watch app', 0.8),
  item(4, 'data/b.csv', 2, 'item 10 ok', 0.4),
  item(5, 'data/b.csv', 9, 'item 9 ok', 0.55),
];
const order = (s: { sort: SortKey; desc: boolean }) => sortItems(items, s).map((x) => x.i);

describe('report view: table sort', () => {
  it('sorts by file and line by default, and that is what the Source header shows', () => {
    assert.deepEqual(DEFAULT_SORT, { sort: 'source', desc: false });
    assert.deepEqual(order(DEFAULT_SORT), [0, 1, 2, 3, 4, 5]);
    assert.equal(sortIndicator(DEFAULT_SORT, 'source'), ' ▴');
    assert.equal(ariaSort(DEFAULT_SORT, 'source'), 'ascending');
    for (const k of ['label', 'score', 'text', 'date'] as const) {
      assert.equal(sortIndicator(DEFAULT_SORT, k), '');
      assert.equal(ariaSort(DEFAULT_SORT, k), 'none');
    }
    // lines compare as numbers (10 after 2), ties keep the report's order
    assert.deepEqual(order({ sort: 'source', desc: true }), [5, 3, 4, 2, 1, 0]);
  });

  it('Text sorts alphabetically, locale-aware and case-insensitive, and toggles', () => {
    const asc = nextSort(DEFAULT_SORT, 'text');
    assert.deepEqual(asc, { sort: 'text', desc: false });
    assert.deepEqual(sortItems(items, asc).map((x) => x.text), ['Apple pay fails', 'apple watch app', 'émigré mode is nice', 'item 9 ok', 'item 10 ok', 'zebra crossing broken']);
    const desc = nextSort(asc, 'text');
    assert.deepEqual(desc, { sort: 'text', desc: true });
    assert.deepEqual(sortItems(items, desc).map((x) => x.text)[0], 'zebra crossing broken');
    assert.equal(ariaSort(desc, 'text'), 'descending');
    assert.equal(sortIndicator(desc, 'text'), ' ▾');
    assert.deepEqual(nextSort(desc, 'text'), asc);
  });

  it('score starts highest first; other columns ascending', () => {
    assert.deepEqual(nextSort(DEFAULT_SORT, 'score'), { sort: 'score', desc: true });
    assert.deepEqual(order({ sort: 'score', desc: true }), [0, 3, 2, 1, 5, 4]);
    assert.deepEqual(nextSort({ sort: 'score', desc: true }, 'label'), { sort: 'label', desc: false });
    // sorting leaves the caller's array alone
    assert.deepEqual(items.map((x) => x.i), [0, 1, 2, 3, 4, 5]);
  });

  it("tooltips say what a click does", () => {
    assert.equal(sortTitle(DEFAULT_SORT, 'text', 'Text'), 'Sort by text, A to Z');
    assert.equal(sortTitle({ sort: 'text', desc: false }, 'text', 'Text'), 'Sorted by text, A to Z. Click: sort by text, Z to A');
    assert.equal(sortTitle({ sort: 'text', desc: true }, 'text', 'Text'), 'Sorted by text, Z to A. Click: sort by text, A to Z');
    assert.equal(sortTitle(DEFAULT_SORT, 'score', 'Score'), 'Sort by score, highest first');
    assert.match(sortTitle(DEFAULT_SORT, 'source', 'Source'), /^Sorted by source, in file order .*Click: sort by source, in reverse file order$/);
  });

  it('by sentiment: each label’s most confident items first, whichever label comes first', () => {
    const lab = (i: number, label: ReportItem['label'], score: number): ReportItem => ({ i, source: 'a.csv', line: i + 2, text: `t${i}`, label, score });
    const mixed = [lab(0, 'positive', 0.41), lab(1, 'negative', 0.6), lab(2, 'positive', 0.99), lab(3, 'neutral', 0.5), lab(4, 'negative', 0.97), lab(5, 'positive', 0.7), lab(6, 'neutral', 0.8)];
    const by = (desc: boolean) => sortItems(mixed, { sort: 'label', desc }).map((x) => `${x.label} ${x.score}`);
    assert.deepEqual(by(false), ['negative 0.97', 'negative 0.6', 'neutral 0.8', 'neutral 0.5', 'positive 0.99', 'positive 0.7', 'positive 0.41']);
    // "positive first" opens on the clearest praise (it showed the positives the model was least sure of first: 0.41)
    assert.deepEqual(by(true), ['positive 0.99', 'positive 0.7', 'positive 0.41', 'neutral 0.8', 'neutral 0.5', 'negative 0.97', 'negative 0.6']);
    assert.equal(sortTitle({ sort: 'label', desc: false }, 'label', 'Sentiment'), 'Sorted by sentiment, negative first. Click: sort by sentiment, positive first');
  });

  it('by date: items without a date come last, newest or oldest first', () => {
    const dated = (i: number, date?: string): ReportItem => ({ i, source: 'a.csv', line: i + 2, text: `t${i}`, label: 'neutral', score: 0.5, ...(date ? { date } : {}) });
    const rows = [dated(0), dated(1, '2024-03-01'), dated(2, '2024-01-15'), dated(3), dated(4, '2024-03-01')];
    assert.deepEqual(sortItems(rows, { sort: 'date', desc: false }).map((x) => x.i), [2, 1, 4, 0, 3]);
    // ties (the same day, no date) stay in file order in both directions
    assert.deepEqual(sortItems(rows, { sort: 'date', desc: true }).map((x) => x.i), [1, 4, 2, 0, 3]);
  });

  it('restores a saved sort, replacing keys of older versions by the default', () => {
    assert.deepEqual(restoreSort({ sort: 'text', desc: true, filter: 'all' }), { sort: 'text', desc: true });
    assert.deepEqual(restoreSort({ sort: 'order', desc: false }), DEFAULT_SORT);
    assert.deepEqual(restoreSort(undefined), DEFAULT_SORT);
    assert.deepEqual(restoreSort({ sort: 'score', desc: 'yes' }), { sort: 'score', desc: false });
  });
});

describe('report view: search', () => {
  it('matches text or source, case aside; a theme named in two languages matches either name', () => {
    const item = (text: string, source = 'a.csv') => ({ text, source });
    assert.ok(matchesSearch(item('Login fails again'), 'login'));
    assert.ok(matchesSearch(item('登录总是失败'), 'login / 登录'));
    assert.ok(matchesSearch(item('Cannot LOGIN'), 'login / 登录'));
    assert.ok(!matchesSearch(item('Sync is slow'), 'login / 登录'));
    assert.ok(matchesSearch(item('anything', 'tickets.csv'), 'tickets'));
    assert.ok(matchesSearch(item('anything'), '  '));
    // a theme's name finds its items by any of its variants as written
    const themes = [{ term: 'notes / 笔记', variants: ['notes', 'note', '笔记'] }, { term: 'login', variants: ['login', 'log in'] }];
    assert.ok(matchesSearch(item('I lost a note'), 'notes / 笔记', themes));
    assert.ok(!matchesSearch(item('I lost a note'), 'notes / 笔记'));
    assert.ok(matchesSearch(item('cannot log in'), 'Login', themes));
    assert.ok(!matchesSearch(item('cannot log in'), 'logi', themes), 'only a theme name expands');
    // the product itself (set apart from the themes, its name a button too) finds its variants as a theme's does
    const r = { themes, productThemes: [{ term: 'book', variants: ['book', 'books'] }] };
    assert.deepEqual(searchThemes(r).map((t) => t.term), ['notes / 笔记', 'login', 'book']);
    assert.ok(matchesSearch(item('Great books'), 'book', searchThemes(r)));
    assert.deepEqual(searchThemes({ themes }), themes);
  });

  it('marks in a row the text the filter found there, as the matcher found it (names, variants, case aside)', () => {
    const at = (text: string, q: string, th?: { term: string; variants?: string[] }[]) => matchRanges(text, q, th).map(([s, e]) => text.slice(s, e));
    assert.deepEqual(at('Login fails, LOGIN again', 'login'), ['Login', 'LOGIN']);
    assert.deepEqual(at('登录总是失败 and login', 'login / 登录'), ['登录', 'login']);
    // a theme's variants as written: "note" and 笔记 for the theme "notes / 笔记"
    const themes = [{ term: 'notes / 笔记', variants: ['notes', 'note', '笔记'] }, { term: 'login', variants: ['login', 'log in'] }];
    assert.deepEqual(at('I lost a note, then my 笔记', 'notes / 笔记', themes), ['note', '笔记']);
    assert.deepEqual(at('cannot log in to login', 'Login', themes), ['log in', 'login']);
    // overlapping finds merge ("notes" holds "note"): one mark, not two
    assert.deepEqual(at('my notes', 'notes / 笔记', themes), ['notes']);
    // every row matches an empty filter: nothing marked; a match in the source only marks nothing in the text
    assert.deepEqual(matchRanges('Sync is slow', '  '), []);
    assert.deepEqual(matchRanges('Sync is slow', 'tickets'), []);
    // wherever the matcher finds a row's text, its marks are there (the same alternatives)
    for (const [text, q] of [['Cannot LOGIN', 'login / 登录'], ['I lost a note', 'notes / 笔记']] as const) {
      assert.equal(matchesSearch({ text, source: '' }, q, themes), matchRanges(text, q, themes).length > 0);
    }
    // lower-casing that lengthens a character ("İ" is two code units lower-cased) does not shift the marks after it
    assert.deepEqual(at('İstanbul login', 'login'), ['login']);
    assert.deepEqual(at('İİ LOGIN', 'login'), ['LOGIN']);
  });

  it("cuts a row's text at its marks' edges, so the filter's mark goes inside a driver word's", () => {
    assert.deepEqual(rangePieces(0, 10, [[2, 4]]), [
      { start: 0, end: 2, hit: false },
      { start: 2, end: 4, hit: true },
      { start: 4, end: 10, hit: false },
    ]);
    // a driver word (5–9) a match (3–7) overlaps: the part of the match inside it
    assert.deepEqual(rangePieces(5, 9, [[3, 7]]), [
      { start: 5, end: 7, hit: true },
      { start: 7, end: 9, hit: false },
    ]);
    assert.deepEqual(rangePieces(5, 9, [[0, 2], [12, 14]]), [{ start: 5, end: 9, hit: false }]);
    assert.deepEqual(rangePieces(0, 4, [[0, 4]]), [{ start: 0, end: 4, hit: true }]);
    assert.deepEqual(rangePieces(3, 3, [[0, 4]]), []);
  });
});

describe('report view: the source a row shows, the filter marked in it', () => {
  it('marks a match only in the file name: the row the filter kept shows why (in the column and under the text alike)', () => {
    const item = { text: 'Sync is slow', source: path.join('feedback', 'support-tickets.csv') };
    // the row matches by its source alone: nothing in its text to mark
    assert.ok(matchesSearch(item, 'TICKETS'));
    assert.deepEqual(matchRanges(item.text, 'TICKETS'), []);
    assert.deepEqual(sourcePieces(item.source, 12, 'TICKETS'), [
      { text: 'support-', hit: false },
      { text: 'tickets', hit: true },
      { text: '.csv:12', hit: false },
    ]);
    // the pieces make the source as shown, whatever the filter
    for (const q of ['', 'tickets', 'support / csv', 'zzz']) assert.equal(sourcePieces(item.source, 12, q).map((p) => p.text).join(''), 'support-tickets.csv:12');
    // two names of a theme, each marked; a match at the name's end runs up to the line, which stays unmarked
    assert.deepEqual(sourcePieces('app.csv', 3, 'app / csv'), [
      { text: 'app', hit: true },
      { text: '.', hit: false },
      { text: 'csv', hit: true },
      { text: ':3', hit: false },
    ]);
    // the line number is no part of the search: "12" does not mark it
    assert.deepEqual(sourcePieces('a.csv', 12, '12'), [{ text: 'a.csv:12', hit: false }]);
    // the folder is not shown: its match marks nothing (the tooltip names the whole path)
    assert.deepEqual(sourcePieces(path.join('feedback', 'a.csv'), 1, 'feedback'), [{ text: 'a.csv:1', hit: false }]);
    assert.deepEqual(sourcePieces('', 1, 'x'), []);
  });
});

describe('report view: the table rows of a large report (ItemIndex)', () => {
  // 5,000 items, as many as the host sends: texts in two scripts and cases, two sources, some dates
  const words = ['Login', 'sync', 'Export', 'crash', '登录', 'slow', 'refund', 'Émigré', 'notes', 'dark mode'];
  const many: ReportItem[] = Array.from({ length: 5000 }, (_, i) => ({
    i,
    source: i % 3 ? 'feedback/App.csv' : 'tickets.txt',
    line: 2 + (i % 977),
    text: `${words[i % 10]} ${words[(i * 7) % 10]} item ${i % 613}`,
    label: SENTIMENTS[(i * 5) % 3],
    score: ((i * 37) % 100) / 100,
    ...(i % 4 ? { date: `2024-0${1 + (i % 9)}-1${i % 10}` } : {}),
  }));
  const themes = [{ term: 'notes / 笔记', variants: ['notes', 'note'] }];

  // what each query finds, written out here (not computed by the code under test): the lower-cased strings an item's
  // text or source must contain
  const finds: Record<string, string[]> = {
    '': [],
    LOGIN: ['login'],
    'app.csv': ['app.csv'],
    '登录 / crash': ['登录', 'crash'],
    'notes / 笔记': ['notes', '笔记', 'note'],
    'item 61': ['item 61'],
    'nothing like it': ['nothing like it'],
  };
  const oracle = (it: ReportItem, strings: string[]) => !strings.length || strings.some((s) => it.text.toLowerCase().includes(s) || it.source.toLowerCase().includes(s));

  it('gives the rows of the sort, the sentiment filter and the query, for every sort, filter and query', () => {
    const index = new ItemIndex(many);
    for (const sort of SORT_KEYS)
      for (const desc of [false, true])
        for (const filter of ['all', ...SENTIMENTS] as const)
          for (const [query, strings] of Object.entries(finds)) {
            const expected = sortItems(many.filter((it) => (filter === 'all' || it.label === filter) && oracle(it, strings)), { sort, desc });
            assert.deepEqual(index.rows({ sort, desc }, filter, query, themes).map((it) => it.i), expected.map((it) => it.i), `${sort} ${desc} ${filter} "${query}"`);
          }
    // each query finds some items and leaves some out (else the check above says little), but the last
    for (const [query, strings] of Object.entries(finds)) {
      const n = many.filter((it) => oracle(it, strings)).length;
      if (query === 'nothing like it') assert.equal(n, 0);
      else if (query) assert.ok(n > 0 && n < many.length, `"${query}": ${n}`);
    }
  });

  it('the matcher (one for the table and the host\'s search) takes lower-cased text and source, or an item as it is', () => {
    const m = searchMatcher('Login / 登录');
    assert.equal(m.everything, false);
    assert.ok(m.lower('cannot login', 'a.csv'));
    assert.ok(m.lower('x', 'login-logs/a.csv'), 'the source counts');
    assert.ok(!m.lower('cannot log in', 'a.csv'));
    assert.ok(m.item({ text: 'LOGIN broken', source: 'A.csv' }));
    assert.ok(searchMatcher('  ').everything && searchMatcher('  ').lower('anything', ''));
  });

  it('sorts once per sort, not on every keystroke, and leaves the items alone', () => {
    const copy = many.slice();
    const index = new ItemIndex(copy);
    const byText = index.sortedBy({ sort: 'text', desc: false });
    for (const q of ['s', 'sl', 'slo', 'slow']) index.rows({ sort: 'text', desc: false }, 'all', q);
    assert.equal(index.sortedBy({ sort: 'text', desc: false }), byText, 'the sorted order is kept');
    assert.notEqual(index.sortedBy({ sort: 'text', desc: true }), byText);
    assert.deepEqual(copy.map((it) => it.i), many.map((it) => it.i));
    // a keystroke filters the kept order: all "slow" items, in text order
    const slow = index.rows({ sort: 'text', desc: false }, 'all', 'slow');
    assert.deepEqual(slow, byText.filter((it) => it.text.toLowerCase().includes('slow')));
  });
});

describe('report view: searching a report larger than the rows it holds', () => {
  it('asks the host to search every row only when the table holds some of them and the filter has text', () => {
    const big = { truncated: true, hasCsv: true };
    assert.deepEqual(wholeFileSearch(big, '  refund ', 'negative'), { query: 'refund', label: 'negative' });
    assert.equal(wholeFileSearch(big, '   ', 'negative'), undefined, 'the sentiment alone filters the rows held');
    assert.equal(wholeFileSearch({ truncated: false, hasCsv: true }, 'refund', 'all'), undefined, 'every row is held');
    assert.equal(wholeFileSearch({ truncated: true, hasCsv: false }, 'refund', 'all'), undefined, 'no CSV to search');
  });
});

describe('report view: long unbroken text', () => {
  it('a URL or hash gets break points (joined with <wbr>) so it wraps in a narrow table; ordinary words stay whole', () => {
    const url = 'See https://example.com/a/very/long/path/that/has/no/spaces/at/all/index.html?query=1234567890 for details';
    const pieces = wrapPieces(url);
    assert.equal(pieces.join(''), url, 'nothing is lost or added');
    assert.ok(pieces.length > 5);
    // no piece holds an unbroken run longer than 24 characters
    for (const p of pieces) for (const run of p.split(/\s+/)) assert.ok(run.length <= 24, run);
    const hash = wrapPieces('id 0123456789abcdef0123456789abcdef0123 ok');
    assert.equal(hash.join(''), 'id 0123456789abcdef0123456789abcdef0123 ok');
    assert.ok(hash.every((p) => p.split(/\s+/).every((r) => r.length <= 23)), JSON.stringify(hash));
    assert.deepEqual(wrapPieces('Nice clean design, easy to use.'), ['Nice clean design, easy to use.']);
    assert.deepEqual(wrapPieces('internationalization'), ['internationalization']);
    assert.deepEqual(wrapPieces(''), ['']);
  });
});
