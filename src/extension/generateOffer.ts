// What Generate says when its backend cannot write (no local model installed, a download declined, a model or
// server that failed), and which ways on it offers. No `vscode` import: the words and buttons are unit-tested here,
// generate.ts shows them. Notification buttons are cut off around 20 characters (and share the toast's width), so
// the labels are short; the long story (which folders were searched) goes to the output channel.
import type { BackendKind } from '../core/generate';

/** Why the backend could not write the document. */
export type Unavailable =
  /** The local model is not installed: the normal first run (none is bundled). Nothing failed. */
  | { reason: 'not-installed'; backend: 'local'; downloadsTurnedOff: boolean }
  /** The user declined the download of the local model. Nothing failed. */
  | { reason: 'declined'; backend: 'local' }
  /** The model or the server failed: its own message says why and what to do. */
  | { reason: 'failed'; backend: BackendKind; message: string };

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
  return {
    severity: 'error',
    message: `Product Forge: ${text}`,
    actions: ['template', ...(u.backend === 'openai-compatible' ? (['local'] as const) : []), 'settings'],
    settingsQuery: 'productForge.generation',
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
