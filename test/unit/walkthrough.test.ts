// The "Get Started with Product Forge" walkthrough (package.json contributes.walkthroughs), read as VS Code reads it:
// every step's media exists under media/ (what scripts/package.mjs ships), every `command:` link and every
// onCommand:/onView: completion event names a command or view this package contributes (or one of the built-in
// VS Code commands listed below), and the walkthrough added no activation event (the extension stays lazy).
// (VS Code itself derives the implicit event onWalkthrough:getStarted from the contribution: opening the walkthrough
// activates the extension, whose activate() only registers commands and views; test/e2e/walkthrough.test.ts checks
// that nothing more happens then.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** Built-in VS Code commands the walkthrough may link to or complete on. */
const BUILTIN_COMMANDS = new Set(['workbench.action.openSettings']);

interface Step {
  id: string;
  title: string;
  description: string;
  media: { image?: string | Record<string, string>; svg?: string; markdown?: string; altText?: string };
  completionEvents?: string[];
}
interface Walkthrough { id: string; title: string; description: string; steps: Step[] }

const walkthroughs: Walkthrough[] = pkg.contributes.walkthroughs ?? [];
const commands = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
const views = new Set<string>(Object.values(pkg.contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id));
// VS Code gives every view a `<view id>.focus` command
const viewCommands = new Set([...views].map((v) => `${v}.focus`));
const known = (cmd: string) => commands.has(cmd) || viewCommands.has(cmd) || BUILTIN_COMMANDS.has(cmd);
const settings = new Set(Object.keys(pkg.contributes.configuration.properties));

/** The `command:` links in a step description: [command id, decoded arguments or undefined]. */
function commandLinks(description: string): { id: string; args: unknown }[] {
  return [...description.matchAll(/\]\(command:([^)\s?]+)(?:\?([^)\s]*))?\)/g)].map((m) => ({
    id: m[1].replace(/^toSide:/, ''),
    args: m[2] === undefined ? undefined : JSON.parse(decodeURIComponent(m[2])),
  }));
}

function mediaFiles(step: Step): string[] {
  const m = step.media;
  const out: string[] = [];
  for (const v of [m.image, m.svg, m.markdown]) {
    if (typeof v === 'string') out.push(v);
    else if (v) out.push(...Object.values(v));
  }
  return out;
}

describe('walkthrough: Get Started with Product Forge', () => {
  it('is contributed once, with a title and 4-6 steps with unique ids', () => {
    assert.equal(walkthroughs.length, 1);
    const w = walkthroughs[0];
    assert.equal(w.id, 'getStarted');
    assert.equal(w.title, 'Get Started with Product Forge');
    assert.ok(w.description.trim());
    assert.ok(w.steps.length >= 4 && w.steps.length <= 6, `${w.steps.length} steps`);
    assert.equal(new Set(w.steps.map((s) => s.id)).size, w.steps.length, 'step ids are unique');
    for (const s of w.steps) {
      assert.ok(s.title.trim() && s.description.trim(), `step ${s.id} has a title and a description`);
      assert.ok(commandLinks(s.description).length >= 1, `step ${s.id} has a button (a command: link)`);
      // a step description renders links only: `code` and **bold** would show their backticks and asterisks
      assert.doesNotMatch(s.description, /`|\*\*|__/, `step ${s.id}: plain text and links only`);
      assert.ok(s.completionEvents?.length, `step ${s.id} has completion events`);
    }
  });

  it('keeps each step short enough for its column: a few sentences, buttons that fit', () => {
    // The Welcome page gives a step's text a column of about 240 px: a button label past ~28 characters was cut off
    // ("Use a Saved Classifier for Analyze Feedb") and pushed the step's text past the column's edge, and a paragraph
    // of 500 characters scrolled inside the step.
    for (const s of walkthroughs[0].steps) {
      const prose = s.description.split('\n').filter((l) => !/^\[[^\]]+\]\(command:/.test(l)).join(' ');
      assert.ok(prose.length <= 340, `step ${s.id}: ${prose.length} characters of text`);
      for (const m of s.description.matchAll(/\[([^\]]+)\]\(command:/g)) assert.ok(m[1].length <= 28, `step ${s.id}: button "${m[1]}" is too long for the column`);
    }
  });

  it('shows media that exist under media/walkthrough/ (so they ship in the .vsix)', () => {
    for (const s of walkthroughs[0].steps) {
      const files = mediaFiles(s);
      assert.equal(files.length, 1, `step ${s.id}: one media file`);
      for (const f of files) {
        assert.match(f, /^media\/walkthrough\/[\w.-]+\.(svg|md|png)$/, `step ${s.id}: ${f}`);
        const abs = path.join(ROOT, f);
        assert.ok(existsSync(abs) && statSync(abs).size > 0, `step ${s.id}: ${f} exists`);
      }
      if (s.media.svg || s.media.image) assert.ok(s.media.altText?.trim(), `step ${s.id}: image media have altText`);
    }
  });

  it('draws its SVGs with theme colours and nothing a walkthrough webview blocks', () => {
    // VS Code inlines an svg medium into a webview whose CSP allows only its own nonce'd <style> and no scripts:
    // a <style> element, a style="" attribute or a script in the SVG would be dropped.
    for (const s of walkthroughs[0].steps) {
      if (!s.media.svg) continue;
      const svg = readFileSync(path.join(ROOT, s.media.svg), 'utf8');
      assert.match(svg, /^<svg [^>]*viewBox="[^"]+"/, `${s.media.svg}: an <svg> with a viewBox`);
      assert.doesNotMatch(svg, /<style|\sstyle=|<script|\son\w+=|href="(?!#)/i, `${s.media.svg}: no styles, scripts or external references`);
      assert.match(svg, /var\(--vscode-foreground/, `${s.media.svg}: text follows the theme's foreground colour`);
      // every theme colour has a fallback
      for (const m of svg.matchAll(/var\((--[\w-]+)([,)])/g)) assert.equal(m[2], ',', `${s.media.svg}: ${m[1]} without a fallback`);
    }
  });

  it('links only to commands this package contributes (or listed built-ins)', () => {
    for (const s of walkthroughs[0].steps) {
      for (const { id, args } of commandLinks(s.description)) {
        assert.ok(known(id), `step ${s.id}: command:${id} is neither contributed nor a listed built-in`);
        if (id === 'workbench.action.openSettings') {
          assert.deepEqual(args, [`@ext:${pkg.publisher}.${pkg.name}`], `step ${s.id}: opens this extension's settings`);
        }
      }
    }
    const linked = walkthroughs[0].steps.flatMap((s) => commandLinks(s.description).map((l) => l.id));
    assert.ok(linked.includes('productForge.analyzeFeedback'));
    assert.ok(linked.includes('productForge.train.focus'));
  });

  it('completes steps on events that name contributed commands, views and settings', () => {
    for (const s of walkthroughs[0].steps) {
      for (const e of s.completionEvents ?? []) {
        const [, kind, arg] = /^(\w+):(.+)$/.exec(e) ?? [];
        assert.ok(kind, `step ${s.id}: "${e}" is kind:argument`);
        if (kind === 'onCommand') assert.ok(known(arg), `step ${s.id}: ${e}: no such command`);
        else if (kind === 'onView') assert.ok(views.has(arg), `step ${s.id}: ${e}: no such view`);
        else if (kind === 'onSettingChanged') assert.ok(settings.has(arg), `step ${s.id}: ${e}: no such setting`);
        else assert.fail(`step ${s.id}: ${e}: not an event this test knows`);
      }
    }
  });

  it("checks a step off when any of its buttons is used (each button's command or view is a completion event)", () => {
    for (const s of walkthroughs[0].steps) {
      const events = new Set(s.completionEvents ?? []);
      for (const { id } of commandLinks(s.description)) {
        const event = viewCommands.has(id) ? `onView:${id.replace(/\.focus$/, '')}` : `onCommand:${id}`;
        assert.ok(events.has(event), `step ${s.id}: its button ${id} does not complete it (no ${event})`);
      }
    }
  });

  it('adds no activation event: the extension still activates only on use', () => {
    // An explicit event such as onStartupFinished, * or workspaceContains: would load the extension on its own.
    assert.deepEqual(pkg.activationEvents ?? [], []);
  });
});
