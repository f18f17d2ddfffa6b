// A small typed message protocol between an extension host and a webview, usable on both sides
// (no 'vscode', no DOM). Each direction is a map `type -> payload fields`:
//
//   interface HostToWebview { report: { report: ReportModel }; empty: { reason: string } }
//   interface WebviewToHost { ready: {}; openItem: { reportId: string; index: number } }
//
// Messages are `{ type, ...payload }`. Whatever arrives is untrusted: `parseMessage` checks the type
// and the payload with one validator per type and returns undefined for anything else.

/** type -> payload fields (without `type`). */
export type MessageMap<M> = { [K in keyof M]: object };

/** The union of messages a map describes: `{ type: 'a', ...A } | { type: 'b', ...B }`. */
export type MessageOf<M extends MessageMap<M>> = { [K in keyof M & string]: { type: K } & M[K] }[keyof M & string];

/** The message of one type. */
export type MessageOfType<M extends MessageMap<M>, K extends keyof M & string> = { type: K } & M[K];

/** One validator per message type: true when the (already object-shaped) message is well-formed. */
export type Validators<M extends MessageMap<M>> = { [K in keyof M & string]: (msg: Record<string, unknown>) => boolean };

export function parseMessage<M extends MessageMap<M>>(raw: unknown, validators: Validators<M>): MessageOf<M> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const msg = raw as Record<string, unknown>;
  const type = msg.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(validators, type)) return undefined;
  try {
    return validators[type as keyof M & string](msg) ? (msg as MessageOf<M>) : undefined;
  } catch {
    return undefined;
  }
}

/** Builds a message (keeps `type` and payload in sync with the map at compile time). */
export function message<M extends MessageMap<M>, K extends keyof M & string>(type: K, payload: M[K]): MessageOfType<M, K> {
  return { type, ...payload } as MessageOfType<M, K>;
}

/** Field checks for validators. */
export const check = {
  string(v: unknown, maxLength = 10_000): v is string {
    return typeof v === 'string' && v.length <= maxLength;
  },
  int(v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): v is number {
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  },
  number(v: unknown, min = -Infinity, max = Infinity): v is number {
    return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
  },
  boolean(v: unknown): v is boolean {
    return typeof v === 'boolean';
  },
  oneOf<T extends string>(v: unknown, values: readonly T[]): v is T {
    return typeof v === 'string' && (values as readonly string[]).includes(v);
  },
  /** Only the listed keys (plus `type`) are present. */
  onlyKeys(msg: Record<string, unknown>, keys: readonly string[]): boolean {
    return Object.keys(msg).every((k) => k === 'type' || keys.includes(k));
  },
};
