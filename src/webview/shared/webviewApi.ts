// Webview side of the typed protocol (./protocol): wraps acquireVsCodeApi() with typed post/on.
// Only for code bundled into a webview (browser iife).
import { parseMessage, type MessageMap, type MessageOf, type MessageOfType, type Validators } from './protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface Messenger<In extends MessageMap<In>, Out extends MessageMap<Out>, State> {
  post<K extends keyof Out & string>(type: K, payload: Out[K]): void;
  /** Handles one incoming type; messages failing validation are dropped (and logged to the console). */
  on<K extends keyof In & string>(type: K, handler: (msg: MessageOfType<In, K>) => void): void;
  getState(): State | undefined;
  setState(state: State): void;
}

export function createMessenger<In extends MessageMap<In>, Out extends MessageMap<Out>, State = unknown>(
  validators: Validators<In>,
): Messenger<In, Out, State> {
  const api = acquireVsCodeApi();
  const handlers = new Map<string, (msg: MessageOf<In>) => void>();
  window.addEventListener('message', (event: MessageEvent) => {
    const msg = parseMessage<In>(event.data, validators);
    if (!msg) {
      console.warn('Dropped an invalid message from the extension', event.data);
      return;
    }
    handlers.get(msg.type)?.(msg);
  });
  return {
    post(type, payload) {
      api.postMessage({ type, ...payload });
    },
    on(type, handler) {
      handlers.set(type, handler as (msg: MessageOf<In>) => void);
    },
    getState: () => api.getState() as State | undefined,
    setState: (s) => api.setState(s),
  };
}
