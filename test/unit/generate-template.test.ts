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
  evidenceFromItems,
  EvidenceVerifier,
  FRAMEWORKS,
  generateDocument,
  loadEvidence,
  parseBrief,
  UNVERIFIED_FLAG,
  type DocKind,
  type EvidenceItem,
  type GenerateOptions,
} from '../../src/core/generate';
import { miscitedNote } from '../../src/core/generate/verify';
import { wordCount } from '../../src/core/readers/text';
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
    const ins = await computeInsights(ev);
    assert.equal(ins.total, 28);
    const sync = ins.themes.find((t) => t.term === 'sync')!;
    // every form of the word, and 同步, as Analyze Feedback's report counts the theme
    const expected = ev.items.filter((i) => /\bsync(?:s|ed|ing)?\b|同步/i.test(i.text)).length;
    assert.equal(sync.count, expected);
    const md = await render('prd');
    assert.match(md, new RegExp(`"sync" \\(${expected} of 28`));
  });

  it('"low" ratings are what Analyze Feedback counts as negative on that scale: stars 1-2, NPS detractors 0-6', async () => {
    const ev = await loadEvidence(files);
    // the fixture's 24 ratings of 1-5 (the sum in the PRD test above): twelve are 1 or 2
    const stars = (await computeInsights(ev)).rating!;
    assert.deepEqual([stars.count, stars.scaleMax, stars.lowShare, stars.lowWords], [24, 5, 0.5, 'low (1–2)']);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-gen-nps-'));
    try {
      const f = path.join(tmp, 'nps.csv');
      const scores = [0, 3, 5, 6, 7, 8, 9, 10, 10, 6];
      fs.writeFileSync(f, ['nps,comment', ...scores.map((n, i) => `${n},comment number ${i} about the export and sync`)].join('\n'));
      const nps = (await computeInsights(await loadEvidence([f]))).rating!;
      // 0, 3, 5, 6, 6 are detractors (a 0-10 points reading would have counted only 0 and 3 as low)
      assert.deepEqual([nps.field, nps.scaleMax, nps.lowShare, nps.lowWords], ['nps', 10, 0.5, 'detractors (0–6)']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('themes are topics: Chinese words rather than characters, no sentiment or function words', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-gen-zh-'));
    try {
      const f = path.join(tmp, 'zh.txt');
      fs.writeFileSync(f, ['同步太慢了，笔记经常丢失', '同步失败了，很烦', '笔记很好用', '导出PDF的时候格式乱了', '导出PDF很慢', '导出的文件是空的', 'Great app, great sync', 'Great support', 'Sync is slow'].join('\n'));
      const ins = await computeInsights(await loadEvidence([f]));
      const terms = ins.themes.map((t) => t.term);
      // (PDF's two items are also two of 导出's three: as in the report, it is a facet of 导出, not a theme of its own)
      for (const t of ['笔记', '导出', 'sync']) assert.ok(terms.includes(t), `"${t}" among the themes: ${terms.join(', ')}`);
      for (const t of ['了', '很', 'great', '同步太']) assert.ok(!terms.includes(t), `"${t}" is not a theme: ${terms.join(', ')}`);
      // 同步 is the sync theme, as in Analyze Feedback's report ("sync / 同步")
      const sync = ins.themes.find((t) => t.term === 'sync')!;
      assert.ok(sync.forms.includes('同步'), sync.forms.join(', '));
      assert.equal(sync.count, 4);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('personas: segments partition the items and each cites real evidence', async () => {
    const ev = await loadEvidence(files);
    const ins = await computeInsights(ev, { withPersonas: true, personas: 'auto' });
    assert.ok(ins.personas.length >= 2 && ins.personas.length <= 6);
    assert.equal(ins.personas.reduce((a, p) => a + p.size, 0), ev.items.length);
    const ids = ins.personas.flatMap((p) => p.members.map((m) => m.id));
    assert.equal(new Set(ids).size, ev.items.length);
    const again = await computeInsights(ev, { withPersonas: true, personas: 'auto' });
    assert.deepEqual(again.segmentation!.labels, ins.segmentation!.labels, 'deterministic');
    const md = await render('personas');
    const sizes = [...md.matchAll(/\*\*Segment:\*\* (\d+) of 28 items/g)].map((m) => Number(m[1]));
    assert.equal(sizes.reduce((a, b) => a + b, 0), 28);
    for (const h of ['Goals', 'Frustrations', 'Motivations', 'Behaviours']) assert.match(md, new RegExp(`\\*\\*${h}\\*\\*`));
    const fixed = await render('personas', { count: 3 });
    assert.equal([...fixed.matchAll(/^## Persona \d+:/gm)].length, 3);
  });

  it('personas: feedback in two languages is segmented by topic, not by language (sync / 同步, export / 导出)', async () => {
    const texts = [
      'Sync lost my notes again', 'Sync is slow on the laptop', 'Syncing fails every morning', 'Sync conflicts everywhere',
      'The sync never finishes', 'Synced notes show up twice',
      '同步失败了', '同步太慢了', '同步出错，笔记丢了', '同步冲突很多', '同步一直转圈', '同步以后内容重复',
      'Export to PDF cuts the last page', 'Exporting to Markdown loses images', 'The export button does nothing',
      'Export to Word breaks tables', 'Exported files are empty', 'Please fix export',
      '导出PDF缺页', '导出的文件是空的', '导出太慢', '导出格式乱了', '导出按钮没反应', '导出图片丢失',
    ];
    const ev = evidenceFromItems(texts.map((text, i) => ({ source: 'mixed.txt', line: i + 1, text })));
    const ins = await computeInsights(ev, { withPersonas: true, personas: 2 });
    assert.equal(ins.personas.length, 2);
    for (const p of ins.personas) {
      const topics = new Set(p.members.map((m) => (/sync|同步/i.test(m.text) ? 'sync' : 'export')));
      const languages = new Set(p.members.map((m) => (/\p{Script=Han}/u.test(m.text) ? 'zh' : 'en')));
      assert.equal(topics.size, 1, `${p.name}: ${p.members.map((m) => m.text).join(' | ')}`);
      assert.equal(languages.size, 2, p.name);
    }
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
    const ins = await computeInsights(ev);
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

  /** Streams `text` in pieces of `size` characters through a new verifier. */
  function verify(items: EvidenceItem[], text: string, size = 3): { out: string; v: EvidenceVerifier } {
    const v = new EvidenceVerifier(items);
    let out = '';
    for (const piece of Array.from(text).reduce<string[]>((a, ch, i) => (i % size ? (a[a.length - 1] += ch) : a.push(ch), a), [])) out += v.push(piece);
    return { out: out + v.end(), v };
  }

  it('corrects an id placed after a verified quote that is in another item, and says so', async () => {
    const ev = await loadEvidence(files);
    for (const size of [1, 3, 100]) {
      const { out, v } = verify(ev.items, 'Users say "The app crashed twice while syncing" [E1].', size);
      assert.match(out, /"The app crashed twice while syncing" \[E3: feedback\.csv:4\]\([^)]*#L4\)/);
      assert.ok(out.includes(miscitedNote('E1', 'E3')), out);
      assert.ok(out.endsWith(`${miscitedNote('E1', 'E3')}.`), out);
      assert.doesNotMatch(out, /feedback\.csv:2/);
      assert.deepEqual([v.stats.verified, v.stats.unverified, v.stats.unknownIds, v.stats.miscited], [1, 0, 0, 1]);
      assert.deepEqual(v.stats.cited.map((i) => i.id), ['E3']);
    }
    // Light punctuation between the quote and the id, several ids in a sentence.
    const { out, v } = verify(ev.items, 'One said "The app crashed twice while syncing", ([E1]) and another "Sync conflicts overwrite my changes" [E10].');
    assert.match(out, /\(\[E3: feedback\.csv:4\]\([^)]*\) ⚠️ \*\(the model cited E1; the quote is from E3\)\*\)/);
    assert.match(out, /"Sync conflicts overwrite my changes" \[E10: feedback\.csv:11\]\(/);
    assert.deepEqual([v.stats.verified, v.stats.miscited], [2, 1]);
    assert.deepEqual(v.stats.cited.map((i) => i.id), ['E3', 'E10']);
  });

  it('leaves correct ids, ids after unverified quotes and ids away from quotes as they were', async () => {
    const ev = await loadEvidence(files);
    const right = verify(ev.items, 'Users say "The app crashed twice while syncing" [E3].');
    assert.match(right.out, /^Users say "The app crashed twice while syncing" \[E3: feedback\.csv:4\]\([^)]*#L4\)\.$/);
    assert.equal(right.v.stats.miscited, 0);
    const invented = verify(ev.items, 'Users say "the app explodes on every single launch" [E1].');
    assert.ok(invented.out.includes(`"the app explodes on every single launch"${UNVERIFIED_FLAG} [E1: feedback.csv:2](`), invented.out);
    assert.deepEqual([invented.v.stats.unverified, invented.v.stats.miscited], [1, 0]);
    const apart = verify(ev.items, '"The app crashed twice while syncing" happens, see also [E1].');
    assert.match(apart.out, /see also \[E1: feedback\.csv:2\]\(/);
    assert.equal(apart.v.stats.miscited, 0);
    assert.deepEqual(apart.v.stats.cited.map((i) => i.id), ['E3', 'E1']);
    const short = verify(ev.items, 'They say "crashed twice" [E1].');
    assert.match(short.out, /"crashed twice" \[E1: feedback\.csv:2\]\(/);
    assert.equal(short.v.stats.miscited, 0);
  });

  it('streams text outside quotes at once and holds a quote until it closes', async () => {
    const ev = await loadEvidence(files);
    const v = new EvidenceVerifier(ev.items);
    assert.equal(v.push('Users say '), 'Users say ');
    assert.equal(v.push('「同步总是'), '');
    assert.equal(v.push('失败」 and "The app'), '「同步总是失败」 and ');
    assert.equal(v.push(' crashed twice while syncing" '), '"The app crashed twice while syncing" ');
    assert.equal(v.push('[E3'), '');
    assert.match(v.push('] then'), /^\[E3: feedback\.csv:4\]\([^)]*\) then$/);
  });

  const zh: EvidenceItem[] = [
    { id: 'E1', source: 'zh.csv', line: 2, text: '同步总是失败而且导出非常慢，我们整个团队都很生气。', fields: {} },
    { id: 'E2', source: 'zh.csv', line: 3, text: '希望能支持离线模式，在地铁上也能查看任务。', fields: {} },
  ];

  it('checks Chinese quotes: verbatim ones pass, invented ones are flagged, short ones are left alone', () => {
    const { out, v } = verify(zh, '用户说“同步总是失败而且导出非常慢，我们整个团队都很生气”，还有人说「导出功能经常让浏览器崩溃，根本没法用」。', 2);
    assert.ok(out.includes('“同步总是失败而且导出非常慢，我们整个团队都很生气”，'), out);
    assert.ok(out.includes(`「导出功能经常让浏览器崩溃，根本没法用」${UNVERIFIED_FLAG}。`), out);
    assert.deepEqual([v.stats.verified, v.stats.unverified], [1, 1]);
    assert.deepEqual(v.stats.cited.map((i) => i.id), ['E1']);
    const corner = verify(zh, '『希望能支持离线模式，在地铁上也能查看任务。』[E2]');
    assert.match(corner.out, /^『希望能支持离线模式，在地铁上也能查看任务。』\[E2: zh\.csv:3\]\(/);
    assert.deepEqual([corner.v.stats.verified, corner.v.stats.unverified, corner.v.stats.miscited], [1, 0, 0]);
    const short = verify(zh, '大家都“很生气”，也想要「离线模式」。');
    assert.equal(short.out, '大家都“很生气”，也想要「离线模式」。');
    assert.deepEqual([short.v.stats.verified, short.v.stats.unverified], [0, 0]);
    const miscited = verify(zh, '有用户说“希望能支持离线模式，在地铁上也能查看任务”[E1]。');
    assert.ok(miscited.out.includes(`[E2: zh.csv:3](zh.csv#L3)${miscitedNote('E1', 'E2')}。`), miscited.out);
    assert.equal(miscited.v.stats.miscited, 1);
  });

  it('counts CJK characters as words (two per word) next to ordinary words', () => {
    assert.equal(wordCount('Sync fails every time'), 4);
    assert.equal(wordCount('同步总是失败'), 3);
    assert.equal(wordCount('同步总是失败，'), 3);
    assert.equal(wordCount('导出 Excel 太慢了'), 3);
    assert.equal(wordCount('很生气'), 1);
    assert.equal(wordCount('同期がいつも失敗する'), 5);
    // a token without a letter or digit is no word (generate counted the dash: a 3-word quote was checked as 4 words)
    assert.equal(wordCount('slow - really slow'), 3);
    assert.equal(wordCount('… sync — broken …'), 2);
    // a katakana word's prolonged sound mark is part of it (generate left it out: 1 word)
    assert.equal(wordCount('コーヒー'), 2);
  });
});

describe('parseBrief: Chinese headings', () => {
  const zhBrief = [
    '# 任务看板同步 2.0',
    '',
    '任务看板是面向小团队的工具。这次发布让同步和导出更可靠、更快。',
    '',
    '## 问题',
    '移动端同步失败时团队会丢失工作，导出到表格要好几分钟。',
    '',
    '## 目标',
    '- 同步在任何设备上都不丢失编辑。',
    '- 导出 1000 个任务在 10 秒内完成。',
    '',
    '## 非目标',
    '- 重新设计计费系统。',
    '',
    '## 用户',
    '- 小公司里每周规划冲刺的团队负责人。',
    '',
    '## 成功指标',
    '- 每周活跃团队数',
    '',
    '## 约束',
    '- 不能改变现有的数据格式。',
    '',
    '## 里程碑',
    '- 六月底发布测试版。',
  ].join('\n');

  it('reads the sections of a brief written in Chinese', () => {
    const b = parseBrief(zhBrief);
    assert.equal(b.title, '任务看板同步 2.0');
    assert.equal(b.summary, '任务看板是面向小团队的工具。这次发布让同步和导出更可靠、更快。');
    assert.deepEqual(Object.keys(b.sections).sort(), ['goals', 'metrics', 'nonGoals', 'problem', 'risks', 'timeline', 'users']);
    assert.equal(b.sections.problem, '移动端同步失败时团队会丢失工作，导出到表格要好几分钟。');
    assert.equal(b.sections.goals, '- 同步在任何设备上都不丢失编辑。\n- 导出 1000 个任务在 10 秒内完成。');
    assert.equal(b.sections.nonGoals, '- 重新设计计费系统。');
    assert.equal(b.sections.users, '- 小公司里每周规划冲刺的团队负责人。');
  });

  it('knows the common Chinese names, numbering, glosses, compound headings and 标签： lines', () => {
    const key = (heading: string) => Object.keys(parseBrief(`# 标题\n\n## ${heading}\n内容`).sections)[0];
    const cases: [string, string][] = [
      ['背景', 'problem'], ['痛点', 'problem'], ['目的', 'goals'], ['不做', 'nonGoals'], ['范围外', 'nonGoals'],
      ['目标用户', 'users'], ['受众', 'users'], ['用户画像', 'users'], ['需求', 'requirements'], ['范围', 'requirements'],
      ['指标', 'metrics'], ['成功标准', 'metrics'], ['风险', 'risks'], ['假设', 'risks'], ['开放问题', 'questions'],
      ['待解决问题', 'questions'], ['解决方案', 'product'], ['时间', 'timeline'], ['时间线', 'timeline'],
      ['一、问题', 'problem'], ['2. 目标', 'goals'], ['第三部分：用户', 'users'], ['成功指标（KPI）', 'metrics'],
      ['背景与问题', 'problem'], ['问题 / Problem', 'problem'], ['**目标**', 'goals'], ['目标：', 'goals'], ['問題', 'problem'],
    ];
    for (const [h, k] of cases) assert.equal(key(h), k, h);
    const b = parseBrief('同步 2.0\n\n问题：移动端同步经常失败。\n目标：同步不丢数据。\n**用户**： 团队负责人\n我和用户：聊了很久');
    assert.equal(b.sections.problem, '移动端同步经常失败。');
    assert.equal(b.sections.goals, '同步不丢数据。');
    assert.equal(b.sections.users, '团队负责人\n我和用户：聊了很久');
    // A first heading that is not a section stays the title.
    assert.equal(parseBrief('# 同步与导出\n\n## 问题\n慢').title, '同步与导出');
  });

  it('a PRD from a Chinese brief keeps its goals, problem and users', async () => {
    const b = parseBrief(zhBrief);
    const evidence = await loadEvidence(files);
    let md = '';
    for await (const c of generateDocument({ kind: 'prd', brief: b, evidence, options: {}, backend: 'template', now: new Date('2024-06-01T00:00:00Z') })) md += c;
    assert.ok(md.includes('- 同步在任何设备上都不丢失编辑。'), md);
    assert.ok(md.includes('移动端同步失败时团队会丢失工作'));
    assert.ok(md.includes('小公司里每周规划冲刺的团队负责人'));
    assert.doesNotMatch(md, /The brief does not say/);
  });
});
