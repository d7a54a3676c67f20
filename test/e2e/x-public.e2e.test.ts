/**
 * Issue 19 (x-public), end to end in Chromium: a mention injected into the fake X API reaches an agent
 * Ready on Twitter as an offer; the thread view replaces transcript and composer; the reply-length circle
 * turns red and blocks Send at 281 weighted characters; the reply and a like reach the fake
 * (`in_reply_to_tweet_id`, a like of that post). The server runs in this process so the test can hand
 * the mention to the ingestion as the receivers (webhook, polling: the x-dm part) do, and drain the
 * outbound queue with the public-post senders as its dispatcher does, until those are wired in.
 */
import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostSenders } from '../../server/channels/x/post-senders.ts';
import { createXHttp } from '../../server/channels/x/x-http.ts';
import type { Database } from '../../server/db/client.ts';
import { websites, xAccounts, xOutbound, type XAccountRow } from '../../server/db/schema.ts';
import { backends } from '../../server/db/test-backends.ts';
import type { RunningServer } from '../../server/main.ts';
import { DEMO } from '../../server/services/seed-demo.ts';
import { startTestServer } from '../../server/testing/test-kit.ts';
import { createFakeX, type FakeXServer } from '../fakes/x-api/index.ts';
import { launchChromium } from './browser.ts';
import { AgentDesk, eventually } from './pages.ts';

const BRAND = { id: '17200003', username: 'KettleLeaf', name: 'Kettle & Leaf' };
const JO = { id: '944480690', username: 'jo', name: 'Jo Customer' };

describe('X public posts (fake X API → server → desktop → fake X API)', () => {
  let database: Database;
  let server: RunningServer;
  let browser: Browser;
  let fake: FakeXServer;
  let x: { url: string; close(): Promise<void> };
  let account: XAccountRow;
  let token: string;

  beforeAll(async () => {
    database = await backends[0]!.open();
    fake = createFakeX({ mode: 'self-serve', consumerSecret: 'consumer-secret', clientId: 'client-id', brand: BRAND, retryDelaysMs: [] });
    [server, browser, x] = await Promise.all([startTestServer(database, {}, { requireAssets: true }), launchChromium(), fake.listen()]);
    const [site] = await database.db.select().from(websites).where(eq(websites.key, DEMO.websiteKey));
    [account] = (await database.db
      .insert(xAccounts)
      .values({ websiteId: site!.id, xUserId: BRAND.id, username: BRAND.username, name: BRAND.name, accessToken: 'sealed', tokenExpiresAt: new Date(Date.now() + 7_200_000) })
      .returning()) as [XAccountRow];
    token = fake.control.authorize().access_token;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await x?.close();
    await database?.close();
  });

  /** What the outbound queue's dispatcher does with the public-post rows (x-dm wires the real one). */
  async function drainOutbound(): Promise<void> {
    const senders = createPostSenders({ db: database.db });
    const http = createXHttp({ baseUrl: x.url });
    for (const row of await database.db.select().from(xOutbound).where(eq(xOutbound.state, 'pending'))) {
      const [current] = await database.db.select().from(xAccounts).where(eq(xAccounts.id, account.id));
      const sent = await senders[row.kind as 'reply' | 'like' | 'unlike']({ row, account: current!, token, http });
      await database.db.update(xOutbound).set({ state: 'sent', xId: sent.xId, sentAt: new Date() }).where(eq(xOutbound.id, row.id));
    }
  }

  it('a mention is offered on Twitter, answered in its thread within 280 weighted characters, and liked', async () => {
    const context = await browser.newContext();
    const agent = await AgentDesk.login(context, server.url);
    await agent.setPresence('ready', 'twitter');

    const text = '@KettleLeaf my kettle whistles all night, help!';
    const injected = await fake.control.injectMention({ from: JO, text });
    await server.services.xPublic.sink.post(account, {
      id: injected.id,
      text,
      author: JO,
      conversationId: injected.conversation_id,
      inReplyToPostId: null,
      inReplyToUserId: null,
      summonedBrand: true,
      media: [],
      createdAt: new Date(),
    });

    const page = agent.page;
    await agent.offer().first().waitFor();
    await agent.offer().first().getByTestId('offer-accept').click();
    const post = page.locator(`[data-testid=x-post][data-post-id="${injected.id}"]`);
    await post.waitFor();
    expect(await post.locator('.x-post-text').textContent()).toBe(text);
    expect(await page.getByTestId('composer-input').count()).toBe(0);
    // Self-serve plan: likes are off, with the reason.
    expect(await post.locator(':scope > .x-post-actions [data-testid=x-like-button]').isDisabled()).toBe(true);

    await post.locator(':scope > .x-post-actions [data-testid=x-reply-button]').click();
    const input = page.getByTestId('x-reply-input');
    await input.fill('a'.repeat(281));
    await eventually(async () => expect(await page.getByTestId('post-length').getAttribute('data-tone')).toBe('over'), 'the red circle');
    expect(await page.getByTestId('post-length-count').textContent()).toBe('-1');
    expect(await page.getByTestId('x-reply-send').isDisabled()).toBe(true);
    await input.fill('a'.repeat(270));
    await eventually(async () => expect(await page.getByTestId('post-length').getAttribute('data-tone')).toBe('warn'), 'the yellow countdown');
    const reply = 'So sorry, Jo! A new whistle cap is on its way: check your DMs.';
    await input.fill(reply);
    await page.getByTestId('x-reply-send').click();
    // Indented under the post it answers.
    await post.locator(':scope > ul > [data-testid=x-post] > .x-post-text', { hasText: reply }).waitFor();

    await drainOutbound();
    expect(fake.control.posts()).toEqual([expect.objectContaining({ text: reply, author_id: BRAND.id, reply: { in_reply_to_tweet_id: injected.id } })]);
    // Published: our reply now has its post id, and can be answered in its turn.
    const ourPostId = fake.control.posts()[0]!.id;
    await page.reload();
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor();
    await page.getByTestId('mine-item').first().click();
    await page.locator(`[data-testid=x-post][data-post-id="${ourPostId}"] > .x-post-actions [data-testid=x-reply-button]`).waitFor();

    // Enterprise: likes allowed.
    fake.control.setMode('enterprise');
    await database.db.update(xAccounts).set({ capabilities: { likes: true, unsummonedReplies: true } }).where(eq(xAccounts.id, account.id));
    await page.reload();
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor();
    await page.getByTestId('mine-item').first().click();
    await post.locator(':scope > .x-post-actions [data-testid=x-like-button]').click();
    await post.locator(':scope > .x-post-head [data-testid=x-post-liked]').waitFor();
    await drainOutbound();
    expect(fake.control.likes()).toEqual([expect.objectContaining({ user_id: BRAND.id, tweet_id: injected.id })]);
    await context.close();
  });
});
