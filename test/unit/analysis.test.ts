// Structure and math tests of the analysis engine with a deterministic TEST classifier (a word
// lexicon, test/fixtures/feedback/lexicon-classifier.ts): they check aggregation, ranking, bucketing and
// writers, not model quality.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractTerms, outputChunks, readItemResults, renderMarkdown, splitContrast, writeReport, type AnalysisResult } from '../../src/core/analysis';
import { Reservoir, TopK } from '../../src/core/analysis/collections';
import { atomicWriteFile, moveDirIfFree, writeDirAtomically } from '../../src/core/fsutil';
import { CancelledError, UserError } from '../../src/core/types';
import { explainScored, occlusionUnits } from '../../src/core/analysis/explain';
import { isFunctionWord, namedWords } from '../../src/core/functionWords';
import { LexiconClassifier, lexiconScores } from '../fixtures/feedback/lexicon-classifier';
import { analysisSandbox } from './analysis.helpers';

const box = analysisSandbox('pf-analysis-');
const { write, analyze } = box;
const collect = async (r: AnalysisResult, f: 'csv' | 'jsonl' | 'json' | 'md') => {
  let s = '';
  for await (const c of outputChunks(r, f)) s += c;
  return s;
};

describe('analysis: building blocks', () => {
  it('TopK keeps the K largest, earlier item first on ties', () => {
    const t = new TopK<string>(3);
    [5, 1, 9, 7, 9, 3].forEach((k, i) => t.offer(k, `${k}@${i}`));
    assert.deepEqual(t.sorted(), ['9@2', '9@4', '7@3']);
  });

  it('Reservoir keeps at most capacity items, all from the stream, and sees everything', () => {
    const r = new Reservoir<number>(100, 42);
    for (let i = 0; i < 10000; i++) r.offer(i);
    assert.equal(r.items.length, 100);
    assert.equal(r.seen, 10000);
    assert.equal(new Set(r.items).size, 100);
    // uniform-ish: not just the first 100
    assert.ok(r.items.some((x) => x > 5000));
  });

  it('splitContrast splits English and Chinese contrast markers and ignores plain text', () => {
    assert.deepEqual(splitContrast('Fast shipping but the strap broke'), ['Fast shipping', 'the strap broke']);
    assert.deepEqual(splitContrast('物流很快，但是质量很差'), ['物流很快', '质量很差']);
    assert.deepEqual(splitContrast('Although the app is fast, it crashes daily'), ['the app is fast', 'it crashes daily']);
    assert.deepEqual(splitContrast('The app is fast and stable'), []);
    assert.deepEqual(splitContrast("I haven't tried it yet"), []);
  });

  it('extractTerms: stopwords and sentiment words out, plurals folded, bigrams and Chinese segments in', () => {
    const keys = extractTerms('The batteries die fast and the customer support is great').map((t) => t.key);
    assert.ok(keys.includes('battery'));
    assert.ok(keys.includes('customer support'));
    assert.ok(!keys.includes('the') && !keys.includes('great'));
    const zh = extractTerms('物流很快，质量很差').map((t) => t.key);
    assert.ok(zh.includes('物流') && zh.includes('质量'));
  });
});

describe('analysis: aggregation (test classifier)', () => {
  it('counts, shares, average confidence and low-confidence match the per-item scores', async () => {
    const lines = ['Great app, love it', 'It crashes and is slow', 'Meh whatever', 'Fast and easy', 'Terrible bug, lost data', 'Nothing special'];
    const p = write('f.txt', lines.join('\n'));
    const r = await analyze([p], { batchSize: 4 });
    const expected = lines.map(lexiconScores);
    const label = (s: (typeof expected)[number]) => (Object.entries(s).sort((a, b) => b[1] - a[1])[0][0]);
    const counts = { negative: 0, neutral: 0, positive: 0 } as Record<string, number>;
    for (const s of expected) counts[label(s)]++;
    assert.equal(r.total, 6);
    assert.deepEqual(r.counts, counts);
    assert.ok(Math.abs(r.shares.negative - counts.negative / 6) < 1e-9);
    const avg = expected.reduce((a, s) => a + Math.max(s.negative, s.neutral, s.positive), 0) / 6;
    assert.ok(Math.abs(r.averageConfidence - avg) < 1e-9);
    assert.equal(r.lowConfidenceCount, expected.filter((s) => Math.max(s.negative, s.neutral, s.positive) < 0.6).length);
    assert.equal(r.mostNegative[0].text, 'Terrible bug, lost data');
    assert.equal(r.mostNegative[0].line, 5);
    assert.ok(r.mostPositive.every((i) => i.label === 'positive'));
    // per-item stream: in input order with locations
    const items = [];
    for await (const it of readItemResults(r)) items.push(it);
    assert.deepEqual(items.map((i) => [i.line, i.text]), lines.map((t, i) => [i + 1, t]));
  });

  it('themes are ranked by negative mentions and quote real items with locations', async () => {
    const rows = ['text'];
    for (let i = 0; i < 6; i++) rows.push(`The login screen crashes again ${i}`);
    for (let i = 0; i < 8; i++) rows.push(`Dark mode looks great ${i}`);
    for (let i = 0; i < 3; i++) rows.push(`Export is slow ${i}`);
    const p = write('t.csv', rows.join('\n'));
    const r = await analyze([p]);
    const names = r.themes.map((t) => t.phrase);
    const login = names.findIndex((n) => /login/.test(n));
    const dark = names.findIndex((n) => /dark mode/.test(n));
    assert.ok(login >= 0 && dark >= 0, names.join());
    assert.ok(login < dark, 'negative theme ranks above the larger positive one');
    const t = r.themes[login];
    assert.equal(t.counts.negative, 6);
    assert.ok(t.quotes.length >= 1);
    const src = fs.readFileSync(p, 'utf8').split('\n');
    for (const q of t.quotes) assert.equal(src[q.line - 1], q.text);
  });

  it('contrastive items get a second pass on their clauses and aspect findings', async () => {
    const p = write('m.txt', 'Fast shipping but the strap broke\n物流很快，但是质量很差\nFast delivery, but the strap broke again\nSimple text\n');
    const c = new LexiconClassifier();
    const r = await analyze([p], { classifier: c, explain: 'none' });
    assert.equal(r.aspects.contrastiveItems, 3);
    assert.equal(r.aspects.clausesClassified, 6);
    assert.equal(c.textsSeen, 4 + 6);
    const strap = r.aspects.findings.find((f) => f.aspect.includes('strap'));
    assert.ok(strap && strap.counts.negative >= 2, JSON.stringify(r.aspects.findings));
    const ex = r.aspects.examples.find((e) => e.line === 2)!;
    assert.deepEqual(ex.clauses.map((x) => x.label), ['positive', 'negative']);
    // English and Chinese contrasts: report.md's intro gives an example in each language
    assert.match(renderMarkdown(r), /contrast two things \("… but …", "…但是…"\)/);
  });

  it('date, category and rating columns: weekly buckets, breakdown, agreement and disagreements', async () => {
    const rows = ['date,platform,rating,review'];
    const days = ['2024-01-01', '2024-01-03', '2024-01-08', '2024-01-09', '2024-01-22', 'not a date'];
    const reviews = ['love it, great', 'it crashes', 'fast and good', 'slow and bad', 'crash and bug', 'great but slow'];
    const ratings = ['5', '1', '4', '5', '2', '3'];
    const plat = ['iOS', 'Android', 'iOS', 'Android', 'Android', 'Web'];
    for (let i = 0; i < 6; i++) rows.push(`${days[i]},${plat[i]},${ratings[i]},"${reviews[i]}"`);
    const r = await analyze([write('d.csv', rows.join('\n'))]);
    assert.ok(r.time);
    assert.equal(r.time!.granularity, 'week');
    assert.deepEqual(r.time!.buckets.map((b) => [b.start, b.total]), [['2024-01-01', 2], ['2024-01-08', 2], ['2024-01-15', 0], ['2024-01-22', 1]]);
    assert.equal(r.time!.undated, 1);
    assert.deepEqual(r.time!.buckets[0].counts, { negative: 1, neutral: 0, positive: 1 });
    const byPlat = r.categories.find((c) => c.column === 'platform')!;
    assert.deepEqual(byPlat.rows.map((x) => [x.value, x.total, x.counts.negative]), [['Android', 3, 3], ['iOS', 2, 0], ['Web', 1, 0]]);
    const g = r.rating!;
    assert.equal(g.column, 'rating');
    assert.deepEqual(g.scale, { min: 1, max: 5 });
    assert.equal(g.rated, 6);
    // rated 5 but text negative ("slow and bad") is the disagreement
    assert.deepEqual(g.disagreements.map((d) => [d.rating, d.label, d.text]), [[5, 'negative', 'slow and bad']]);
    const agree = g.matrix.negative.negative + g.matrix.neutral.neutral + g.matrix.positive.positive;
    assert.equal(g.agreement, agree / 6);
    assert.equal(g.matrix.positive.negative, 1);
  });

  it('monthly buckets for long spans', async () => {
    const rows = ['date,comment'];
    for (let m = 1; m <= 8; m++) rows.push(`2024-${String(m).padStart(2, '0')}-15,item number ${m} is good`);
    const r = await analyze([write('long.csv', rows.join('\n'))]);
    assert.equal(r.time!.granularity, 'month');
    assert.equal(r.time!.buckets.length, 8);
    assert.equal(r.time!.buckets[7].label, '2024-08');
  });

  it('bad input fails before any classification; cancel leaves no temp files', async () => {
    const c = new LexiconClassifier();
    await assert.rejects(analyze([write('a.txt', 'ok\n'), write('b.csv', 'id,n\n1,2\n2,3\n')], { classifier: c }), UserError);
    assert.equal(c.calls, 0);
    const big = write('big.txt', Array.from({ length: 2000 }, (_, i) => `line ${i} is fine`).join('\n'));
    const ac = new AbortController();
    const slow = new LexiconClassifier(5);
    const before = fs.readdirSync(box.dir()).length;
    setTimeout(() => ac.abort(), 30);
    await assert.rejects(analyze([big], { classifier: slow, signal: ac.signal, batchSize: 16 }), CancelledError);
    assert.equal(fs.readdirSync(box.dir()).length, before, 'temp folder removed');
  });
});

describe('analysis: writers', () => {
  it('CSV, JSONL and JSON outputs parse and carry every item with kept columns', async () => {
    const p = write('w.csv', 'text,plan\n"Great, fast ""app""",pro\nslow and bad,free\n');
    const r = await analyze([p]);
    const csv = await collect(r, 'csv');
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines[0], 'source,line,text,label,score,negative,neutral,positive,plan');
    assert.match(lines[1], /,2,"Great, fast ""app""",positive,/);
    assert.ok(lines[1].endsWith(',pro'));
    const jsonl = (await collect(r, 'jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(jsonl.map((o) => [o.line, o.text, o.label]), [[2, 'Great, fast "app"', 'positive'], [3, 'slow and bad', 'negative']]);
    assert.deepEqual(Object.keys(jsonl[0].scores), ['negative', 'neutral', 'positive']);
    const json = JSON.parse(await collect(r, 'json'));
    assert.equal(json.total, 2);
    assert.equal(json.items.length, 2);
    assert.equal(json.itemsFile, undefined);
    const md = renderMarkdown(r);
    assert.match(md, /## Overall sentiment/);
    assert.match(md, /\| negative \| 1 \| 50% \|/);
  });

  it('values from the data are shown in the Markdown report, never rendered as images or HTML (the preview would fetch them)', async () => {
    const rows = ['plan,text'];
    for (let i = 0; i < 6; i++) rows.push(`"![x](https://evil.example/p.png)",great app ${i}`, `<img src=https://evil.example/q.png>,slow and bad ${i}`);
    const r = await analyze([write('m.csv', rows.join('\n') + '\n')]);
    const md = renderMarkdown(r);
    assert.match(md, /## By plan/);
    assert.doesNotMatch(md, /(^|[^\\])!\[x\]\(https:/m);
    assert.doesNotMatch(md, /(^|[^\\])<img/m);
    assert.match(md, /\\!\\\[x\\\]\(https:\/\/evil\.example\/p\.png\)/);
  });

  it('writeReport writes a new timestamped folder each time, never overwriting, with the chart when dated', async () => {
    const p = write('r.csv', 'date,text\n2024-01-01,great\n2024-01-09,bad crash\n');
    const r = await analyze([p]);
    const date = new Date(2024, 0, 2, 3, 4, 5);
    const a = await writeReport(r, { workspaceDir: box.dir(), baseName: 'r.csv', date });
    const b = await writeReport(r, { workspaceDir: box.dir(), baseName: 'r.csv', date });
    assert.equal(path.basename(a.dir), 'r-20240102-030405');
    assert.equal(path.basename(b.dir), 'r-20240102-030405-2');
    assert.equal(path.dirname(a.dir), path.join(box.dir(), '.product-forge', 'reports'));
    for (const x of [a, b]) {
      assert.ok(fs.existsSync(x.report) && fs.existsSync(x.resultsCsv) && fs.existsSync(x.chart!));
      assert.match(fs.readFileSync(x.report, 'utf8'), /!\[Sentiment over time\]\(sentiment-over-time\.svg\)/);
      assert.match(fs.readFileSync(x.chart!, 'utf8'), /^<svg /);
    }
    assert.deepEqual(fs.readdirSync(path.dirname(a.dir)).sort(), ['r-20240102-030405', 'r-20240102-030405-2'], 'no temp folders left');
  });

  it('writeReport leaves nothing behind when cancelled', async () => {
    const r = await analyze([write('c.txt', 'one\ntwo\n')]);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(writeReport(r, { workspaceDir: box.dir(), baseName: 'c', signal: ac.signal }), CancelledError);
    assert.deepEqual(fs.readdirSync(path.join(box.dir(), '.product-forge', 'reports')), []);
  });

  it('atomic writes refuse existing files unless overwrite, and claim unique folders', async () => {
    const f = write('keep.md', 'user content');
    await assert.rejects(atomicWriteFile(f, 'new'), /already exists/);
    assert.equal(fs.readFileSync(f, 'utf8'), 'user content');
    await atomicWriteFile(f, 'new', { overwrite: true });
    assert.equal(fs.readFileSync(f, 'utf8'), 'new');
    fs.mkdirSync(path.join(box.dir(), 'a-folder'));
    await assert.rejects(atomicWriteFile(path.join(box.dir(), 'a-folder'), 'x', { overwrite: true }), (e: unknown) => e instanceof UserError && /is a folder; give a file name/.test(e.message));
    fs.mkdirSync(path.join(box.dir(), 'x'));
    const d = await writeDirAtomically(box.dir(), 'x', async (tmp) => fs.writeFileSync(path.join(tmp, 'a'), '1'));
    assert.equal(path.basename(d), 'x-2');
    await assert.rejects(writeDirAtomically(box.dir(), 'y', async () => { throw new Error('boom'); }), /boom/);
    assert.ok(!fs.readdirSync(box.dir()).some((n) => n.startsWith('.y') || n === 'y'));
    // Windows renames never replace a folder: there the name is tried directly, and a taken one is passed over
    for (const platform of ['linux', 'win32'] as const) {
      const tmp = path.join(box.dir(), `.move-${platform}`);
      fs.mkdirSync(tmp);
      fs.writeFileSync(path.join(tmp, 'f'), platform);
      assert.equal(await moveDirIfFree(tmp, path.join(box.dir(), 'x'), platform), false, 'taken');
      assert.ok(fs.existsSync(path.join(tmp, 'f')) && fs.readdirSync(path.join(box.dir(), 'x')).length === 0, 'nothing moved');
      assert.equal(await moveDirIfFree(tmp, path.join(box.dir(), `free-${platform}`), platform), true);
      assert.equal(fs.readFileSync(path.join(box.dir(), `free-${platform}`, 'f'), 'utf8'), platform);
    }
  });
});

describe('analysis: driving words (occlusion)', () => {
  // The test lexicon scores 0.6 + 0.1 per net sentiment word (capped at 0.95), so removing one of three
  // negative words from "Terrible bug, lost data" (0.9) leaves 0.8: each is worth exactly 0.1.
  const lines = ['Great app, love it', 'Meh whatever', 'Terrible bug, lost data', 'slow but great'];

  it('the report names each driving word once and no function words ("the", "it", "I\'m"); negations stay', async () => {
    const r = await analyze([write('d.txt', lines.join('\n'))]);
    const worst = r.mostNegative[0];
    const d = (token: string, weight: number) => ({ token, start: 0, end: token.length, weight });
    worst.drivers = [d('The', 0.3), d('Terrible', 0.2), d('terrible', 0.2), d("I'm", 0.15), d('IT', 0.12), d("don't", 0.1), d('bug', 0.05)];
    assert.match(renderMarkdown(r), /“Terrible bug, lost data” — `[^`]+:3` · driven by “Terrible”, “don't”, “bug”\n/);
    assert.match(renderMarkdown(r), /words such as “the” or “it” are not named/);
    for (const w of ['the', 'IT', "I'm", "it's", '(the', 'of']) assert.ok(isFunctionWord(w), w);
    for (const w of ['not', "don't", 'never', 'but', 'again', 'bug', "can't"]) assert.ok(!isFunctionWord(w), w);
    // the Report view's tooltip names them the same way (namedWords): first spelling kept, in order
    assert.deepEqual(namedWords(['Great', 'the', 'great', 'GREAT', 'it', 'slow']), ['Great', 'slow']);
    // Chinese: particles, pronouns, 是 and 很 are not named (the report said "driven by “了”", "“我”", "“很”"); negations,
    // 太 and the words that carry meaning are
    for (const w of ['了', '的', '是', '我', '我们', '这个', '什么', '吗', '很', '个']) assert.ok(isFunctionWord(w), w);
    for (const w of ['不', '没有', '不好', '太', '最', '但', '死机', '差']) assert.ok(!isFunctionWord(w), w);
    worst.drivers = [d('了', 0.3), d('死机', 0.2), d('很', 0.15), d('我', 0.12), d('不好', 0.1), d('烦', 0.05)];
    assert.match(renderMarkdown(r), /“Terrible bug, lost data” — `[^`]+:3` · driven by “死机”, “不好”, “烦”\n/);
  });

  it('by default the listed items get their drivers, computed by hand; the per-item rows do not', async () => {
    const r = await analyze([write('d.txt', lines.join('\n'))]);
    assert.equal(r.explained, 'listed');
    const worst = r.mostNegative[0];
    assert.equal(worst.text, 'Terrible bug, lost data');
    assert.deepEqual(worst.drivers!.map((d) => [d.token, d.start, d.end, d.weight]), [['Terrible', 0, 8, 0.1], ['bug', 9, 12, 0.1], ['lost', 14, 18, 0.1]]);
    const best = r.mostPositive[0];
    assert.deepEqual(best.drivers!.map((d) => [d.token, d.weight]), [['Great', 0.1], ['love', 0.1]]);
    // "slow but great" is a tie (neutral 0.55): removing either word makes it 0.7 negative/positive with
    // neutral 0.15, so neutral drops by 0.4 for each; "but" moves nothing.
    const tie = r.lowConfidence.find((i) => i.text === 'slow but great')!;
    assert.deepEqual(tie.drivers!.map((d) => [d.token, d.weight]), [['slow', 0.4], ['great', 0.4]]);
    const md = renderMarkdown(r);
    assert.match(md, /“Terrible bug, lost data” — `[^`]+:3` · driven by “Terrible”, “bug”, “lost”/);
    assert.match(md, /“Driven by” names the words/);
    const jsonl = (await collect(r, 'jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(jsonl.every((o) => o.drivers === undefined), 'rows carry drivers only with explain: all');
    assert.ok(!(await collect(r, 'csv')).split('\r\n')[0].includes('drivers'));
  });

  it("explain 'all' gives every row its drivers (JSONL, JSON, CSV) and changes no label or score", async () => {
    const p = write('e.csv', ['text,plan', ...lines.map((l, i) => `"${l}",${i % 2 ? 'pro' : 'free'}`)].join('\n'));
    const plain = await analyze([p], { explain: 'none' });
    const c = new LexiconClassifier();
    const r = await analyze([p], { explain: 'all', classifier: c });
    assert.equal(plain.explained, 'none');
    assert.ok(plain.mostNegative.every((i) => i.drivers === undefined));
    // one input per item and one per word (its one-word clauses make "slow but great" no contrast item)
    const words = lines.reduce((a, l) => a + l.split(/[\s,]+/).filter(Boolean).length, 0);
    assert.equal(c.textsSeen, lines.length + words);
    const jsonl = (await collect(r, 'jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    const plainRows = (await collect(plain, 'jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(jsonl.map((o) => [o.label, o.score]), plainRows.map((o) => [o.label, o.score]));
    assert.deepEqual(jsonl[0].drivers.map((d: { token: string }) => d.token), ['Great', 'love']);
    assert.deepEqual(jsonl[1].drivers, [], 'no word moves "Meh whatever"');
    for (const o of jsonl) for (const d of o.drivers) assert.equal(o.text.slice(d.start, d.end), d.token);
    const csv = (await collect(r, 'csv')).replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(csv[0], 'source,line,text,label,score,negative,neutral,positive,drivers,plan');
    assert.match(csv[3], /,Terrible \+0\.10; bug \+0\.10; lost \+0\.10,free$/);
    const json = JSON.parse(await collect(r, 'json'));
    assert.equal(json.explained, 'all');
    assert.deepEqual(json.items[2].drivers.map((d: { token: string }) => d.token), ['Terrible', 'bug', 'lost']);
  });

  it('long items are occluded in runs of words, at most 32 re-scorings each, with spans into the text', () => {
    const words = Array.from({ length: 100 }, (_, i) => (i === 57 ? 'terrible' : `w${i}`));
    const text = words.join(' ');
    const runs = occlusionUnits(text);
    assert.equal(runs.length, 25); // ceil(100 / 32) = 4 words per run
    for (const u of runs) assert.equal(text.slice(u.start, u.end), u.token);
    assert.equal(runs.map((u) => u.token).join(' '), text, 'the runs cover every word once');
    assert.deepEqual(occlusionUnits('short text here').map((u) => u.token), ['short', 'text', 'here']);
  });

  it('the drivers of a long item: the run that holds its sentiment word, named by that word', async () => {
    const text = Array.from({ length: 100 }, (_, i) => (i === 57 ? 'terrible' : `w${i}`)).join(' ');
    const [drivers] = await explainScored(new LexiconClassifier(), [{ text, scores: lexiconScores(text) }]);
    assert.equal(drivers.length, 1);
    // 394 characters: 8000 / 394 -> 20 runs of 5 words; the run "w55 w56 terrible w58 w59" moves the score, and of its
    // words "terrible" moves the run's own score and says negative on its own
    assert.equal(drivers[0].token, 'terrible');
    assert.equal(text.slice(drivers[0].start, drivers[0].end), 'terrible');
    assert.equal(drivers[0].weight, 0.5); // the run's weight: negative 0.7 -> 0.2 without it; the other runs move nothing
  });
});

describe('analysis: two-way labels', () => {
  it('every item is negative or positive by the renormalized two-class scores; clauses, drivers and the report follow', async () => {
    const lines = ['Great app, love it', 'Meh whatever', 'Terrible bug, lost data', 'Fast shipping but the strap broke'];
    const p = write('two.txt', lines.join('\n'));
    const three = await analyze([p]);
    const r = await analyze([p], { twoWay: true });
    assert.equal(r.twoWay, true);
    assert.equal(three.twoWay, undefined);
    const rows = (await collect(r, 'jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    for (const [i, o] of rows.entries()) {
      const s = lexiconScores(lines[i]);
      const neg = s.negative / (s.negative + s.positive);
      assert.ok(Math.abs(o.scores.negative - neg) < 1e-4 && o.scores.neutral === 0, JSON.stringify(o));
      assert.equal(o.label, neg >= 0.5 ? 'negative' : 'positive');
    }
    // "Meh whatever" is neutral three-way (0.2 / 0.55 / 0.25) and positive two-way (0.44 / 0.56)
    assert.equal(rows[1].label, 'positive');
    assert.equal(r.counts.neutral, 0);
    assert.equal(r.counts.negative + r.counts.positive, 4);
    assert.ok(r.aspects.examples.every((e) => e.clauses.every((c) => c.label !== 'neutral')));
    const md = renderMarkdown(r);
    assert.match(md, /Two-way labels: every item is negative or positive/);
    assert.doesNotMatch(md, /\| neutral \|/);
    // drivers are weights on the two-way probability: "Terrible" 0.9/0.95 -> 0.8/0.9
    const bad = r.mostNegative.find((i) => i.text.startsWith('Terrible'))!;
    assert.equal(bad.drivers![0].token, 'Terrible');
    assert.ok(Math.abs(bad.drivers![0].weight - (0.9 / 0.95 - 0.8 / 0.9)) < 1e-3, String(bad.drivers![0].weight));
  });
});

describe('analysis: text from several columns', () => {
  it('title + review are classified together; a text column plays no other role; the report names both', async () => {
    const p = write('tr.csv', ['date,title,review,stars', '2024-01-01,Great,fast sync,5', '2024-01-02,Terrible,lost my notes,1', '2024-01-03,Okay,nothing special,3'].join('\n'));
    const r = await analyze([p], { column: 'title,review' });
    const rows = (await collect(r, 'jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((o) => o.text), ['Great. fast sync', 'Terrible. lost my notes', 'Okay. nothing special']);
    assert.deepEqual(rows.map((o) => o.scores), rows.map((o) => lexiconScores(o.text)).map((s) => ({ negative: Math.round(s.negative * 1e4) / 1e4, neutral: Math.round(s.neutral * 1e4) / 1e4, positive: Math.round(s.positive * 1e4) / 1e4 })));
    assert.equal(r.files[0].textColumn, 'title + review');
    assert.equal(r.rating?.column, 'stars');
    assert.ok(!r.categories.some((c) => c.column === 'title' || c.column === 'review'));
    assert.match(renderMarkdown(r), /\| `title \+ review` \|/);
  });
});
