/** The system's Chromium (found as `npm test` finds it) driven by playwright-core; never a downloaded browser. */
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/chromium/locate.mjs';
import { startSystem, type RunningSystem, type SystemOptions } from './system.ts';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
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
