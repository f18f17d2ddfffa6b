// Pure part of the settings reader: validation of productForge.* values and the Restricted Mode rule
// for workspace-provided paths. No 'vscode' import, so the unit tests can use it as is.
import type { DeviceSetting } from '../core/types';

export type GenerationBackend = 'local' | 'openai-compatible' | 'template';

export interface ForgeConfig {
  device: DeviceSetting;
  /** Raw setting value (see effectiveModelsPath for the one to use). */
  modelsPath: string;
  allowModelDownloads: boolean;
  sentimentModel: string;
  lowConfidence: number;
  /** Analyze Feedback labels items negative or positive only (no neutral). */
  twoWay: boolean;
  /** How a finished analysis opens its report.md: VS Code's Markdown preview (rendered) or the Markdown source. */
  openReport: 'preview' | 'source';
  /**
   * CPU threads for the sentiment model, all inference threads together; 0 = auto: the runtime's default, every core.
   * (Leaving one of 2 cores to the editor was measured: about a fifth fewer items/s and no lower event-loop stalls.)
   */
  inferenceThreads: number;
  /** Train view: a local sentence-embedding model for text features (an id or a folder; '' = none). Restricted setting. */
  train: { embeddingModel: string };
  generation: {
    backend: GenerationBackend;
    localModel: string;
    endpoint: string;
    model: string;
    maxNewTokens: number;
  };
}

export const CONFIG_DEFAULTS: ForgeConfig = {
  device: 'auto',
  modelsPath: '',
  allowModelDownloads: false,
  sentimentModel: 'product-forge/sentiment-en-zh',
  lowConfidence: 0.6,
  twoWay: false,
  openReport: 'preview',
  inferenceThreads: 0,
  train: { embeddingModel: '' },
  generation: {
    backend: 'local',
    localModel: 'onnx-community/Qwen2.5-0.5B-Instruct',
    endpoint: 'http://localhost:11434/v1',
    model: 'llama3.2',
    maxNewTokens: 1024,
  },
};

/** Settings whose change invalidates a loaded sentiment model. */
export const SENTIMENT_MODEL_SETTINGS = [
  'productForge.device',
  'productForge.sentimentModel',
  'productForge.modelsPath',
  'productForge.inferenceThreads',
  'productForge.analysis.classifier',
] as const;


export interface ParsedConfig {
  config: ForgeConfig;
  /** One line per invalid value, naming the setting and the value used instead. */
  problems: string[];
}

/**
 * Validates raw values (`get('device')` etc., keys relative to "productForge."). Invalid values are
 * replaced by their defaults and reported in `problems`.
 */
export function parseConfig(get: (key: string) => unknown): ParsedConfig {
  const problems: string[] = [];
  const bad = (key: string, value: unknown, used: unknown, why: string): void => {
    problems.push(`productForge.${key} ${JSON.stringify(value)} ${why}; using ${JSON.stringify(used)}.`);
  };
  const str = (key: string, def: string, opts: { nonEmpty?: boolean } = {}): string => {
    const v = get(key);
    if (v === undefined || v === null) return def;
    if (typeof v !== 'string') {
      bad(key, v, def, 'is not a string');
      return def;
    }
    if (opts.nonEmpty && !v.trim()) {
      bad(key, v, def, 'is empty');
      return def;
    }
    return v.trim();
  };
  const oneOf = <T extends string>(key: string, values: readonly T[], def: T): T => {
    const v = get(key);
    if (v === undefined || v === null) return def;
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
    bad(key, v, def, `is not one of ${values.join(', ')}`);
    return def;
  };
  const bool = (key: string, def: boolean): boolean => {
    const v = get(key);
    if (v === undefined || v === null) return def;
    if (typeof v === 'boolean') return v;
    bad(key, v, def, 'is not true or false');
    return def;
  };
  const num = (key: string, def: number, min: number, max: number, integer = false): number => {
    const v = get(key);
    if (v === undefined || v === null) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      bad(key, v, def, `is not ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
      return def;
    }
    return v;
  };
  const d = CONFIG_DEFAULTS;
  const endpoint = str('generation.endpoint', d.generation.endpoint, { nonEmpty: true });
  let validEndpoint = endpoint;
  if (!/^https?:\/\/[^\s/]+/i.test(endpoint)) {
    bad('generation.endpoint', endpoint, d.generation.endpoint, 'is not an http(s) URL');
    validEndpoint = d.generation.endpoint;
  }
  const config: ForgeConfig = {
    device: oneOf('device', ['auto', 'cpu', 'gpu'] as const, d.device),
    modelsPath: str('modelsPath', d.modelsPath),
    allowModelDownloads: bool('allowModelDownloads', d.allowModelDownloads),
    sentimentModel: str('sentimentModel', d.sentimentModel, { nonEmpty: true }),
    lowConfidence: num('analysis.lowConfidence', d.lowConfidence, 0, 1),
    twoWay: bool('analysis.twoWay', d.twoWay),
    openReport: oneOf('analysis.openReport', ['preview', 'source'] as const, d.openReport),
    inferenceThreads: num('inferenceThreads', d.inferenceThreads, 0, 64, true),
    train: { embeddingModel: str('train.embeddingModel', d.train.embeddingModel).trim() },
    generation: {
      backend: oneOf('generation.backend', ['local', 'openai-compatible', 'template'] as const, d.generation.backend),
      localModel: str('generation.localModel', d.generation.localModel, { nonEmpty: true }),
      endpoint: validEndpoint.replace(/\/+$/, ''),
      model: str('generation.model', d.generation.model, { nonEmpty: true }),
      maxNewTokens: num('generation.maxNewTokens', d.generation.maxNewTokens, 16, 8192, true),
    },
  };
  return { config, problems };
}

/** The shape of `WorkspaceConfiguration.inspect(key)` this module needs. */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/** The settings level a value came from. */
export type SettingLevel = 'default' | 'user' | 'workspace' | 'workspaceFolder';

export interface EffectiveSetting<T> {
  value: T | undefined;
  /** Where `value` came from. */
  scope: SettingLevel;
  /** Set when a workspace value was refused (untrusted workspace): the message to show. */
  ignored?: string;
}

/**
 * A restricted setting (listed in capabilities.untrustedWorkspaces.restrictedConfigurations) as it
 * may be used: in a trusted workspace the most specific value wins; in an untrusted one values from
 * the workspace (.vscode/settings.json, .code-workspace) are ignored and the user's value is used. `instead` says
 * what happens without one ("using the bundled models").
 */
export function effectiveRestrictedSetting<T>(
  key: string,
  inspected: InspectedSetting<T> | undefined,
  trusted: boolean,
  instead = 'using the bundled models',
): EffectiveSetting<T> {
  const i = inspected ?? {};
  const isSet = (v: T | undefined): boolean => v !== undefined && !(typeof v === 'string' && v.trim() === '');
  if (trusted) {
    if (isSet(i.workspaceFolderValue)) return { value: i.workspaceFolderValue, scope: 'workspaceFolder' };
    if (isSet(i.workspaceValue)) return { value: i.workspaceValue, scope: 'workspace' };
  }
  const fallback: EffectiveSetting<T> = isSet(i.globalValue)
    ? { value: i.globalValue, scope: 'user' }
    : { value: i.defaultValue, scope: 'default' };
  if (!trusted) {
    const wsValue = isSet(i.workspaceFolderValue) ? i.workspaceFolderValue : isSet(i.workspaceValue) ? i.workspaceValue : undefined;
    if (wsValue !== undefined) {
      fallback.ignored =
        `${key} ${JSON.stringify(wsValue)} from this workspace's settings is ignored in Restricted Mode (untrusted workspace)` +
        (fallback.scope === 'user' ? `; using your user setting ${JSON.stringify(fallback.value)}.` : `; ${instead}.`) +
        ` Trust the workspace or set ${key} in your user settings to use it.`;
    }
  }
  return fallback;
}

/** `generation.endpoint` as parseConfig accepts it: an http(s) URL without trailing slashes; undefined when not. */
function validEndpoint(v: unknown): string | undefined {
  return typeof v === 'string' && /^https?:\/\/[^\s/]+/i.test(v.trim()) ? v.trim().replace(/\/+$/, '') : undefined;
}

/**
 * The OpenAI-compatible endpoint Generate sends the brief and evidence to (with the user's API key): the restricted
 * rule (a workspace value is ignored in Restricted Mode, with a message) and parseConfig's check (a value that is no
 * http(s) URL gives the default, as the settings warning says).
 */
export function generationEndpoint(inspected: InspectedSetting<unknown> | undefined, trusted: boolean): EffectiveSetting<string> {
  const def = CONFIG_DEFAULTS.generation.endpoint;
  // a user value that is no http(s) URL is not used (the settings check warns about it): the default stands in for it,
  // and a Restricted Mode message says so instead of naming the unusable value
  const own = inspected && inspected.globalValue !== undefined && !validEndpoint(inspected.globalValue) ? { ...inspected, globalValue: undefined } : inspected;
  const r = effectiveRestrictedSetting<unknown>('productForge.generation.endpoint', own, trusted, `using the default ${def}`);
  return { ...r, value: validEndpoint(r.value) ?? def };
}

/** The local generation model's id (restricted: a workspace value is ignored in Restricted Mode, with a message). */
export function generationLocalModel(inspected: InspectedSetting<unknown> | undefined, trusted: boolean): EffectiveSetting<string> {
  const def = CONFIG_DEFAULTS.generation.localModel;
  const r = effectiveRestrictedSetting<unknown>('productForge.generation.localModel', inspected, trusted, `using the default ${def}`);
  return { ...r, value: typeof r.value === 'string' && r.value.trim() ? r.value.trim() : def };
}
