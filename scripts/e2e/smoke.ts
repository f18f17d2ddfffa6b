// Proves the harness on whatever exists: starts code-server with the packaged .vsix (if built),
// runs a built-in command from the palette, lists the Product Forge commands in the palette, opens
// the explorer context menu on a CSV, and screenshots each step to .test-artifacts/e2e/smoke/.
//   node --import tsx scripts/e2e/smoke.ts [path/to.vsix]
import { existsSync } from 'node:fs';
import path from 'node:path';
import { E2ESession, ROOT } from './harness';

async function main() {
  const vsix = process.argv[2] ?? 'build/product-forge-linux-x64.vsix';
  const t0 = Date.now();
  const s = await E2ESession.start({
    name: 'smoke',
    vsix: existsSync(path.resolve(ROOT, vsix)) ? vsix : undefined,
    fixture: 'test/fixtures/e2e-workspace',
    log: (m) => console.log(`  ${m}`),
  });
  let ok = false;
  try {
    console.log(`workbench up in ${Date.now() - t0} ms (${JSON.stringify(s.timings)})`);
    await s.screenshot('workbench');

    await s.runCommand('View: Toggle Word Wrap').catch(() => undefined);
    await s.runCommand('Help: Keyboard Shortcuts Reference').catch(() => undefined);
    await s.runCommand('Preferences: Open Keyboard Shortcuts');
    await s.page.locator('.keybindings-editor').waitFor({ state: 'visible', timeout: 20_000 });
    await s.screenshot('builtin-command');
    console.log('built-in command ran: Preferences: Open Keyboard Shortcuts');

    const entries = await s.paletteEntries('Product Forge');
    await s.screenshot('palette-product-forge');
    await s.closePalette();
    console.log(`palette "Product Forge": ${entries.length} entries\n    ${entries.join('\n    ')}`);

    await s.rightClickExplorerItem('feedback.csv');
    const labels = await s.contextMenuLabels();
    await s.screenshot('explorer-context-menu');
    console.log(`context menu on feedback.csv: ${labels.join(' | ')}`);
    await s.page.keyboard.press('Escape');

    const activated = /product-forge/i.test(s.extensionHostLog());
    console.log(`extension host log mentions product-forge: ${activated}`);
    console.log(`log files: ${s.logFiles().map((f) => path.relative(s.userDataDir, f)).join(', ')}`);
    ok = entries.some((e) => /Product Forge: Analyze Feedback/.test(e)) && labels.includes('Analyze Feedback');
    console.log(ok ? 'SMOKE OK' : 'SMOKE: extension commands not visible (is the .vsix built and installed?)');
  } finally {
    await s.close();
    console.log(`artifacts: ${path.relative(ROOT, s.artifacts)} (${Date.now() - t0} ms total)`);
  }
  process.exit(ok ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(1); });
