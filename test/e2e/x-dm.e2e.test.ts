/**
 * Issue 19 (x-dm), end to end: X direct messages in Chromium against the fake X API, both over real HTTP.
 * The fake runs in this process; so does the server (`startServer`, the same composition as `npm start`),
 * pointed at the fake, serving the built desktop. A DM injected into the fake is offered to the agent Ready
 * on Twitter, who accepts and answers in the desktop; the fake receives exactly one DM with that text. A
 * badly signed webhook gets 401 and creates nothing; a duplicate delivery creates one message; a 429 holds
 * the reply (the agent is told until when) and it is sent after X's reset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import type { RunningServer } from '../../server/main.ts';
import { CUSTOMER, startFakeX, startServerOnFake, type FakeXHandle, type SentDm } from '../../server/testing/x-kit.ts';
import { signatureOf } from '../../server/channels/x/webhook-signature.ts';
import { launchChromium } from './browser.ts';
import { AgentDesk, eventually } from './pages.ts';

const SECRET = 'e2e-x-dm-secret-0123456789abcdef';

describe('X direct messages in the desktop', () => {
  let x: FakeXHandle;
  let server: RunningServer;
  let stack: Awaited<ReturnType<typeof startServerOnFake>> | undefined;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    x = await startFakeX();
    [stack, browser] = await Promise.all([startServerOnFake(x, SECRET), launchChromium()]);
    ({ server } = stack);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await stack?.close();
    await x?.close();
  });
  const newContext = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context;
  };
  const sentDms = () => x.control<SentDm[]>('GET', '/__fake/sent-dms');
  const injectDm = (text: string) => x.control<{ dm_event_id: string; event_uuids: string[] }>('POST', '/__fake/inject/dm', { from: CUSTOMER, text });

  it('a DM is offered to the agent Ready on Twitter, answered in the desktop, and X receives it exactly once; duplicates and 429s change nothing of that', { timeout: 120_000 }, async () => {
    const ada = await AgentDesk.login(await newContext(), server.url);
    await ada.setPresence('ready', 'twitter');

    const injected = await injectDm('Hello, where is my tea?');
    await ada.offer().first().waitFor();
    expect(await ada.offer().first().textContent()).toContain('Hello, where is my tea?');
    await ada.acceptOffer();
    // The conversation is marked as X's, the customer's handle shown.
    await ada.page.locator('[data-testid=mine-item] [data-testid=x-icon]').first().waitFor();
    await ada.page.locator('[data-testid=transcript-row] .x-handle').filter({ hasText: '@jo' }).first().waitFor();

    await ada.reply('It left this morning');
    await eventually(async () => expect((await sentDms()).map((d) => d.text)).toEqual(['It left this morning']), 'the DM sent to X');
    // Once sent, nothing is left under the message.
    await eventually(async () => expect(await ada.page.getByTestId('x-delivery').count()).toBe(0), 'no delivery line once sent');

    // X delivers the customer's DM again: still one message.
    await x.control('POST', '/__fake/deliver-again', { event_uuid: injected.event_uuids[0] });
    await eventually(async () => expect((await x.control<{ duplicate: boolean; ok: boolean }[]>('GET', '/__fake/deliveries')).some((d) => d.duplicate && d.ok)).toBe(true), 'the duplicate delivered');
    await injectDm('Thanks!');
    await ada.page.getByTestId('transcript-row').filter({ hasText: 'Thanks!' }).waitFor();
    expect(await ada.transcriptCount('Hello, where is my tea?')).toBe(1);

    // A badly signed delivery: 401, nothing stored, nothing shown.
    const forged = JSON.stringify({ data: { event_uuid: 'forged-1', event_type: 'dm.received', filter: { user_id: '17200003' }, payload: { direct_message_events: [{ type: 'message_create', id: '999', created_timestamp: String(Date.now()), message_create: { target: { recipient_id: '17200003' }, sender_id: CUSTOMER.id, message_data: { text: 'Forged!' } } }], users: {} } } });
    const res = await fetch(`${server.url}/api/v1/channels/x/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signatureOf('wrong-secret', forged) }, body: forged });
    expect(res.status).toBe(401);

    // X's limit: the reply is held, the agent sees until when, and it goes out after the reset.
    await x.control('POST', '/__fake/rate-limit', { endpoint: 'dm_send', remaining: 0, resetInSec: 3 });
    await ada.page.getByTestId('composer-input').fill('Held for a moment');
    await ada.page.getByTestId('composer-input').press('Enter');
    const held = ada.page.locator('[data-testid=x-delivery][data-state=held]');
    await held.waitFor();
    expect(await held.textContent()).toMatch(/^Held by X’s limit — sends at /);
    await held.waitFor({ state: 'detached', timeout: 20_000 });
    await eventually(async () => expect((await sentDms()).map((d) => d.text)).toEqual(['It left this morning', 'Held for a moment']), 'the held DM sent once');
    expect(await ada.transcriptCount('Forged!')).toBe(0);
  });
});
