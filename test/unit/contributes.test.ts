// package.json `contributes` read as the UI a new user meets: command titles in the palette, the menus a command
// shows in (only where it can work), the settings editor's descriptions (each says its default and effect), and
// that what the README's settings table and the code say agrees with it. The walkthrough has its own test
// (walkthrough.test.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { COLUMN_EXTENSIONS, FEEDBACK_EXTENSIONS, TRAIN_FILE } from '../../src/extension/args';
import { CONFIG_DEFAULTS, parseConfig } from '../../src/extension/configSchema';

const ROOT = path.resolve(__dirname, '..', '..');
const pkgText = readFileSync(path.join(ROOT, 'package.json'), 'utf8');
const pkg = JSON.parse(pkgText);
const contributes = pkg.contributes;

interface Command { command: string; title: string; category?: string }
interface MenuItem { command: string; when?: string; group?: string }
interface Setting {
  type: string;
  default: unknown;
  description?: string;
  markdownDescription?: string;
  enum?: string[];
  enumDescriptions?: string[];
  minimum?: number;
  maximum?: number;
}

const commands: Command[] = contributes.commands;
const commandIds = new Set(commands.map((c) => c.command));
const menus: Record<string, MenuItem[]> = contributes.menus;
const settings: Record<string, Setting> = contributes.configuration.properties;
const settingKeys = Object.keys(settings);

/** Every `*.ts` file under src/extension. */
function extensionSources(): string {
  const dir = path.join(ROOT, 'src', 'extension');
  return readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
}

/** The extensions a `resourceExtname =~ /^\.(a|b)$/i` clause admits, lower-cased and sorted with their dots. */
function extensionsOf(when: string | undefined): string[] {
  const m = /resourceExtname =~ \/\^\\\.\(([\w|]+)\)\$\/i/.exec(when ?? '');
  assert.ok(m, `"${when}" names the file extensions it admits`);
  return m[1].split('|').map((e) => `.${e.toLowerCase()}`).sort();
}

const menuItem = (menu: string, command: string): MenuItem | undefined => menus[menu]?.find((i) => i.command === command);
const descriptionOf = (s: Setting): string => s.markdownDescription ?? s.description ?? '';

describe('package.json contributions: commands and menus', () => {
  it('every command is in the "Product Forge" category with a Title Case title of its own, and is registered', () => {
    const registered = new Set([...extensionSources().matchAll(/registerCommand\(\s*'(productForge\.[\w.]+)'/g)].map((m) => m[1]));
    const small = new Set(['a', 'an', 'the', 'of', 'on', 'for', 'with', 'to', 'in', 'and', 'or']);
    for (const c of commands) {
      assert.equal(c.category, 'Product Forge', `${c.command}: category`);
      assert.doesNotMatch(c.title, /Product Forge/, `${c.command}: the palette adds the category; the title repeats it`);
      // Title Case as VS Code writes it: every word capitalized except short function words in the middle
      const words = c.title.replace(/\.\.\.$/, '').split(/[\s:]+/).filter(Boolean);
      words.forEach((w, i) => {
        if (i > 0 && small.has(w)) return;
        assert.match(w, /^[A-Z0-9]/, `${c.command}: "${w}" in "${c.title}" is not capitalized`);
      });
      assert.doesNotMatch(c.title, /…/, `${c.command}: VS Code titles end in "..." (three dots), not "…"`);
      assert.ok(registered.has(c.command), `${c.command} is contributed but never registered`);
    }
    assert.equal(new Set(commands.map((c) => c.title)).size, commands.length, 'titles are unique');
    for (const id of registered) assert.ok(commandIds.has(id), `${id} is registered but not contributed (no title in the palette)`);
  });

  it('menus name contributed commands, in a distinct order within each menu', () => {
    for (const [menu, items] of Object.entries(menus)) {
      for (const i of items) assert.ok(commandIds.has(i.command), `${menu}: ${i.command} is not contributed`);
      const groups = items.map((i) => i.group).filter((g): g is string => !!g);
      assert.equal(new Set(groups).size, groups.length, `${menu}: two entries share a group position (${groups.join(', ')})`);
    }
  });

  it('Analyze Feedback shows on the files it reads, and Choose Text Columns on the tables it reads, nowhere else', () => {
    const feedback = [...FEEDBACK_EXTENSIONS].sort();
    const tables = [...COLUMN_EXTENSIONS].sort();
    for (const menu of ['explorer/context', 'editor/title', 'editor/context']) {
      assert.deepEqual(extensionsOf(menuItem(menu, 'productForge.analyzeFeedback')?.when), feedback, `${menu}: Analyze Feedback`);
    }
    assert.match(menuItem('explorer/context', 'productForge.analyzeFeedback')!.when!, /^explorerResourceIsFolder \|\| /, 'a folder can be analyzed');
    for (const menu of ['explorer/context', 'editor/context']) {
      assert.deepEqual(extensionsOf(menuItem(menu, 'productForge.analyzeFeedbackColumns')?.when), tables, `${menu}: Choose Text Columns`);
    }
    assert.match(menuItem('explorer/context', 'productForge.analyzeFeedbackColumns')!.when!, /^!explorerResourceIsFolder && /);
  });

  it('Train a Classifier on This File shows only on a CSV/TSV file, in the explorer and in the palette', () => {
    for (const menu of ['explorer/context', 'commandPalette']) {
      const exts = extensionsOf(menuItem(menu, 'productForge.trainOnFile')?.when);
      assert.deepEqual(exts, ['.csv', '.tsv'], menu);
      for (const e of exts) assert.ok(TRAIN_FILE.test(`data${e}`), `${menu}: the Train view reads ${e}`);
    }
    // the palette entry acts on the active editor's file: a .json there would only get "Right-click a .csv…"
    assert.ok(!TRAIN_FILE.test('data.json'));
  });

  it('Explain Sentiment is offered with a selection or on a table row, and in the palette only with an editor open', () => {
    const ctx = menuItem('editor/context', 'productForge.explainSentiment')?.when ?? '';
    assert.match(ctx, /^editorHasSelection \|\| /, 'with a selection in any file');
    assert.deepEqual(extensionsOf(ctx), [...COLUMN_EXTENSIONS].sort(), 'without one, on the row of a table');
    // from the palette it explains the active editor's selection or cursor line: nothing to do without an editor
    assert.equal(menuItem('commandPalette', 'productForge.explainSentiment')?.when, 'editorIsOpen');
  });

  it('commands that need a workspace folder are hidden from the palette without one', () => {
    for (const id of ['productForge.predictWithClassifier', 'productForge.useClassifierForAnalysis']) {
      assert.equal(menuItem('commandPalette', id)?.when, 'workspaceFolderCount > 0', id);
    }
  });
});

describe('package.json contributions: settings', () => {
  it('the defaults are the ones the extension uses, and it reads only contributed settings', () => {
    const asked = new Set<string>();
    const { config, problems } = parseConfig((key) => {
      asked.add(key);
      return settings[`productForge.${key}`]?.default;
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(config, CONFIG_DEFAULTS);
    for (const key of asked) assert.ok(settingKeys.includes(`productForge.${key}`), `productForge.${key} is read but not contributed`);
  });

  it('numeric settings declare the range and integer type the extension enforces', () => {
    const rel = (key: string) => key.replace(/^productForge\./, '');
    for (const [key, s] of Object.entries(settings)) {
      if (s.type !== 'number' && s.type !== 'integer') continue;
      assert.ok(s.minimum !== undefined && s.maximum !== undefined, `${key}: minimum and maximum`);
      const problemsFor = (v: number) => parseConfig((k) => (k === rel(key) ? v : undefined)).problems;
      assert.deepEqual(problemsFor(s.minimum!), [], `${key}: its minimum is accepted`);
      assert.deepEqual(problemsFor(s.maximum!), [], `${key}: its maximum is accepted`);
      assert.equal(problemsFor(s.minimum! - 1).length, 1, `${key}: below its minimum is refused`);
      assert.equal(problemsFor(s.maximum! + 1).length, 1, `${key}: above its maximum is refused`);
      // a fractional value the extension refuses must be refused by the settings editor too
      const refusesFractions = problemsFor(s.minimum! + 0.5).length > 0;
      assert.equal(s.type === 'integer', refusesFractions, `${key}: type "${s.type}" but the extension ${refusesFractions ? 'refuses' : 'accepts'} fractions`);
    }
  });

  it('every setting says what it does and what its default is', () => {
    for (const [key, s] of Object.entries(settings)) {
      const text = descriptionOf(s);
      assert.ok(text.length >= 30, `${key}: a description`);
      if (s.enum) assert.equal(s.enumDescriptions?.length, s.enum.length, `${key}: one enumDescription per value`);
      if (s.type === 'boolean') {
        assert.match(text, new RegExp(`\\b${s.default ? 'On' : 'Off'} \\(default\\)`), `${key}: says it is ${s.default ? 'on' : 'off'} by default`);
      } else if (s.default === '') {
        assert.match(text, /\bEmpty\b[^.]*:/, `${key}: says what an empty value (its default) means`);
      } else {
        const literal = String(s.default);
        assert.ok(text.includes(literal) && /\bdefault\b/i.test(text), `${key}: names its default ${literal}`);
      }
    }
  });

  it('a description that names another setting links to it (markdownDescription), and every link resolves', () => {
    for (const [key, s] of Object.entries(settings)) {
      if (s.description) assert.doesNotMatch(s.description, /productForge\.\w/, `${key}: names a setting in plain text: use markdownDescription and #…#`);
      for (const m of (s.markdownDescription ?? '').matchAll(/#(productForge\.[\w.]+)#/g)) {
        assert.ok(settingKeys.includes(m[1]), `${key}: links to ${m[1]}, which is not a setting`);
      }
      // a bare productForge.x (not a #link#) would render as code without a link
      for (const m of (s.markdownDescription ?? '').matchAll(/(?<!#)productForge\.[\w.]*\w/g)) {
        assert.fail(`${key}: "${m[0]}" is not a #${m[0]}# link`);
      }
      for (const m of descriptionOf(s).matchAll(/\*\*Product Forge: ([^*]+)\*\*/g)) {
        assert.ok(commands.some((c) => c.title === m[1]), `${key}: names a command "${m[1]}" that does not exist`);
      }
    }
  });

  it('restricted settings exist', () => {
    for (const key of pkg.capabilities.untrustedWorkspaces.restrictedConfigurations) assert.ok(settingKeys.includes(key), key);
  });

  it("README's settings table lists every setting once, with package.json's default", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Settings'), readme.indexOf('### Folders in settings'));
    const rows = [...table.matchAll(/^\| `(productForge\.[\w.]+)` \|([^|]*)\|/gm)].map((m) => ({ key: m[1], def: m[2].trim() }));
    assert.deepEqual(rows.map((r) => r.key).sort(), [...settingKeys].sort());
    for (const r of rows) {
      const d = settings[r.key].default;
      assert.equal(r.def, d === '' ? '' : `\`${String(d)}\``, `README: ${r.key}'s default`);
    }
  });
});

describe('package.json contributions: media', () => {
  it('every file under media/ is used, and every media/ path in package.json exists', () => {
    const referenced = new Set([...pkgText.matchAll(/"(media\/[^"]+)"/g)].map((m) => m[1]));
    for (const f of referenced) assert.ok(statSync(path.join(ROOT, f)).size > 0, `${f} exists`);
    // the .vsix icon is set at packaging time (scripts/package.mjs), from media/icon.png
    if (/media', 'icon\.png'/.test(readFileSync(path.join(ROOT, 'scripts', 'package.mjs'), 'utf8'))) referenced.add('media/icon.png');
    const files = (dir: string): string[] =>
      readdirSync(path.join(ROOT, dir)).flatMap((n) => (statSync(path.join(ROOT, dir, n)).isDirectory() ? files(`${dir}/${n}`) : [`${dir}/${n}`]));
    for (const f of files('media')) assert.ok(referenced.has(f), `${f} is shipped but used nowhere`);
  });
});
