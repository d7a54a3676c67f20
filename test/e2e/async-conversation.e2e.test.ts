/**
 * Issue 2, end to end: the asynchronous conversation survives navigation,
 * closed tabs and network loss, with nothing lost and nothing shown twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { AgentDesk, eventually, VisitorPage } from './pages.ts';
import { setDatabaseReachable, startSystem, type RunningSystem } from './system.ts';

describe('asynchronous conversation (widget → server → desktop)', () => {
  let system: RunningSystem;
  let browser: Browser;

  beforeAll(async () => {
    [system, browser] = await Promise.all([startSystem(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('keeps the transcript across pages, and shows a reply written while the tab was closed once, with a badge', async () => {
    const visitorContext = await browser.newContext();
    const agentContext = await browser.newContext();

    const visitor = await VisitorPage.open(visitorContext, `${system.url}/demo/`);
    await visitor.openPanel();
    await visitor.send('Hello from the home page');
    await visitor.waitForRow('Hello from the home page');

    // Page 2: the panel stays open and the transcript is there at once.
    await visitor.page.goto(`${system.url}/demo/product.html`);
    await visitor.waitForRow('Hello from the home page');
    expect(await visitor.countRows('Hello from the home page')).toBe(1);

    // The visitor closes the panel, then the tab.
    await visitor.closePanel();
    await visitor.page.close();

    const agent = await AgentDesk.login(agentContext, system.url);
    await agent.take('Hello from the home page');
    expect(await agent.transcriptCount('Hello from the home page')).toBe(1);
    await agent.reply('Hi! Your tea ships tomorrow.');

    // Days later: the visitor comes back to another page of the site.
    const back = await VisitorPage.open(visitorContext, `${system.url}/demo/cart.html`);
    await eventually(async () => expect((await back.badge().textContent())?.trim()).toBe('1'), 'unread badge');
    await back.openPanel();
    await back.waitForRow('Hi! Your tea ships tomorrow.');
    expect(await back.countRows('Hi! Your tea ships tomorrow.')).toBe(1);
    expect(await back.countRows('Hello from the home page')).toBe(1);
    await eventually(async () => expect(await back.badge().count()).toBe(0), 'badge cleared on open');

    await visitorContext.close();
    await agentContext.close();
  });

  it('delivers messages typed while the browser was offline exactly once when it is back online', async () => {
    const visitorContext = await browser.newContext();
    const agentContext = await browser.newContext();
    const visitor = await VisitorPage.open(visitorContext, `${system.url}/demo/`);
    await visitor.openPanel();
    await visitor.send('Offline test: first');
    await visitor.waitForRow('Offline test: first');
    const agent = await AgentDesk.login(agentContext, system.url);
    await agent.take('Offline test: first');

    await visitorContext.setOffline(true);
    await eventually(async () => expect(await visitor.connection().getAttribute('data-state')).toBe('offline'), 'offline state');
    await visitor.send('Typed in the tunnel');
    await visitor.send('Still in the tunnel');
    await visitor.waitForRow('Typed in the tunnel', 'sending');
    await visitorContext.setOffline(false);

    await visitor.waitForRow('Typed in the tunnel');
    await visitor.waitForRow('Still in the tunnel');
    await eventually(async () => {
      expect(await agent.transcriptCount('Typed in the tunnel')).toBe(1);
      expect(await agent.transcriptCount('Still in the tunnel')).toBe(1);
    }, 'agent sees both once');

    // A reload shows the server's truth: each of the visitor's messages exactly once, in order (the greeting aside).
    await visitor.page.reload();
    await visitor.waitForRow('Still in the tunnel');
    const texts = (await visitor.rows()).filter((r) => r.author === 'visitor').map((r) => r.text);
    expect(texts).toEqual(['Offline test: first', 'Typed in the tunnel', 'Still in the tunnel']);

    await visitorContext.close();
    await agentContext.close();
  });

  it.runIf(!!process.env.DATABASE_URL)('keeps the outbox while the database is down and delivers when it is back', async () => {
    const visitorContext = await browser.newContext();
    const visitor = await VisitorPage.open(visitorContext, `${system.url}/demo/`);
    await visitor.openPanel();
    await visitor.send('Before the outage');
    await visitor.waitForRow('Before the outage');

    await setDatabaseReachable(system, false);
    try {
      await visitor.send('During the outage');
      await eventually(async () => expect(await visitor.connection().getAttribute('data-state')).toBe('reconnecting'), 'reconnecting shown');
      await visitor.waitForRow('During the outage', 'sending');
    } finally {
      await setDatabaseReachable(system, true);
    }
    await visitor.waitForRow('During the outage');
    await visitor.page.reload();
    await visitor.waitForRow('During the outage');
    expect((await visitor.rows()).filter((r) => r.author === 'visitor').map((r) => r.text)).toEqual(['Before the outage', 'During the outage']);
    await visitorContext.close();
  });
});
