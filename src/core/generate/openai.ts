// Client for OpenAI-compatible chat-completions servers (Ollama, LM Studio, llama.cpp, vLLM, ...):
// POST {endpoint}/chat/completions with stream: true, Server-Sent Events parsed as they arrive.
// Never hangs: a connect timeout, an idle timeout between bytes (headers included), and the caller's
// AbortSignal all end the request. The API key comes from the caller (secret storage / env).
import * as http from 'node:http';
import * as https from 'node:https';
import { CancelledError, UserError } from '../types';
import { BackendUnavailableError, IncompleteOutputError, type TextGenerator, type TextRequest } from './types';

export interface OpenAIOptions {
  /** Base URL, e.g. http://localhost:11434/v1 (…/chat/completions is appended). */
  endpoint: string;
  model: string;
  apiKey?: string;
  /** TCP/TLS connect timeout (default 10 s). */
  connectTimeoutMs?: number;
  /** Longest silence while waiting for headers or the next byte (default 120 s: local servers can be slow to start). */
  idleTimeoutMs?: number;
}

/**
 * Most characters one answer may have per token asked for: a server that ignores max_tokens (or streams without end)
 * is stopped there and the answer is treated as cut at the limit. Real tokens average 3-5 characters; 16 leaves room
 * for runs of spaces or dashes that some tokenizers write as one token.
 */
export const MAX_CHARS_PER_TOKEN = 16;

/** An HTTP error answered by the server, with its own message. */
export class HttpError extends UserError {
  constructor(message: string, readonly status: number, readonly serverMessage?: string) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The endpoint as it may be shown (documents, messages): without user name, password or query (API keys live there). */
export function displayEndpoint(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.href.replace(/\/$/, '');
  } catch {
    return endpoint.replace(/\/\/[^/@]*@/, '//').replace(/\?.*$/, '');
  }
}

export function chatCompletionsUrl(endpoint: string): URL {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new UserError(`Invalid endpoint URL: ${displayEndpoint(endpoint)}. Check productForge.generation.endpoint: the server's OpenAI-compatible base URL, such as http://localhost:11434/v1.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError(`Endpoint must be http(s): ${displayEndpoint(endpoint)}. Check productForge.generation.endpoint: the server's OpenAI-compatible base URL, such as http://localhost:11434/v1.`);
  const p = u.pathname.replace(/\/+$/, '');
  u.pathname = p.endsWith('/chat/completions') ? p : `${p}/chat/completions`;
  return u;
}

function serverMessage(body: string): string | undefined {
  try {
    const j = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown };
    const e = j.error;
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
    if (typeof j.message === 'string') return j.message;
    if (typeof j.detail === 'string') return j.detail;
  } catch {
    /* not JSON */
  }
  const t = body.trim().replace(/\s+/g, ' ');
  return t ? t.slice(0, 300) : undefined;
}

/** "120 s", "0.3 s". */
const seconds = (ms: number) => `${ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10} s`;

/** `text` with every copy of the secret replaced (a server may echo the API key in its error). */
function redact(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('***') : text;
}

function httpError(status: number, body: string, model: string, url: URL, retryAfter?: string, apiKey?: string): HttpError {
  const raw = serverMessage(body);
  const msg = raw === undefined ? undefined : redact(raw, apiKey).replace(/[.\s]+$/, '');
  const says = msg ? `: ${msg}` : '';
  switch (true) {
    case status === 401 || status === 403:
      return new HttpError(`The server at ${url.origin} rejected the API key (${status})${says}. Set the key with "Product Forge: Set OpenAI-Compatible API Key" (CLI: PRODUCT_FORGE_API_KEY).`, status, msg);
    case status === 404:
      return new HttpError(`Model "${model}" or the chat-completions route was not found at ${displayEndpoint(url.href)} (404)${says}. Check productForge.generation.model and productForge.generation.endpoint.`, status, msg);
    case status === 429:
      return new HttpError(`The server is rate limiting requests (429)${says}.${retryAfter ? ` Retry after ${retryAfter} s.` : ' Try again later.'}`, status, msg);
    case status >= 500:
      return new HttpError(`The server at ${url.origin} failed (${status})${says}. Try again; if it keeps failing, check the server's log (is model "${model}" loaded?).`, status, msg);
    default:
      return new HttpError(`The server at ${url.origin} refused the request (${status})${says}.`, status, msg);
  }
}

/** Incremental SSE parser: feed text, get complete events' data payloads. */
export class SseParser {
  private buf = '';
  private data: string[] = [];

  push(text: string): string[] {
    this.buf += text;
    const out: string[] = [];
    let nl: number;
    while ((nl = this.buf.search(/\r\n|\n|\r/)) >= 0) {
      const line = this.buf.slice(0, nl);
      const sepLen = this.buf.startsWith('\r\n', nl) ? 2 : 1;
      // A lone '\r' at the very end may be the first half of '\r\n': wait for more.
      if (sepLen === 1 && this.buf[nl] === '\r' && nl === this.buf.length - 1) break;
      this.buf = this.buf.slice(nl + sepLen);
      if (line === '') {
        if (this.data.length) out.push(this.data.join('\n'));
        this.data = [];
      } else if (line.startsWith(':')) {
        continue; // comment / keep-alive
      } else if (line.startsWith('data:')) {
        this.data.push(line.slice(5).replace(/^ /, ''));
      }
      // event:, id:, retry: are not used by chat completions.
    }
    return out;
  }

  /** Data of an event not terminated by a blank line when the stream ended. */
  end(): string[] {
    const out: string[] = [];
    if (this.buf.startsWith('data:')) this.data.push(this.buf.slice(5).replace(/^ /, ''));
    this.buf = '';
    if (this.data.length) out.push(this.data.join('\n'));
    this.data = [];
    return out;
  }
}

interface Chunk {
  choices?: { delta?: { content?: string | null }; text?: string; finish_reason?: string | null }[];
  error?: unknown;
}

export class OpenAICompatibleGenerator implements TextGenerator {
  readonly label: string;
  /** finish_reason of the last completed request ('stop', 'length', ...). */
  lastFinishReason: string | undefined;

  constructor(private readonly opts: OpenAIOptions) {
    this.label = `openai-compatible: ${opts.model} at ${displayEndpoint(opts.endpoint)}`;
  }

  async *stream(req: TextRequest): AsyncIterable<string> {
    const url = chatCompletionsUrl(this.opts.endpoint);
    const body = JSON.stringify({
      model: this.opts.model,
      messages: req.messages,
      stream: true,
      max_tokens: req.maxNewTokens,
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.topP !== undefined ? { top_p: req.topP } : {}),
      ...(req.stop?.length ? { stop: req.stop.slice(0, 4) } : {}),
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'content-length': String(Buffer.byteLength(body)),
    };
    if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
    if (req.signal?.aborted) throw new CancelledError();

    // Events flow from the http callbacks into this generator through a small queue.
    const queue: string[] = [];
    let failure: Error | undefined;
    let ended = false;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const fail = (e: Error) => {
      if (!failure && !ended) {
        // a server may echo the API key (in an error body, a broken event): it never reaches a message or a log
        e.message = redact(e.message, this.opts.apiKey);
        failure = e;
      }
      notify();
    };

    const lib = url.protocol === 'https:' ? https : http;
    const connectMs = this.opts.connectTimeoutMs ?? 10_000;
    const idleMs = this.opts.idleTimeoutMs ?? 120_000;
    let idleTimer: NodeJS.Timeout | undefined;
    let connectTimer: NodeJS.Timeout | undefined;
    let gotResponse = false;
    const request = lib.request(url, { method: 'POST', headers });
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        const e = gotResponse
          ? new IncompleteOutputError(`the server sent nothing for ${seconds(idleMs)}`)
          : new BackendUnavailableError(`The server at ${url.origin} did not answer within ${seconds(idleMs)}. Try again (a server may still be loading its model), or check productForge.generation.endpoint.`, 'openai-compatible');
        fail(e);
        request.destroy();
      }, idleMs);
    };
    const onAbort = () => {
      fail(new CancelledError());
      request.destroy();
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    connectTimer = setTimeout(() => {
      fail(new BackendUnavailableError(`Cannot reach the server at ${url.origin} (no connection after ${seconds(connectMs)}). Check productForge.generation.endpoint.`, 'openai-compatible'));
      request.destroy();
    }, connectMs);
    request.on('socket', (s) => {
      const connected = () => {
        clearTimeout(connectTimer);
        armIdle();
      };
      if (!s.connecting) connected();
      else s.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
    });
    request.on('error', (e: NodeJS.ErrnoException) => {
      if (failure) return notify();
      const code = e.code ?? '';
      if (!gotResponse && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ETIMEDOUT|CERT|SELF_SIGNED/.test(code + e.message)) {
        fail(new BackendUnavailableError(`Cannot reach the server at ${url.origin} (${code || e.message}). Is it running? Check productForge.generation.endpoint.`, 'openai-compatible'));
      } else if (gotResponse) {
        fail(new IncompleteOutputError(`the connection to ${url.origin} broke (${code || e.message})`));
      } else fail(new BackendUnavailableError(`Request to ${url.origin} failed: ${e.message}`, 'openai-compatible'));
    });
    // A server that ignores max_tokens, or streams without end, is stopped at this many characters ('length').
    const maxChars = Math.max(1, req.maxNewTokens) * MAX_CHARS_PER_TOKEN + 64;
    let chars = 0;
    /** Queues a piece of the answer; false once the answer reached maxChars (the request is then ended). */
    const take = (piece: string): boolean => {
      if (ended) return false;
      if (chars + piece.length > maxChars) {
        const rest = maxChars - chars;
        if (rest > 0) queue.push(piece.slice(0, rest));
        chars = maxChars;
        this.lastFinishReason = 'length';
        ended = true;
        request.destroy();
        notify();
        return false;
      }
      chars += piece.length;
      queue.push(piece);
      return true;
    };
    const notChatCompletions = (what: string) =>
      new BackendUnavailableError(`${displayEndpoint(url.href)} answered with ${what}, not chat completions: check the endpoint, the server's OpenAI-compatible base URL such as http://localhost:11434/v1`, 'openai-compatible');
    request.on('response', (res) => {
      gotResponse = true;
      armIdle();
      res.setEncoding('utf8'); // a character whose bytes arrive in two chunks is decoded whole
      const status = res.statusCode ?? 0;
      if (status >= 400 || status < 200) {
        let text = '';
        res.on('data', (d: string) => {
          armIdle();
          if (text.length < 65536) text += d;
        });
        res.on('end', () => fail(httpError(status, text, this.opts.model, url, res.headers['retry-after'] as string | undefined, this.opts.apiKey)));
        res.on('error', () => fail(httpError(status, text, this.opts.model, url, undefined, this.opts.apiKey)));
        return;
      }
      const type = String(res.headers['content-type'] ?? '').toLowerCase();
      // A server that ignores stream: true answers with the whole completion at once: used as one piece.
      const readJson = (first = '') => {
        let text = first;
        res.on('data', (d: string) => {
          armIdle();
          if (text.length < 4 * 1024 * 1024) text += d;
        });
        res.on('end', () => {
          let j: { choices?: { message?: { content?: unknown }; text?: unknown; finish_reason?: unknown }[] } | undefined;
          try {
            j = JSON.parse(text);
          } catch {
            /* handled below */
          }
          const choice = j?.choices?.[0];
          const content = choice?.message?.content ?? choice?.text;
          if (typeof content !== 'string') {
            fail(notChatCompletions(`JSON that is no chat completion (${serverMessage(text) ?? 'an empty body'})`));
            return;
          }
          this.lastFinishReason = typeof choice?.finish_reason === 'string' ? choice.finish_reason : 'stop';
          if (content && !take(content)) return;
          ended = true;
          notify();
        });
        res.on('error', (e) => fail(new IncompleteOutputError(`the connection to ${url.origin} broke (${e.message})`)));
      };
      if (type.includes('json')) return readJson();
      if (type && !type.includes('event-stream') && !type.startsWith('text/plain')) {
        // a web page or a file: not a chat-completions server at this address
        fail(notChatCompletions(type.split(';')[0]));
        request.destroy();
        return;
      }
      const parser = new SseParser();
      let done = false;
      let events = 0;
      const handle = (list: string[]) => {
        for (const data of list) {
          if (done || ended) return;
          events++;
          if (data.trim() === '[DONE]') {
            done = true;
            ended = true;
            return;
          }
          let chunk: Chunk;
          try {
            chunk = JSON.parse(data) as Chunk;
          } catch {
            fail(new IncompleteOutputError(`the server sent an event that is not JSON (${JSON.stringify(data.slice(0, 80))})`));
            request.destroy();
            return;
          }
          if (chunk.error) {
            fail(new IncompleteOutputError(`the server reported an error mid-stream: ${serverMessage(JSON.stringify(chunk)) ?? 'unknown'}`));
            request.destroy();
            return;
          }
          const choice = chunk.choices?.[0];
          const piece = choice?.delta?.content ?? choice?.text;
          if (choice?.finish_reason) this.lastFinishReason = choice.finish_reason;
          if (piece && !take(piece)) return;
        }
      };
      // Without text/event-stream, the first characters say what came: a web page, one JSON answer, or events.
      let sniffed = type.includes('event-stream');
      let head = '';
      const onData = (d: string) => {
        armIdle();
        if (!sniffed) {
          head += d;
          const first = head.trimStart()[0];
          if (!first) return;
          sniffed = true;
          if (first === '<') {
            fail(notChatCompletions(`a web page (${JSON.stringify(head.trim().slice(0, 40))})`));
            request.destroy();
            return;
          }
          if (first === '{' || first === '[') {
            res.off('data', onData);
            res.off('end', onEnd);
            readJson(head);
            return;
          }
          d = head;
        }
        handle(parser.push(d));
        notify();
      };
      const onEnd = () => {
        handle(parser.end());
        // A finish_reason without [DONE] is accepted (some servers omit it); neither means cut off.
        if (!done && !this.lastFinishReason) {
          const rest = head.trim();
          fail(
            events === 0 && rest && !/^(data|event|id|retry)?:/.test(rest)
              ? notChatCompletions(`text that is no event stream (${JSON.stringify(rest.slice(0, 40))})`)
              : new IncompleteOutputError(`the server at ${url.origin} closed the stream before finishing`),
          );
        }
        ended = true;
        notify();
      };
      res.on('data', onData);
      res.on('end', onEnd);
      res.on('aborted', () => fail(new IncompleteOutputError(`the connection to ${url.origin} was closed mid-answer`)));
      res.on('error', (e) => fail(new IncompleteOutputError(`the connection to ${url.origin} broke (${e.message})`)));
    });
    this.lastFinishReason = undefined;
    request.end(body);

    let produced = '';
    try {
      for (;;) {
        while (queue.length) {
          const p = queue.shift()!;
          produced += p;
          yield p;
        }
        if (failure) {
          if (failure instanceof IncompleteOutputError) throw new IncompleteOutputError(failure.message, produced);
          throw failure;
        }
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
      }
    } finally {
      clearTimeout(idleTimer);
      clearTimeout(connectTimer);
      req.signal?.removeEventListener('abort', onAbort);
      if (!ended) request.destroy();
    }
  }
}
