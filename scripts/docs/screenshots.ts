/**
 * `npm run docs:screenshots [-- http://localhost:4390]`: the README's two pictures, taken on a
 * running demo (`PORT=4390 DATA_DIR=/tmp/parley-docs-demo npm start`): the widget open on the
 * demo shop with a short conversation, and the agent desktop with that chat accepted.
 * Writes docs/images/widget.png and docs/images/desktop.png.
 */
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { DEMO } from '../../server/services/seed-demo.ts';
import { CHROMIUM_ARGS, chromiumPath } from '../chromium/locate.mjs';

const base = (process.argv[2] ?? 'http://localhost:4390').replace(/\/+$/, '');
const images = fileURLToPath(new URL('../../docs/images/', import.meta.url));

const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
try {
  const desk = await (await browser.newContext({ viewport: { width: 1200, height: 720 }, locale: 'en-GB' })).newPage();
  await desk.goto(`${base}/desktop/`);
  await desk.getByTestId('login-email').fill(DEMO.agentEmail);
  await desk.getByTestId('login-password').fill(DEMO.agentPassword);
  await desk.getByTestId('login-submit').click();
  await desk.locator('[data-testid=connection-state][data-state=connected]').waitFor();
  await desk.locator('[data-testid=presence-select][data-channel=chat]').selectOption('ready');

  const shop = await (await browser.newContext({ viewport: { width: 1000, height: 700 }, locale: 'en-GB' })).newPage();
  await shop.goto(`${base}/demo/`);
  const widget = shop.locator('parley-messenger');
  await shop.locator('[data-testid=launcher]').first().click();
  await widget.locator('[data-testid=composer]').waitFor({ state: 'visible' });
  await visitorSays(shop, 'Hello! My order has not arrived yet.');
  await widget.locator('[data-testid=message][data-author=bot]').first().waitFor();
  await visitorSays(shop, 'agent');

  const offer = desk.getByTestId('offer').first();
  await offer.getByTestId('offer-accept').click();
  await desk.getByTestId('composer-input').waitFor();
  await desk.getByTestId('composer-input').fill('Hello, I am Ada. Let me look at your order: could you give me its number?');
  await desk.getByTestId('composer-input').press('Enter');
  await widget.locator('[data-testid=message][data-author=agent]').first().waitFor();
  await visitorSays(shop, 'Sure, it is 1042. Thank you!');
  await desk.locator('[data-testid=transcript-row]').filter({ hasText: 'it is 1042' }).waitFor();

  await settle(shop);
  await shop.screenshot({ path: `${images}widget.png` });
  await settle(desk);
  await desk.screenshot({ path: `${images}desktop.png` });
  console.log(`Wrote ${images}widget.png and ${images}desktop.png`);
} finally {
  await browser.close();
}

async function visitorSays(page: Page, text: string): Promise<void> {
  const composer = page.locator('parley-messenger [data-testid=composer]');
  await composer.fill(text);
  await composer.press('Enter');
  await page.locator('parley-messenger [data-testid=message][data-author=visitor][data-status=sent]').filter({ hasText: text }).waitFor();
}

/** Lets animations and typing indicators finish before the picture. */
async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(1_500);
}
