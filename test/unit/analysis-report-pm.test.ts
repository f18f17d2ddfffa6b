// Defects a product manager's read of Analyze Feedback reports found on public review data (SemEval-2014 laptop and
// restaurant sentences, Amazon book and DVD reviews): each test is a small hand-made input that failed before its fix.
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../src/core/analysis';
import { splitContrast } from '../../src/core/analysis/aspects';
import { wholeShares } from '../../src/core/analysis/markdown';
import { extractTerms, type WordUse } from '../../src/core/analysis/phrases';
import { themeLabel } from '../../src/core/analysis/themes';
import { analysisSandbox } from './analysis.helpers';

const box = analysisSandbox('pf-report-pm-');

describe('analysis: report content a product manager reads', () => {
  it('a sentence adverb inside its clause is no cut there: the clause keeps its subject, the cut goes before its sentence', () => {
    // before: ["I have loved her other novels. This book", "does not rank among them."]: the book was praised
    assert.deepEqual(splitContrast('I have loved her other novels. This book, sadly, does not rank among them.'), [
      'I have loved her other novels.',
      'This book, sadly, does not rank among them.',
    ]);
    // before: ["A friend recommended this book which I", "bought. I feel sorry for people."]
    assert.deepEqual(splitContrast('A friend recommended this book which I unfortunately bought. I feel sorry for people.'), []);
    // before: ["The screen", "is too dim."]
    assert.deepEqual(splitContrast('The screen, however, is too dim.'), []);
    assert.deepEqual(splitContrast('The app is nice. The sync, however, keeps failing'), ['The app is nice.', 'The sync, however, keeps failing']);
    // opening a clause they still cut
    assert.deepEqual(splitContrast('Great screen, however the battery dies fast.'), ['Great screen', 'the battery dies fast.']);
    assert.deepEqual(splitContrast('The screen is great, unfortunately, the battery dies.'), ['The screen is great', 'the battery dies.']);
    assert.deepEqual(splitContrast('Food was good, however, service was slow.'), ['Food was good', 'service was slow.']);
    assert.deepEqual(splitContrast('Great app. Unfortunately it crashes.'), ['Great app.', 'it crashes.']);
    assert.deepEqual(splitContrast('I love the camera but unfortunately the battery is weak'), ['I love the camera', 'the battery is weak']);
  });

  it('clauses lose the dash, bracket or conjunction the cut left at their edges', () => {
    // before: "… for a table (" and "we had reservations)."
    assert.deepEqual(splitContrast('Both times we waited well over a half hour for a table (even though we had reservations).'), [
      'Both times we waited well over a half hour for a table',
      'we had reservations.',
    ]);
    // before: "… off the charts -" and "- the pizza, sorry - not the best in NYC."
    assert.deepEqual(splitContrast('The people here are lovely - unfortunately - the pizza is not the best in town.'), [
      'The people here are lovely',
      'the pizza is not the best in town.',
    ]);
    // before: "The graphics and screen are stunning and"
    assert.deepEqual(splitContrast('The graphics and screen are stunning and although I was a PC person, I learned the mac quickly.')[0], 'The graphics and screen are stunning');
    // brackets that stay matched are kept
    assert.deepEqual(splitContrast('The battery (6 cells) is great but the screen is dim'), ['The battery (6 cells) is great', 'the screen is dim']);
  });

  it("an aspect's example in the table shows the aspect, also in a long clause that names it late", async () => {
    const lead = 'I bought this for my daughter after reading many reviews on several sites and comparing it with three others in the shop';
    const lines = [
      `${lead}, and the keyboard is terrible but the screen is great`,
      `${lead}, and the keyboard feels bad but the screen is fine`,
      'The keyboard is slow but the screen is great',
    ];
    const r = await box.analyze([box.write('long.txt', lines.join('\n'))]);
    const md = renderMarkdown(r);
    const row = md.slice(md.indexOf('## Aspects')).split('\n').find((l) => l.startsWith('| keyboard |'));
    assert.ok(row, md);
    // before: "I bought this for my daughter after reading many reviews on several sites and comparing it with th…"
    const example = row.split(' | ')[4];
    assert.match(example, /keyboard is terrible/, row);
    assert.match(example, /^…/, row);
    // the order (praised + criticized) is said, since the Clauses column also counts neutral clauses
    assert.match(md, /Aspects are ranked by the clauses that praise or criticize them \(Clauses counts the neutral ones too\)\./);
  });

  it('an aspect is written as its theme is: the form the feedback uses most, not the form of its first clauses', async () => {
    const lines = [
      'the keyboard is nice but the trackpad is awful',
      'the keyboard is great but the trackpad is bad',
      'the keyboard is fine but the trackpad is terrible',
      ...[...Array(8)].map((_, i) => `The TrackPad stopped working after ${i + 2} days`),
      ...[...Array(8)].map((_, i) => `Battery lasts ${i + 3} hours on a charge`),
    ];
    const r = await box.analyze([box.write('forms.txt', lines.join('\n'))]);
    const aspect = r.aspects.findings.find((f) => f.aspect.toLowerCase() === 'trackpad');
    const theme = r.themes.find((t) => t.phrase.toLowerCase() === 'trackpad');
    assert.ok(aspect && theme, JSON.stringify({ aspects: r.aspects.findings.map((f) => f.aspect), themes: r.themes.map((t) => t.phrase) }));
    // before: "trackpad" (its 3 clauses) beside the theme "TrackPad" (11 items)
    assert.equal(theme.phrase, 'TrackPad');
    assert.equal(aspect.aspect, 'TrackPad');
  });

  it('the overall shares add up to 100% as shown', async () => {
    // 228 / 139 / 533 of 900 items: before, 25% / 15% / 59% (99%)
    assert.deepEqual(wholeShares([228 / 900, 139 / 900, 533 / 900]), ['25%', '16%', '59%']);
    // a share under 10%: one decimal for all
    assert.deepEqual(wholeShares([1 / 3, 0.05, 1 - 1 / 3 - 0.05]), ['33.3%', '5.0%', '61.7%']);
    assert.deepEqual(wholeShares([1 / 3, 1 / 3, 1 / 3]), ['34%', '33%', '33%']);
    assert.deepEqual(wholeShares([0.5, 0, 0.5]), ['50%', '0%', '50%']);
    assert.deepEqual(wholeShares([0, 0, 0]), ['0%', '0%', '0%']);
    const lines = [...Array(4)].map(() => 'great screen').concat([...Array(4)].map(() => 'slow and bad'), [...Array(3)].map(() => 'it is a laptop'));
    const md = renderMarkdown(await box.analyze([box.write('s.txt', lines.join('\n'))]));
    const shown = [...md.matchAll(/^\| (?:negative|neutral|positive) \| \d+ \| ([\d.]+)% \|$/gm)].map((m) => Number(m[1]));
    assert.equal(shown.length, 3, md);
    // 4 / 3 / 4 of 11: 36% / 27% / 36% summed to 99%
    assert.equal(shown.reduce((a, x) => a + x, 0), 100, md);
  });

  it('a word the feedback uses as an adjective ("was delicious", "very funny") is no theme and no aspect', async () => {
    const uses = new Map<string, WordUse>();
    for (const t of ['the soup was delicious', 'it tastes bland', 'very funny movie', 'the sauce is not spicy', 'there is noise', 'the battery is great']) extractTerms(t, uses);
    assert.equal(uses.get('delicious')?.adj, 1);
    assert.equal(uses.get('bland')?.adj, 1);
    assert.equal(uses.get('funny')?.adj, 1);
    assert.equal(uses.get('spicy')?.adj, 1);
    // "there is" introduces a noun
    assert.equal(uses.get('noise')?.adj ?? 0, 0);
    assert.deepEqual(uses.get('battery'), { verb: 0, noun: 1, adj: 0, lower: 1 });
    const lines: string[] = [];
    for (let i = 0; i < 6; i++) {
      lines.push(
        `The pasta was delicious but the service was bad ${i}`,
        `Really delicious pizza but the wait was terrible ${i}`,
        `The soup was so bland and the service slow ${i}`,
        `The pasta is great but the dessert was bad ${i}`,
      );
    }
    const r = await box.analyze([box.write('dinner.txt', lines.join('\n'))]);
    const themes = r.themes.map((t) => t.phrase);
    const aspects = r.aspects.findings.map((f) => f.aspect);
    // before: "delicious" was an aspect (praised 12) and "bland" a theme
    assert.ok(!themes.includes('delicious') && !themes.includes('bland'), themes.join(', '));
    assert.ok(!aspects.includes('delicious'), aspects.join(', '));
    assert.ok(themes.includes('service') && themes.includes('pasta'), themes.join(', '));
    assert.ok(aspects.includes('service') && aspects.includes('pasta'), aspects.join(', '));
  });

  it('only a leading concession ("Although A, B") makes its comma a boundary, not a leading "Unfortunately," or "However,"', () => {
    // before: ["the laptop I purchased was also a Dell and again", "I have to say i hated it."]: the Dell theme quoted it
    // as praise of the Dell
    assert.deepEqual(splitContrast('Unfortunately, the laptop I purchased was also a Dell and again, I have to say i hated it.'), []);
    assert.deepEqual(splitContrast('However, the screen is dim, and the battery is weak'), []);
    assert.deepEqual(splitContrast('Although the app is fast, it crashes daily'), ['the app is fast', 'it crashes daily']);
    assert.deepEqual(splitContrast('Though it is cheap, but it works'), ['it is cheap', 'it works']);
    assert.deepEqual(splitContrast('Sadly, the sync broke. But support fixed it'), ['the sync broke.', 'support fixed it']);
  });

  it('the product itself, named in most items, is no aspect, as it is no theme', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 8; i++) {
      lines.push(
        `The book starts great but the ending is bad ${i}`,
        `I love this book but the print is terrible ${i}`,
        `A good book, the ending is perfect ${i}`,
        `This book has a slow middle ${i}`,
      );
    }
    const r = await box.analyze([box.write('books.txt', lines.join('\n'))]);
    const aspects = r.aspects.findings.map((f) => f.aspect);
    // before: "book" led the table (16 clauses), the verdict on the product, not an aspect of it
    assert.ok(!aspects.includes('book'), aspects.join(', '));
    assert.ok(aspects.includes('ending') && aspects.includes('print'), aspects.join(', '));
    assert.ok(!r.themes.some((t) => t.phrase === 'book'), r.themes.map((t) => t.phrase).join(', '));
  });

  it("a clause the model is unsure of does not give its theme its label: the item's does", async () => {
    const item = (score: number) => ({
      text: 'Returned laptop for a 4th repair and it came back but now it reboots all the time.',
      source: 'l.csv',
      line: 2,
      label: 'negative' as const,
      score: 0.93,
      clauses: [
        { text: 'Returned laptop for a 4th repair and it came back', label: 'positive' as const, score },
        { text: 'now it reboots all the time.', label: 'negative' as const, score: 0.9 },
      ],
    });
    // before: positive (50% positive, 45% negative), and the repair theme quoted the review as praise
    assert.equal(themeLabel(item(0.503), ['repair']), 'negative');
    assert.equal(themeLabel(item(0.8), ['repair']), 'positive');
    const lines: string[] = [];
    for (let i = 0; i < 6; i++) lines.push(`The repair came back but it crashed again, terrible ${i}`, `The repair was fast ${i}`, `The screen is bad ${i}`);
    const r = await box.analyze([box.write('repairs.txt', lines.join('\n'))]);
    const repair = r.themes.find((t) => t.phrase === 'repair');
    assert.ok(repair, r.themes.map((t) => t.phrase).join(', '));
    // the clause "The repair came back" is neutral at 0.55 with the test lexicon: the complaint counts as one
    assert.deepEqual(repair.counts, { negative: 6, neutral: 0, positive: 6 });
  });
});
