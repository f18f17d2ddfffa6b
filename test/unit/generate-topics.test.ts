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
const theme = async (texts: string[], term: string) => (await computeInsights(fb(texts))).themes.find((t) => t.term === term);
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
      const crash = await theme(texts, 'crash');
      assert.equal(crash?.count, 24, use);
      assert.equal(crash?.count, report.find((t) => t.phrase === 'crash')?.count, use);
    }
  });

  it('a participle that tells a story ("I purchased this laptop") is no mention of its word', async () => {
    const texts = corpus([['I purchased this laptop for school', 6], ['The purchase process was confusing', 3]]);
    // (the report's theme is the phrase, "purchase process", that covers all of the word's items)
    const purchase = await theme(texts, 'purchase process');
    assert.equal(purchase?.count, 3);
    assert.deepEqual(purchase?.forms, ['purchase process']);
    const topics = new EvidenceTopics(texts);
    assert.equal(topics.themeOf('purchased'), undefined);
    assert.equal(topics.themeOf('purchase'), topics.themeOf('purchases'));
    assert.notEqual(topics.themeOf('purchase'), undefined);
  });

  it('"cost" with no money as its object is no price, "display" as a verb no screen, in the themes and the brief', async () => {
    const cost = corpus([['This bug cost us a whole afternoon', 6], ['The price is too high for what you get', 3]]);
    const display = corpus([['It displays the time in the wrong zone', 6], ['The screen is too dim outdoors', 1], ['The screen cracked in a week', 1], ['My screen flickers at night', 1]]);
    assert.equal((await theme(cost, 'price'))?.count, 3);
    assert.equal((await theme(display, 'screen'))?.count, 3);
    for (const texts of [cost, display]) assert.ok(!(await computeInsights(fb(texts))).themes.some((t) => /^(?:cost|display)/.test(t.term)), 'no "cost" or "displays" theme');
    assert.match(await summary('Make pricing clearer', cost), /Related to the brief: 3 of 49 items \(6\.1%\) mention its topic; most mentioned "price" \(3 of 49/);
    assert.match(await summary('Fix the screen brightness', display), /Related to the brief: 3 of 49 items \(6\.1%\) mention its topic; most mentioned "screen" \(3 of 49/);
    // the money kind of "cost" is still a price
    const money = corpus([['It cost me $20 to ship it back', 4], ['The price is too high for what you get', 3]]);
    const price = (await computeInsights(fb(money))).themes.find((t) => t.forms.includes('price'));
    assert.deepEqual([price?.count, price?.forms], [7, ['cost', 'price']]);
  });

  it('a verb with its particle is one word with it, as in the report: "log in" and "login"', async () => {
    const texts = corpus([['Cannot log in after the update', 3], ['Login is broken on my tablet', 3]]);
    const login = (await computeInsights(fb(texts))).themes.find((t) => t.forms.includes('log in'));
    assert.equal(login?.count, 6);
  });

  it('personas segment by the same topics: a story participle is not its word\'s topic', async () => {
    const texts = corpus([['I purchased this laptop for school', 6], ['The purchase process was confusing', 6]]);
    const ins = await computeInsights(fb(texts), { withPersonas: true, personas: 'auto' });
    assert.ok(ins.personas.some((p) => p.terms.includes('purchase')), 'the purchase process is a segment');
    for (const p of ins.personas) if (p.terms.includes('purchase')) for (const m of p.members) assert.match(m.text, /purchase\b/i, `${p.name}: ${m.text}`);
  });
  it('themes are the report\'s key phrases: "dark mode" and "export to pdf", not "dark", "mode", "export" and "pdf" apart', async () => {
    const texts = corpus([
      ['Dark mode makes some text invisible', 3], ['Please add a dark mode for night use', 3], ['The dark mode contrast is too low', 2],
      ['Export to PDF cuts the last page', 3], ['Export to PDF loses the images', 3], ['I need export to PDF for my reports', 2],
      ['Sync fails on my phone', 4], ['Sync is slow since the update', 4],
    ]);
    const label = (i: number) => (i < texts.length - 40 ? 'negative' : 'neutral');
    const report = await computeThemes(texts.map((text, i): ThemeSampleItem => ({ text, source: 'fb.txt', line: i + 1, label: label(i), score: 0.9 })), texts.length);
    const ev = evidenceFromItems(texts.map((text, i) => ({ source: 'fb.txt', line: i + 1, text, sentiment: label(i) })));
    const ins = await computeInsights(ev);
    const terms = ins.themes.map((t) => t.term);
    for (const t of ['dark mode', 'export to pdf']) {
      const th = ins.themes.find((x) => x.term === t);
      assert.equal(th?.count, 8, `${t}: ${terms.join(', ')}`);
      assert.equal(th?.count, report.find((r) => r.phrase.toLowerCase() === t)?.count, t);
      for (const it of th!.items) assert.ok(it.text.toLowerCase().includes(t), it.text);
    }
    for (const w of ['dark', 'mode', 'export', 'pdf']) assert.ok(!terms.includes(w), `no "${w}" theme apart from its phrase: ${terms.join(', ')}`);
    assert.equal(ins.themes.find((t) => t.term === 'sync')?.count, 8);
    // the PRD asks for the phrase, once
    let md = '';
    for await (const c of generateDocument({ kind: 'prd', brief: parseBrief('# Dark mode\n\nAdd a dark mode that keeps text readable.'), evidence: ev, backend: 'template', now: new Date('2024-06-01T00:00:00Z') })) md += c;
    assert.match(md, /most mentioned "dark mode" \(8 of 64/);
    assert.match(md, /Address "dark mode": raised as a complaint or request in 8 of 64/);
    assert.doesNotMatch(md, /Address "(?:dark|mode)"/);
  });

  it('a head word stays a theme when its phrases cover few of its items, as in the report ("mode": dark, offline and mode alone)', async () => {
    const texts = corpus([['Dark mode is too dark', 3], ['Offline mode lost my edits', 2], ['Which mode am I in right now?', 3], ['I cannot tell the mode from the toolbar', 2]]);
    const report = await computeThemes(texts.map((text, i): ThemeSampleItem => ({ text, source: 'fb.txt', line: i + 1, label: 'neutral', score: 0.9 })), texts.length);
    const ins = await computeInsights(fb(texts));
    const mode = ins.themes.find((t) => t.term === 'mode');
    assert.equal(mode?.count, report.find((r) => r.phrase === 'mode')?.count);
    assert.equal(mode?.count, 10);
  });
});
