// Generate on the inputs users really give it: analyze's own results (whose score is a confidence, not a rating),
// the same file twice, more items than a document uses, a folder of reports, a report.md, results read from another
// folder; and on servers that misbehave: a whole JSON answer instead of a stream, a web page, a failure after the
// first section, an answer cut at the token limit, credentials in the endpoint. Then the CLI's side of it: exit codes,
// --force never replaced by a partial document, option checks, `--out -`, `-q`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BackendUnavailableError,
  displayEndpoint,
  generateDocument,
  IncompleteOutputError,
  loadEvidence,
  OpenAICompatibleGenerator,
  parseBrief,
  type TextGenerator,
} from '../../src/core/generate';
import { runGenerate } from '../../src/cli/generate';
import { FakeOpenAIServer, type Reply } from '../helpers/openai-server';

const FIX = path.resolve(__dirname, '../fixtures/generate');
const brief = () => parseBrief(fs.readFileSync(path.join(FIX, 'brief.md'), 'utf8'));

async function doc(input: Parameters<typeof generateDocument>[0]): Promise<{ md: string; error?: unknown }> {
  let md = '';
  try {
    for await (const c of generateDocument(input)) md += c;
  } catch (error) {
    return { md, error };
  }
  return { md };
}

/** runGenerate in-process, stdout and stderr captured. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const o = process.stdout.write.bind(process.stdout), e = process.stderr.write.bind(process.stderr);
  (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => ((out += s), true);
  (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => ((err += s), true);
  try {
    return { code: await runGenerate(args), out, err };
  } finally {
    (process.stdout as unknown as { write: typeof o }).write = o;
    (process.stderr as unknown as { write: typeof e }).write = e;
  }
}

describe('generate: evidence as users give it', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-genev-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** analyze's results.csv for the generate fixture's feedback: source,line,text,label,score,negative,neutral,positive + its columns. */
  function analyzeResults(dir: string, source: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const rows = [
      'source,line,text,label,score,negative,neutral,positive,plan,rating',
      `${source},2,Sync fails every time my phone loses signal and I lose my edits.,negative,0.91,0.91,0.05,0.04,Pro,2`,
      `${source},3,I love the board view. It helps me plan the sprint every Monday.,positive,0.88,0.02,0.1,0.88,Free,4`,
      `${source},4,The app crashed twice while syncing and my tasks were gone.,negative,0.71,0.71,0.2,0.09,Pro,1`,
      `${source},5,Export to Excel is so slow that I gave up after five minutes.,negative,0.64,0.64,0.3,0.06,Team,2`,
    ];
    const file = path.join(dir, 'results.csv');
    fs.writeFileSync(file, rows.join('\n') + '\n');
    return file;
  }

  it("analyze's score (a confidence) is never read as a rating; the customer's rating column still is", async () => {
    const dir = path.join(tmp, 'run');
    const file = analyzeResults(dir, 'fb.csv');
    const ev = await loadEvidence([file]);
    assert.equal(ev.ratingField, 'rating');
    assert.equal(ev.items[0].sentiment, 'negative');
    for (const k of ['score', 'label', 'negative', 'neutral', 'positive']) assert.ok(!(k in ev.items[0].fields), `${k} kept as a field`);
    // without the customer's rating: no rating at all (it used to say "Average score: 0.71 of 5")
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('\n').map((l) => l.split(',').slice(0, -1).join(',')).join('\n'));
    const ev2 = await loadEvidence([file]);
    assert.equal(ev2.ratingField, undefined);
    const { md } = await doc({ kind: 'prd', brief: brief(), evidence: ev2, backend: 'template' });
    assert.doesNotMatch(md, /of 5/);
  });

  it('a 0-1 "score" column of the user\'s own is not a rating either; a 1-5 one is', async () => {
    const csv = (vals: string[]) => ['feedback,score', ...vals.map((v, i) => `Item number ${i} about the export,${v}`)].join('\n');
    fs.writeFileSync(path.join(tmp, 'a.csv'), csv(['0.2', '0.9', '0.5', '0.7']));
    fs.writeFileSync(path.join(tmp, 'b.csv'), csv(['2', '5', '3', '4']));
    assert.equal((await loadEvidence([path.join(tmp, 'a.csv')])).ratingField, undefined);
    assert.equal((await loadEvidence([path.join(tmp, 'b.csv')])).ratingField, 'score');
  });

  it('the same file given twice (or inside a folder also given) is read once, with a note', async () => {
    const f = path.join(tmp, 'feedback.csv');
    fs.copyFileSync(path.join(FIX, 'feedback.csv'), f);
    const once = await loadEvidence([f]);
    const twice = await loadEvidence([f, f, tmp]);
    assert.equal(twice.items.length, once.items.length);
    assert.equal(twice.files.length, 1);
    assert.equal(twice.notes!.length, 2, twice.notes!.join('\n'));
  });

  it('more items than a document uses: a random sample over every file, said in the header and in a note', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `Customer ${i} says the export to Excel is slow`);
    fs.writeFileSync(path.join(tmp, 'a.txt'), lines.join('\n'));
    fs.writeFileSync(path.join(tmp, 'b.txt'), lines.map((l) => l.replace('export to Excel', 'sync')).join('\n'));
    const ev = await loadEvidence([path.join(tmp, 'a.txt'), path.join(tmp, 'b.txt')], { maxItems: 100 });
    assert.equal(ev.items.length, 100);
    assert.equal(ev.totalItems, 2000);
    // both files are represented, not only the first 100 lines of the first
    const fromB = ev.items.filter((i) => i.source.endsWith('b.txt')).length;
    assert.ok(fromB >= 30 && fromB <= 70, `${fromB} of 100 from the second file`);
    assert.deepEqual(ev.items.map((i) => `${i.source}:${i.line}`), [...ev.items].sort((x, y) => x.source.localeCompare(y.source) || x.line - y.line).map((i) => `${i.source}:${i.line}`), 'in file order');
    assert.deepEqual((await loadEvidence([path.join(tmp, 'a.txt'), path.join(tmp, 'b.txt')], { maxItems: 100 })).items.map((i) => i.line), ev.items.map((i) => i.line), 'the same sample every time');
    assert.match(ev.notes!.join('\n'), /2,000 items: the document uses a random sample of 100/);
    const { md } = await doc({ kind: 'prd', brief: brief(), evidence: ev, backend: 'template' });
    assert.match(md, /Evidence: a random sample of 100 of 2000 items from 2 files/);
  });

  it('200,000 items in one file: sampled, without running out of stack or memory', async () => {
    fs.writeFileSync(path.join(tmp, 'big.csv'), ['feedback', ...Array.from({ length: 200_000 }, (_, i) => `item ${i} the export is slow`)].join('\n'));
    const ev = await loadEvidence([path.join(tmp, 'big.csv')]);
    assert.equal(ev.items.length, 5000);
    assert.equal(ev.totalItems, 200_000);
  });

  it('a folder of reports gives its latest analysis; a report.md its results; a generated document is refused', async () => {
    const reports = path.join(tmp, 'reports');
    const old = analyzeResults(path.join(reports, 'fb-1'), 'fb.csv');
    const latest = analyzeResults(path.join(reports, 'fb-2'), 'fb.csv');
    fs.utimesSync(old, new Date(2020, 0, 1), new Date(2020, 0, 1));
    const ev = await loadEvidence([reports]);
    assert.deepEqual(ev.files.map((f) => f.path), [latest]);
    assert.match(ev.notes!.join('\n'), /holds 2 analysis reports: using the latest/);
    const report = path.join(reports, 'fb-2', 'report.md');
    fs.writeFileSync(report, '# Feedback analysis — fb.csv\n\n4 items from 1 file (1 KB) analyzed locally with `product-forge/sentiment-en-zh` on cpu.\n');
    const viaReport = await loadEvidence([report]);
    assert.deepEqual(viaReport.files.map((f) => f.path), [latest]);
    const generated = path.join(tmp, 'prd.md');
    fs.writeFileSync(generated, '# Plan — Product Requirements\n\n> **Draft made without a language model** (template backend): …\n');
    await assert.rejects(loadEvidence([generated]), /is a document Product Forge generated, not feedback/);
  });

  it('a folder is read with its subfolders; an empty one is an error, not an empty document', async () => {
    fs.mkdirSync(path.join(tmp, 'fb', '2024'), { recursive: true });
    fs.copyFileSync(path.join(FIX, 'feedback.csv'), path.join(tmp, 'fb', '2024', 'feedback.csv'));
    assert.ok((await loadEvidence([path.join(tmp, 'fb')])).items.length > 5);
    fs.mkdirSync(path.join(tmp, 'empty'));
    await assert.rejects(loadEvidence([path.join(tmp, 'empty')]), /No evidence in .*empty/);
    fs.writeFileSync(path.join(tmp, 'blank.txt'), '\n\n');
    await assert.rejects(loadEvidence([path.join(tmp, 'blank.txt')]), /No feedback items found/);
  });

  it('"everything I need in one place" is not a user story; "I want to export to PDF" is', async () => {
    fs.writeFileSync(path.join(tmp, 'fb.txt'), 'Love that I have everything I need in one place and it looks great.\nI want to export my board to PDF for the weekly review.\n');
    const { md } = await doc({ kind: 'prd', brief: brief(), evidence: await loadEvidence([path.join(tmp, 'fb.txt')]), backend: 'template' });
    assert.match(md, /I want to export my board to PDF for the weekly review\./);
    assert.doesNotMatch(md, /I want in one place/);
  });

  it('sources recorded by analyze elsewhere are found from the results file, so links resolve', async () => {
    // analyze ran in `project/`, recording "feedback/fb.csv"; generate runs from the temp folder
    const project = path.join(tmp, 'project');
    fs.mkdirSync(path.join(project, 'feedback'), { recursive: true });
    fs.copyFileSync(path.join(FIX, 'feedback.csv'), path.join(project, 'feedback', 'fb.csv'));
    const results = analyzeResults(path.join(project, '.product-forge', 'reports', 'fb-1'), 'feedback/fb.csv');
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      const ev = await loadEvidence([results]);
      assert.equal(ev.items[0].source, path.join('project', 'feedback', 'fb.csv'));
      assert.ok(fs.existsSync(ev.items[0].source));
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('generate: servers that misbehave', () => {
  let server: FakeOpenAIServer;
  before(async () => {
    server = await new FakeOpenAIServer().start();
  });
  after(() => server.stop());

  it('a server that ignores stream: true (one JSON completion) is used as is', async () => {
    server.reply = () => ({ kind: 'json', content: 'Users report that "Sync fails every time my phone loses signal" [E1].' });
    const evidence = await loadEvidence([path.join(FIX, 'feedback.csv')]);
    const { md, error } = await doc({ kind: 'prd', brief: brief(), evidence, backend: new OpenAICompatibleGenerator({ endpoint: server.endpoint, model: 'm' }) });
    assert.equal(error, undefined);
    assert.match(md, /Users report that "Sync fails every time my phone loses signal" \[E1: /);
  });

  it('a web page at the address is "not chat completions", not a broken stream', async () => {
    server.reply = () => ({ kind: 'html' });
    const gen = new OpenAICompatibleGenerator({ endpoint: server.endpoint, model: 'm' });
    let err: unknown;
    try {
      for await (const _ of gen.stream({ messages: [{ role: 'user', content: 'hi' }], maxNewTokens: 8 })) void _;
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof BackendUnavailableError, String(err));
    assert.match((err as Error).message, /answered with text\/html, not chat completions: check the endpoint/);
  });

  it('a failure after the first section leaves a document marked incomplete, and says so', async () => {
    let n = 0;
    server.reply = () => (++n === 1 ? { kind: 'stream', pieces: ['The first section is fine.'] } : { kind: 'error', status: 500 });
    const evidence = await loadEvidence([path.join(FIX, 'feedback.csv')]);
    const { md, error } = await doc({ kind: 'prd', brief: brief(), evidence, backend: new OpenAICompatibleGenerator({ endpoint: server.endpoint, model: 'm' }) });
    assert.ok(error instanceof IncompleteOutputError, String(error));
    assert.match(md, /The first section is fine\.[\s\S]*⚠️ \*\*Incomplete:\*\*.*\(500\)/);
    assert.doesNotMatch(md, /productForge\./, 'no settings advice inside the document');
    assert.match(md, /^## Evidence$/m);
  });

  it('an answer cut at the token limit is marked where it stops and reported once', async () => {
    server.reply = () => ({ kind: 'stream', pieces: ['The export is slow and'], finishReason: 'length' });
    const evidence = await loadEvidence([path.join(FIX, 'feedback.csv')]);
    const warnings: string[] = [];
    const { md, error } = await doc({ kind: 'prd', brief: brief(), evidence, options: { maxNewTokens: 64 }, backend: new OpenAICompatibleGenerator({ endpoint: server.endpoint, model: 'm' }), onWarning: (m) => warnings.push(m) });
    assert.equal(error, undefined);
    assert.match(md, /The export is slow and … ⚠️ \*\(cut off: the model reached its limit of 64 new tokens\)\*/);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /cut off at the limit of 64 new tokens/);
  });

  it("an answer cut by the model's context is marked so, with advice other than a higher token limit", async () => {
    // what LocalGenerator reports when the worker stopped at the model's context (generate-handler.test.ts)
    const gen: TextGenerator = {
      label: 'local: small-context',
      lastFinishReason: 'length',
      lastContextFull: 2048,
      async *stream() {
        yield 'The export is slow and';
      },
    };
    const evidence = await loadEvidence([path.join(FIX, 'feedback.csv')]);
    const warnings: string[] = [];
    const { md, error } = await doc({ kind: 'prd', brief: brief(), evidence, options: { maxNewTokens: 4096 }, backend: gen, onWarning: (m) => warnings.push(m) });
    assert.equal(error, undefined);
    assert.match(md, /The export is slow and … ⚠️ \*\(cut off: the model's context of 2048 tokens is full\)\*/);
    assert.doesNotMatch(md, /limit of 4096 new tokens/);
    assert.deepEqual(warnings, ["a section was cut off: the prompt and the answer filled the model's context of 2048 tokens; give less evidence or a shorter brief, or use a model with a longer context"]);
  });

  it('user name, password and query of the endpoint never reach the document', async () => {
    assert.equal(displayEndpoint('http://user:secret@127.0.0.1:8080/v1?key=abc'), 'http://127.0.0.1:8080/v1');
    const u = new URL(server.endpoint);
    u.username = 'me';
    u.password = 's3cret';
    server.reply = () => ({ kind: 'stream', pieces: ['Fine.'] });
    const evidence = await loadEvidence([path.join(FIX, 'feedback.csv')]);
    const { md } = await doc({ kind: 'copy', brief: brief(), evidence, options: { variants: 1 }, backend: new OpenAICompatibleGenerator({ endpoint: u.href, model: 'm' }) });
    assert.doesNotMatch(md, /s3cret|me:/);
    assert.match(md, /openai-compatible: m at http:\/\/127\.0\.0\.1:\d+\/v1\)/);
  });
});

describe('generate CLI: exit codes and outputs', () => {
  let server: FakeOpenAIServer;
  let tmp: string;
  before(async () => {
    server = await new FakeOpenAIServer().start();
  });
  after(() => server.stop());
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-gencli-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const base = () => ['prd', '--brief', path.join(FIX, 'brief.md'), '--evidence', path.join(FIX, 'feedback.csv')];

  it('a server error: 5xx exits 1, 404 exits 2, 401 exits 3', async () => {
    for (const [status, code] of [[500, 1], [404, 2], [401, 3]] as const) {
      server.reply = () => ({ kind: 'error', status });
      const r = await cli([...base(), '--backend', 'openai-compatible', '--endpoint', server.endpoint]);
      assert.equal(r.code, code, `${status}: ${r.err}`);
      assert.match(r.err, /^product-forge: /);
      assert.equal(r.out, '', 'nothing on stdout');
    }
    server.reply = () => ({ kind: 'error', status: 404 });
    assert.match((await cli([...base(), '--backend', 'openai-compatible', '--endpoint', server.endpoint])).err, /Check --model and --endpoint/);
  });

  it('an incomplete document never becomes --out (new or --force): it is kept beside it, marked, as NAME.incomplete.md', async () => {
    const out = path.join(tmp, 'prd.md');
    fs.writeFileSync(out, 'my good document\n');
    let n = 0;
    server.reply = () => (++n === 1 ? { kind: 'stream', pieces: ['One section.'] } : { kind: 'disconnect', pieces: ['Half a'] });
    const r = await cli([...base(), '--backend', 'openai-compatible', '--endpoint', server.endpoint, '--out', out, '--force']);
    assert.equal(r.code, 1, r.err);
    assert.equal(fs.readFileSync(out, 'utf8'), 'my good document\n');
    assert.match(r.err, /product-forge: warning: .*prd\.md was kept as it was: the document is incomplete; the partial document, marked so, is in .*prd\.incomplete\.md/);
    assert.match(fs.readFileSync(path.join(tmp, 'prd.incomplete.md'), 'utf8'), /One section\.[\s\S]*Half a[\s\S]*⚠️ \*\*Incomplete:\*\*/);
    // a new file: not written either; the next partial goes to prd.incomplete-2.md, never over the first
    n = 0;
    const fresh = path.join(tmp, 'new.md');
    const r2 = await cli([...base(), '--backend', 'openai-compatible', '--endpoint', server.endpoint, '--out', fresh]);
    assert.equal(r2.code, 1);
    assert.ok(!fs.existsSync(fresh), 'no partial document at --out');
    assert.match(r2.err, /product-forge: warning: .*new\.md was not written: the document is incomplete; the partial document, marked so, is in .*new\.incomplete\.md\n/);
    assert.match(r2.err, /product-forge: the language model stopped mid-answer: the connection to http:\/\/127\.0\.0\.1:\d+ was closed mid-answer\n$/);
    n = 0;
    await cli([...base(), '--backend', 'openai-compatible', '--endpoint', server.endpoint, '--out', out, '--force']);
    assert.deepEqual(fs.readdirSync(tmp).sort(), ['new.incomplete.md', 'prd.incomplete-2.md', 'prd.incomplete.md', 'prd.md'], 'no temp files left');
  });

  it('a failure before the answer (HTTP 500 or 400, a web page) leaves no --out and says what to do in one line', async () => {
    const out = path.join(tmp, 'prd.md');
    const replies: [Reply, number, RegExp][] = [
      [{ kind: 'error', status: 500, body: { error: { message: 'model crashed' } } }, 1, /^product-forge: The server at .* failed \(500\): model crashed\. Try again; if it keeps failing, check the server's log \(is model "llama3\.2" loaded\?\)\.\n$/],
      [{ kind: 'error', status: 400, body: { error: { message: "Unsupported parameter: 'max_tokens'" } } }, 1, /refused the request \(400\): Unsupported parameter: 'max_tokens'; try --backend local --model ID or --backend template\n$/],
      [{ kind: 'raw', headers: {}, parts: ['<html><body>Router login</body></html>'] }, 3, /answered with a web page .*not chat completions: check the endpoint.*; try --backend local/],
    ];
    for (const [reply, code, re] of replies) {
      server.reply = () => reply;
      const r = await cli([...base(), '--backend', 'openai-compatible', '--endpoint', server.endpoint, '--out', out]);
      assert.equal(r.code, code, r.err);
      assert.match(r.err, re);
      assert.equal(r.err.split('\n').filter(Boolean).length, 1, r.err);
      assert.doesNotMatch(r.err, /\.;/);
      assert.deepEqual(fs.readdirSync(tmp), [], 'nothing written, no temp file');
    }
  });

  it('Ctrl+C during an endless answer: cancelled at once, the socket closed, no --out and no temp file', async () => {
    const out = path.join(tmp, 'prd.md');
    server.reply = () => ({ kind: 'endless', piece: 'more ', intervalMs: 5 });
    const asked = server.requests.length;
    let stoppedAt = 0;
    const timer = setInterval(() => {
      if (server.requests.length > asked && !stoppedAt) {
        stoppedAt = Date.now();
        process.emit('SIGINT');
      }
    }, 20);
    try {
      const r = await cli([...base(), '--backend', 'openai-compatible', '--endpoint', server.endpoint, '--out', out, '--max-new-tokens', '100000']);
      assert.equal(r.code, 130, r.err);
      assert.ok(Date.now() - stoppedAt < 1000, `${Date.now() - stoppedAt} ms`);
      assert.match(r.err, /cancelled; .*prd\.md was not written/);
    } finally {
      clearInterval(timer);
    }
    for (let i = 0; i < 50 && server.openSockets > 0; i++) await new Promise((x) => setTimeout(x, 10));
    assert.equal(server.openSockets, 0, 'the connection is closed');
    assert.deepEqual(fs.readdirSync(tmp), []);
  });

  it('the API key never reaches stderr or the document, even when the server echoes it', async () => {
    const key = 'sk-proj-Zq81mN0pLx2';
    const env = process.env.PRODUCT_FORGE_API_KEY;
    process.env.PRODUCT_FORGE_API_KEY = key;
    try {
      server.reply = () => ({ kind: 'error', status: 401, body: { error: { message: `Incorrect API key provided: ${key}.` } } });
      const r = await cli([...base(), '--backend', 'openai-compatible', '--endpoint', server.endpoint]);
      assert.equal(r.code, 3);
      assert.equal(server.requests.at(-1)!.headers.authorization, `Bearer ${key}`);
      assert.match(r.err, /^product-forge: The server at .* rejected the API key \(401\): Incorrect API key provided: \*\*\*\. Set the key with PRODUCT_FORGE_API_KEY; try --backend local/);
      let n = 0;
      server.reply = () => (++n === 1 ? { kind: 'stream', pieces: ['Fine.'] } : { kind: 'raw', parts: [`data: {"error":{"message":"key ${key} was revoked"}}\n\n`] });
      const out = path.join(tmp, 'prd.md');
      const r2 = await cli([...base(), '--backend', 'openai-compatible', '--endpoint', server.endpoint, '--out', out]);
      assert.equal(r2.code, 1);
      const kept = fs.readFileSync(path.join(tmp, 'prd.incomplete.md'), 'utf8');
      for (const text of [r.err, r.out, r2.err, r2.out, kept]) assert.ok(!text.includes(key), text);
      assert.match(kept, /error mid-stream: key \*\*\* was revoked/);
    } finally {
      if (env === undefined) delete process.env.PRODUCT_FORGE_API_KEY;
      else process.env.PRODUCT_FORGE_API_KEY = env;
    }
  });

  it('options are checked before any work; values brought into range are said', async () => {
    for (const o of ['{"temperature":-1}', '{"temperature":"hot"}', '{"seed":"abc"}', '{"seed":1.5}']) {
      const r = await cli([...base(), '--backend', 'template', '--options', o]);
      assert.equal(r.code, 2, o);
      assert.match(r.err, /^product-forge: (temperature must be a number from 0 to 2|seed must be a whole number)/, o);
    }
    const r = await cli(['copy', '--brief', path.join(FIX, 'brief.md'), '--backend', 'template', '--options', '{"variants":1000}', '-q']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /warning: variants 1000 is more than 10: 10 variants are written/);
  });

  it('--out - writes to stdout; an option after --evidence is an option; --model /missing is a bad argument', async () => {
    const r = await cli([...base(), '--evidence', path.join(FIX, 'interviews.md'), '-q', '--backend', 'template', '--out', '-']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Draft made without a language model/);
    assert.ok(!fs.existsSync('-'));
    assert.equal(r.err, '', 'quiet');
    const m = await cli([...base(), '--backend', 'local', '--model', path.join(tmp, 'nope')]);
    assert.equal(m.code, 2, m.err);
    assert.match(m.err, /--model .*nope: no such folder/);
  });
});
