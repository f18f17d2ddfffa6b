// One rule for the settings that name a folder: productForge.modelsPath, productForge.train.embeddingModel and
// productForge.analysis.classifier. How a value is read (variables, "~", a relative path by the settings file that
// set it), the Restricted Mode rule, and the message when it names nothing. Pure: the adapter (config.ts) passes
// what `inspect()` returned, the workspace folders, the workspace file and trust; no 'vscode' import, so the unit
// tests use it as is.
//
// The rule, as the settings' descriptions and the README say it:
// - `~`, `~/…`, `${userHome}`: the home folder. `${workspaceFolder}`: the workspace folder the setting is read for
//   (the one whose .vscode/settings.json set it; else the folder of the file at hand, or the only folder).
//   `${workspaceFolder:name}`: the workspace folder of that name. Any other `${…}` is refused, naming it.
// - A relative path is relative to the folder of the settings file that set it: a folder's .vscode/settings.json →
//   that folder; the workspace settings → the .code-workspace file's folder (a single folder's own
//   .vscode/settings.json are the workspace settings: that folder). A relative path in the user settings is
//   relative to nothing (they apply to every window): refused, saying what to write instead.
// - Names: the embedding model may be a model id (e.g. `Xenova/all-MiniLM-L6-v2`), found under modelsPath, the
//   bundled models or the cache when no folder of that relative path exists; the classifier may be a classifier's
//   name, found in `.product-forge/classifiers` of the workspace folder (from any settings level).
// - Restricted Mode: a value set by the workspace is ignored (the user's own value, if any, is used); a user value
//   that points into the workspace (`${workspaceFolder}`, an absolute path inside a workspace folder, a classifier's
//   name) is ignored too. Each time the
//   message says so; the feature then runs without it.
import * as nodePath from 'node:path';
import { effectiveRestrictedSetting, type InspectedSetting, type SettingLevel } from './configSchema';

/** folder: productForge.modelsPath; model: an embedding model (folder or id); classifier: a saved classifier (folder or name). */
export type PathSettingKind = 'folder' | 'model' | 'classifier';

interface KindInfo {
  /** A file the folder must hold to be one (none: any folder). */
  marker?: string;
  what: string;
  /** What happens when the value is ignored in Restricted Mode (the default applies). */
  instead: string;
}

const KINDS: Record<PathSettingKind, KindInfo> = {
  folder: { what: 'models folder', instead: 'using the bundled models' },
  model: { marker: 'config.json', what: 'model folder', instead: 'no embedding model is used' },
  classifier: { marker: 'preprocessing.json', what: 'saved classifier', instead: 'using the sentiment model' },
};

/** Where saved classifiers live in a workspace folder (CLASSIFIERS_DIR of core/train/artifact, per segment). */
const CLASSIFIER_SEGMENTS = ['.product-forge', 'classifiers'];

/** The parts of node:path the resolver uses (path.posix or path.win32 in the tests). */
export type PathOps = Pick<typeof nodePath, 'isAbsolute' | 'resolve' | 'join' | 'dirname' | 'basename' | 'relative'>;

export interface SettingPathContext {
  /** The user's home folder ("~", ${userHome}). */
  home: string;
  trusted: boolean;
  /** The open workspace folders on this computer, in order (remote or virtual ones left out). */
  folders: readonly { name: string; path: string }[];
  /** The workspace folder of the resource the setting is read for: the one whose folder-level value `inspect` gave. */
  scopeFolder?: string;
  /**
   * The .code-workspace file of a multi-root workspace; 'unsaved' for an untitled one (or one not on this computer);
   * undefined when a single folder is open (its .vscode/settings.json are then the workspace settings).
   */
  workspaceFile?: string;
  path?: PathOps;
}

export interface ResolvedPathSetting {
  key: string;
  kind: PathSettingKind;
  /** The value in effect, as written (trimmed); '' when none is (not set, or ignored in Restricted Mode). */
  written: string;
  /** The settings level the value came from. */
  from: SettingLevel;
  /** The absolute folders the value names, in order of preference (the first that exists is used). */
  candidates: string[];
  /** model: the value as a model id, looked up under modelsPath (etc.) when no candidate folder exists. */
  id?: string;
  /** How the candidates were found, for messages: 'relative to the workspace folder "app"'. */
  how?: string;
  /** The value cannot be used: the whole message (names the setting, the value as written and why). */
  error?: string;
  /** A value refused in Restricted Mode: the message to show (once); the feature runs without it. */
  ignored?: string;
}

const isExplicitRelative = (v: string): boolean => /^\.\.?([\\/]|$)/.test(v);
/** Whether `target` is `folder` or inside it (both absolute; case aside on Windows, as path.win32.relative compares). */
const isWithin = (p: PathOps, folder: string, target: string): boolean => {
  const rel = p.relative(p.resolve(folder), target);
  return rel === '' || (!p.isAbsolute(rel) && rel.split(/[\\/]/)[0] !== '..');
};
/** A classifier's name: one path segment, not "." or "..". */
const isName = (v: string): boolean => !/[\\/]/.test(v) && v !== '.' && v !== '..';

/**
 * A path setting as it may be used. `inspected` is `getConfiguration('productForge', scope).inspect(key)`; `ctx`
 * describes the workspace. Never throws: an unusable value comes back with `error` (or `ignored`, Restricted Mode).
 */
export function resolvePathSetting(
  key: string,
  kind: PathSettingKind,
  inspected: InspectedSetting<unknown> | undefined,
  ctx: SettingPathContext,
): ResolvedPathSetting {
  const p = ctx.path ?? nodePath;
  const info = KINDS[kind];
  const eff = effectiveRestrictedSetting<unknown>(key, inspected, ctx.trusted, info.instead);
  const none: ResolvedPathSetting = { key, kind, written: '', from: eff.scope, candidates: [], ...(eff.ignored ? { ignored: eff.ignored } : {}) };
  if (eff.value === undefined || eff.value === null) return none;
  if (typeof eff.value !== 'string') return { ...none, error: `${key} ${JSON.stringify(eff.value)} is not a text value: set it to a folder (or clear it).` };
  const written = eff.value.trim();
  if (!written) return none;
  const r: ResolvedPathSetting = { ...none, written };
  const fail = (why: string): ResolvedPathSetting => ({ ...r, error: `${key} "${written}" ${why}` });
  const names = ctx.folders.map((f) => `"${f.name}"`).join(', ');
  const ownFolder = eff.scope === 'workspaceFolder' ? ctx.scopeFolder : undefined;

  // Variables and "~".
  let usesWorkspace = false;
  let text = written;
  if (text === '~' || /^~[\\/]/.test(text)) text = ctx.home + text.slice(1);
  let bad: string | undefined;
  text = text.replace(/\$\{([^}]*)\}/g, (all, name: string) => {
    if (bad) return all;
    if (name === 'userHome') return ctx.home;
    if (name === 'workspaceFolder') {
      const folder = ownFolder ?? ctx.scopeFolder ?? (ctx.folders.length === 1 ? ctx.folders[0].path : undefined);
      if (folder) {
        usesWorkspace = true;
        return folder;
      }
      bad = ctx.folders.length
        ? `uses \${workspaceFolder}, which names no single folder in this workspace of several: write \${workspaceFolder:name} with the folder's name (${names}).`
        : 'uses ${workspaceFolder}, and no folder is open: open the folder, or set an absolute path.';
      return all;
    }
    const m = /^workspaceFolder:(.+)$/.exec(name);
    if (m) {
      const folder = ctx.folders.find((f) => f.name === m[1].trim());
      if (folder) {
        usesWorkspace = true;
        return folder.path;
      }
      bad = `uses ${all}, and no open workspace folder is named "${m[1].trim()}"${names ? ` (the folders: ${names})` : ''}.`;
      return all;
    }
    bad = `uses ${all}, which Product Forge does not replace: use \${userHome}, \${workspaceFolder}, \${workspaceFolder:name}, "~/…" or an absolute path.`;
    return all;
  });
  if (bad) return fail(bad);

  // Restricted Mode: what remains is the user's own value; one that reads from the workspace is not used.
  const refuse = (): ResolvedPathSetting => ({
    ...none,
    ignored: [
      eff.ignored,
      `${key} "${written}" points into this workspace, and Restricted Mode (untrusted workspace) loads no ${info.what} from it; ${info.instead}. Trust the workspace, or set an absolute folder outside it, to use one.`,
    ].filter(Boolean).join(' '),
  });

  if (p.isAbsolute(text)) {
    const abs = p.resolve(text);
    // into the workspace by a variable, or written out ("/src/app/models", "~/src/app/models")
    if (!ctx.trusted && (usesWorkspace || ctx.folders.some((f) => isWithin(p, f.path, abs)))) return refuse();
    return { ...r, candidates: [abs] };
  }
  if (usesWorkspace) return fail(`is not an absolute path once its variables are replaced ("${text}").`);

  // A classifier's name: in the classifiers folder of the workspace folder (the setting's own, else the one the
  // setting is read for, then the others).
  const candidates: string[] = [];
  const how: string[] = [];
  if (kind === 'classifier' && isName(text)) {
    const dirs = ownFolder ? [ownFolder] : [...new Set([...(ctx.scopeFolder ? [ctx.scopeFolder] : []), ...ctx.folders.map((f) => f.path)])];
    if (!ctx.trusted) return refuse();
    if (!dirs.length) return fail('names a saved classifier, and no folder is open to look for it in (.product-forge/classifiers): open the folder, or set the classifier\'s absolute folder.');
    candidates.push(...dirs.map((d) => p.join(d, ...CLASSIFIER_SEGMENTS, text)));
    how.push(`a classifier's name, looked for in .product-forge/classifiers of the workspace folder${dirs.length > 1 ? 's' : ''}`);
  }

  // A relative path: relative to the folder of the settings file that set it.
  let base: string | undefined;
  let baseWhy = '';
  if (eff.scope === 'workspaceFolder') {
    base = ctx.scopeFolder;
    baseWhy = 'set in a workspace folder\'s settings, whose folder is not known here';
  } else if (eff.scope === 'workspace') {
    if (ctx.workspaceFile === 'unsaved') {
      baseWhy = 'set in the settings of a workspace that is not saved as a file on this computer, so there is no folder to be relative to';
    } else if (ctx.workspaceFile) {
      base = p.dirname(ctx.workspaceFile);
    } else {
      base = ctx.folders[0]?.path;
      baseWhy = 'set in the workspace settings, and no folder is open';
    }
  } else {
    baseWhy = 'in your user settings, which apply to every window and so have no folder to be relative to';
  }
  if (!ctx.trusted) base = undefined; // (only user values remain in Restricted Mode)
  if (base) {
    candidates.push(p.resolve(base, text));
    const folder = ctx.folders.find((f) => p.resolve(f.path) === p.resolve(base!));
    how.push(
      eff.scope === 'workspace' && ctx.workspaceFile
        ? `relative to the folder of the workspace file ${p.basename(ctx.workspaceFile)}`
        : `relative to the workspace folder ${folder ? `"${folder.name}"` : base}`,
    );
  }
  const id = kind === 'model' && !isExplicitRelative(text) ? text : undefined;
  if (!candidates.length && id === undefined) {
    return fail(
      `is a relative path ${baseWhy}: write an absolute path, "~/…", or \${workspaceFolder}/… for a folder of the open workspace` +
        (eff.scope === 'user' || eff.scope === 'default' ? ' (or set it in the workspace\'s settings, where it is relative to the workspace folder).' : '.'),
    );
  }
  return { ...r, candidates, ...(id !== undefined ? { id } : {}), ...(how.length ? { how: how.join('; or ') } : {}) };
}

export type LocatedPathSetting =
  /** Not set (or ignored in Restricted Mode). */
  | { none: true }
  | { dir: string }
  /** model: no folder of that path: an id for the model lookup. */
  | { id: string }
  | { error: string };

/**
 * The folder a resolved setting names: the first candidate that exists (holding the kind's marker file: a classifier's
 * preprocessing.json, a model's config.json), else the id (model), else one message for every setting, naming it,
 * the value as written and where it was looked for.
 */
export function locatePathSetting(r: ResolvedPathSetting, exists: (p: string, as: 'dir' | 'file') => boolean, pathOps: PathOps = nodePath): LocatedPathSetting {
  if (r.error) return { error: r.error };
  if (!r.written) return { none: true };
  const { marker } = KINDS[r.kind];
  const found = r.candidates.find((d) => (marker ? exists(pathOps.join(d, marker), 'file') : exists(d, 'dir')));
  if (found) return { dir: found };
  if (r.id !== undefined) return { id: r.id };
  return { error: pathSettingNotFound(r, marker ? r.candidates.find((d) => exists(d, 'dir')) : undefined) };
}

/** The message when a path setting names no folder (or a folder that is not a `what`). */
export function pathSettingNotFound(r: ResolvedPathSetting, existingWithoutMarker?: string): string {
  const { marker, what } = KINDS[r.kind];
  const how = r.how ? ` (${r.how})` : '';
  if (existingWithoutMarker) return `${r.key} "${r.written}" resolves to ${existingWithoutMarker}${how}, which is not a ${what}: it has no ${marker}.`;
  const where = r.candidates.length > 1 ? `looked for ${r.candidates.join(', ')}` : `resolved to ${r.candidates[0]}`;
  return `${r.key} "${r.written}" does not exist: ${where}${how}.`;
}

/**
 * The value that names a saved classifier in productForge.analysis.classifier, as "Use for Analyze Feedback" writes
 * it: its name when it is in the classifiers folder of the only workspace folder; in a multi-root workspace
 * `${workspaceFolder:<folder>}/.product-forge/classifiers/<name>`, since a bare name is looked for in the folder of
 * the file being analyzed first (another folder's classifier of the same name would be used there); any other
 * folder as its absolute path.
 */
export function classifierSettingText(dir: string, folders: readonly { name: string; path: string }[], p: typeof nodePath = nodePath): string {
  const own = folders.find((f) => p.resolve(p.dirname(dir)) === p.resolve(f.path, ...CLASSIFIER_SEGMENTS));
  if (!own) return dir;
  const name = p.basename(dir);
  return folders.length === 1 ? name : `\${workspaceFolder:${own.name}}/${[...CLASSIFIER_SEGMENTS, name].join('/')}`;
}
