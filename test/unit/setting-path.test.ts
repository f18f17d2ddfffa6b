import assert from 'node:assert/strict';
import path from 'node:path';
import { classifierSettingText, locatePathSetting, resolvePathSetting, type PathSettingKind, type ResolvedPathSetting, type SettingPathContext } from '../../src/extension/settingPath';

// The one rule for productForge.modelsPath, productForge.train.embeddingModel and productForge.analysis.classifier:
// a pure function of what inspect() returned, the workspace folders, the workspace file and trust.
const p = path.posix;
const KEYS: Record<PathSettingKind, string> = {
  folder: 'productForge.modelsPath',
  model: 'productForge.train.embeddingModel',
  classifier: 'productForge.analysis.classifier',
};
const KINDS = Object.keys(KEYS) as PathSettingKind[];
const web = { name: 'web', path: '/src/web' };
const api = { name: 'api', path: '/src/api' };
/** A multi-root workspace saved as /ws/team.code-workspace, the setting read for a file of "api" (the second folder). */
const multi: SettingPathContext = { home: '/home/me', trusted: true, folders: [web, api], scopeFolder: api.path, workspaceFile: '/ws/team.code-workspace', path: p };
/** One folder open: its .vscode/settings.json are the workspace settings. */
const single: SettingPathContext = { home: '/home/me', trusted: true, folders: [web], scopeFolder: web.path, path: p };
const resolve = (kind: PathSettingKind, set: { user?: string; workspace?: string; folder?: string }, ctx: SettingPathContext) =>
  resolvePathSetting(KEYS[kind], kind, { defaultValue: '', globalValue: set.user, workspaceValue: set.workspace, workspaceFolderValue: set.folder }, ctx);
/** A relative value with a slash, so it is a path for every kind (not a classifier's name). */
const REL = 'shared/models';

describe('extension: path settings, one rule (settingPath)', () => {
  it('reads "~", ${userHome}, ${workspaceFolder}, ${workspaceFolder:name} and absolute paths the same way for all three settings', () => {
    for (const kind of KINDS) {
      const at = (v: string, ctx = multi) => resolve(kind, { user: v }, ctx).candidates;
      assert.deepEqual(at('~/m/x'), ['/home/me/m/x'], kind);
      assert.deepEqual(at('${userHome}/m/x'), ['/home/me/m/x'], kind);
      assert.deepEqual(at(' /opt/m/x/ '), ['/opt/m/x'], kind);
      // ${workspaceFolder}: the folder of the file the setting is read for (here "api"), not the first folder
      assert.deepEqual(at('${workspaceFolder}/m/x'), ['/src/api/m/x'], kind);
      assert.deepEqual(at('${workspaceFolder:web}/m/x'), ['/src/web/m/x'], kind);
      // with one folder open it is that folder, whatever the scope
      assert.deepEqual(at('${workspaceFolder}/m', { ...single, scopeFolder: undefined }), ['/src/web/m'], kind);
    }
  });

  it('reads a relative path against the folder of the settings file that set it', () => {
    for (const kind of KINDS) {
      // a folder's own .vscode/settings.json: that folder (was: the first workspace folder for the embedding model)
      const own = resolve(kind, { folder: REL, workspace: '/ignored', user: '/ignored' }, multi);
      assert.equal(own.from, 'workspaceFolder');
      assert.deepEqual(own.candidates, ['/src/api/shared/models'], kind);
      assert.match(own.how!, /relative to the workspace folder "api"/);
      // the .code-workspace file's settings: its folder
      const ws = resolve(kind, { workspace: REL }, multi);
      assert.deepEqual(ws.candidates, ['/ws/shared/models'], kind);
      assert.match(ws.how!, /relative to the folder of the workspace file team\.code-workspace/);
      // one folder open: the workspace settings are the folder's own
      assert.deepEqual(resolve(kind, { workspace: `./${REL}` }, single).candidates, ['/src/web/shared/models'], kind);
      assert.deepEqual(resolve(kind, { workspace: `../${REL}` }, single).candidates, ['/src/shared/models'], kind);
    }
  });

  it('refuses a relative path in the user settings (relative to nothing), naming the setting and what to write', () => {
    for (const kind of KINDS) {
      const r = resolve(kind, { user: './models' }, multi);
      assert.equal(r.candidates.length, 0, kind);
      assert.equal(
        r.error,
        `${KEYS[kind]} "./models" is a relative path in your user settings, which apply to every window and so have no folder to be relative to: ` +
          'write an absolute path, "~/…", or ${workspaceFolder}/… for a folder of the open workspace (or set it in the workspace\'s settings, where it is relative to the workspace folder).',
      );
    }
    // a bare relative models folder too (it was resolved against the first workspace folder)
    assert.match(resolve('folder', { user: 'models' }, multi).error!, /^productForge\.modelsPath "models" is a relative path in your user settings/);
  });

  it('refuses a relative path set in an untitled workspace (no file to be relative to)', () => {
    const r = resolve('folder', { workspace: REL }, { ...multi, workspaceFile: 'unsaved' });
    assert.match(r.error!, /^productForge\.modelsPath "shared\/models" is a relative path set in the settings of a workspace that is not saved as a file/);
  });

  it('names: an embedding model id when no such folder exists, a classifier by its name in .product-forge/classifiers', () => {
    // user setting: an id only (no folder to be relative to)
    assert.deepEqual(resolve('model', { user: 'Xenova/all-MiniLM-L6-v2' }, multi), {
      key: KEYS.model, kind: 'model', written: 'Xenova/all-MiniLM-L6-v2', from: 'user', candidates: [], id: 'Xenova/all-MiniLM-L6-v2',
    });
    // workspace setting: the folder next to the settings file first, then the id
    const ws = resolve('model', { folder: 'models/minilm' }, multi);
    assert.deepEqual([ws.candidates, ws.id], [['/src/api/models/minilm'], 'models/minilm']);
    // "./…" says it is a path: no id
    assert.equal(resolve('model', { folder: './models/minilm' }, multi).id, undefined);
    // a classifier's name from the user settings: the scope's folder first, then the others
    assert.deepEqual(resolve('classifier', { user: 'ours' }, multi).candidates, ['/src/api/.product-forge/classifiers/ours', '/src/web/.product-forge/classifiers/ours']);
    // from a folder's settings: that folder's classifiers, then relative to the folder
    assert.deepEqual(resolve('classifier', { folder: 'ours' }, multi).candidates, ['/src/api/.product-forge/classifiers/ours', '/src/api/ours']);
    // a models folder is never a name
    assert.deepEqual(resolve('folder', { folder: 'models' }, multi).candidates, ['/src/api/models']);
  });

  it('"Use for Analyze Feedback" names the classifier so that the rule finds that very one', () => {
    // one folder: its name
    assert.equal(classifierSettingText('/src/web/.product-forge/classifiers/ours', [web], p), 'ours');
    // several folders: a bare name would be looked for in the analyzed file's folder first (another "ours" there)
    const written = classifierSettingText('/src/web/.product-forge/classifiers/ours', [web, api], p);
    assert.equal(written, '${workspaceFolder:web}/.product-forge/classifiers/ours');
    assert.deepEqual(resolve('classifier', { workspace: written }, multi).candidates, ['/src/web/.product-forge/classifiers/ours']);
    assert.deepEqual(resolve('classifier', { workspace: 'ours' }, multi).candidates[0], '/src/api/.product-forge/classifiers/ours', 'what a bare name would have found');
    // elsewhere: its folder as it is
    assert.equal(classifierSettingText('/elsewhere/ours', [web, api], p), '/elsewhere/ours');
  });

  it('refuses variables it cannot replace, naming them', () => {
    const noScope = { ...multi, scopeFolder: undefined };
    for (const kind of KINDS) {
      assert.match(resolve(kind, { user: '${workspaceFolder}/m' }, noScope).error!, /uses \$\{workspaceFolder\}, which names no single folder.*\$\{workspaceFolder:name\}.*"web", "api"/);
      assert.match(resolve(kind, { user: '${workspaceFolder:docs}/m' }, multi).error!, /no open workspace folder is named "docs" \(the folders: "web", "api"\)/);
      assert.match(resolve(kind, { user: '${env:MODELS}/m' }, multi).error!, /uses \$\{env:MODELS\}, which Product Forge does not replace/);
      assert.match(resolve(kind, { user: '${workspaceFolder}/m' }, { ...multi, folders: [], scopeFolder: undefined }).error!, /no folder is open/);
    }
  });

  it('Restricted Mode: a workspace value is ignored with the same message for all three, and the user value used', () => {
    const untrusted = { ...multi, trusted: false };
    const instead: Record<PathSettingKind, string> = { folder: 'using the bundled models', model: 'no embedding model is used', classifier: 'using the sentiment model' };
    for (const kind of KINDS) {
      for (const set of [{ workspace: 'evil' }, { folder: 'evil' }]) {
        const r = resolve(kind, set, untrusted);
        assert.deepEqual([r.written, r.candidates, r.id, r.error], ['', [], undefined, undefined], kind);
        assert.equal(r.ignored, `${KEYS[kind]} "evil" from this workspace's settings is ignored in Restricted Mode (untrusted workspace); ${instead[kind]}. Trust the workspace or set ${KEYS[kind]} in your user settings to use it.`);
      }
      const withUser = resolve(kind, { folder: 'evil', user: '~/mine' }, untrusted);
      assert.deepEqual(withUser.candidates, ['/home/me/mine'], kind);
      assert.match(withUser.ignored!, /; using your user setting "~\/mine"\./);
    }
  });

  it('Restricted Mode: a user value that points into the workspace is ignored too; one outside it is used', () => {
    const untrusted = { ...multi, trusted: false };
    for (const kind of KINDS) {
      const r = resolve(kind, { user: '${workspaceFolder}/models' }, untrusted);
      assert.deepEqual([r.written, r.candidates, r.error], ['', [], undefined], kind);
      assert.match(r.ignored!, new RegExp(`^${KEYS[kind].replace(/\./g, '\\.')} "\\$\\{workspaceFolder\\}/models" points into this workspace, and Restricted Mode \\(untrusted workspace\\) loads no .* from it`));
      assert.deepEqual(resolve(kind, { user: '/opt/models' }, untrusted).candidates, ['/opt/models'], kind);
      // the same folder written out (absolute, or "~/…" when the workspace is under the home folder) is in the workspace
      for (const inside of ['/src/api/models', '/src/web', '/src/api/../web/m']) {
        const w = resolve(kind, { user: inside }, untrusted);
        assert.deepEqual([w.written, w.candidates], ['', []], `${kind} ${inside}`);
        assert.match(w.ignored!, /points into this workspace, and Restricted Mode/);
      }
      assert.deepEqual(resolve(kind, { user: '~/src/m' }, { ...untrusted, folders: [{ name: 'me', path: '/home/me/src' }] }).candidates, [], kind);
      // a sibling whose name starts like a folder's is not in it; trusted, the folder is used
      assert.deepEqual(resolve(kind, { user: '/src/api-models' }, untrusted).candidates, ['/src/api-models'], kind);
      assert.deepEqual(resolve(kind, { user: '/src/api/models' }, multi).candidates, ['/src/api/models'], kind);
    }
    // a classifier's name is in the workspace
    const name = resolve('classifier', { user: 'ours' }, untrusted);
    assert.equal(name.written, '');
    assert.match(name.ignored!, /"ours" points into this workspace.*no saved classifier.*using the sentiment model/);
    // an embedding model id is looked up under the user's models folder: kept
    assert.equal(resolve('model', { user: 'Xenova/all-MiniLM-L6-v2' }, untrusted).id, 'Xenova/all-MiniLM-L6-v2');
  });

  it('works with Windows paths', () => {
    const win: SettingPathContext = { home: 'C:\\Users\\me', trusted: true, folders: [{ name: 'app', path: 'C:\\src\\app' }], scopeFolder: 'C:\\src\\app', path: path.win32 };
    assert.deepEqual(resolve('folder', { user: '~\\models' }, win).candidates, ['C:\\Users\\me\\models']);
    assert.deepEqual(resolve('folder', { user: '${userHome}/models' }, win).candidates, ['C:\\Users\\me\\models']);
    assert.deepEqual(resolve('folder', { folder: 'models\\x' }, win).candidates, ['C:\\src\\app\\models\\x']);
    assert.deepEqual(resolve('classifier', { user: 'D:\\clf\\s' }, { ...win, trusted: false }).candidates, ['D:\\clf\\s']);
    // inside the workspace folder, written in another case (Windows paths are not case-sensitive)
    assert.deepEqual(resolve('classifier', { user: 'c:\\SRC\\app\\clf' }, { ...win, trusted: false }).candidates, []);
  });

  it('refuses a value that is not text', () => {
    const r = resolvePathSetting(KEYS.folder, 'folder', { globalValue: 42 }, multi);
    assert.match(r.error!, /^productForge\.modelsPath 42 is not a text value/);
  });
});

describe('extension: path settings, finding the folder (locatePathSetting)', () => {
  /** A fake file system: folders end in "/". */
  const fsWith = (...entries: string[]) => (q: string, as: 'dir' | 'file') => entries.includes(as === 'dir' ? `${q}/` : q);

  it('says the same thing for all three when the path does not exist: the setting, the value as written and as resolved', () => {
    for (const kind of KINDS) {
      const r = resolve(kind, { folder: './models/x' }, multi);
      assert.deepEqual(locatePathSetting(r, fsWith(), p), {
        error: `${KEYS[kind]} "./models/x" does not exist: resolved to /src/api/models/x (relative to the workspace folder "api").`,
      });
      const home = resolve(kind, { user: '~/models/x' }, multi);
      assert.deepEqual(locatePathSetting(home, fsWith(), p), { error: `${KEYS[kind]} "~/models/x" does not exist: resolved to /home/me/models/x.` });
    }
    const name = resolve('classifier', { user: 'ours' }, multi);
    assert.deepEqual(locatePathSetting(name, fsWith(), p), {
      error:
        'productForge.analysis.classifier "ours" does not exist: looked for /src/api/.product-forge/classifiers/ours, /src/web/.product-forge/classifiers/ours ' +
        "(a classifier's name, looked for in .product-forge/classifiers of the workspace folders).",
    });
  });

  it('finds the first candidate holding what the setting needs; a folder without it is named', () => {
    const models = resolve('folder', { folder: 'models' }, multi);
    assert.deepEqual(locatePathSetting(models, fsWith('/src/api/models/'), p), { dir: '/src/api/models' });
    // a file is not a models folder
    assert.ok('error' in locatePathSetting(models, fsWith('/src/api/models'), p));
    const name = resolve('classifier', { user: 'ours' }, multi);
    assert.deepEqual(locatePathSetting(name, fsWith('/src/web/.product-forge/classifiers/ours/preprocessing.json'), p), { dir: '/src/web/.product-forge/classifiers/ours' });
    const clf = resolve('classifier', { user: '/opt/clf' }, multi);
    assert.deepEqual(locatePathSetting(clf, fsWith('/opt/clf/'), p), {
      error: 'productForge.analysis.classifier "/opt/clf" resolves to /opt/clf, which is not a saved classifier: it has no preprocessing.json.',
    });
    // an embedding model: its folder when it holds config.json, else the id
    const emb = resolve('model', { folder: 'models/minilm' }, multi);
    assert.deepEqual(locatePathSetting(emb, fsWith('/src/api/models/minilm/config.json'), p), { dir: '/src/api/models/minilm' });
    assert.deepEqual(locatePathSetting(emb, fsWith(), p), { id: 'models/minilm' });
  });

  it('nothing set, or ignored: none; a refused value: its message', () => {
    assert.deepEqual(locatePathSetting(resolve('folder', {}, multi), fsWith(), p), { none: true });
    assert.deepEqual(locatePathSetting(resolve('folder', { workspace: 'm' }, { ...multi, trusted: false }), fsWith(), p), { none: true });
    const bad: ResolvedPathSetting = resolve('folder', { user: 'm' }, multi);
    assert.deepEqual(locatePathSetting(bad, fsWith('/m/'), p), { error: bad.error });
  });
});
