// Takes screenshots of the running headless server for a human to look at.
// Usage: node scripts/screenshot.mjs URL OUT_DIR [username password] [hash-path ...]
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const [url = 'http://127.0.0.1:4780', outDir = 'screenshots', username = 'admin', password = '', ...routes] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
for (const [width, height] of [[1366, 768], [1920, 1080]]) {
  for (const locale of ['zh-CN', 'en']) {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await page.addInitScript((value) => localStorage.setItem('creditdesk.locale', value), locale);
    await page.goto(url);
    if (password) {
      await page.getByRole('textbox').first().fill(username);
      await page.locator('input[type=password]').fill(password);
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid=operator-menu]');
      await page.evaluate(async (value) => {
        const token = (await (await fetch('/api/rpc/auth:session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()).data.csrfToken;
        await fetch('/api/rpc/auth:set-locale', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token }, body: JSON.stringify({ locale: value }) });
      }, locale);
      await page.reload();
      await page.waitForSelector('[data-testid=operator-menu]');
    }
    for (const route of routes.length ? routes : ['']) {
      if (route) await page.goto(`${url}/#/${route}`);
      await page.waitForTimeout(800);
      const name = `${(route || 'home').replace(/[/?=&]/g, '_')}-${locale}-${width}x${height}.png`;
      await page.screenshot({ path: path.join(outDir, name) });
      console.log(path.join(outDir, name));
    }
    await context.close();
  }
}
await browser.close();
