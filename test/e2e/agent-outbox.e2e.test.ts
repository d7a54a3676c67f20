/**
 * Issue 18 item 4, end to end: the agent's outbox. The only server node is killed with SIGKILL while
 * the agent keeps typing; once it is back, each message is stored exactly once and shown to the
 * visitor, without the agent sending anything again. Needs Postgres (a killed PGlite node could
 * leave its data directory half-written), like the other crash and outage tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { AgentDesk, eventually, VisitorPage } from './pages.ts';
import { startSystem, type RunningCluster } from './system.ts';

describe.runIf(!!process.env.DATABASE_URL)('the agent outbox across a node crash', () => {
  let system: RunningCluster;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    [system, browser] = await Promise.all([startSystem(), launchChromium()]);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await system?.stop();
  });
  const newContext = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context;
  };

  /** How many times the database holds each of these agent texts. */
  async function storedCounts(texts: string[]): Promise<number[]> {
    const url = new URL(system.database!.adminUrl);
    url.pathname = `/${system.database!.name}`;
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ body: string; n: number }[]>`select body, count(*)::int as n from messages where author_kind = 'agent' and body in ${sql(texts)} group by body`;
      return texts.map((text) => rows.find((row) => row.body === text)?.n ?? 0);
    } finally {
      await sql.end();
    }
  }

  it('delivers every message typed while the node was down exactly once, without the agent resending', { timeout: 180_000 }, async () => {
    const ada = await AgentDesk.login(await newContext(), system.url);
    const visitor = await VisitorPage.open(await newContext(), `${system.url}/demo/`);
    await visitor.openPanel();
    await visitor.send('My parcel never came');
    await visitor.waitForRow('My parcel never came');
    await ada.take('My parcel never came');
    await ada.reply('Let me look');
    await visitor.waitForRow('Let me look');

    await system.killNode(0);
    await ada.page.locator('[data-testid=connection-state]:not([data-state=connected])').waitFor();

    const typed = ['Found your order', 'It left the warehouse today', 'You will have it tomorrow'];
    const composer = ada.page.getByTestId('composer-input');
    for (const text of typed) {
      await composer.fill(text);
      await composer.press('Enter');
    }
    // Each one waits, in order, saying so in words.
    const waiting = ada.page.locator('[data-testid=transcript-row][data-status=sending]');
    await eventually(async () => expect(await waiting.allTextContents()).toEqual(typed.map((text) => expect.stringContaining(text))), 'three messages sending');
    expect(await waiting.getByTestId('outbox-status').allTextContents()).toEqual(['Sending…', 'Sending…', 'Sending…']);

    await system.restartNode(0);
    await ada.page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 60_000 });
    await eventually(async () => expect(await ada.page.locator('[data-testid=transcript-row][data-pending=true]').count()).toBe(0), 'the outbox empty', 60_000);
    for (const text of typed) expect(await ada.transcriptCount(text)).toBe(1);

    // The visitor sees each once, in the order written; the database holds each once.
    for (const text of typed) await visitor.waitForRow(text);
    const visitorTexts = (await visitor.rows()).map((row) => row.text);
    expect(visitorTexts.filter((text) => typed.includes(text))).toEqual(typed);
    expect(await storedCounts(typed)).toEqual([1, 1, 1]);
  });
});
