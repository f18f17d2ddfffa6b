// A local OpenAI-compatible chat-completions server for tests (127.0.0.1, random port). It streams
// like real servers: chunked `text/event-stream`, one `data: {chat.completion.chunk}` event per
// piece (first one carries the role), a final chunk with finish_reason, then `data: [DONE]`.
// Each request is answered by `reply(request)`, which a test sets: a stream, an HTTP error with a
// JSON body, a mid-stream disconnect, a stall (headers or nothing, then silence), exact bytes, or a
// stream without end.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  max_tokens?: number;
  temperature?: number;
  stop?: string[];
}

export type Reply =
  | { kind: 'stream'; pieces: string[]; finishReason?: string; delayMs?: number; omitDone?: boolean; firstDelayMs?: number }
  /** Exactly these bytes (strings or raw Buffers, one write each, delayMs apart), then the end (or a cut: `cut`). */
  | { kind: 'raw'; parts: (string | Buffer)[]; status?: number; headers?: Record<string, string>; delayMs?: number; cut?: boolean }
  /** Chat-completion chunks of `piece` every intervalMs until the client goes away. */
  | { kind: 'endless'; piece: string; intervalMs: number }
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'disconnect'; pieces: string[] }
  | { kind: 'stall'; afterHeaders: boolean }
  /** A server that ignores stream: true (one chat.completion JSON), or a web page at the address. */
  | { kind: 'json'; content: string; finishReason?: string }
  | { kind: 'html' };

export interface RecordedRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: ChatRequestBody;
}

export class FakeOpenAIServer {
  readonly requests: RecordedRequest[] = [];
  reply: (req: RecordedRequest) => Reply = () => ({ kind: 'stream', pieces: ['Hello', ' world'] });
  private server?: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  private seq = 0;
  /** Connections the server has seen close (a client that cancels must close its socket). */
  closedSockets = 0;

  /** Connections open now. */
  get openSockets(): number {
    return this.sockets.size;
  }

  get endpoint(): string {
    const a = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${a.port}/v1`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => {
        this.sockets.delete(s);
        this.closedSockets++;
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let raw = '';
    req.setEncoding('utf8');
    for await (const d of req) raw += d;
    if (req.method !== 'POST' || !/\/chat\/completions$/.test(req.url ?? '')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Unknown route ${req.method} ${req.url}`, type: 'invalid_request_error' } }));
      return;
    }
    let body: ChatRequestBody;
    try {
      body = JSON.parse(raw) as ChatRequestBody;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Invalid JSON body', type: 'invalid_request_error' } }));
      return;
    }
    const rec: RecordedRequest = { url: req.url ?? '', headers: req.headers, body };
    this.requests.push(rec);
    const r = this.reply(rec);
    if (r.kind === 'error') {
      res.writeHead(r.status, { 'content-type': 'application/json', ...(r.headers ?? {}) });
      res.end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? { error: { message: http.STATUS_CODES[r.status] ?? 'error', type: 'server_error', code: r.status } }));
      return;
    }
    if (r.kind === 'json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'chatcmpl-json', object: 'chat.completion', model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: r.content }, finish_reason: r.finishReason ?? 'stop' }] }));
      return;
    }
    if (r.kind === 'html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Welcome</title><p>It works!</p>');
      return;
    }
    if (r.kind === 'stall') {
      if (r.afterHeaders) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.flushHeaders();
      }
      return; // never answers; the client must time out or cancel
    }
    if (r.kind === 'raw') {
      res.writeHead(r.status ?? 200, r.headers ?? { 'content-type': 'text/event-stream' });
      for (const p of r.parts) {
        if (res.destroyed) return;
        res.write(p);
        if (r.delayMs) await new Promise((x) => setTimeout(x, r.delayMs));
      }
      if (r.cut) {
        await new Promise((x) => setTimeout(x, 20));
        req.socket.destroy();
      } else res.end();
      return;
    }
    const id = `chatcmpl-${++this.seq}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, string>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: 'fp_test', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(chunk({ role: 'assistant', content: '' }, null));
    if (r.kind === 'endless') {
      const timer = setInterval(() => res.write(chunk({ content: r.piece }, null)), r.intervalMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (r.kind === 'stream' && r.firstDelayMs) await new Promise((x) => setTimeout(x, r.firstDelayMs));
    const delay = r.kind === 'stream' ? r.delayMs ?? 0 : 5;
    for (const p of r.pieces) {
      if (res.destroyed) return;
      res.write(chunk({ content: p }, null));
      if (delay) await new Promise((x) => setTimeout(x, delay));
    }
    if (r.kind === 'disconnect') {
      // Let the written chunks reach the client, then drop the connection without a final chunk.
      await new Promise((x) => setTimeout(x, 20));
      req.socket.destroy();
      return;
    }
    res.write(chunk({}, r.finishReason ?? 'stop'));
    if (!r.omitDone) res.write('data: [DONE]\n\n');
    res.end();
  }
}
