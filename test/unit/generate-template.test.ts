// Template backend: sections, verbatim citations, data-driven personas, copy limits, verifier.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CHANNEL_LIMITS,
  CHANNELS,
  computeInsights,
  enforceLimits,
  EvidenceVerifier,
  FRAMEWORKS,
  generateDocument,
  loadEvidence,
  parseBrief,
  UNVERIFIED_FLAG,
  type DocKind,
  type GenerateOptions,
} from '../../src/core/generate';
import { CancelledError } from '../../src/core/types';

const FIX = path.resolve(__dirname, '../fixtures/generate');
const brief = parseBrief(fs.readFileSync(path.join(FIX, 'brief.md'), 'utf8'));
const files = [path.join(FIX, 'feedback.csv'), path.join(FIX, 'interviews.md')];

async function render(kind: DocKind, options: GenerateOptions = {}): Promise<string> {
  const evidence = await loadEvidence(files);
  let out = '';
  for await (const c of generateDocument({ kind, brief, evidence, options, backend: 'template', now: new Date('2024-06-01T00:00:00Z') })) out += c;
  return out;
}

/** Every `"quote"… ([name:line](href#Lline))` in the document. */
function citedQuotes(md: string): { quote: string; file: string; line: number }[] {
  const re = /"([^"\n]+)"…? \(\[[^\]]+:(\d+)\]\(([^)#]+)#L(\d+)\)\)/g;
  const inline = [...md.matchAll(re)].map((m) => ({ quote: m[1], file: decodeURI(m[3]), line: Number(m[4]) }));
  // Evidence appendix: - **E3** [name:line](href#Lline) — "quote"
  const app = /^- \*\*E\d+\*\* \[[^\]]+\]\(([^)#]+)#L(\d+)\) — "([^"\n]+)"/gm;
  return inline.concat([...md.matchAll(app)].map((m) => ({ quote: m[3], file: decodeURI(m[1]), line: Number(m[2]) })));
}

describe('grounded generation: template backend', () => {
  it('PRD has every section and says it was made without a language model', async () => {
    const md = await render('prd');
    assert.match(md.split('\n').slice(0, 4).join('\n'), /Draft made without a language model/);
    for (const s of ['Summary', 'Problem', 'Goals and non-goals', 'Target users and personas', 'User stories', 'Functional requirements', 'Non-functional requirements', 'Success metrics', 'Risks', 'Open questions', 'Evidence']) {
      assert.match(md, new RegExp(`^## ${s}$`, 'm'), `section ${s}`);
    }
    assert.match(md, /\*\*P[012]\*\* As one of the/);
    assert.match(md, /Redesigning the billing system/); // non-goal from the brief
    assert.match(md, /\| Weekly active teams \| baseline: to be measured \|/); // brief metric without data
    // Average rating computed from the CSV: (2+4+1+2+3+5+2+2+3+1+4+5+2+2+4+2+3+4+1+2+3+4+2+3)/24
    assert.match(md, /\| Average rating \| 2\.75 of 5 \(n = 24\) \|/);
  });

  it('every quote is verbatim at the cited file and line', async () => {
    for (const kind of ['prd', 'personas', 'copy'] as DocKind[]) {
      const md = await render(kind);
      const quotes = citedQuotes(md);
      assert.ok(quotes.length >= 2, `${kind}: has cited quotes`);
      if (kind === 'copy') {
        // Quotes used in the copy bodies are listed, with file:line, in the appendix.
        for (const m of md.matchAll(/^\*\*Body:\*\* .*?"([^"]+)"/gm)) assert.ok(quotes.some((q) => q.quote === m[1]), `copy quote "${m[1]}" is cited`);
      }
      for (const q of quotes) {
        const line = fs.readFileSync(q.file, 'utf8').split(/\r?\n/)[q.line - 1];
        assert.ok(line?.includes(q.quote), `${kind}: "${q.quote}" at ${q.file}:${q.line} (line: ${line})`);
      }
    }
  });

  it('figures come from the data: theme counts match the evidence', async () => {
    const ev = await loadEvidence(files);
    const ins = computeInsights(ev);
    assert.equal(ins.total, 28);
    const sync = ins.themes.find((t) => t.term === 'sync')!;
    const expected = ev.items.filter((i) => /\bsync\b/i.test(i.text)).length;
    assert.equal(sync.count, expected);
    const md = await render('prd');
    assert.match(md, new RegExp(`"sync" \\(${expected} of 28`));
  });

  it('themes are topics: Chinese words rather than characters, no sentiment or function words', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-gen-zh-'));
    try {
      const f = path.join(tmp, 'zh.txt');
      fs.writeFileSync(f, ['同步太慢了，笔记经常丢失', '同步失败了，很烦', '笔记很好用', '导出PDF的时候格式乱了', '导出PDF很慢', 'Great app, great sync', 'Great support', 'Sync is slow'].join('\n'));
      const ins = computeInsights(await loadEvidence([f]));
      const terms = ins.themes.map((t) => t.term);
      for (const t of ['同步', '笔记', '导出', 'pdf', 'sync']) assert.ok(terms.includes(t), `"${t}" among the themes: ${terms.join(', ')}`);
      for (const t of ['了', '很', 'great', '同步太']) assert.ok(!terms.includes(t), `"${t}" is not a theme: ${terms.join(', ')}`);
      assert.equal(ins.themes.find((t) => t.term === '同步')!.count, 2);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('personas: segments partition the items and each cites real evidence', async () => {
    const ev = await loadEvidence(files);
    const ins = computeInsights(ev, { withPersonas: true, personas: 'auto' });
    assert.ok(ins.personas.length >= 2 && ins.personas.length <= 6);
    assert.equal(ins.personas.reduce((a, p) => a + p.size, 0), ev.items.length);
    const ids = ins.personas.flatMap((p) => p.members.map((m) => m.id));
    assert.equal(new Set(ids).size, ev.items.length);
    const again = computeInsights(ev, { withPersonas: true, personas: 'auto' });
    assert.deepEqual(again.segmentation!.labels, ins.segmentation!.labels, 'deterministic');
    const md = await render('personas');
    const sizes = [...md.matchAll(/\*\*Segment:\*\* (\d+) of 28 items/g)].map((m) => Number(m[1]));
    assert.equal(sizes.reduce((a, b) => a + b, 0), 28);
    for (const h of ['Goals', 'Frustrations', 'Motivations', 'Behaviours']) assert.match(md, new RegExp(`\\*\\*${h}\\*\\*`));
    const fixed = await render('personas', { count: 3 });
    assert.equal([...fixed.matchAll(/^## Persona \d+:/gm)].length, 3);
  });

  it('copy: every channel and framework stays within its length limits', async () => {
    for (const channel of CHANNELS) {
      for (const framework of FRAMEWORKS) {
        const md = await render('copy', { channel, framework, variants: 3, tone: 'bold' });
        const l = CHANNEL_LIMITS[channel];
        const heads = [...md.matchAll(new RegExp(`^\\*\\*${l.headlineName}:\\*\\* (.*)$`, 'gm'))].map((m) => m[1]);
        const bodies = [...md.matchAll(/^\*\*Body:\*\* (.*)$/gm)].map((m) => m[1]);
        const ctas = [...md.matchAll(/^\*\*Call to action:\*\* (.*)$/gm)].map((m) => m[1]);
        assert.equal(heads.length, 3);
        assert.equal(bodies.length, 3);
        assert.equal(ctas.length, 3);
        heads.forEach((h, i) => {
          assert.ok(h.length > 0 && h.length <= l.headline, `${channel} headline ${h.length}`);
          assert.ok(bodies[i].length > 0 && bodies[i].length <= l.body, `${channel} body ${bodies[i].length}`);
          assert.ok(ctas[i].length > 0 && ctas[i].length <= l.cta);
          if (channel === 'social-post') assert.ok(h.length + bodies[i].length + ctas[i].length + 2 <= 280);
        });
      }
    }
    const v = enforceLimits({ headline: 'x'.repeat(10) + ' word'.repeat(20), body: 'One sentence here. '.repeat(60), cta: 'Click this very long call to action button now' }, 'app-store');
    assert.ok(v.headline.length <= 30 && v.body.length <= 170 && v.cta.length <= 30);
  });

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    const evidence = await loadEvidence(files);
    const it = generateDocument({ kind: 'prd', brief, evidence, backend: 'template', signal: ac.signal });
    await it.next();
    ac.abort();
    await assert.rejects(async () => {
      for await (const _ of it) void _;
    }, CancelledError);
  });

  it('reads analysis results and keeps the original file:line', async () => {
    const ev = await loadEvidence([path.join(FIX, 'analysis-results.csv')]);
    assert.equal(ev.files[0].kind, 'analysis');
    assert.ok(ev.items.every((i) => i.source.endsWith('feedback.csv') && i.sentiment));
    const ins = computeInsights(ev);
    assert.equal(ins.sentiment!.known, ev.items.length);
  });
});

describe('EvidenceVerifier', () => {
  it('passes verbatim quotes, flags invented ones, links ids and flags unknown ids', async () => {
    const ev = await loadEvidence(files);
    const v = new EvidenceVerifier(ev.items);
    const text = 'Users say "Sync fails every time my phone loses signal" [E1] but also "our users adore the new blue buttons" [E999].';
    let out = '';
    for (const ch of text.match(/.{1,3}/gs)!) out += v.push(ch);
    out += v.end();
    assert.match(out, /"Sync fails every time my phone loses signal" \[E1: feedback\.csv:2\]\(/);
    assert.ok(out.includes(`"our users adore the new blue buttons"${UNVERIFIED_FLAG}`));
    assert.match(out, /\[E999 ⚠️ unknown evidence id\]/);
    assert.deepEqual([v.stats.verified, v.stats.unverified, v.stats.unknownIds], [1, 1, 1]);
  });
});
