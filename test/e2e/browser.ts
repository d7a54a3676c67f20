/** Debian's Chromium driven by playwright-core; never a downloaded browser. */
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { startSystem, type RunningSystem, type SystemOptions } from './system.ts';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * For a describe block: a fresh system and Chromium before its tests, and every
 * browser context opened through `newContext` closed after them.
 */
export function useSystemAndBrowser(options: SystemOptions = {}): { system: () => RunningSystem; newContext: () => Promise<BrowserContext> } {
  let system: RunningSystem | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    [system, browser] = await Promise.all([startSystem(options), launchChromium()]);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await system?.stop();
  });
  return {
    system: () => system!,
    newContext: async () => {
      const context = await browser!.newContext();
      contexts.push(context);
      return context;
    },
  };
}
