// OpenAI-compatible client against a local streaming server: SSE parsing, HTTP errors, mid-stream
// disconnects, timeouts, cancellation; and an LLM-written document with quote verification.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BackendUnavailableError,
  generateDocument,
  HttpError,
  IncompleteOutputError,
  loadEvidence,
  OpenAICompatibleGenerator,
  parseBrief,
  SseParser,
  UNVERIFIED_FLAG,
} from '../../src/core/generate';
import { CancelledError } from '../../src/core/types';
import { FakeOpenAIServer } from '../helpers/openai-server';

const msgs = [{ role: 'user' as const, content: 'Say hello' }];

async function collect(it: AsyncIterable<string>): Promise<{ text: string; error?: unknown }> {
  let text = '';
  try {
    for await (const p of it) text += p;
  } catch (error) {
    return { text, error };
  }
  return { text };
}

describe('OpenAI-compatible client', () => {
  let server: FakeOpenAIServer;
  beforeEach(async () => {
    server = await new FakeOpenAIServer().start();
  });
  afterEach(async () => {
    await server.stop();
  });
  const client = (o: Partial<ConstructorParameters<typeof OpenAICompatibleGenerator>[0]> = {}) =>
    new OpenAICompatibleGenerator({ endpoint: server.endpoint, model: 'test-model', apiKey: 'sk-test', ...o });

  it('streams deltas and sends model, messages, stream: true and the key', async () => {
    server.reply = () => ({ kind: 'stream', pieces: ['Hel', 'lo', ', wor', 'ld ✓'], delayMs: 2 });
    const c = client();
    const pieces: string[] = [];
    for await (const p of c.stream({ messages: msgs, maxNewTokens: 20, temperature: 0.2, stop: ['END'] })) pieces.push(p);
    assert.deepEqual(pieces, ['Hel', 'lo', ', wor', 'ld ✓']);
    assert.equal(c.lastFinishReason, 'stop');
    const r = server.requests[0];
    assert.equal(r.url, '/v1/chat/completions');
    assert.equal(r.headers.authorization, 'Bearer sk-test');
    assert.equal(r.body.stream, true);
    assert.equal(r.body.model, 'test-model');
    assert.equal(r.body.max_tokens, 20);
    assert.deepEqual(r.body.stop, ['END']);
    assert.deepEqual(r.body.messages, msgs);
  });

  it('accepts a finish_reason without [DONE]', async () => {
    server.reply = () => ({ kind: 'stream', pieces: ['a', 'b'], finishReason: 'length', omitDone: true });
    const c = client();
    const r = await collect(c.stream({ messages: msgs, maxNewTokens: 2 }));
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'ab');
    assert.equal(c.lastFinishReason, 'length');
  });

  it('reports 401, 404, 429 and 5xx with the server message', async () => {
    const cases: [number, RegExp][] = [
      [401, /rejected the API key \(401\): Invalid API key provided/],
      [404, /Model "test-model".*not found.*\(404\): Invalid API key provided/],
      [429, /rate limiting.*\(429\).*Retry after 7 s/],
      [503, /failed \(503\): Invalid API key provided/],
    ];
    for (const [status, re] of cases) {
      server.reply = () => ({ kind: 'error', status, body: { error: { message: 'Invalid API key provided', type: 'x' } }, headers: status === 429 ? { 'retry-after': '7' } : undefined });
      const r = await collect(client().stream({ messages: msgs, maxNewTokens: 5 }));
      assert.ok(r.error instanceof HttpError, `status ${status}`);
      assert.equal((r.error as HttpError).status, status);
      assert.match((r.error as Error).message, re);
    }
  });

  it('keeps partial output and reports a mid-stream disconnect', async () => {
    server.reply = () => ({ kind: 'disconnect', pieces: ['partial ', 'answer'] });
    const r = await collect(client().stream({ messages: msgs, maxNewTokens: 50 }));
    assert.equal(r.text, 'partial answer');
    assert.ok(r.error instanceof IncompleteOutputError, String(r.error));
    assert.equal((r.error as IncompleteOutputError).partial, 'partial answer');
  });

  it('times out when the server stalls (never hangs)', async () => {
    for (const afterHeaders of [false, true]) {
      server.reply = () => ({ kind: 'stall', afterHeaders });
      const t0 = Date.now();
      const r = await collect(client({ idleTimeoutMs: 300 }).stream({ messages: msgs, maxNewTokens: 5 }));
      assert.ok(Date.now() - t0 < 3000);
      assert.ok(afterHeaders ? r.error instanceof IncompleteOutputError : r.error instanceof BackendUnavailableError, String(r.error));
    }
  });

  it('cancels an in-flight request', async () => {
    server.reply = () => ({ kind: 'stream', pieces: Array.from({ length: 200 }, (_, i) => `t${i} `), delayMs: 10 });
    const ac = new AbortController();
    let n = 0;
    const r = await collect(
      (async function* () {
        for await (const p of client().stream({ messages: msgs, maxNewTokens: 500, signal: ac.signal })) {
          if (++n === 3) ac.abort();
          yield p;
        }
      })(),
    );
    assert.ok(r.error instanceof CancelledError, String(r.error));
    assert.ok(n < 10);
  });

  it('says the server is unreachable', async () => {
    const port = new URL(server.endpoint).port;
    await server.stop();
    const r = await collect(new OpenAICompatibleGenerator({ endpoint: `http://127.0.0.1:${port}/v1`, model: 'm' }).stream({ messages: msgs, maxNewTokens: 5 }));
    assert.ok(r.error instanceof BackendUnavailableError);
    assert.match((r.error as Error).message, /Cannot reach the server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    server = await new FakeOpenAIServer().start();
  });

  it('parses SSE split at any byte, CRLF, comments and multi-line data', () => {
    const p = new SseParser();
    const raw = ': keep-alive\r\ndata: {"a":1}\r\n\r\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n';
    const out: string[] = [];
    for (const ch of raw) out.push(...p.push(ch));
    out.push(...p.end());
    assert.deepEqual(out, ['{"a":1}', 'line1\nline2', '[DONE]']);
  });
});

describe('LLM-written documents (OpenAI-compatible server)', () => {
  const FIX = path.resolve(__dirname, '../fixtures/generate');
  let server: FakeOpenAIServer;
  before(async () => {
    server = await new FakeOpenAIServer().start();
  });
  after(async () => {
    await server.stop();
  });

  it('grounds each section, verifies quotes and appends the evidence by code', async () => {
    // The "model" quotes one real item and invents one.
    server.reply = () => ({ kind: 'stream', pieces: ['Users report that ', '"Sync fails every time my phone ', 'loses signal" [E1]. One said ', '"the app is perfect in every single way" [E2].'] });
    const evidence = await loadEvidence([path.join(FIX, 'feedback.csv')]);
    const brief = parseBrief(fs.readFileSync(path.join(FIX, 'brief.md'), 'utf8'));
    const gen = new OpenAICompatibleGenerator({ endpoint: server.endpoint, model: 'm' });
    let md = '';
    for await (const c of generateDocument({ kind: 'prd', brief, evidence, backend: gen })) md += c;
    assert.match(md, /Drafted by a language model \(openai-compatible: m/);
    const prompt = server.requests[0].body.messages[1].content;
    assert.match(prompt, /\[E1\] \(.*feedback\.csv:2\) Sync fails every time/);
    assert.match(prompt, /Task: Write the Summary/);
    assert.ok(md.includes(`"the app is perfect in every single way"${UNVERIFIED_FLAG}`));
    assert.ok(!md.includes(`loses signal"${UNVERIFIED_FLAG}`));
    assert.match(md, /\| Average rating \| 2\.75 of 5/); // metrics table written by code
    assert.match(md, /^## Evidence$/m);
    assert.match(md, /^- \*\*E1\*\* \[feedback\.csv:2\]/m);
    assert.match(md, /Quote check: 9 verified, 9 flagged as unverified/);
  });

  it('marks the document incomplete when the server disconnects mid-answer', async () => {
    server.reply = () => ({ kind: 'disconnect', pieces: ['The problem is '] });
    const evidence = await loadEvidence([path.join(FIX, 'feedback.csv')]);
    const brief = parseBrief(fs.readFileSync(path.join(FIX, 'brief.md'), 'utf8'));
    let md = '';
    await assert.rejects(async () => {
      for await (const c of generateDocument({ kind: 'prd', brief, evidence, backend: new OpenAICompatibleGenerator({ endpoint: server.endpoint, model: 'm' }) })) md += c;
    }, IncompleteOutputError);
    assert.match(md, /The problem is [\s\S]*⚠️ \*\*Incomplete:\*\*/);
  });

  it('enforces copy limits on model output while streaming', async () => {
    server.reply = (r) => {
      const task = r.body.messages[1].content;
      const long = 'Plan less and ship more with a board that keeps every team member in sync across every device you own today';
      return { kind: 'stream', pieces: task.includes('call-to-action') ? ['Start your free trial right now today please'] : long.split(/(?= )/) };
    };
    const evidence = await loadEvidence([path.join(FIX, 'feedback.csv')]);
    const brief = parseBrief(fs.readFileSync(path.join(FIX, 'brief.md'), 'utf8'));
    let md = '';
    for await (const c of generateDocument({ kind: 'copy', brief, evidence, options: { channel: 'app-store', variants: 2 }, backend: new OpenAICompatibleGenerator({ endpoint: server.endpoint, model: 'm' }) })) md += c;
    const heads = [...md.matchAll(/^\*\*Subtitle:\*\* (.*)$/gm)].map((m) => m[1]);
    const bodies = [...md.matchAll(/^\*\*Body:\*\* (.*)$/gm)].map((m) => m[1]);
    const ctas = [...md.matchAll(/^\*\*Call to action:\*\* (.*)$/gm)].map((m) => m[1]);
    assert.equal(heads.length, 2);
    for (const h of heads) assert.ok(h.length > 0 && h.length <= 30, h);
    for (const b of bodies) assert.ok(b.length > 0 && b.length <= 170, b);
    for (const c of ctas) assert.ok(c.length > 0 && c.length <= 30, c);
  });
});
