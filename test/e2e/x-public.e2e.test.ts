/**
 * Issue 19, end to end in Chromium against the fake X API, both over real HTTP: a mention injected into
 * the fake arrives by its signed webhook, shows in Communication › Public and reaches an agent Ready on
 * Twitter as an offer; the thread view replaces transcript and composer; the reply-length circle turns
 * red and blocks Send at 281 weighted characters; the server's outbound queue sends the reply threaded
 * (`in_reply_to_tweet_id`) and, on an Enterprise plan, the like. The server is `startServer`, the
 * composition `npm start` runs, serving the built desktop.
 */
import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xAccounts } from '../../server/db/schema.ts';
import type { RunningServer } from '../../server/main.ts';
import { BRAND, CUSTOMER, startFakeX, startServerOnFake, type FakeXHandle } from '../../server/testing/x-kit.ts';
import { launchChromium } from './browser.ts';
import { AgentDesk, eventually } from './pages.ts';

const SECRET = 'e2e-x-public-secret-0123456789abcdef';

interface FakePost {
  id: string;
  text: string;
  author_id: string;
  reply?: { in_reply_to_tweet_id: string };
}

describe('X public posts (fake X API → server → desktop → fake X API)', () => {
  let server: RunningServer;
  let browser: Browser;
  let x: FakeXHandle;
  let stack: Awaited<ReturnType<typeof startServerOnFake>> | undefined;
  let accountId: string;

  beforeAll(async () => {
    x = await startFakeX();
    [stack, browser] = await Promise.all([startServerOnFake(x, SECRET), launchChromium()]);
    ({ server, accountId } = stack);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await x?.close();
  });

  const brandPosts = () => x.control<FakePost[]>('GET', '/__fake/posts').then((posts) => posts.filter((p) => p.author_id === BRAND.id));

  it('a mention is offered on Twitter, answered in its thread within 280 weighted characters, and liked', async () => {
    const context = await browser.newContext();
    const agent = await AgentDesk.login(context, server.url);
    await agent.setPresence('ready', 'twitter');

    const text = `@${BRAND.username} my kettle whistles all night, help!`;
    const injected = await x.control<{ id: string }>('POST', '/__fake/inject/mention', { from: CUSTOMER, text });

    const page = agent.page;
    await agent.offer().first().waitFor();
    // Communication › Public lists the author, with the mention.
    await page.getByTestId('tab-communication').click();
    await page.getByTestId('visibility-public').click();
    await page.getByTestId('contact-item').filter({ hasText: CUSTOMER.name }).filter({ hasText: 'my kettle whistles' }).waitFor();
    await page.getByTestId('tab-desk').click();
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

    // The server's outbound queue sends it, once, threaded under the mention.
    await eventually(async () => expect(await brandPosts()).toEqual([expect.objectContaining({ text: reply, reply: { in_reply_to_tweet_id: injected.id } })]), 'the reply on X');
    // Published: our reply now has its post id, and can be answered in its turn.
    const ourPostId = (await brandPosts())[0]!.id;
    await page.reload();
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor();
    await page.getByTestId('mine-item').first().click();
    await page.locator(`[data-testid=x-post][data-post-id="${ourPostId}"] > .x-post-actions [data-testid=x-reply-button]`).waitFor();

    // Enterprise: likes allowed.
    await x.control('POST', '/__fake/mode', { mode: 'enterprise' });
    await server.database.db.update(xAccounts).set({ capabilities: { likes: true, unsummonedReplies: true } }).where(eq(xAccounts.id, accountId));
    await page.reload();
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor();
    await page.getByTestId('mine-item').first().click();
    await post.locator(':scope > .x-post-actions [data-testid=x-like-button]').click();
    await post.locator(':scope > .x-post-head [data-testid=x-post-liked]').waitFor();
    await eventually(async () => expect(await x.control('GET', '/__fake/likes')).toEqual([expect.objectContaining({ user_id: BRAND.id, tweet_id: injected.id })]), 'the like on X');
    expect(await brandPosts()).toHaveLength(1);
    await context.close();
  });
});
