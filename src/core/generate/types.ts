// Options and backend contracts of grounded generation (no 'vscode' here).
export type DocKind = 'prd' | 'copy' | 'personas';
export const DOC_KINDS: readonly DocKind[] = ['prd', 'copy', 'personas'];

export type BackendKind = 'local' | 'openai-compatible' | 'template';
export const BACKEND_KINDS: readonly BackendKind[] = ['local', 'openai-compatible', 'template'];

export type Channel = 'landing-page' | 'app-store' | 'email' | 'social-post';
export type Framework = 'AIDA' | 'PAS' | 'FAB' | 'BAB';

/** Character limits per channel, enforced on every variant (template and language-model output). */
export const CHANNEL_LIMITS: Record<Channel, { label: string; headline: number; body: number; cta: number; headlineName: string; note: string }> = {
  'landing-page': { label: 'Landing page', headline: 70, body: 600, cta: 30, headlineName: 'Headline', note: 'hero headline, supporting paragraph, button label' },
  'app-store': { label: 'App store', headline: 30, body: 170, cta: 30, headlineName: 'Subtitle', note: 'subtitle (30), promotional text (170)' },
  email: { label: 'Email', headline: 60, body: 1000, cta: 30, headlineName: 'Subject line', note: 'subject line, body, button label' },
  'social-post': { label: 'Social post', headline: 70, body: 200, cta: 30, headlineName: 'Hook', note: 'hook + body + call to action fit 280 characters' },
};
export const CHANNELS = Object.keys(CHANNEL_LIMITS) as Channel[];
export const FRAMEWORKS: readonly Framework[] = ['AIDA', 'PAS', 'FAB', 'BAB'];
export const FRAMEWORK_STEPS: Record<Framework, string[]> = {
  AIDA: ['Attention', 'Interest', 'Desire', 'Action'],
  PAS: ['Problem', 'Agitate', 'Solve'],
  FAB: ['Features', 'Advantages', 'Benefits'],
  BAB: ['Before', 'After', 'Bridge'],
};
export const TONES = ['friendly', 'professional', 'bold', 'playful', 'empathetic'] as const;

export interface CopyOptions {
  audience?: string;
  tone?: string;
  channel?: Channel;
  framework?: Framework;
  variants?: number;
}
export interface PersonaOptions {
  /** Number of personas, or 'auto' (k chosen by silhouette in 2..6). */
  count?: number | 'auto';
}
export interface GenerateOptions extends CopyOptions, PersonaOptions {
  /** Seed for clustering and sampling (default 42). */
  seed?: number;
  maxNewTokens?: number;
  temperature?: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
export interface TextRequest {
  messages: ChatMessage[];
  maxNewTokens: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  signal?: AbortSignal;
}
/** A language model backend: streams text pieces; throws CancelledError when the signal aborts. */
export interface TextGenerator {
  /** Shown in the document header, e.g. "local: onnx-community/Qwen2.5-0.5B-Instruct". */
  readonly label: string;
  stream(req: TextRequest): AsyncIterable<string>;
  /** Why the last answer ended ('stop', 'length' when cut at maxNewTokens, ...), when the backend knows. */
  readonly lastFinishReason?: string;
  /** The model's context size, when the last answer ended ('length') because the prompt and the answer filled it. */
  readonly lastContextFull?: number;
}

/** The backend could not be used at all (no model, server unreachable): offer the others. */
export class BackendUnavailableError extends Error {
  constructor(message: string, readonly backend: BackendKind) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}
/** The backend stopped in the middle of an answer; the text produced so far is kept and marked. */
export class IncompleteOutputError extends Error {
  constructor(message: string, readonly partial = '') {
    super(message);
    this.name = 'IncompleteOutputError';
  }
}

export function normalizeChannel(s: string | undefined): Channel | undefined {
  if (!s) return undefined;
  const k = s.toLowerCase().replace(/[\s_]+/g, '-');
  const alias: Record<string, Channel> = { landing: 'landing-page', web: 'landing-page', appstore: 'app-store', store: 'app-store', 'app-store': 'app-store', social: 'social-post', twitter: 'social-post', x: 'social-post', linkedin: 'social-post', newsletter: 'email' };
  return (CHANNELS as string[]).includes(k) ? (k as Channel) : alias[k];
}
export function normalizeFramework(s: string | undefined): Framework | undefined {
  const k = s?.toUpperCase();
  return (FRAMEWORKS as string[]).includes(k ?? '') ? (k as Framework) : undefined;
}
