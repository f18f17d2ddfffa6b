// End to end in the real VS Code workbench (code-server + chromium, see scripts/e2e/harness.ts): the local
// generation model is downloaded from the Hugging Face hub with the user's consent. A local HTTP server stands
// in for the hub (test/helpers/fake-hub.ts) and serves the tiny random decoder as "acme/tiny-chat";
// code-server (and so the extension host) runs with PRODUCT_FORGE_HUB_URL pointing at it. User settings:
// generation.backend = local, generation.localModel = acme/tiny-chat, allowModelDownloads left at its default (off):
// the first run's state.
//  1. "Generate Product Requirements Doc" with no model: an information message (no error) in plain words with
//     three buttons shown whole, the searched folders in the log, nothing asked of the hub. "Download Model…" opens
//     the modal dialog that names the model and its size; Cancel is a "not downloaded" information message offering
//     the other two ways, and writes nothing; Escape is the same, and "Draft Without a Model" then writes the template
//     draft without asking again.
//  2. Download Model…, then Download (the dialog says Download turns allowModelDownloads on, and it does): the progress notification counts the MB of onnx/model_q4.onnx (the stand-in
//     sends it slowly), the files land in the extension's storage, the worker loads the q4 file from there and a
//     document opens. (With allowModelDownloads on, the same dialog comes without the message: that setting is read
//     per run, and code-server did not reload a settings.json changed under it, so it is not switched here.)
//  3. Again: no dialog, no request to the hub, the cached model writes the document.
// One session; the cases run in this order (2 fills the cache that 1 must not find and 3 uses). Random weights:
// the text is not checked, only that a document opened, its banner, and the log of the download and the load.
// Screenshots and logs: .test-artifacts/e2e/generate-download/.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { E2ESession, globFiles } from '../../scripts/e2e/harness';
import { q4Repo, startHub, type FakeHub } from '../helpers/fake-hub';
import { DOWNLOADS_TURNED_ON } from '../../src/extension/generateOffer';

const VSIX = 'build/product-forge-linux-x64.vsix';
const FIXTURE = 'test/fixtures/e2e-generate';
const CHANNEL = 'Product Forge';
const MODEL = 'acme/tiny-chat';
const PUBLISHER_NAME = 'product-forge.product-forge';
/** The first-run message and its buttons (src/extension/generateOffer.ts). */
const FIRST_RUN = 'Product Forge: No AI writing model is installed on this computer yet. You can draft from your feedback without one, use an AI server you run, or download a model.';
const FIRST_RUN_BUTTONS = ['Draft Without a Model', 'Use a Server…', 'Download Model…'];
const DECLINED = 'Product Forge: The model was not downloaded. You can draft from your feedback without it, or use an AI server you run.';
const EVIDENCE_ITEMS = readFileSync(path.join(FIXTURE, 'feedback.csv'), 'utf8').trim().split('\n').length - 1;
/** What the download takes: the config and tokenizer files and the q4 ONNX file (not README.md, .gitattributes, model_fp16.onnx). */
const WANT = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_q4.onnx'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('e2e: downloading the local generation model from the hub, with consent (code-server)', function () {
  let s: E2ESession;
  let hub: FakeHub;
  const repo = q4Repo();
  const totalMb = (WANT.reduce((n, p) => n + repo.get(p)!.length, 0) / 1e6).toFixed(1); // below 10 MB: one decimal
  /** The extension's model cache (context.globalStorageUri/models) and the downloaded model's folder there. */
  const cacheDir = () => path.join(s.userDataDir, 'User', 'globalStorage', PUBLISHER_NAME, 'models');
  const modelDir = () => path.join(cacheDir(), ...MODEL.split('/'));
  const fileRequests = () => hub.requests.filter((r) => r !== 'tree');
  const untitledTabs = async () => (await s.editorTabs()).filter((t) => /Untitled/.test(t));

  before(async function () {
    this.timeout(300_000);
    hub = await startHub(repo, MODEL);
    // The ONNX file (after the CDN redirect) goes out in 24 kB pieces 100 ms apart, about 2.5 s in all, so the
    // progress notification can be seen counting.
    hub.onFile = (rel, res, cdn) => {
      if (!cdn || !rel.endsWith('.onnx')) return false;
      const buf = hub.files.get(rel)!;
      res.writeHead(200, { 'content-length': buf.length });
      let at = 0;
      const next = () => {
        if (res.destroyed) return;
        res.write(buf.subarray(at, at + 24_576));
        at += 24_576;
        if (at >= buf.length) res.end();
        else setTimeout(next, 100);
      };
      next();
      return true;
    };
    s = await E2ESession.start({
      name: 'generate-download',
      vsix: VSIX,
      fixture: FIXTURE,
      env: { PRODUCT_FORGE_HUB_URL: hub.base },
      settings: {
        'productForge.generation.backend': 'local',
        'productForge.generation.localModel': MODEL,
        'productForge.generation.maxNewTokens': 16,
        'productForge.device': 'cpu',
      },
    });
    await s.screenshot('workbench');
    await s.waitForPaletteCommand('Product Forge: Generate Product Requirements Doc');
  });

  afterEach(async function () {
    await s?.logFailure(this.currentTest, CHANNEL, { 'hub requests': hub?.requests }, 2500);
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
    await hub?.close();
  });

  /**
   * Runs a palette command that opens a quick pick of its own. (E2ESession.runCommand waits up to 10 s for the
   * quick input to close, which it never does when the command asks at once: the same click, without that wait.)
   */
  async function runCommandThatAsks(title: string) {
    const labels = await s.paletteEntries(title);
    const idx = labels.findIndex((l) => l.toLowerCase() === title.toLowerCase() || l.toLowerCase().startsWith(`${title.toLowerCase()},`));
    if (idx < 0) throw new Error(`no command "${title}" in the palette; it shows: ${labels.slice(0, 10).join(' | ')}`);
    await s.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').nth(idx).click();
  }

  /** Opens brief.md (the brief comes from the active editor), runs Generate PRD, checks feedback.csv as the evidence. */
  async function startPrd(step: string) {
    await s.clickExplorerItem('brief.md');
    await s.page.locator('.tabs-container .tab.active', { hasText: 'brief.md' }).waitFor({ state: 'visible', timeout: 30_000 });
    await runCommandThatAsks('Product Forge: Generate Product Requirements Doc');
    await s.waitForQuickInput(/Evidence to ground/);
    await s.pickQuickItem(/Feedback files in the workspace/);
    await s.waitForQuickInput(/^Feedback files/);
    const row = s.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: /^\s*feedback\.csv/ }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.locator('.quick-input-list-checkbox, input[type="checkbox"], .monaco-checkbox').first().click();
    await s.screenshot(`${step}-evidence`);
    await s.acceptQuickInput();
  }

  /** The download dialog: waits for it, checks what it says, returns its message and detail. */
  async function downloadDialog(step: string): Promise<{ box: Locator; message: string; detail: string }> {
    const box = s.page.locator('.monaco-dialog-box', { hasText: /Download the model/ });
    await box.waitFor({ state: 'visible', timeout: 60_000 });
    await s.screenshot(`${step}-dialog`);
    const message = ((await box.locator('.dialog-message-text').first().textContent()) ?? '').trim();
    const detail = ((await box.locator('.dialog-message-detail').first().textContent().catch(() => '')) ?? '').trim();
    assert.equal(message, `Download the model ${MODEL} (${totalMb} MB)?`);
    assert.match(detail, new RegExp(`^From the Hugging Face hub \\(${esc(new URL(hub.base).host)}\\): onnx/model_q4\\.onnx \\(q4\\) with its config and tokenizer files, each checked against the hub's sha256 / git sha1, stored in the extension's storage\\. Your brief and evidence never leave this machine\\.${esc(` ${DOWNLOADS_TURNED_ON}`)}$`));
    const buttons = (await box.locator('.dialog-buttons .monaco-button').allTextContents()).map((b) => b.trim()).filter(Boolean);
    assert.deepEqual([...buttons].sort(), ['Cancel', 'Download'], `dialog buttons: ${buttons.join(' | ')}`);
    return { box, message, detail };
  }

  /**
   * The information toast (no error toast) whose message is `message`: its buttons must be `buttons`, each shown
   * whole (VS Code cuts a button's label with an ellipsis when the toast is too narrow for them all).
   */
  async function infoToast(message: string, buttons: string[], step: string): Promise<Locator> {
    const toast = s.page.locator('.notifications-toasts .notification-list-item', { hasText: message.slice(0, 40) }).first();
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    await sleep(500); // the toast's slide-in
    await s.screenshot(step);
    assert.equal(((await toast.locator('.notification-list-item-message').textContent()) ?? '').trim(), message);
    assert.equal(await toast.locator('.codicon-notifications-info, .codicon-info').count(), 1, 'not an information message');
    assert.deepEqual(await s.errorNotifications(), [], 'error notifications shown');
    const shown = toast.locator('.notification-list-item-buttons-container .monaco-button');
    assert.deepEqual((await shown.allTextContents()).map((b) => b.trim()).filter(Boolean), buttons);
    const cut = await shown.evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => `${e.textContent?.trim()} (${e.clientWidth} of ${e.scrollWidth} px)`));
    assert.deepEqual(cut, [], 'buttons cut off');
    return toast;
  }

  /** The first-run message (no local model, downloads off): nothing asked of the hub, the details in the log. */
  async function firstRunToast(logStart: number, step: string): Promise<Locator> {
    const toast = await infoToast(FIRST_RUN, FIRST_RUN_BUTTONS, step);
    const log = await s.waitForLog(CHANNEL, new RegExp(`\\[info\\] Generate: the local writing model ${esc(MODEL)} is not installed\\. Model ${esc(MODEL)} was not found: .* \\(The download cache is ${esc(cacheDir())}\\.\\)`), 10_000);
    assert.ok(log);
    assert.doesNotMatch(s.outputChannelLog(CHANNEL).slice(logStart), /\[error\]/);
    assert.deepEqual(hub.requests, [], 'the hub was asked before the user chose to download');
    assert.deepEqual(await untitledTabs(), [], 'a document was opened');
    return toast;
  }

  /** Waits for the "not downloaded" information toast; returns it (its buttons offer the other ways). */
  async function declinedError(logStart: number, step: string) {
    const toast = await infoToast(DECLINED, ['Draft Without a Model', 'Use a Server…'], `${step}-declined`);
    await s.waitForLog(CHANNEL, new RegExp(`\\[info\\] Generate: Model ${esc(MODEL)} was not downloaded \\(declined\\)`), 10_000);
    const log = s.outputChannelLog(CHANNEL).slice(logStart);
    assert.match(log, new RegExp(`${esc(MODEL)} on the Hugging Face hub \\(${esc(hub.base)}\\): onnx/model_q4\\.onnx \\(q4\\) and 4 other files, 0\\.6 MB\\.`));
    assert.doesNotMatch(log, /Downloaded |generated with/);
    // nothing downloaded, nothing written: no file asked of the hub, no model folder, no document
    assert.deepEqual(fileRequests(), []);
    assert.ok(!existsSync(modelDir()), `${modelDir()} exists after a declined download`);
    assert.deepEqual(globFiles(cacheDir(), '**/*'), [], 'files in the model cache after a declined download');
    assert.deepEqual(await untitledTabs(), [], 'a document was opened after a declined download');
    return toast;
  }

  /** Waits for "Product requirements generated with <backend>" in the log and the new untitled editor; returns its text. */
  async function document(backend: string, logStart: number, step: string): Promise<string> {
    const done = new RegExp(`Product requirements generated with ${backend} from (\\d+) evidence items`);
    for (const deadline = Date.now() + 120_000; ;) {
      const log = s.outputChannelLog(CHANNEL).slice(logStart);
      const m = log.match(done);
      if (m) { assert.equal(Number(m[1]), EVIDENCE_ITEMS); break; }
      const err = log.split('\n').find((l) => /\[error\]/.test(l)) ?? (await s.errorNotifications().catch(() => []))[0];
      if (err) { await s.screenshot(`${step}-error`); throw new Error(`Generate PRD failed: ${err}`); }
      if (Date.now() > deadline) throw new Error(`no "${done.source}" in the ${CHANNEL} log within 120 s`);
      await sleep(300);
    }
    await s.page.locator('.tabs-container .tab.active').filter({ hasText: /Untitled/ }).waitFor({ state: 'visible', timeout: 30_000 });
    await s.page.keyboard.press('Escape');
    await s.screenshot(`${step}-document`);
    return s.activeEditorText();
  }

  /** Closes the active editor without saving (an untitled document asks: Don't Save). */
  async function closeUntitled() {
    await s.focusWorkbench();
    await s.runCommand('View: Revert and Close Editor');
    await sleep(500);
  }

  it('first run: a plain information message; Download Model… asks; Cancel downloads and writes nothing; Escape too, and then Draft Without a Model writes its draft', async function () {
    this.timeout(300_000);
    // the first run: no model, downloads off
    let logStart = s.outputChannelLog(CHANNEL).length;
    await startPrd('first-run');
    const server = await firstRunToast(logStart, 'first-run-offer');
    // Use a Server…: asks for the address (the setting's to start with), checks it; Escape writes nothing
    await server.locator('.monaco-button', { hasText: /^\s*Use a Server…\s*$/ }).click();
    await s.waitForQuickInput(/^Use an AI server you run$/);
    const input = s.page.locator('.quick-input-widget .quick-input-box input');
    assert.equal(await input.inputValue(), 'http://localhost:11434/v1');
    await input.fill('localhost:11434');
    await s.page.locator('.quick-input-widget .quick-input-message', { hasText: /must start with http:\/\/ or https:\/\// }).waitFor({ state: 'visible', timeout: 10_000 });
    await s.screenshot('first-run-server');
    await s.page.keyboard.press('Escape');
    await sleep(1_000);
    assert.deepEqual(await untitledTabs(), [], 'a document was opened after Escape');
    assert.deepEqual(await s.errorNotifications(), []);
    // again, and Download Model…
    logStart = s.outputChannelLog(CHANNEL).length;
    await startPrd('first-run-again');
    const first = await firstRunToast(logStart, 'first-run-again-offer');
    // Download Model…: the dialog with the size, though allowModelDownloads is off; Cancel
    await first.locator('.monaco-button', { hasText: /^\s*Download Model…\s*$/ }).click();
    const { box } = await downloadDialog('cancel');
    await box.locator('.dialog-buttons .monaco-button', { hasText: /^\s*Cancel\s*$/ }).click();
    await box.waitFor({ state: 'hidden', timeout: 10_000 });
    const toast = await declinedError(logStart, 'cancel');
    assert.ok(hub.requests.includes('tree'), 'the hub was listed before asking');
    // dismissed: still nothing written
    await toast.hover();
    await toast.locator('.codicon-notifications-clear, .codicon-close').first().click();
    await toast.waitFor({ state: 'hidden', timeout: 10_000 });
    await sleep(1_000);
    assert.deepEqual(await untitledTabs(), []);
    assert.deepEqual(fileRequests(), []);

    // Escape (the dialog dismissed), then the offered fallback: the template draft, without a second dialog
    logStart = s.outputChannelLog(CHANNEL).length;
    hub.requests.length = 0;
    await startPrd('escape');
    const first2 = await firstRunToast(logStart, 'escape-offer');
    await first2.locator('.monaco-button', { hasText: /^\s*Download Model…\s*$/ }).click();
    const again = await downloadDialog('escape');
    await s.page.keyboard.press('Escape');
    await again.box.waitFor({ state: 'hidden', timeout: 10_000 });
    const toast2 = await declinedError(logStart, 'escape');
    const fallbackStart = s.outputChannelLog(CHANNEL).length;
    await toast2.locator('.monaco-button', { hasText: /^\s*Draft Without a Model\s*$/ }).click();
    const doc = await document('template', fallbackStart, 'template-fallback');
    assert.match(doc, /^> \*\*Draft made without a language model\*\* \(template backend\)/m);
    assert.equal(await s.page.locator('.monaco-dialog-box').count(), 0, 'the template fallback asked about a download');
    assert.deepEqual(fileRequests(), [], 'the template fallback downloaded something');
    assert.ok(!existsSync(modelDir()));
    await closeUntitled();
    assert.deepEqual(await untitledTabs(), []);
  });

  it('Download Model…, Download: the progress notification counts the MB, the model lands in the extension storage and writes the document', async function () {
    this.timeout(240_000);
    const t0 = Date.now();
    const logStart = s.outputChannelLog(CHANNEL).length;
    hub.requests.length = 0;
    await startPrd('download');
    const offer = await firstRunToast(logStart, 'download-offer');
    await offer.locator('.monaco-button', { hasText: /^\s*Download Model…\s*$/ }).click();
    const { box } = await downloadDialog('download');
    await box.locator('.dialog-buttons .monaco-button', { hasText: /^\s*Download\s*$/ }).click();
    await box.waitFor({ state: 'hidden', timeout: 10_000 });
    // the progress toast: "Product Forge: Product requirements: Downloading onnx/model_q4.onnx: x / 0.6 MB"
    const counting = /Product requirements: Downloading onnx\/model_q4\.onnx: (\d+\.\d) \/ 0\.6 MB/;
    const seen = new Set<string>();
    for (const deadline = Date.now() + 60_000; ;) {
      const texts = await s.notifications().catch(() => [] as string[]);
      const m = texts.map((t) => counting.exec(t)).find(Boolean);
      if (m) {
        if (!seen.size) await s.screenshot('download-progress');
        seen.add(m[1]);
      }
      if (seen.size >= 2 || /Generation model .* loaded/.test(s.outputChannelLog(CHANNEL).slice(logStart))) break;
      if (Date.now() > deadline) throw new Error(`the progress notification never counted the download: ${JSON.stringify(texts)}`);
      await sleep(100);
    }
    assert.ok(seen.size >= 2, `the progress notification showed the download at ${[...seen].join(', ') || 'no'} MB, expected it to count up`);
    const doc = await document('local', logStart, 'download');
    assert.match(doc, new RegExp(`^> Drafted by a language model \\(local: ${esc(MODEL)}\\)`, 'm'));
    // the files: only the chosen ones asked of the hub, each in the extension's storage with the hub's bytes
    assert.deepEqual([...fileRequests()].sort(), [...WANT].sort());
    for (const p of WANT) assert.ok(readFileSync(path.join(modelDir(), ...p.split('/'))).equals(repo.get(p)!), `${p} in the cache differs from the hub's`);
    assert.ok(!existsSync(path.join(modelDir(), 'onnx', 'model_fp16.onnx')) && !existsSync(path.join(modelDir(), 'README.md')));
    // the log: listed, downloaded into that folder, loaded from it (the q4 file: the folder has no onnx/model.onnx)
    const log = s.outputChannelLog(CHANNEL).slice(logStart);
    assert.match(log, new RegExp(`Downloaded ${esc(MODEL)} \\(onnx/model_q4\\.onnx, verified\\) into ${esc(modelDir())}\\.`));
    // the download was behind the setting: choosing Download in its dialog turned it on
    assert.match(log, /productForge\.allowModelDownloads turned on in your user settings \(you chose Download\)/);
    assert.match(log, new RegExp(`${esc(MODEL)}: ${esc(modelDir())} has no onnx/model\\.onnx; loading onnx/model_q4\\.onnx \\(dtype q4\\)\\.`));
    assert.match(log, new RegExp(`Generation model ${esc(MODEL)} loaded from ${esc(modelDir())} on cpu in \\d+ ms`));
    assert.deepEqual(await s.errorNotifications(), [], 'error notifications shown');
    console.log(`    downloaded ${totalMb} MB (${WANT.length} files) and wrote the PRD (${doc.length} chars) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await closeUntitled();
  });

  it('the next run uses the cached model: no dialog, nothing asked of the hub', async function () {
    this.timeout(180_000);
    const logStart = s.outputChannelLog(CHANNEL).length;
    hub.requests.length = 0;
    await startPrd('cached');
    const doc = await document('local', logStart, 'cached');
    assert.match(doc, new RegExp(`^> Drafted by a language model \\(local: ${esc(MODEL)}\\)`, 'm'));
    assert.equal(await s.page.locator('.monaco-dialog-box').count(), 0, 'a dialog is open');
    assert.deepEqual(hub.requests, [], 'the hub was asked again');
    const log = s.outputChannelLog(CHANNEL).slice(logStart);
    assert.doesNotMatch(log, /on the Hugging Face hub|Downloaded /);
    assert.deepEqual(await s.errorNotifications(), [], 'error notifications shown');
  });
});
