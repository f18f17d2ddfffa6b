// Which evidence a document treats as the brief's: not its non-goals, its main topic even when it is no top-ten theme,
// the model shown that evidence first; persona names of whole Chinese words; copy figures that say what they count.
import assert from 'node:assert/strict';
import { computeInsights, evidenceFromItems, generateDocument, parseBrief, type DocKind, type TextGenerator, type TextRequest } from '../../src/core/generate';

const fb = (texts: string[]) => evidenceFromItems(texts.map((text, i) => ({ source: 'fb.txt', line: i + 1, text })));

async function render(kind: DocKind, briefText: string, texts: string[], backend: TextGenerator | 'template' = 'template', options = {}): Promise<string> {
  let out = '';
  for await (const c of generateDocument({ kind, brief: parseBrief(briefText), evidence: fb(texts), backend, options, now: new Date('2024-06-01T00:00:00Z') })) out += c;
  return out;
}
const section = (md: string, title: string) => md.split(`\n## ${title}\n`)[1]?.split('\n## ')[0] ?? '';

/** Ten topics, each in five items, ahead of the brief's. */
const BUSY = ['sync', 'export', 'login', 'search', 'pricing', 'editor', 'widget', 'tablet', 'folders', 'attachments'].flatMap((t) =>
  [1, 2, 3, 4, 5].map((i) => `The ${t} screen version ${i} is broken and annoying.`),
);
const REMINDER_BRIEF = '# Smarter reminders\n\nReminders fire late and users miss meetings. We want reliable reminders.\n';

describe('grounded generation: what is the brief', () => {
  it('the non-goals are not the brief\'s topic: feedback about them is other feedback, its requests not P0', async () => {
    const brief = '# Offline editing\n\nUsers lose work when the connection drops. We want documents editable offline.\n\n## Non-goals\n- Calendar integration\n';
    const texts = [
      'Please add calendar integration for my meetings.',
      'Calendar integration would be great if it synced both accounts.',
      'The calendar view is broken and confusing.',
      'Calendar events are missing, terrible.',
      'Offline mode lost my draft, broken.',
      'Offline editing fails when the train enters a tunnel, annoying.',
      'The icons are pretty.',
      'Nice colors overall.',
    ];
    const md = await render('prd', brief, texts);
    const summary = section(md, 'Summary');
    assert.match(summary, /Related to the brief: .*"offline"/s);
    assert.doesNotMatch(summary.split('Other feedback')[0], /calendar/i, summary);
    assert.doesNotMatch(section(md, 'User stories'), /\*\*P0\*\*[^\n]*calendar/i);
    // the section itself is still the brief's
    assert.match(section(md, 'Goals and non-goals'), /\*\*Non-goals\*\*\n\n- Calendar integration/);
  });

  it('Chinese non-goals (不做) are not the brief\'s topic either', async () => {
    const brief = '# 外卖配送时效提升\n\n## 背景\n很多用户抱怨送餐太慢，外卖到的时候已经凉了。\n\n## 不做\n- 菜品口味改进\n';
    const texts = ['希望口味再淡一点。', '希望口味可以改进一下。', '口味一般，建议改进。', '送餐太慢了，等了两个小时。', '送餐很慢，饭都凉了。', '包装很好。'];
    const md = await render('prd', brief, texts);
    assert.doesNotMatch(section(md, 'User stories'), /\*\*P0\*\*[^\n]*口味/);
    assert.match(section(md, 'User stories'), /\*\*P0\*\*[^\n]*送餐|\*\*P[12]\*\*[^\n]*口味/);
  });

  it('the brief\'s main topic is a theme even when ten other topics are mentioned more', async () => {
    const texts = [...BUSY, 'Reminders fire hours late.', 'The reminders are unreliable, annoying.', 'Reminders arrive on time now.'];
    assert.equal((await computeInsights(fb(texts))).themes.some((t) => t.term === 'reminders'), false, 'not among the ten most mentioned');
    const md = await render('prd', REMINDER_BRIEF, texts);
    const summary = section(md, 'Summary');
    assert.match(summary, /Related to the brief: \d+ of 53 items .*most mentioned "reminders" \(3 of 53/s);
    assert.doesNotMatch(summary, /Nothing in the evidence themes relates to the brief/);
    // "fire hours late" and "unreliable, annoying" are the two complaints; "arrive on time now" is none
    assert.match(section(md, 'Problem'), /Complaints related to the brief:\n\n- "reminders" comes up in 2 complaints, e\.g\./);
  });

  it('a language model is shown the evidence about the brief first, and its figures', async () => {
    const texts = [...BUSY, 'Reminders fire hours late.', 'The reminders are unreliable, annoying.', 'Reminders arrive on time now.'];
    const prompts: string[] = [];
    const gen: TextGenerator = {
      label: 'fake',
      async *stream(req: TextRequest) {
        prompts.push(req.messages.map((m) => m.content).join('\n'));
        yield 'A section.';
      },
    };
    await render('prd', REMINDER_BRIEF, texts, gen);
    const summaryPrompt = prompts[0];
    const shown = summaryPrompt.split('Evidence (id, file:line, text):\n')[1].split('\n\nTask:')[0].split('\n');
    for (const id of ['E51', 'E52', 'E53']) assert.ok(shown.some((l) => l.startsWith(`[${id}]`)), `${id} in\n${shown.join('\n')}`);
    assert.match(summaryPrompt, /- "reminders" is mentioned in 3 of 53 items \(5\.7%\) \(the brief's topic\)/);
    assert.match(summaryPrompt, /- Items about the brief's topic: \d+ of 53/);
  });

  it('persona names are whole Chinese words, not pieces of longer ones (常快 of 非常快, 送餐速 of 送餐速度)', async () => {
    const texts = [
      ...['很快', '还行', '一般', '挺快', '超快', '太慢', '不错', '可以'].map((v) => `送餐速度${v}，骑手非常快。`),
      ...['很好', '不错', '一般', '超赞', '偏咸', '偏淡', '正宗', '可以'].map((v) => `味道${v}，米饭很香。`),
    ];
    const ins = await computeInsights(fb(texts), { withPersonas: true, personas: 2 });
    const terms = ins.personas.flatMap((p) => p.terms);
    assert.ok(terms.length > 0);
    for (const piece of ['常快', '送餐速', '餐速', '度非', '常好']) assert.ok(!terms.includes(piece), `${piece} in ${terms.join(', ')}`);
    for (const p of ins.personas) assert.doesNotMatch(p.name, /常快|送餐速(?!度)|常好/);
  });

  it('copy counts complaints as complaints: "N complain about X", not "N mention X"', async () => {
    const texts = [
      'The battery dies by noon, terrible.',
      'Battery drains fast and it is annoying.',
      'Battery lasts all day.',
      'Great battery on this one.',
      'I charge the battery once a week.',
      'The battery is fine.',
    ];
    texts.push('The screen is sharp.', 'Nice keyboard.', 'The speakers are loud.');
    const md = await render('copy', '# Battery campaign\n\nOur laptop battery lasts all day.\n', texts, 'template', { framework: 'PAS', variants: 1 });
    assert.doesNotMatch(md, /pieces of feedback mention battery/);
    assert.match(md, /2 of 9 pieces of feedback complain about battery\./);
  });

  it('Risks count sources in the items used: an analysis\'s results cite several files; a sample is no "1255%"', async () => {
    const prd = async (evidence: ReturnType<typeof fb>) => {
      let out = '';
      for await (const c of generateDocument({ kind: 'prd', brief: parseBrief(REMINDER_BRIEF), evidence, backend: 'template' })) out += c;
      return section(out, 'Risks');
    };
    // one results file whose items come from three feedback files
    const results = evidenceFromItems(['a.csv', 'b.txt', 'c.jsonl', 'a.csv'].map((source, i) => ({ source, line: i + 2, text: `Reminder ${i} fired late.` })));
    results.files = [{ path: 'reports/run/results.csv', items: 4, kind: 'analysis' }];
    const r1 = await prd(results);
    assert.doesNotMatch(r1, /Single source/);
    // a sample of 10 of 1,000 items, 8 of them from big.csv (800 of the 1,000)
    const sample = evidenceFromItems(Array.from({ length: 10 }, (_, i) => ({ source: i < 8 ? 'big.csv' : 'small.csv', line: i + 1, text: `Reminder ${i} fired late.` })));
    sample.files = [{ path: 'big.csv', items: 800, kind: 'feedback' }, { path: 'small.csv', items: 200, kind: 'feedback' }];
    sample.totalItems = 1000;
    const r2 = await prd(sample);
    assert.match(r2, /Skewed sources: big\.csv holds 80% of the items \(in the sample\)\./);
    assert.doesNotMatch(r2, /8000%/);
  });
});
