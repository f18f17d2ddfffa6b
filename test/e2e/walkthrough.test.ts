// End to end in the real VS Code workbench (code-server + chromium, see scripts/e2e/harness.ts): the packaged
// linux-x64 .vsix is installed as a user would, "Welcome: Open Walkthrough..." is run from the command palette and
// "Get Started with Product Forge" picked. The walkthrough's title and every step title from package.json must be
// shown and the first step's SVG drawn. The extension is not active before; opening the walkthrough activates it
// through VS Code's implicit onWalkthrough:getStarted event (derived from the contribution; package.json lists no
// activation event), and activate() must then do nothing but register: no model loaded, no workspace scanned, nothing
// written, nothing logged but its activation time. The settings step's button
// opens the Settings editor on this extension's settings and checks the step off. In this fresh workspace the Report
// view's empty state offers Analyze Feedback, which asks for a file when none is active. (The harness keeps
// 'workbench.welcomePage.walkthroughs.openOnInstall' off, so the walkthrough opens only when asked.)
// Screenshots and logs: .test-artifacts/e2e/walkthrough/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { E2ESession } from '../../scripts/e2e/harness';

const VSIX = 'build/product-forge-linux-x64.vsix';
const FIXTURE = 'test/fixtures/e2e-workspace';
const EXTENSION_ID = 'product-forge.product-forge';
const CHANNEL = 'Product Forge';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const walkthrough: { id: string; title: string; steps: { id: string; title: string }[] } = pkg.contributes.walkthroughs[0];

describe('e2e: Get Started walkthrough in VS Code (code-server)', function () {
  let s: E2ESession;

  before(async function () {
    this.timeout(300_000);
    s = await E2ESession.start({ name: 'walkthrough', vsix: VSIX, fixture: FIXTURE });
    // contributions register a little after the workbench shows
    await s.waitForPaletteCommand('Product Forge: Analyze Feedback');
  });

  afterEach(async function () {
    await s?.logFailure(this.currentTest);
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
  });

  it('opens from "Welcome: Open Walkthrough..." with its title and step titles; activating does nothing more', async function () {
    this.timeout(120_000);
    // not active at startup
    await s.waitForLog(null, /Eager extensions activated/, 60_000);
    assert.doesNotMatch(s.extensionHostLog(), new RegExp(`_doActivateExtension ${EXTENSION_ID}\\b`), 'activated at startup');

    await s.runCommand('Welcome: Open Walkthrough...');
    await s.pickQuickItem(new RegExp(`^${walkthrough.title}$`));
    const details = s.page.locator('.gettingStartedSlideDetails');
    const title = details.locator('h2.category-title');
    await title.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal((await title.textContent())?.trim(), walkthrough.title);
    const stepTitles = (await details.locator('h3.step-title').allTextContents()).map((t) => t.trim());
    assert.deepEqual(stepTitles, walkthrough.steps.map((st) => st.title));
    // the first step is expanded and its SVG (media/walkthrough/analyze.svg, from the .vsix) is drawn in the media webview
    const media = await s.webviewFrame('svg[aria-labelledby="t"]', 30_000);
    assert.match((await media.locator('svg title').textContent()) ?? '', /Analyze Feedback/);
    await s.screenshot('walkthrough');

    // VS Code activates an extension when its walkthrough opens (onWalkthrough:<id>): activate() only registers
    const [, event] = await s.waitForLog(null, new RegExp(`_doActivateExtension ${EXTENSION_ID}, startup: false, activationEvent: '([^']+)'`), 30_000);
    assert.equal(event, `onWalkthrough:${walkthrough.id}`);
    await s.waitForLog(CHANNEL, /activated in [\d.]+ ms/, 30_000);
    await sleep(3_000);
    const logged = s.outputChannelLog(CHANNEL).split('\n').filter((l) => l.trim());
    assert.equal(logged.length, 1, `the extension logged more than its activation:\n${logged.join('\n')}`);
    assert.deepEqual(s.findFiles('.product-forge/**'), [], 'activation wrote into the workspace');
  });

  it('the settings step opens this extension\'s settings and is checked off', async function () {
    this.timeout(120_000);
    const step = walkthrough.steps.find((st) => st.id === 'settings')!;
    const details = s.page.locator('.gettingStartedSlideDetails');
    await details.locator('h3.step-title', { hasText: step.title }).click();
    const button = details.locator('.button-container .monaco-button', { hasText: 'Open Product Forge Settings' });
    await button.waitFor({ state: 'visible', timeout: 15_000 });
    await s.screenshot('settings-step');
    await button.click();
    // the Settings editor (a modal in recent VS Code), filtered to this extension's settings
    const search = s.page.locator('.settings-editor .settings-header .suggest-input-container .view-lines');
    await search.waitFor({ state: 'visible', timeout: 30_000 });
    await s.page.locator('.settings-editor .setting-item-contents', { hasText: /Product Forge/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await search.textContent()) ?? '', new RegExp(`@ext:${EXTENSION_ID}`));
    await s.screenshot('settings-editor');
    // the button ran workbench.action.openSettings: the step's onCommand completion event checks it off
    await s.page.locator(`[data-done-step-id$="#${step.id}"][aria-checked="true"]`).first().waitFor({ state: 'attached', timeout: 15_000 });
  });
  it('before any analysis the Report view says how to get a report, and its button runs Analyze Feedback', async function () {
    this.timeout(120_000);
    // the Settings modal of the step above: Escape closes it, but a first Escape may only clear its search box's
    // selection, so until it is gone
    const modal = s.page.locator('.monaco-modal-editor-block');
    for (let i = 0; i < 5 && (await modal.count()) > 0; i++) {
      await s.page.keyboard.press('Escape');
      await modal.first().waitFor({ state: 'detached', timeout: 2_000 }).catch(() => undefined);
    }
    assert.equal(await modal.count(), 0, 'the Settings modal did not close');
    await s.openViewContainer('Product Forge');
    const pane = s.page.locator('.pane-header', { hasText: /^\s*Report/ }).first();
    await pane.waitFor({ state: 'visible', timeout: 30_000 });
    if ((await pane.getAttribute('aria-expanded')) === 'false') await pane.click();
    const view = await s.webviewFrame('p.muted', 60_000);
    assert.match((await view.locator('p.muted').first().textContent()) ?? '', /^No report yet\. Analyze a feedback file or folder/);
    await s.screenshot('report-view-empty');
    // no feedback file is active: the command asks for one (VS Code's file dialog)
    await view.locator('button.btn', { hasText: 'Analyze Feedback…' }).click();
    const dialog = s.quickInput();
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await dialog.textContent()) ?? '', /Choose feedback files or a folder/);
    await s.screenshot('report-view-empty-analyze');
    await s.page.keyboard.press('Escape');
    assert.deepEqual(s.findFiles('.product-forge/reports/**'), [], 'nothing was analyzed without a file');
  });
});
