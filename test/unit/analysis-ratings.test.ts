// The report's rating, category and theme sections on inputs where the right answer is known (deterministic lexicon
// classifier, test/fixtures/feedback/lexicon-classifier.ts): the scale a rating column is read on and said to be read
// on, NPS cut-offs, averages never mixed across scales, two-way agreement without the middle ratings, category tables
// that say what they cover and add up, and themes that say how much of a long item they read.
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../src/core/analysis';
import { MAX_SAMPLE_TEXT } from '../../src/core/analysis/analyze';
import { describeRatingScale, parseRating, ratingScale, ratingSentiment } from '../../src/core/readers/columns';
import { analysisSandbox } from './analysis.helpers';

const { write, analyze } = analysisSandbox('pf-ratings-');
const GOOD = 'love it, great', BAD = 'it crashes, slow and bad', MEH = 'it is a tool for lists';

describe('analysis: rating scales', () => {
  it('scales from the values and the name: stars with a 0, points, NPS', () => {
    assert.deepEqual(ratingScale(0, 5), { min: 0, max: 5 });
    assert.deepEqual(ratingScale(1, 5), { min: 1, max: 5 });
    assert.deepEqual(ratingScale(1, 10), { min: 1, max: 10 });
    assert.deepEqual(ratingScale(0, 10, 'nps'), { min: 0, max: 10, nps: true });
    assert.deepEqual(ratingScale(0, 10, 'likelihood_to_recommend'), { min: 0, max: 10, nps: true });
    assert.equal(ratingScale(1, 100), undefined);
    // a share (0.2-1) or thumbs (0/1) is no star rating; a column of 1-star ratings only still is
    assert.equal(ratingScale(0.2, 1), undefined);
    assert.equal(ratingScale(0, 1, 'rating'), undefined);
    assert.deepEqual(ratingScale(1, 1), { min: 1, max: 5 });
    assert.equal(ratingSentiment(4, { min: 0, max: 5 }), 'positive');
    assert.deepEqual([6, 7, 8, 9].map((v) => ratingSentiment(v, { min: 0, max: 10, nps: true })), ['negative', 'neutral', 'neutral', 'positive']);
    assert.deepEqual([4, 5, 7].map((v) => ratingSentiment(v, { min: 0, max: 10 })), ['negative', 'neutral', 'positive']);
    assert.match(describeRatingScale({ min: 0, max: 10, nps: true }), /detractors 0–6 negative, passives 7–8 neutral, promoters 9–10 positive/);
  });

  it('a 1-5 column with one 0 ("not rated") stays a 5-point scale: 4s and 5s are positive, and the report says how it read them', async () => {
    const rows = ['rating,review'];
    for (let i = 0; i < 10; i++) rows.push(`5,${GOOD}`, `4,${GOOD}`, `1,${BAD}`);
    rows.push(`0,${BAD}`);
    const r = await analyze([write('r.csv', rows.join('\n'))]);
    const g = r.rating!;
    assert.deepEqual(g.scale, { min: 0, max: 5 });
    assert.equal(g.matrix.positive.positive, 20, JSON.stringify(g.matrix));
    assert.equal(g.agreement, 1);
    const md = renderMarkdown(r);
    assert.match(md, /Ratings map to expected sentiment: 0–5 stars \(0–2 negative, 3 neutral, 4–5 positive\)\. The text agrees with the rating for 100% of 31 rated items\./);
  });

  it('a rating column with "N/A" in some rows is still the rating column (those rows unrated), not a category', async () => {
    const rows = ['rating,review'];
    for (let i = 0; i < 7; i++) rows.push(`5,${GOOD}`, `1,${BAD}`, `N/A,${GOOD}`);
    const r = await analyze([write('na.csv', rows.join('\n'))]);
    assert.equal(r.rating?.column, 'rating', JSON.stringify(r.categories.map((c) => c.column)));
    assert.equal(r.rating!.rated, 14);
    assert.equal(r.rating!.agreement, 1);
    assert.ok(!r.categories.some((c) => c.column === 'rating'));
  });

  it('a "rating" column of 0/1 (thumbs) or of shares is not read as stars (which called every item\'s rating negative)', async () => {
    for (const [name, up, down] of [['thumbs.csv', '1', '0'], ['share.csv', '0.9', '0.2']]) {
      const rows = ['rating,review'];
      for (let i = 0; i < 8; i++) rows.push(`${up},${GOOD}`, `${down},${BAD}`);
      const r = await analyze([write(name, rows.join('\n'))]);
      assert.equal(r.rating, undefined, `${name}: ${JSON.stringify(r.rating?.scale)}`);
      assert.doesNotMatch(renderMarkdown(r), /stars/);
    }
  });

  it('a 0-5 column whose first 500 rows hold only 0s and 1s is read on 0-5 stars from all its values: the later 4s and 5s count, a 5 on a bad text is a disagreement', async () => {
    const rows = ['rating,review'];
    for (let i = 0; i < 300; i++) rows.push(`1,${BAD}`, `0,${BAD}`); // 600 rows: the whole sample reads 0/1
    for (let i = 0; i < 40; i++) rows.push(`5,${GOOD}`, `4,${GOOD}`, `2,${BAD}`);
    rows.push(`5,${BAD}`);
    const r = await analyze([write('late-stars.csv', rows.join('\n'))]);
    const g = r.rating!;
    assert.ok(g, 'the column is a rating column');
    assert.deepEqual(g.scale, { min: 0, max: 5 });
    assert.equal(g.rated, 721);
    assert.equal(g.matrix.positive.positive, 80, JSON.stringify(g.matrix));
    assert.equal(g.matrix.negative.negative, 640, JSON.stringify(g.matrix));
    assert.equal(g.matrix.positive.negative, 1);
    assert.deepEqual(g.disagreements.map((d) => [d.line, d.rating, d.expected]), [[722, 5, 'positive']]);
    assert.equal(r.files[0].ratingColumn, 'rating');
    assert.match(renderMarkdown(r), /Ratings map to expected sentiment: 0–5 stars .* 721 rated items/);
  });

  it('a 1-10 column whose first 500 rows stop at 5 is read on 1-10 points once 9s and 10s come: its 5s are neutral, not positive', async () => {
    const rows = ['score,review'];
    for (let i = 0; i < 260; i++) rows.push(`1,${BAD}`, `5,${MEH}`);
    for (let i = 0; i < 20; i++) rows.push(`9,${GOOD}`, `10,${GOOD}`);
    const r = await analyze([write('late-tens.csv', rows.join('\n'))]);
    const g = r.rating!;
    assert.deepEqual(g.scale, { min: 1, max: 10 });
    assert.equal(g.rated, 560, 'the 9s and 10s are not left out');
    assert.equal(g.matrix.neutral.neutral, 260, JSON.stringify(g.matrix));
    assert.equal(g.matrix.positive.positive, 40, JSON.stringify(g.matrix));
    assert.equal(g.agreement, 1);
  });

  it('a stray 9 among 1-5 stars is a typo left out with a warning, not a reason to read the 4s and 5s on 1-10 points; a short low 1-10 column stays on 1-10', async () => {
    const rows = ['rating,review'];
    for (let i = 0; i < 100; i++) rows.push(`5,${GOOD}`, `4,${GOOD}`, `1,${BAD}`);
    rows.push(`9,${GOOD}`);
    const r = await analyze([write('stray-nine.csv', rows.join('\n'))]);
    const g = r.rating!;
    assert.deepEqual(g.scale, { min: 1, max: 5 });
    assert.equal(g.rated, 300, 'the 9 is left out');
    assert.equal(g.matrix.positive.positive, 200, JSON.stringify(g.matrix));
    assert.equal(g.agreement, 1);
    assert.ok(r.warnings.some((w) => /stray-nine\.csv: 1 value above 5 in the rating column "rating" left out as a typo/.test(w)), r.warnings.join('\n'));
    // ten answers on 1-10 with one above 5: too few values to call it a typo
    const few = ['score,review', ...[1, 2, 3, 3, 4, 5, 5, 4, 2].map((n) => `${n},${BAD}`), `8,${GOOD}`];
    const f = await analyze([write('few-tens.csv', few.join('\n'))]);
    assert.deepEqual(f.rating!.scale, { min: 1, max: 10 });
    assert.equal(f.rating!.rated, 10);
  });

  it('a long genuine 0/1 or 0-1 "rating" column stays unrated to its last row, and is not taken for a category', async () => {
    for (const [name, up, down] of [['long-thumbs.csv', '1', '0'], ['long-share.csv', '0.75', '0.1']]) {
      const rows = ['rating,review'];
      for (let i = 0; i < 400; i++) rows.push(`${up},${GOOD}`, `${down},${BAD}`);
      const r = await analyze([write(name, rows.join('\n'))]);
      assert.equal(r.rating, undefined, `${name}: ${JSON.stringify(r.rating?.scale)}`);
      assert.equal(r.files[0].ratingColumn, undefined);
      assert.ok(!r.categories.some((c) => c.column === 'rating'));
      assert.doesNotMatch(renderMarkdown(r), /stars|Ratings map/);
    }
  });

  it('an NPS column uses detractors / passives / promoters', async () => {
    const rows = ['nps,comment'];
    for (let i = 0; i < 5; i++) rows.push(`9,${GOOD}`, `8,${MEH}`, `3,${BAD}`, `0,${BAD}`, `10,${GOOD}`);
    const r = await analyze([write('s.csv', rows.join('\n'))]);
    assert.deepEqual(r.rating!.scale, { min: 0, max: 10, nps: true });
    assert.equal(r.rating!.matrix.neutral.neutral + r.rating!.matrix.neutral.negative + r.rating!.matrix.neutral.positive, 5, 'the 8s are passives');
    assert.match(renderMarkdown(r), /NPS 0–10 \(detractors 0–6 negative/);
  });

  it('an average of few rated items says how many it rests on; one of 10 or more does not', async () => {
    const rows = ['rating,review'];
    for (let i = 0; i < 12; i++) rows.push(`${i % 3 ? 5 : 4},${GOOD}`);
    for (let i = 0; i < 3; i++) rows.push(`${i ? 2 : 3},${BAD}`);
    rows.push(`4,${MEH}`);
    const r = await analyze([write('few.csv', rows.join('\n'))]);
    const g = r.rating!;
    // the counts behind each average, per scale and for the first scale (summary.json carries both)
    assert.deepEqual(g.scales[0].ratedByLabel, { negative: 3, neutral: 1, positive: 12 });
    assert.deepEqual(g.ratedByLabel, g.scales[0].ratedByLabel);
    const md = renderMarkdown(r);
    // 7/3 = 2.3 on 3 items, one neutral item's 4, the positive average of 12 items without a count
    assert.match(md, /^Average rating \(1–5\) by predicted sentiment: negative 2\.3 \(3 items\), neutral 4\.0 \(1 item\), positive 4\.7\.$/m);
  });

  it('two files on different scales: one average per scale, never mixed', async () => {
    const a = ['rating,review'], b = ['nps,comment'];
    for (let i = 0; i < 6; i++) a.push(`5,${GOOD}`, `1,${BAD}`);
    for (let i = 0; i < 6; i++) b.push(`10,${GOOD}`, `2,${BAD}`);
    const r = await analyze([write('a.csv', a.join('\n')), write('b.csv', b.join('\n'))]);
    const g = r.rating!;
    assert.equal(g.scales.length, 2);
    const stars = g.scales.find((x) => x.column === 'rating')!, nps = g.scales.find((x) => x.column === 'nps')!;
    assert.equal(stars.averageRatingByLabel.positive, 5);
    assert.equal(nps.averageRatingByLabel.positive, 10);
    assert.equal(g.averageRatingByLabel.positive, g.scales[0].averageRatingByLabel.positive);
    const md = renderMarkdown(r);
    // each average rests on 6 items: fewer than 10, said
    assert.deepEqual(stars.ratedByLabel, { negative: 6, neutral: 0, positive: 6 });
    assert.match(md, /Average `rating` \(1–5, 12 items\) by predicted sentiment: negative 1\.0 \(6 items\), neutral –, positive 5\.0 \(6 items\)\./);
    assert.match(md, /Average `nps` \(NPS, 12 items\) by predicted sentiment: negative 2\.0 \(6 items\), neutral –, positive 10\.0 \(6 items\)\./);
    assert.match(md, /`rating` as 1–5 stars .*; `nps` as NPS 0–10/);
  });

  it('ratings written out ("4/5", "★★★★☆", "Very satisfied", 满意) are ratings, not a category', async () => {
    assert.deepEqual(['4/5', '8 / 10', '3 out of 5', '4 stars', '★★★★☆', '★', 'Very satisfied', 'dissatisfied', 'Neutral.', 'thumbs up', '非常不满意', '好评', '4,5', 'soon'].map(parseRating),
      [4, 8, 3, 4, 4, 1, 5, 2, 3, 5, 1, 5, 4.5, undefined]);
    const written = [['Very satisfied', GOOD], ['Satisfied', GOOD], ['Very dissatisfied', BAD], ['Dissatisfied', BAD]];
    const rows = ['satisfaction,comment'];
    for (let i = 0; i < 5; i++) for (const [v, t] of written) rows.push(`${v},${t}`);
    const r = await analyze([write('w.csv', rows.join('\n'))]);
    assert.equal(r.rating?.column, 'satisfaction', JSON.stringify(r.categories.map((c) => c.column)));
    assert.equal(r.rating!.rated, 20);
    assert.equal(r.rating!.agreement, 1);
    assert.ok(!r.categories.some((c) => c.column === 'satisfaction'), 'not also a category');
    const stars = ['stars,review'];
    for (let i = 0; i < 6; i++) stars.push(`★★★★★,${GOOD}`, `★☆☆☆☆,${BAD}`, `4/5,${GOOD}`);
    const s2 = await analyze([write('s.csv', stars.join('\n'))]);
    assert.deepEqual(s2.rating!.scale, { min: 1, max: 5 });
    assert.equal(s2.rating!.rated, 18);
  });

  it('two-way labels: ratings in the middle are left out of the agreement', async () => {
    const rows = ['rating,review'];
    for (let i = 0; i < 10; i++) rows.push(`5,${GOOD}`, `3,${MEH}`, `1,${BAD}`);
    const r = await analyze([write('t.csv', rows.join('\n'))], { twoWay: true });
    const g = r.rating!;
    assert.equal(g.rated, 30);
    assert.equal(g.agreementBase, 20);
    assert.equal(g.agreement, 1);
    assert.match(renderMarkdown(r), /agrees with the rating for 100% of 20 rated items \(10 items rated in the middle of the scale are left out: with two-way labels no text is neutral\)/);
  });
});

describe('analysis: category tables and themes say what they cover', () => {
  it('a column only some files have: the table says how many items it covers; many values: the rest is one row that adds up; small rows in italics', async () => {
    const a = ['country,review'];
    for (let i = 0; i < 40; i++) a.push(`C${String(i).padStart(2, '0')},${i % 2 ? GOOD : BAD}`, `C${String(i).padStart(2, '0')},${BAD}`);
    const r = await analyze([write('a.csv', a.join('\n')), write('b.txt', Array.from({ length: 10 }, () => GOOD).join('\n'))]);
    const md = renderMarkdown(r);
    const c = r.categories.find((x) => x.column === 'country');
    if (!c) return assert.fail(`no country breakdown: ${JSON.stringify(r.categories.map((x) => x.column))}`);
    assert.match(md, /80 of 90 items have a `country` value; the others are not in this table\./);
    const table = md.slice(md.indexOf('## By country'));
    const rows = [...table.matchAll(/^\| (?!country|---)([^|]+) \| (\d+) \|/gm)].map((m) => Number(m[2]));
    assert.equal(rows.reduce((x, y) => x + y, 0), 80, 'the table adds up to the items it covers');
    assert.match(table, /\| … \d+ more values \| \d+ \|/);
    assert.match(table, /Shares in italics rest on fewer than 5 items/);
  });

  it('many values of equal size (a balanced set of intents): the most negative come first, and the most negative of the rest are named', async () => {
    // 40 intents, 6 items each; intent k has k % 7 negative items, so the shares differ and the alphabet decides nothing
    const a = ['text,intent'];
    for (let k = 0; k < 40; k++) for (let i = 0; i < 6; i++) a.push(`"${i < k % 7 ? BAD : MEH}",intent_${String(k).padStart(2, '0')}`);
    const r = await analyze([write('intents.csv', a.join('\n'))]);
    const c = r.categories.find((x) => x.column === 'intent');
    if (!c) return assert.fail(`no intent breakdown: ${JSON.stringify(r.categories.map((x) => x.column))}`);
    const negs = c.rows.map((row) => row.counts.negative);
    assert.deepEqual(negs, [...negs].sort((x, y) => y - x), 'equal counts: ordered by negative items');
    const table = renderMarkdown(r).slice(renderMarkdown(r).indexOf('## By intent'));
    // the 10 rows past the 30 shown hold the least negative intents; the worst of those are named with their share
    const hidden = c.rows.slice(30).filter((row) => row.counts.negative > 0).sort((x, y) => y.negativeShare - x.negativeShare);
    const m = /Most negative of the 10 values not shown \(at least 5 items each\): ([^\n]+)\./.exec(table);
    if (!m) return assert.fail(`no line naming the most negative hidden values:\n${table}`);
    assert.ok(m[1].startsWith(`${hidden[0].value.replace(/_/g, '\\_')} (${Math.round(hidden[0].negativeShare * 100)}% of 6)`), m[1]);
  });

  it('sentiment over time says how many items came from files without a date column', async () => {
    const a = ['date,review'];
    for (let d = 1; d <= 20; d++) a.push(`2024-03-${String(d).padStart(2, '0')},${d % 2 ? GOOD : BAD}`);
    const r = await analyze([write('a.csv', a.join('\n')), write('b.txt', Array.from({ length: 7 }, () => GOOD).join('\n'))]);
    assert.match(renderMarkdown(r), /7 items come from files without a date column and are not in this table\./);
  });

  it('in mixed feedback a theme gets the sentiment of the clause that mentions it, as Aspects does, and is not folded into an opposite one', async () => {
    // lexicon: "fast" is positive, "broke" negative: each item as a whole is a tie (neutral), its clauses are not
    const lines = ['Fast shipping but the strap broke', 'Really fast shipping, but the strap broke', 'Fast shipping as always but the strap broke', 'The shipping was fast but the strap broke',
      'Shipping was fast but then the strap broke', 'Fast shipping, however the strap broke', 'Fast shipping but my strap broke', 'Super fast shipping but the strap broke today'];
    const r = await analyze([write('strap.txt', lines.join('\n'))]);
    const theme = (w: string) => r.themes.find((t) => t.phrase.toLowerCase().includes(w));
    assert.ok(theme('strap'), `themes: ${r.themes.map((t) => t.phrase).join(', ')}`);
    assert.deepEqual(theme('strap')!.counts, { negative: 8, neutral: 0, positive: 0 });
    assert.deepEqual(theme('shipping')!.counts, { negative: 0, neutral: 0, positive: 8 });
    assert.ok(theme('shipping')!.quotes.every((q) => q.label === 'positive'));
    const aspect = r.aspects.findings.find((f) => f.aspect === 'shipping');
    assert.equal(aspect?.counts.positive, 8);
  });

  it('themes say how many items were longer than the part they read', async () => {
    const long = `the export keeps failing ${'and the sync is slow '.repeat(Math.ceil(MAX_SAMPLE_TEXT / 20))}`;
    const lines = [...Array.from({ length: 6 }, () => long), ...Array.from({ length: 20 }, (_, i) => `the export keeps failing on file ${i}`)];
    const r = await analyze([write('long.txt', lines.join('\n'))]);
    assert.equal(r.themeClippedItems, 6);
    assert.match(renderMarkdown(r), /Themes read the first 1,500 characters of each item; 6 longer items were read that far\./);
  });
});
