// What Generate says when its backend cannot write (no local model installed, a download declined, a model or
// server that failed), and which ways on it offers. No `vscode` import: the words and buttons are unit-tested here,
// generate.ts shows them. Notification buttons are cut off around 20 characters (and share the toast's width), so
// the labels are short; the long story (which folders were searched) goes to the output channel.
import type { BackendKind } from '../core/generate';
import { displayEndpoint } from '../core/generate/openai';

/** Why the backend could not write the document. */
export type Unavailable =
  /** The local model is not installed: the normal first run (none is bundled). Nothing failed. */
  | { reason: 'not-installed'; backend: 'local'; downloadsTurnedOff: boolean }
  /** The user declined the download of the local model. Nothing failed. */
  | { reason: 'declined'; backend: 'local' }
  /**
   * The model or the server failed: its own message says why and what to do. `server`: the address typed in "Use a
   * Server…" (remembered for the session) that failed, not productForge.generation.endpoint.
   */
  | { reason: 'failed'; backend: BackendKind; message: string; server?: string };

/** A way on: write it without a model now, download the local model (after the size dialog), ask for a server… */
export type OfferAction = 'template' | 'download' | 'server' | 'local' | 'settings';

export const OFFER_LABELS: Readonly<Record<OfferAction, string>> = {
  template: 'Draft Without a Model',
  download: 'Download Model…',
  server: 'Use a Server…',
  local: 'Use Local Model',
  settings: 'Settings',
};

export interface Offer {
  /** 'info' when nothing failed (first run, a declined download); 'error' when a model or server did. */
  severity: 'info' | 'error';
  message: string;
  actions: OfferAction[];
  /** What Settings opens (the search in the Settings editor). */
  settingsQuery: string;
}

/** The download dialog's last sentence while productForge.allowModelDownloads is off: Download turns it on. */
export const DOWNLOADS_TURNED_ON = 'Download also turns on the setting Product Forge: Allow Model Downloads in your user settings (each download still asks first).';

const CHOICES = 'You can draft from your feedback without one, use an AI server you run, or download a model.';

/** The notification for `u`: its severity, its text and its buttons (in order, the first is the primary one). */
export function backendOffer(u: Unavailable): Offer {
  if (u.reason === 'not-installed') {
    return u.downloadsTurnedOff
      ? {
        severity: 'info',
        message: 'Product Forge: No AI writing model is installed on this computer. You can draft from your feedback without one or use an AI server you run (model downloads are turned off in Settings).',
        actions: ['template', 'server', 'settings'],
        settingsQuery: 'productForge.allowModelDownloads',
      }
      : { severity: 'info', message: `Product Forge: No AI writing model is installed on this computer yet. ${CHOICES}`, actions: ['template', 'server', 'download'], settingsQuery: 'productForge.generation' };
  }
  if (u.reason === 'declined') {
    return {
      severity: 'info',
      message: 'Product Forge: The model was not downloaded. You can draft from your feedback without it, or use an AI server you run.',
      actions: ['template', 'server'],
      settingsQuery: 'productForge.generation',
    };
  }
  const text = u.message.trim();
  if (u.backend === 'local') {
    return {
      severity: 'error',
      message: `Product Forge: The local writing model could not be used. ${text}`,
      actions: ['template', 'server', 'settings'],
      settingsQuery: 'productForge.generation',
    };
  }
  if (u.backend === 'openai-compatible' && u.server !== undefined) {
    // the address came from "Use a Server…": it is fixed there (the setting was not used), or another way is taken
    return { severity: 'error', message: `Product Forge: ${sessionServerWording(text, u.server)}`, actions: ['template', 'server', 'local'], settingsQuery: 'productForge.generation' };
  }
  return {
    severity: 'error',
    message: `Product Forge: ${text}`,
    actions: ['template', ...(u.backend === 'openai-compatible' ? (['local'] as const) : []), 'settings'],
    settingsQuery: 'productForge.generation',
  };
}

/** How a run writes: the configured backend, or the server chosen with "Use a Server…" earlier in this session. */
export interface SessionRun {
  backend: BackendKind;
  /** The server's address ("Use a Server…"), used instead of productForge.generation.endpoint. */
  endpoint?: string;
}

/**
 * What Generate remembers of "Use a Server…" until VS Code closes. The server chosen there stands in for the local
 * model (the backend whose first run offered it), so the next document goes to it without asking again; a backend set
 * to template or openai-compatible in the settings is used as set (the user chose it there). After the first document
 * written with it, "Use this server every time?" is asked once (saveServerOffer).
 */
export class ServerSession {
  /** The address chosen with "Use a Server…", if any. */
  server: string | undefined;
  private saveAsked = false;

  /** The backend of a new Generate run with `configured` (productForge.generation.backend). */
  run(configured: BackendKind): SessionRun {
    return configured === 'local' && this.server ? { backend: 'openai-compatible', endpoint: this.server } : { backend: configured };
  }

  /** The way on chosen in an offer: a server is remembered; the local model or its download is used again instead. */
  chose(action: OfferAction, endpoint?: string): void {
    if (action === 'server' && endpoint) {
      // (a new address is offered to be saved, once)
      if (endpoint !== this.server) this.saveAsked = false;
      this.server = endpoint;
    } else if (action === 'local' || action === 'download') this.server = undefined;
  }

  /** A document was written with `run`: whether to ask now "Use this server every time?" (once per address). */
  wrote(run: SessionRun): boolean {
    if (!run.endpoint || run.endpoint !== this.server || this.saveAsked) return false;
    this.saveAsked = true;
    return true;
  }
}

/**
 * A server's error message as the user should read it when the address came from "Use a Server…": the address
 * actually used is named in full (not only its host), and the advice points at that address, not at the setting
 * productForge.generation.endpoint, which was not used.
 */
export function sessionServerWording(message: string, server: string): string {
  let origin: string | undefined;
  try {
    origin = new URL(server).origin;
  } catch {
    /* named as typed */
  }
  const shown = displayEndpoint(server);
  let m = message;
  // "the server at http://localhost:11434 (…)" → the whole address (not "…:11434/v1/chat/completions", already whole)
  if (origin && shown !== origin) m = m.split(origin).map((part, i) => (i > 0 && !/^[\w/]/.test(part) ? `${shown.slice(origin!.length)}${part}` : part)).join(origin);
  const advice = `check the address you gave in "Use a Server…" (${shown})`;
  m = m
    .replace(/Check productForge\.generation\.model and productForge\.generation\.endpoint\./g, `Check productForge.generation.model, and ${advice}.`)
    .replace(/\bCheck productForge\.generation\.endpoint\b/g, advice.replace(/^c/, 'C'))
    .replace(/\bcheck productForge\.generation\.endpoint\b/g, advice)
    .replace(/\bcheck the endpoint\b/g, advice);
  return m.includes(shown) ? m : `${m.replace(/\s*$/, '')} (Server: ${shown}.)`;
}

/** After the first document written with a "Use a Server…" address: keep it for every document (user settings)? */
export function saveServerOffer(server: string): { message: string; save: string; notNow: string } {
  return {
    message: `Product Forge: Use the server ${displayEndpoint(server)} every time? Until VS Code closes, Generate uses it without asking; Use Every Time saves it in your user settings (Generation: Backend and Endpoint).`,
    save: 'Use Every Time',
    notNow: 'Not Now',
  };
}

/**
 * The output channel's account of a local model that is not there: the model, where it was looked for (the
 * registry's message) and what else can be done, for the reader who wants the details the notification leaves out.
 */
export function notInstalledLog(modelId: string, why: string, cacheDir: string): string {
  return (
    `Generate: the local writing model ${modelId} is not installed. ${why.trim()} (The download cache is ${cacheDir}.) ` +
    'Choose "Download Model…" to download it after seeing its size, "Use a Server…" for an OpenAI-compatible server, ' +
    'or "Draft Without a Model" for a draft from the evidence alone (productForge.generation.backend: template).'
  );
}

/** Why `value` is no server address the OpenAI-compatible backend can use; undefined when it is one. */
export function serverUrlProblem(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Enter the address of your server, e.g. http://localhost:11434/v1';
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return 'Enter a full address starting with http:// or https://, e.g. http://localhost:11434/v1';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The address must start with http:// or https://';
  if (!url.hostname) return 'The address needs a host name, e.g. http://localhost:11434/v1';
  return undefined;
}
