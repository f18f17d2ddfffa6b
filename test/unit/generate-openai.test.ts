// OpenAI-compatible client against a local streaming server: SSE parsing, HTTP errors, mid-stream
// disconnects, timeouts, cancellation; and an LLM-written document with quote verification.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BackendUnavailableError,
  evidenceFromItems,
  EvidenceVerifier,
  generateDocument,
  HttpError,
  IncompleteOutputError,
  loadEvidence,
  MAX_CHARS_PER_TOKEN,
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

/** One chat.completion.chunk event carrying `content`. */
const ev = (content: string, finish: string | null = null) => `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
const END = `${ev('', 'stop')}data: [DONE]\n\n`;

describe('OpenAI-compatible client: a server that misbehaves', () => {
  const KEY = 'sk-live-7f3a9c1e5b2d4680';
  let server: FakeOpenAIServer;
  beforeEach(async () => {
    server = await new FakeOpenAIServer().start();
  });
  afterEach(async () => {
    await server.stop();
  });
  const client = (o: Partial<ConstructorParameters<typeof OpenAICompatibleGenerator>[0]> = {}) =>
    new OpenAICompatibleGenerator({ endpoint: server.endpoint, model: 'test-model', apiKey: KEY, ...o });
  const ask = (c = client(), maxNewTokens = 50, signal?: AbortSignal) => collect(c.stream({ messages: msgs, maxNewTokens, signal }));

  it('a slow first token within the idle timeout is waited for; past it, one line says what to do', async () => {
    server.reply = () => ({ kind: 'stream', pieces: ['late', ' answer'], firstDelayMs: 400 });
    const ok = await ask(client({ idleTimeoutMs: 1500 }));
    assert.equal(ok.error, undefined);
    assert.equal(ok.text, 'late answer');
    // no headers at all within the timeout: the server is not answering
    server.reply = () => ({ kind: 'stall', afterHeaders: false });
    const t0 = Date.now();
    const r = await ask(client({ idleTimeoutMs: 300 }));
    assert.ok(Date.now() - t0 < 2000);
    assert.ok(r.error instanceof BackendUnavailableError, String(r.error));
    assert.match((r.error as Error).message, /^The server at http:\/\/127\.0\.0\.1:\d+ did not answer within 0\.3 s\. Try again .*check productForge\.generation\.endpoint\.$/);
    assert.doesNotMatch((r.error as Error).message, /\n/);
  });

  it('a stream cut mid-way keeps what came, as partial, never as a finished answer', async () => {
    server.reply = () => ({ kind: 'raw', parts: [ev('The export '), ev('is slow and')], cut: true });
    const c = client();
    const r = await ask(c);
    assert.equal(r.text, 'The export is slow and');
    assert.ok(r.error instanceof IncompleteOutputError, String(r.error));
    assert.equal((r.error as IncompleteOutputError).partial, 'The export is slow and');
    // a clean end of the connection without [DONE] or a finish_reason is cut off too
    server.reply = () => ({ kind: 'raw', parts: [ev('Half')] });
    const r2 = await ask(c);
    assert.ok(r2.error instanceof IncompleteOutputError, String(r2.error));
    assert.match((r2.error as Error).message, /closed the stream before finishing/);
  });

  it('a malformed JSON chunk stops the answer as incomplete (a token is never dropped silently)', async () => {
    server.reply = () => ({ kind: 'raw', parts: [ev('Hello'), 'data: {"choices":[{"delta":{"content":"wor\n\n', ev(' world'), END] });
    const r = await ask();
    assert.equal(r.text, 'Hello');
    assert.ok(r.error instanceof IncompleteOutputError, String(r.error));
    assert.match((r.error as Error).message, /^the server sent an event that is not JSON \("\{\\"choices/);
  });

  it('401, 429 and 500 with a JSON error body: one line with the server\'s words and what to do; the key never shows', async () => {
    const cases: [number, RegExp, Record<string, string>?][] = [
      [401, /^The server at http:\/\/127\.0\.0\.1:\d+ rejected the API key \(401\): Incorrect API key provided: \*\*\*\. Set the key with "Product Forge: Set OpenAI-Compatible API Key" \(CLI: PRODUCT_FORGE_API_KEY\)\.$/],
      [429, /^The server is rate limiting requests \(429\): Rate limit reached for test-model, key \*\*\*\. Retry after 20 s\.$/, { 'retry-after': '20' }],
      [500, /^The server at http:\/\/127\.0\.0\.1:\d+ failed \(500\): CUDA out of memory \(key \*\*\*\)\. Try again; if it keeps failing, check the server's log \(is model "test-model" loaded\?\)\.$/],
    ];
    const words: Record<number, string> = { 401: `Incorrect API key provided: ${KEY}.`, 429: `Rate limit reached for test-model, key ${KEY}`, 500: `CUDA out of memory (key ${KEY})` };
    for (const [status, re, headers] of cases) {
      server.reply = () => ({ kind: 'error', status, headers, body: { error: { message: words[status], type: 'x', code: null } } });
      const r = await ask();
      assert.ok(r.error instanceof HttpError, `${status}: ${String(r.error)}`);
      assert.match((r.error as Error).message, re);
      assert.ok(!JSON.stringify(r.error).includes(KEY) && !(r.error as Error).message.includes(KEY) && !String((r.error as Error).stack).includes(KEY), `${status}: key shown`);
    }
  });

  it('the key never shows in a mid-stream error, a broken event or a bad endpoint', async () => {
    server.reply = () => ({ kind: 'raw', parts: [ev('a'), `data: ${JSON.stringify({ error: { message: `key ${KEY} revoked` } })}\n\n`] });
    const a = await ask();
    assert.ok(a.error instanceof IncompleteOutputError);
    assert.match((a.error as Error).message, /error mid-stream: key \*\*\* revoked/);
    server.reply = () => ({ kind: 'raw', parts: [`data: {"echo": "${KEY}\n\n`] });
    const b = await ask();
    assert.ok(!(b.error as Error).message.includes(KEY), (b.error as Error).message);
    const bad = await ask(new OpenAICompatibleGenerator({ endpoint: 'http://me:pw@local host/v1?api_key=sk-in-url', model: 'm', apiKey: KEY }));
    assert.doesNotMatch((bad.error as Error).message, /pw@|sk-in-url/);
    assert.match((bad.error as Error).message, /^Invalid endpoint URL: http:\/\/local host\/v1\. Check productForge\.generation\.endpoint/);
  });

  it('a 200 with a web page is "not chat completions", with or without a content type; so is plain text', async () => {
    const page = '<!DOCTYPE html><html><head><title>Router login</title></head><body>Sign in</body></html>';
    for (const headers of [{ 'content-type': 'text/html' }, {}, { 'content-type': 'text/plain' }] as Record<string, string>[]) {
      server.reply = () => ({ kind: 'raw', headers, parts: [page] });
      const r = await ask();
      assert.ok(r.error instanceof BackendUnavailableError, `${JSON.stringify(headers)}: ${String(r.error)}`);
      assert.match((r.error as Error).message, /answered with .*not chat completions: check the endpoint/);
    }
    server.reply = () => ({ kind: 'raw', headers: { 'content-type': 'text/plain' }, parts: ['Ollama is running'] });
    const t = await ask();
    assert.ok(t.error instanceof BackendUnavailableError, String(t.error));
    assert.match((t.error as Error).message, /text that is no event stream \("Ollama is running"\)/);
    // a whole JSON completion without a content type is still read
    server.reply = () => ({ kind: 'raw', headers: {}, parts: [JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'whole answer' }, finish_reason: 'stop' }] })] });
    assert.deepEqual(await ask(), { text: 'whole answer' });
  });

  it('an endless stream: cancel stops it at once and closes the socket', async () => {
    server.reply = () => ({ kind: 'endless', piece: 'word ', intervalMs: 2 });
    const ac = new AbortController();
    let n = 0;
    let abortedAt = 0;
    const r = await collect(
      (async function* () {
        for await (const p of client().stream({ messages: msgs, maxNewTokens: 100000, signal: ac.signal })) {
          if (++n === 20) {
            abortedAt = Date.now();
            ac.abort();
          }
          yield p;
        }
      })(),
    );
    assert.ok(r.error instanceof CancelledError, String(r.error));
    assert.ok(Date.now() - abortedAt < 200, 'prompt');
    for (let i = 0; i < 50 && server.openSockets > 0; i++) await new Promise((x) => setTimeout(x, 10));
    assert.equal(server.openSockets, 0, 'the connection is closed');
    assert.ok(server.closedSockets >= 1);
  });

  it('an answer much longer than max tokens (a server that ignores max_tokens) is stopped and marked as cut', async () => {
    server.reply = () => ({ kind: 'endless', piece: 'and more ', intervalMs: 1 });
    const c = client();
    const t0 = Date.now();
    const r = await ask(c, 20);
    assert.equal(r.error, undefined);
    assert.equal(c.lastFinishReason, 'length');
    assert.equal(r.text.length, 20 * MAX_CHARS_PER_TOKEN + 64);
    assert.ok(Date.now() - t0 < 5000);
    for (let i = 0; i < 50 && server.openSockets > 0; i++) await new Promise((x) => setTimeout(x, 10));
    assert.equal(server.openSockets, 0, 'the request is ended');
    // the same for a whole JSON answer
    server.reply = () => ({ kind: 'json', content: 'x'.repeat(50_000) });
    const j = await ask(c, 10);
    assert.equal(j.text.length, 10 * MAX_CHARS_PER_TOKEN + 64);
    assert.equal(c.lastFinishReason, 'length');
  });

  it('a character whose UTF-8 bytes are split between two chunks decodes whole; invalid bytes become U+FFFD', async () => {
    const bytes = Buffer.from(ev('同步很慢，导出也慢') + END);
    const at = bytes.indexOf(Buffer.from('步')) + 1; // one byte of 步 in the first chunk, two in the next
    server.reply = () => ({ kind: 'raw', parts: [bytes.subarray(0, at), bytes.subarray(at, at + 1), bytes.subarray(at + 1)], delayMs: 15 });
    assert.deepEqual(await ask(), { text: '同步很慢，导出也慢' });
    server.reply = () => ({ kind: 'raw', parts: [Buffer.concat([Buffer.from('data: {"choices":[{"delta":{"content":"ab'), Buffer.from([0xff]), Buffer.from('cd"}}]}\n\n')]), END] });
    assert.deepEqual(await ask(), { text: 'ab\ufffdcd' });
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

  it('quotes streamed byte by byte: a Chinese quote split mid-character is verified, invented ones are flagged', async () => {
    const evidence = evidenceFromItems([
      { source: 'zh.csv', line: 2, text: '同步总是失败，我的修改都丢了。' },
      { source: 'zh.csv', line: 3, text: 'Export to Excel is so slow that I gave up after five minutes.' },
      { source: 'zh.csv', line: 4, text: '导出到Excel太慢了。' },
    ]);
    const answer = '用户说「同步总是失败，我的修改都丢了」[E1]，也说「导出功能非常好用而且很快」[E3]。One wrote "Export to Excel is so slow" [E2] and "the export never finishes at all" [E2].';
    const bytes = Buffer.from(ev(answer) + END);
    // cut every 7 bytes: characters (3 bytes in UTF-8) and quote marks fall across chunks
    const parts: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) parts.push(bytes.subarray(i, i + 7));
    server.reply = () => ({ kind: 'raw', parts });
    const gen = new OpenAICompatibleGenerator({ endpoint: server.endpoint, model: 'm' });
    const v = new EvidenceVerifier(evidence.items);
    let out = '';
    for await (const p of gen.stream({ messages: msgs, maxNewTokens: 200 })) out += v.push(p);
    out += v.end();
    assert.ok(out.includes('「同步总是失败，我的修改都丢了」[E1: zh.csv:2]'), out);
    assert.ok(out.includes(`「导出功能非常好用而且很快」${UNVERIFIED_FLAG}`), out);
    assert.ok(out.includes('"Export to Excel is so slow" [E2: zh.csv:3]'), out);
    assert.ok(out.includes(`"the export never finishes at all"${UNVERIFIED_FLAG}`), out);
    assert.deepEqual({ verified: v.stats.verified, unverified: v.stats.unverified }, { verified: 2, unverified: 2 });
  });

  it('a quote longer than any evidence item is flagged, and the quotes after it are still checked', () => {
    const { items } = evidenceFromItems([{ source: 'a.csv', line: 2, text: 'Sync fails every time my phone loses signal' }]);
    const v = new EvidenceVerifier(items);
    const invented = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    let out = '';
    for (const piece of `He said "${invented}" and "Sync fails every time my phone loses signal" [E1].`.match(/[\s\S]{1,5}/g)!) out += v.push(piece);
    out += v.end();
    assert.ok(out.includes(`word299"${UNVERIFIED_FLAG} and "Sync fails every time my phone loses signal" [E1: a.csv:2]`), out.slice(-300));
    assert.deepEqual({ verified: v.stats.verified, unverified: v.stats.unverified }, { verified: 1, unverified: 1 });
    // never closed: flagged at the end of the section
    const w = new EvidenceVerifier(items);
    const open = w.push(`"${invented} and so on`) + w.end();
    assert.ok(open.endsWith(`and so on${UNVERIFIED_FLAG}`));
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
