// Renders media/icon.png (128x128, the Marketplace icon) from media/icon.svg's shapes on a
// colored tile, with Debian's chromium through playwright-core. Usage: node scripts/e2e/make-icon.mjs
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const svg = readFileSync(path.join(root, 'media/icon.svg'), 'utf8')
  .replace(/<!--[\s\S]*?-->/g, '')
  .replace('width="24" height="24"', 'width="84" height="84"')
  .replace(/currentColor/g, '#fff7ed');
const html = `<!doctype html><html><body style="margin:0;background:transparent">
<div style="width:128px;height:128px;border-radius:26px;display:flex;align-items:center;justify-content:center;
background:linear-gradient(145deg,#f97316 0%,#c2410c 55%,#7c2d12 100%)">${svg}</div></body></html>`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(html);
  await page.screenshot({ path: path.join(root, 'media/icon.png'), omitBackground: true });
  console.log('wrote media/icon.png');
} finally { await browser.close(); }
