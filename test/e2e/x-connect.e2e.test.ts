/**
 * Issue 19, x-connect, end to end: an admin connects an X account from Admin › Channels in Chromium, through X's
 * authorization page (the fake X API with its consent page, on another site: the admin's SameSite=Strict cookie
 * stays behind on the way back) and the public callback, and lands on Admin › Channels with the account connected.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createFakeX } from '../fakes/x-api/index.ts';
import { useSystemAndBrowser } from './browser.ts';
import { AgentDesk } from './pages.ts';
import { DEMO_AGENT } from './system.ts';

const BRAND = { id: '1700000000000000001', username: 'ParleyDemo', name: 'Parley Demo' };
const fake = createFakeX({ mode: 'self-serve', consumerSecret: 'e2e-consumer-secret', clientId: 'e2e-client', clientSecret: 'e2e-client-secret', appBearerToken: 'e2e-app-token', brand: BRAND, interactiveConsent: true });
const listening = await fake.listen(0, '127.0.0.1');
// X's pages on another site than Parley's (127.0.0.1): `localhost` reaches the same fake.
const xSite = listening.url.replace('127.0.0.1', 'localhost');
afterAll(() => listening.close());

describe('connecting an X account in Admin › Channels', () => {
  const { system: running, newContext } = useSystemAndBrowser({
    env: {
      X_API_BASE_URL: listening.url,
      X_OAUTH_AUTHORIZE_URL: `${xSite}/i/oauth2/authorize`,
      X_CLIENT_ID: 'e2e-client',
      X_CLIENT_SECRET: 'e2e-client-secret',
      X_CONSUMER_SECRET: 'e2e-consumer-secret',
      X_APP_BEARER_TOKEN: 'e2e-app-token',
    },
  });

  it('goes to X, is authorized there, and comes back connected', async () => {
    const system = running();
    const ada = await AgentDesk.login(await newContext(), system.url, DEMO_AGENT);
    const page = ada.page;
    await page.getByTestId('tab-admin').click();
    await page.getByTestId('admin-section-channels').click();
    await page.getByTestId('channels-website-demo-shop').getByTestId('x-connect').click();

    // X's consent page, on X's site.
    await page.getByTestId('authorize-app').waitFor();
    expect(new URL(page.url()).host).toBe(new URL(xSite).host);
    expect(await page.textContent('body')).toContain('@ParleyDemo');
    await page.getByTestId('authorize-app').click();

    // Back in the desktop, still logged in, on Admin › Channels with the result.
    await page.getByTestId('x-connect-result').waitFor();
    expect(await page.getByTestId('x-connect-result').textContent()).toBe('The X account is connected.');
    expect(await page.getByTestId('x-account-handle').textContent()).toBe('@ParleyDemo');
    expect(new URL(page.url()).search).toBe('');
    // Whatever the webhook gave (its CRC passes once the webhook endpoint answers it), the account is usable.
    expect(await page.getByTestId('x-account-status').textContent()).toMatch(/^(Connected|Webhook invalid)$/);
  });
});
