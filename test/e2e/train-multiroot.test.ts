// End to end in the real VS Code workbench (code-server + chromium, scripts/e2e/harness.ts), in a multi-root
// workspace: a .code-workspace file with two folders, "api" and "web", each holding its own customers.csv. The Train
// view lists both files by folder; a classifier trained on one folder's CSV is saved in that folder's
// .product-forge/classifiers (not the first folder's), and the saved classifiers of both folders are listed, each
// named with its folder, even under the same name. Screenshots and logs: .test-artifacts/e2e/train-multiroot/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { chooseInView, E2ESession } from '../../scripts/e2e/harness';

const VSIX = 'build/product-forge-linux-x64.vsix';
const CSV = 'test/fixtures/e2e-train/customers.csv';
const TARGET = 'churned';
const CHANNEL = 'Product Forge';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Data rows of each folder's customers.csv. */
const ROWS: Record<string, number> = { 'api/labelled-feedback.csv': 54, 'web/labelled-feedback.csv': 60 };

describe('e2e: Train view in a multi-root workspace (code-server)', function () {
  let s: E2ESession;
  let view: FrameLocator;
  let fixture: string;

  before(async function () {
    this.timeout(300_000);
    fixture = mkdtempSync(path.join(os.tmpdir(), 'pf-e2e-multiroot-fixture-'));
    // the same customers in both folders, the api copy without its last 30 rows: the view's "N rows" tells them apart
    const lines = readFileSync(CSV, 'utf8').trimEnd().split('\n');
    for (const [folder, rows] of [['api', lines.length - 31], ['web', lines.length - 1]] as const) {
      mkdirSync(path.join(fixture, folder));
      writeFileSync(path.join(fixture, folder, 'customers.csv'), lines.slice(0, rows + 1).join('\n') + '\n');
      ROWS[folder] = rows;
    }
    // each folder's own labelled feedback, for a sentiment classifier of the same name in both
    // (api's without its last 6 rows, all neutral: the view's "N rows" tells the two apart)
    const labelled = readFileSync('test/fixtures/train/labelled-feedback.csv', 'utf8').trimEnd().split('\n');
    writeFileSync(path.join(fixture, 'web', 'labelled-feedback.csv'), labelled.join('\n') + '\n');
    writeFileSync(path.join(fixture, 'api', 'labelled-feedback.csv'), labelled.slice(0, -6).join('\n') + '\n');
    writeFileSync(path.join(fixture, 'web', 'tickets.txt'), ['The export crashes every time I open a large file.', 'Thank you, the new search is fantastic!'].join('\n') + '\n');
    writeFileSync(path.join(fixture, 'team.code-workspace'), JSON.stringify({ folders: [{ path: 'api' }, { path: 'web' }], settings: {} }, null, 2));
    s = await E2ESession.start({ name: 'train-multiroot', vsix: VSIX, fixture, workspaceFile: 'team.code-workspace' });
    await s.screenshot('workbench');
  });

  afterEach(async function () {
    await s?.logFailure(this.currentTest, CHANNEL);
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
    if (fixture) rmSync(fixture, { recursive: true, force: true });
  });

  /** Opens a select of the view and clicks the option whose label matches `option`. */
  const choose = (selectLabel: string, option: RegExp) => chooseInView(view, selectLabel, option);

  /** Picks `label` in the CSV file combobox, then the target, and waits for the features of that target. */
  async function pickFile(label: string, target = TARGET, column = 'last_comment') {
    const fileSelect = view.locator('vscode-single-select[aria-label="CSV file"]');
    await fileSelect.evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await fileSelect.locator('input.combobox-input').click();
    await fileSelect.locator('input.combobox-input').fill(label);
    const opt = fileSelect.locator('li.option', { hasText: new RegExp(`^\\s*${label.replace(/[./]/g, '\\$&')}\\s*$`) }).first();
    await opt.waitFor({ state: 'visible', timeout: 10_000 });
    await opt.click();
    await view.locator('#dataSection table th', { hasText: column }).first().waitFor({ timeout: 60_000 });
    // this file's profile (its row count), not the one shown before
    const rows = ROWS[label] ?? ROWS[label.split('/')[0]];
    for (const deadline = Date.now() + 30_000; !new RegExp(`(^|: )${rows} rows`).test(((await view.locator('[role="status"]').first().textContent()) ?? '').trim()); await sleep(300)) {
      if (Date.now() > deadline) throw new Error(`${label} was not profiled: ${await view.locator('[role="status"]').first().textContent()}`);
    }
    await choose('Target column', new RegExp(`^\\s*${target} \\(`));
    const feats = view.locator('[aria-label="Feature columns"] vscode-checkbox');
    for (const deadline = Date.now() + 30_000; ; await sleep(300)) {
      const labels = await feats.evaluateAll((els) => els.map((e) => e.getAttribute('label') ?? ''));
      if (labels.length && !labels.some((l) => l.startsWith(`${target} `))) break;
      if (Date.now() > deadline) throw new Error(`features did not update for target ${target}`);
    }
  }

  /** Trains logistic regression on the picked file and saves it as `name`; returns the status line after saving. */
  async function trainAndSave(name: string, shot: string): Promise<string> {
    await choose('Model', /Logistic regression/);
    const train = view.locator('vscode-button', { hasText: /^\s*Train\s*$/ });
    await train.scrollIntoViewIfNeeded();
    await train.click();
    const accuracy = view.locator('.big', { hasText: /^accuracy / });
    const trainError = view.locator('#dataSection .error[role="alert"]');
    for (const deadline = Date.now() + 200_000; !(await accuracy.isVisible().catch(() => false)); await sleep(500)) {
      const err = ((await trainError.allTextContents().catch(() => [])).join(' ')).trim();
      if (err) throw new Error(`training failed: ${err}`);
      if (Date.now() > deadline) throw new Error('no accuracy within 200 s');
    }
    const field = view.locator('vscode-textfield[aria-label="Classifier name"] input');
    await field.scrollIntoViewIfNeeded();
    await field.fill(name);
    await view.locator('vscode-button', { hasText: /^\s*Save\s*$/ }).click();
    const saved = view.locator('[role="status"]', { hasText: /Saved to / }).first();
    await saved.waitFor({ timeout: 60_000 });
    await s.screenshot(shot);
    return ((await saved.textContent()) ?? '').trim();
  }

  const savedIn = (folder: string, name: string) => path.join(s.workspace, folder, '.product-forge', 'classifiers', name);

  it('lists the CSVs of both folders, each named with its folder', async function () {
    this.timeout(150_000);
    await s.openViewContainer('Product Forge');
    view = await s.webviewFrame('vscode-single-select[aria-label="CSV file"]', 90_000);
    const fileSelect = view.locator('vscode-single-select[aria-label="CSV file"]');
    await fileSelect.locator('vscode-option', { hasText: 'customers.csv' }).first().waitFor({ state: 'attached', timeout: 60_000 });
    const options = (await fileSelect.locator('vscode-option').allTextContents()).map((t) => t.trim());
    await s.screenshot('train-view');
    assert.ok(options.includes('api/customers.csv') && options.includes('web/customers.csv'), `file options: ${options.join(' | ')}`);
  });

  it('a classifier trained on the second folder\'s CSV is saved in that folder, not the first', async function () {
    this.timeout(300_000);
    await pickFile('web/customers.csv');
    const status = await trainAndSave('churn', 'saved-web');
    assert.match(status, /Saved to web\/\.product-forge\/classifiers\/churn/);
    assert.ok(existsSync(path.join(savedIn('web', 'churn'), 'model.onnx')), 'no model.onnx in web/.product-forge/classifiers/churn');
    assert.ok(!existsSync(path.join(s.workspace, 'api', '.product-forge')), 'something was saved in the first folder');
  });

  it('each folder keeps its own classifier under the same name, and both are listed by folder', async function () {
    this.timeout(300_000);
    await pickFile('api/customers.csv');
    const status = await trainAndSave('churn', 'saved-api');
    assert.match(status, /Saved to api\/\.product-forge\/classifiers\/churn/);
    for (const folder of ['api', 'web']) assert.ok(existsSync(path.join(savedIn(folder, 'churn'), 'metadata.json')), `${folder}'s classifier is missing`);
    const list = view.locator('vscode-single-select[aria-label="Saved classifier"] vscode-option');
    let names: string[] = [];
    for (const deadline = Date.now() + 30_000; ; await sleep(300)) {
      names = (await list.allTextContents()).map((t) => t.trim());
      if (names.some((n) => n.startsWith('api: churn')) && names.some((n) => n.startsWith('web: churn'))) break;
      if (Date.now() > deadline) throw new Error(`saved classifiers listed: ${names.join(' | ')}`);
    }
    await s.screenshot('both-listed');
    assert.deepEqual(await s.errorNotifications(), [], 'error notifications shown');
  });

  it('"Use it for Analyze Feedback" on one folder\'s classifier names that folder, and a file of the other folder is analyzed with it', async function () {
    this.timeout(360_000);
    // the same name in both folders: a bare name would be looked for in the analyzed file's folder first
    for (const folder of ['web', 'api']) {
      await pickFile(`${folder}/labelled-feedback.csv`, 'sentiment', 'feedback');
      assert.match(await trainAndSave('sent', `saved-sent-${folder}`), new RegExp(`Saved to ${folder}/\\.product-forge/classifiers/sent`));
    }
    await choose('Saved classifier', /^\s*api: sent/);
    const use = view.locator('a', { hasText: 'Use it for Analyze Feedback' });
    await use.scrollIntoViewIfNeeded();
    await use.click();
    const wsFile = path.join(s.workspace, 'team.code-workspace');
    const setting = () => JSON.parse(readFileSync(wsFile, 'utf8')).settings?.['productForge.analysis.classifier'];
    for (const deadline = Date.now() + 20_000; setting() !== '${workspaceFolder:api}/.product-forge/classifiers/sent'; await sleep(300)) {
      if (Date.now() > deadline) throw new Error(`team.code-workspace: ${readFileSync(wsFile, 'utf8')}`);
    }
    // Analyze Feedback on web/tickets.txt loads api's classifier, not web's of the same name
    await s.openExplorer();
    if (!(await s.explorerItem('tickets.txt').isVisible().catch(() => false))) {
      // the second root folder starts collapsed: select it and expand it from the keyboard
      await s.clickExplorerItem('web');
      if (!(await s.explorerItem('tickets.txt').isVisible().catch(() => false))) await s.page.keyboard.press('ArrowRight');
    }
    await s.rightClickExplorerItem('tickets.txt');
    await s.chooseContextMenuItem('Analyze Feedback');
    const [report] = await s.waitForFile('web/.product-forge/reports/tickets-*/report.md', 120_000);
    assert.match(readFileSync(report, 'utf8'), /analyzed locally with `classifier:sent` on the CPU/);
    const apiDir = path.join(s.workspace, 'api', '.product-forge', 'classifiers', 'sent');
    await s.waitForLog(CHANNEL, new RegExp(`Sentiment model: the saved classifier sent \\(${apiDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')};`), 10_000);
    await s.screenshot('analyzed-with-api-classifier');
  });
});
