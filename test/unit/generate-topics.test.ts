// Generate counts its themes and matches the brief by the report's rules (core/generate/topics.ts reads the evidence
// through analysis/themes.ts variantGroups and phrases.ts extractTerms): a participle of what the thing does joins its
// word, one that tells a story does not; "cost" that is no money and "display" as a verb are no price or screen.
import assert from 'node:assert/strict';
import { computeThemes, type ThemeSampleItem } from '../../src/core/analysis/themes';
import { computeInsights, evidenceFromItems, generateDocument, parseBrief } from '../../src/core/generate';
import { EvidenceTopics } from '../../src/core/generate/topics';

const fb = (texts: string[]) => evidenceFromItems(texts.map((text, i) => ({ source: 'fb.txt', line: i + 1, text })));
const FILLER = ['The onboarding was quick.', 'I like the colors of the editor.', 'Search finds old notes.', 'The widget looks nice.'];
/** Each text `n` times (numbered, so none repeats), then 40 neutral items. */
function corpus(parts: [string, number][]): string[] {
  const out: string[] = [];
  for (const [text, n] of parts) for (let k = 0; k < n; k++) out.push(`${text} (${k})`);
  for (let k = 0; k < 10; k++) for (const t of FILLER) out.push(`${t} ${k}`);
  return out;
}
const theme = (texts: string[], term: string) => computeInsights(fb(texts)).themes.find((t) => t.term === term);
async function summary(brief: string, texts: string[]): Promise<string> {
  let out = '';
  for await (const c of generateDocument({ kind: 'prd', brief: parseBrief(brief), evidence: fb(texts), backend: 'template', now: new Date('2024-06-01T00:00:00Z') })) out += c;
  return out.split('\n## Summary\n')[1].split('\n## ')[0];
}

describe('Generate: themes and the brief read as the report reads them', () => {
  it('a participle of what the product does joins its word, as in the report: "crash" counts 24 in both', async () => {
    for (const use of ['It crashed twice today', 'It is crashing all the time', 'It will crash when I open a note']) {
      const texts = corpus([[use, 12], ['Another crash after the update', 12]]);
      const report = await computeThemes(texts.map((text, i): ThemeSampleItem => ({ text, source: 'fb.txt', line: i + 1, label: i < 24 ? 'negative' : 'neutral', score: 0.9 })), texts.length);
      const crash = theme(texts, 'crash');
      assert.equal(crash?.count, 24, use);
      assert.equal(crash.count, report.find((t) => t.phrase === 'crash')?.count, use);
    }
  });

  it('a participle that tells a story ("I purchased this laptop") is no mention of its word', () => {
    const texts = corpus([['I purchased this laptop for school', 6], ['The purchase process was confusing', 3]]);
    const purchase = theme(texts, 'purchase');
    assert.equal(purchase?.count, 3);
    assert.deepEqual(purchase.forms, ['purchase']);
    const topics = new EvidenceTopics(texts);
    assert.equal(topics.themeOf('purchased'), undefined);
    assert.equal(topics.themeOf('purchase'), topics.themeOf('purchases'));
    assert.notEqual(topics.themeOf('purchase'), undefined);
  });

  it('"cost" with no money as its object is no price, "display" as a verb no screen, in the themes and the brief', async () => {
    const cost = corpus([['This bug cost us a whole afternoon', 6], ['The price is too high for what you get', 3]]);
    const display = corpus([['It displays the time in the wrong zone', 6], ['The screen is too dim outdoors', 3]]);
    assert.equal(theme(cost, 'price')?.count, 3);
    assert.equal(theme(display, 'screen')?.count, 3);
    for (const texts of [cost, display]) assert.ok(!computeInsights(fb(texts)).themes.some((t) => /^(?:cost|display)/.test(t.term)), 'no "cost" or "displays" theme');
    assert.match(await summary('Make pricing clearer', cost), /Related to the brief: 3 of 49 items \(6\.1%\) mention its topic; most mentioned "price" \(3 of 49/);
    assert.match(await summary('Fix the screen brightness', display), /Related to the brief: 3 of 49 items \(6\.1%\) mention its topic; most mentioned "screen" \(3 of 49/);
    // the money kind of "cost" is still a price
    const money = corpus([['It cost me $20 to ship it back', 4], ['The price is too high for what you get', 3]]);
    const price = computeInsights(fb(money)).themes.find((t) => t.forms.includes('price'));
    assert.deepEqual([price?.count, price?.forms], [7, ['cost', 'price']]);
  });

  it('a verb with its particle is one word with it, as in the report: "log in" and "login"', () => {
    const texts = corpus([['Cannot log in after the update', 3], ['Login is broken on my tablet', 3]]);
    const login = computeInsights(fb(texts)).themes.find((t) => t.forms.includes('log in'));
    assert.equal(login?.count, 6);
  });

  it('personas segment by the same topics: a story participle is not its word\'s topic', () => {
    const texts = corpus([['I purchased this laptop for school', 6], ['The purchase process was confusing', 6]]);
    const ins = computeInsights(fb(texts), { withPersonas: true, personas: 'auto' });
    assert.ok(ins.personas.some((p) => p.terms.includes('purchase')), 'the purchase process is a segment');
    for (const p of ins.personas) if (p.terms.includes('purchase')) for (const m of p.members) assert.match(m.text, /purchase\b/i, `${p.name}: ${m.text}`);
  });
});
