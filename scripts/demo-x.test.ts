import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../server/db/client.ts';
import { backends } from '../server/db/test-backends.ts';
import type { RunningServer } from '../server/main.ts';
import { api, loginCookie, startTestServer } from '../server/testing/test-kit.ts';
import { connectDemoXAccount, DEMO_X_BRAND, startDemoFakeX, type DemoX } from './demo-x.ts';

/** `npm start`'s X channel (issue 19): the fake X API in-process, the demo account connected through the real OAuth flow. */
describe('the demo X account', () => {
  let database: Database;
  let server: RunningServer;
  let fake: DemoX;

  beforeAll(async () => {
    fake = await startDemoFakeX(0);
    database = await backends[0]!.open();
    server = await startTestServer(database, { x: fake.settings });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
    await fake?.close();
  });

  it('is connected to the demo website, again at every start, and the fake serves its customer page', async () => {
    expect(await connectDemoXAccount(server)).toMatchObject({ ok: true });
    // A second start (the fake forgot its tokens): the same account, fresh tokens.
    expect(await connectDemoXAccount(server)).toMatchObject({ ok: true });
    const admin = await loginCookie(server);
    const { accounts } = (await api(server, admin, 'GET', '/channels/x/accounts')).body;
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ username: DEMO_X_BRAND.username, xUserId: DEMO_X_BRAND.id, status: expect.stringMatching(/^(connected|webhook_invalid)$/) });
    const page = await fetch(fake.pageUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('post as a customer');
  });
});
