// Date handling of the analysis: the per-column day/month order, numeric and two-digit-year dates,
// placeholder and long-span dates, and the split of "themes that grew". Uses the TEST lexicon classifier.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { renderMarkdown, sentimentOverTimeSvg, type AnalysisResult } from '../../src/core/analysis';
import { medianSplit, bucketRange, chooseGranularity, isoDate } from '../../src/core/analysis/time';
import { inspectTable, parseDate } from '../../src/core/readers';
import { profileDates } from '../../src/core/readers/dates';
import { analysisSandbox } from './analysis.helpers';

const box = analysisSandbox('pf-dates-');
const write = (name: string, data: string) => box.write(name, data);
const analyze = (file: string) => box.analyze([file]);
const pad = (n: number) => String(n).padStart(2, '0');
const U = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

describe('analysis: dates', () => {
  it('UK dates: the day/month order is decided for the whole column (31 rows of March 2024 = one month)', async () => {
    const rows = ['date,comment'];
    for (let d = 1; d <= 31; d++) rows.push(`${pad(d)}/03/2024,the app is good number ${d}`);
    const r = await analyze(write('uk.csv', rows.join('\n')));
    assert.equal(r.time!.granularity, 'week');
    assert.equal(r.time!.undated, 0);
    assert.equal(r.time!.buckets[0].start, '2024-02-26'); // Monday of the week of 2024-03-01
    assert.equal(r.time!.buckets.at(-1)!.start, '2024-03-25');
    assert.equal(r.time!.buckets.reduce((a, b) => a + b.total, 0), 31);
  });

  it('the order decided on the sample applies to rows past it (a streamed file)', async () => {
    // 600 rows: the sample (500) decides day-first from 13/.., rows past it keep that order.
    const rows = ['date,comment'];
    for (let i = 0; i < 600; i++) rows.push(`${pad((i % 28) + 1)}/${pad(i < 500 ? 3 : 4)}/2024,item ${i} is good`);
    const t = await inspectTable(write('s.csv', rows.join('\n')));
    assert.equal(t.dateFormat?.order, 'dmy');
    const r = await analyze(path.join(box.dir(), 's.csv'));
    assert.equal(r.time!.undated, 0);
    assert.ok(r.time!.buckets.every((b) => b.start >= '2024-02-26' && b.start <= '2024-04-29'), JSON.stringify(r.time!.buckets.map((b) => b.start)));
  });

  it('a second part over 12 means month-first; undecided columns say how ambiguous dates were read', async () => {
    assert.equal(profileDates(['03/05/2024', '03/25/2024'], true)?.order, 'mdy');
    const f = profileDates(['03/05/2024', '04/06/2024'], true)!;
    assert.equal(f.order, 'mdy');
    assert.ok(f.orderAssumed);
    assert.equal(parseDate('03/05/2024', f), U(2024, 3, 5));
    assert.equal(parseDate('03.05.2024', f), U(2024, 5, 3)); // dots: day-first
    const r = await analyze(write('amb.csv', 'date,comment\n03/05/2024,good\n04/06/2024,bad crash\n'));
    assert.match(renderMarkdown(r), /dates like 03\/05\/2024 read as month\/day/);
  });

  it('Excel serial days, epoch seconds/milliseconds and two-digit years in a date-named column', async () => {
    assert.equal(parseDate('45292', profileDates(['45292', '45300'], true)), U(2024, 1, 1));
    assert.equal(profileDates(['45292', '45300'], false), undefined); // only date-named columns
    assert.equal(parseDate('1709251200', profileDates(['1709251200'], true)), U(2024, 3, 1));
    assert.equal(parseDate('03/05/24', profileDates(['03/05/24', '13/05/24'], true)), U(2024, 5, 3));
    assert.equal(parseDate('03/05/85', profileDates(['03/05/85'], true)), U(1985, 3, 5));
    assert.equal(profileDates(['12345', '45292'], true)?.numeric, undefined); // not all in 1990-2100
    const jsonl = [1709251200000, 1709337600000, 1711929600000].map((t, i) => JSON.stringify({ created_at: t, text: `the app is good ${i}` })).join('\n');
    const r = await analyze(write('e.jsonl', jsonl));
    assert.ok(r.time, 'trend section present');
    assert.equal(r.time!.undated, 0);
    assert.equal(r.time!.buckets[0].start, '2024-02-26');
    const x = await analyze(write('x.csv', ['date,comment', ...[45292, 45293, 45330].map((n, i) => `${n},good thing ${i}`)].join('\n')));
    assert.equal(x.time!.buckets[0].start, '2024-01-01');
  });

  it('a date-named column that cannot be read is reported, not silently dropped', async () => {
    const r = await analyze(write('bad.jsonl', ['yesterday', 'last week', 'soon'].map((v, i) => JSON.stringify({ created_at: v, text: `good ${i}` })).join('\n')));
    assert.equal(r.time, undefined);
    assert.match(renderMarkdown(r), /date column created\\_at found, but its values could not be read as dates/);
  });

  it('"N/A" and "-" in a date column are missing dates, not a reason to drop the column; an unreadable column quotes a value it could not read', async () => {
    // a quarter of the rows say N/A (or "-"): the other rows still make the trend
    const rows = ['submitted,comment'];
    for (let i = 0; i < 40; i++) rows.push(`${i % 4 === 0 ? (i % 8 ? 'N/A' : '-') : `2024-03-${pad((i % 28) + 1)} 10:00`},the app is good number ${i}`);
    const r = await analyze(write('na.csv', rows.join('\n')));
    assert.ok(r.time, r.warnings.join('; '));
    assert.equal(r.time!.undated, 10);
    assert.equal(r.time!.buckets.reduce((a, b) => a + b.total, 0), 30);
    // a column that really is half unreadable: the example is one of the unreadable values, with the share
    const half = ['created,comment'];
    for (let i = 0; i < 10; i++) half.push(`${i % 2 ? 'yesterday' : `2024-01-${pad(i + 1)}`},good ${i}`);
    const h = await analyze(write('half.csv', half.join('\n')));
    assert.equal(h.time, undefined);
    assert.ok(h.warnings.some((w) => /date column created found, but 50% of its values could not be read as dates \(e\.g\. "yesterday"\)/.test(w)), h.warnings.join('; '));
  });

  it('a very long span does not crash: year buckets, placeholder dates counted as undated', async () => {
    const rows = ['date,comment'];
    for (let i = 0; i < 39; i++) rows.push(`2024-${pad((i % 12) + 1)}-${pad((i % 27) + 1)},good item ${i}`);
    rows.push('1970-01-01,bad crash', '2100-12-31,bad crash');
    const r = await analyze(write('long.csv', rows.join('\n')));
    assert.equal(r.time!.undated, 2);
    assert.equal(r.time!.placeholders, 2);
    assert.equal(r.time!.granularity, 'month');
    assert.equal(r.time!.buckets.length, 12);
    assert.match(renderMarkdown(r), /2 items had no readable date \(2 of them placeholder dates/);
    // A real long span (1975-2099) is bucketed by year with a bounded number of rows.
    const span = ['date,comment', '1975-06-01,good', ...Array.from({ length: 20 }, (_, i) => `2024-01-${pad(i + 1)},fine ${i}`), '2099-06-01,bad'];
    const s = await analyze(write('span.csv', span.join('\n')));
    assert.equal(s.time!.granularity, 'year');
    assert.equal(s.time!.buckets.length, 2099 - 1975 + 1);
    assert.equal(s.time!.buckets.reduce((a, b) => a + b.total, 0), 22);
    assert.match(renderMarkdown(s), /\| Year \|/);
    assert.ok(chooseGranularity(U(1970, 1, 1), U(2100, 12, 31)) === 'year');
    const none = await analyze(write('none.csv', 'date,comment\n1970-01-01,good\n1970-01-01,bad crash\n'));
    assert.equal(none.time, undefined);
    assert.ok(none.warnings.some((w) => /none of 2 items had a readable date \(2 placeholder dates/.test(w)), none.warnings.join('; '));
    assert.ok(bucketRange(U(1970, 1, 1), U(2100, 12, 31), 'year').length <= 140);
  });

  it('week buckets start on Monday, month buckets on the 1st; the chart has the table\'s buckets', async () => {
    const rows = ['date,comment', '2024-03-06,good', '2024-03-20,bad crash', '2024-04-02,good'];
    const r = await analyze(write('w.csv', rows.join('\n')));
    for (const b of r.time!.buckets) assert.equal(new Date(b.start).getUTCDay(), 1);
    const m = await analyze(write('m.csv', ['date,comment', '2024-01-15,good', '2024-09-30,bad crash'].join('\n')));
    for (const b of m.time!.buckets) assert.ok(b.start.endsWith('-01'));
    const svg = sentimentOverTimeSvg(m.time!.buckets.map((b) => ({ label: b.label, ...b.counts })));
    assert.equal((svg.match(/font-size="9">/g) ?? []).length, m.time!.buckets.length);
  });

  it('themes that grew: split at the median date, halves counted, no claim on thin halves', async () => {
    assert.deepEqual(medianSplit([1, 2, 3, 4]), { lastEarly: 2, firstLate: 3, early: 2, late: 2 });
    assert.equal(medianSplit([5, 5, 5]), undefined);
    // 1997-2005: few items early, most late; a calendar midpoint would leave ~10 items in the first half.
    const rows = ['date,comment'];
    for (let i = 0; i < 10; i++) rows.push(`1997-0${(i % 9) + 1}-10,the interface is fine ${i}`);
    for (let i = 0; i < 190; i++) rows.push(`2005-${pad((i % 12) + 1)}-${pad((i % 28) + 1)},${i >= 100 && i % 2 ? 'the movie player is bad' : 'the interface is fine'} ${i}`);
    const r = await analyze(write('g.csv', rows.join('\n')));
    const sp = r.time!.split!;
    assert.ok(sp.earlyItems >= 90 && sp.lateItems >= 90, JSON.stringify(sp));
    assert.ok(sp.lastEarly.startsWith('2005-'));
    const md = renderMarkdown(r);
    if (r.time!.growingThemes.length) assert.match(md, /Themes mentioned more in the later half \(since 2005-\d{2}-\d{2}\)/);
    // report.md writes its days as its tables do (ISO); the Report view writes them in the user's locale
    // Thin halves: no growth claim, and the report says why.
    const thin = ['date,comment', ...Array.from({ length: 20 }, (_, i) => `2024-0${(i % 2) + 1}-0${(i % 9) + 1},movie ${i < 10 ? 'fine' : 'player bad'}`)];
    const t = await analyze(write('t.csv', thin.join('\n')));
    assert.deepEqual(t.time!.growingThemes, []);
    assert.match(renderMarkdown(t), /Themes mentioned more in the later half: not compared\. The earlier half \(up to 2024-\d{2}-\d{2}\) has \d+ dated items, the later half \d+; each needs at least \d+\./);
    assert.equal(isoDate(U(2024, 1, 1)), '2024-01-01');
  });
});

describe('analysis dates: an order the first rows left open', () => {
  const sorted = (fmt: (d: number) => string) => {
    // 45 items a day, 1-31 January 2024, in date order: the sampled rows only see days 1-12
    const rows = ['date,review'];
    for (let d = 1; d <= 31; d++) for (let i = 0; i < 45; i++) rows.push(`${fmt(d)},${i % 2 ? 'love it, great' : 'it crashes'}`);
    return rows.join('\n');
  };
  const inJanuary = (r: AnalysisResult) => r.time!.buckets.filter((b) => b.start.startsWith('2024-01')).reduce((a, b) => a + b.total, 0);

  it('a UK file sorted by date (days 1-12 first): later rows decide day/month, and every date is read that way', async () => {
    const r = await analyze(write('uk-sorted.csv', sorted((d) => `${pad(d)}/01/2024`)));
    assert.equal(r.time!.undated, 0, 'every date is read');
    assert.equal(inJanuary(r), 31 * 45, 'the early rows (02/01/2024 ...) are January too');
    assert.equal(r.time!.buckets.reduce((a, b) => a + b.total, 0), 31 * 45);
    const md = renderMarkdown(r);
    assert.match(md, /dates read as day\/month \(e\.g\. 02\/01\/2024\), decided by later rows such as 13\/01\/2024/);
    assert.doesNotMatch(md, /no value decides|may be wrong/);
    assert.equal(parseDate('13/01/2024', { order: 'mdy', orderAssumed: true }), U(2024, 1, 13));
  });

  it('a US file sorted the same way stays month/day; a file never deciding says month/day was assumed; both orders: each on its own', async () => {
    const us = await analyze(write('us-sorted.csv', sorted((d) => `01/${pad(d)}/2024`)));
    assert.equal(inJanuary(us), 31 * 45);
    assert.match(renderMarkdown(us), /dates read as month\/day \(e\.g\. 01\/02\/2024\), decided by later rows such as 01\/13\/2024/);
    const open = await analyze(write('open.csv', ['date,review', ...Array.from({ length: 40 }, (_, i) => `03/0${(i % 9) + 1}/2024,${i % 2 ? 'great' : 'it crashes'}`)].join('\n')));
    // read as 1-9 March (month/day): the weeks of 26 February and 4 March
    assert.deepEqual(open.time!.buckets.filter((b) => b.total).map((b) => b.start), ['2024-02-26', '2024-03-04']);
    assert.match(renderMarkdown(open), /no value decides the day\/month order: dates like 03\/01\/2024 read as month\/day/);
    const rows = ['date,review'];
    for (let i = 0; i < 600; i++) rows.push(`0${(i % 9) + 1}/02/2024,fine`);
    rows.push('13/02/2024,late UK row', '02/14/2024,late US row');
    const mixed = await analyze(write('mixed.csv', rows.join('\n')));
    assert.equal(mixed.time!.undated, 0);
    assert.match(renderMarkdown(mixed), /both day\/month and month\/day dates seen/);
    // each value on its own: the ambiguous ones as month/day (assumed), the two decided ones by themselves
    const feb = mixed.time!.buckets.filter((b) => b.start.startsWith('2024-02')).reduce((a, b) => a + b.total, 0);
    assert.equal(feb, rows.filter((l) => l.startsWith('02/02/')).length + 2, 'only 02/02 and the two late rows fall in February');
  });

  it('a folder of files that read their dates differently names each file in its note', async () => {
    const uk = write('notes-uk.csv', sorted((d) => `${pad(d)}/01/2024`));
    const us = write('notes-us.csv', ['date,review', ...Array.from({ length: 40 }, (_, i) => `01/${13 + (i % 15)}/2024,${i % 2 ? 'great' : 'it crashes'}`)].join('\n'));
    const r = await box.analyze([uk, us]);
    const notes = r.time!.notes ?? [];
    assert.ok(notes.some((n) => n.startsWith(`${uk}: column date: dates read as day/month`)), notes.join('\n'));
    assert.ok(notes.some((n) => n.startsWith(`${us}: column date:`)) || !notes.some((n) => n.includes('month/day')), notes.join('\n'));
    assert.equal(inJanuary(r), 31 * 45 + 40);
  });

  it('the theme sample follows the decided order (themes that grew compare the right halves)', async () => {
    // UK dates over 1-28 February; the first half of the month complains about login, the second about export
    const rows = ['date,review'];
    for (let d = 1; d <= 28; d++) for (let i = 0; i < 30; i++) rows.push(`${pad(d)}/02/2024,${d <= 14 ? 'the login page keeps failing' : 'the export to csv keeps failing'}`);
    const r = await analyze(write('uk-themes.csv', rows.join('\n')));
    assert.equal(r.time!.split?.lastEarly, '2024-02-14');
    assert.ok(r.time!.growingThemes.some((g) => /export/i.test(g.phrase)), JSON.stringify(r.time!.growingThemes));
  });
});
