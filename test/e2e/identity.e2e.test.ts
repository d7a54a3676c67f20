/**
 * Issue 6, end to end: a user the site identifies (signed JWT) sees one history on two
 * devices (two browser contexts share nothing), and an image sent from the widget reaches
 * the agent's desktop. Two tabs of one browser both follow an identify and a logout.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { png } from '../../server/attachments/test-images.ts';
import { useSystemAndBrowser } from './browser.ts';
import { AgentDesk, eventually, VisitorPage } from './pages.ts';
import { DEMO_AGENT, DEMO_WEBSITE_KEY } from './system.ts';

/** What the site's admin does once: generate the website's identity secret (the admin API, as the desktop does). */
async function identitySecret(url: string): Promise<string> {
  const json = async (res: Response) => {
    if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  // The demo agents are seeded right after the server answers /healthz.
  const login = await eventually(async () => {
    const res = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_AGENT.email, password: DEMO_AGENT.password }),
    });
    await json(res.clone());
    return res;
  }, 'the demo admin can log in');
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('parley_session='))!.split(';')[0]!;
  const { websites } = (await json(await fetch(`${url}/api/v1/websites`, { headers: { cookie } }))) as { websites: { id: string; key: string }[] };
  const demo = websites.find((w) => w.key === DEMO_WEBSITE_KEY)!;
  const res = await fetch(`${url}/api/v1/websites/${demo.id}/identity-secret`, { method: 'POST', headers: { cookie } });
  return ((await json(res)) as { identitySecret: string }).identitySecret;
}

/** What the site's backend does for its signed-in user. */
const signFor = (secret: string, sub: string, name: string) =>
  new SignJWT({ name }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(secret));

/** The page calls the public API, as the site's own script would. */
async function identify(page: Page, jwt: string): Promise<void> {
  await page.waitForFunction(() => typeof (window as unknown as { Messenger?: unknown }).Messenger === 'function');
  await page.evaluate((token) => (window as unknown as { Messenger: (c: string, t: string) => Promise<void> }).Messenger('identify', token), jwt);
}

async function logout(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { Messenger: (c: string) => Promise<void> }).Messenger('logout'));
}

/** A browser on the shop where the site has signed the user in (`jwt`), who then writes `text`. */
async function signedInAndWrote(context: BrowserContext, url: string, jwt: string, text: string): Promise<VisitorPage> {
  const device = await VisitorPage.open(context, url);
  await identify(device.page, jwt);
  await device.openPanel();
  await device.send(text);
  await device.waitForRow(text);
  return device;
}

describe('verified identity (site JWT → widget → server → desktop)', () => {
  const { system, newContext } = useSystemAndBrowser();

  it('shows one history to the same user on two devices, and an image reaches the agent', async () => {
    const secret = await identitySecret(system().url);
    const sub = `customer-${randomUUID()}`;

    // Device 1: the user is signed in on the site, which identifies them, then writes.
    const laptop = await signedInAndWrote(await newContext(), `${system().url}/demo/`, await signFor(secret, sub, 'Marie Curie'), 'Hello from my laptop');

    const agent = await AgentDesk.login(await newContext(), system().url);
    await agent.take('Hello from my laptop');
    await agent.reply('Hello Marie, how can I help?');

    // Device 2: another browser with nothing stored; once identified it shows the whole history.
    const phone = await VisitorPage.open(await newContext(), `${system().url}/demo/product.html`);
    await identify(phone.page, await signFor(secret, sub, 'Marie Curie'));
    await phone.openPanel();
    await phone.waitForRow('Hello from my laptop');
    await phone.waitForRow('Hello Marie, how can I help?');

    // The phone writes; the laptop sees it too (one conversation, live on both devices).
    await phone.send('Now on my phone');
    await phone.waitForRow('Now on my phone');
    await laptop.waitForRow('Now on my phone');
    expect(await laptop.countRows('Hello from my laptop')).toBe(1);

    // The agent sees a verified contact carrying the site's user id (Contact tab of the side panel).
    await agent.page.getByTestId('tab-contact').first().click();
    await eventually(async () => expect(await agent.page.getByTestId('contact-verified').first().getAttribute('data-verified')).toBe('true'), 'verified contact');
    await eventually(async () => expect(await agent.page.getByTestId('contact-identities').first().textContent()).toContain(sub), 'site account identity');

    // An image from the phone's composer round-trips to the agent, who can load it.
    const widget = phone.page.locator('parley-messenger');
    await widget.locator('[data-testid=attach-input]').setInputFiles({ name: 'parcel.png', mimeType: 'image/png', buffer: Buffer.from(png(40, 30)) });
    await eventually(async () => expect(await widget.locator('[data-testid=message][data-kind=image][data-status=sent] [data-testid=message-image]').count()).toBe(1), 'image sent');
    const received = agent.page.locator('[data-testid=transcript-row] [data-testid=message-image]').first();
    await received.waitFor();
    await eventually(async () => expect(await received.evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth, img.naturalHeight])).toEqual([true, 40, 30]), 'image decoded on the desktop');
    // The other device of the same user sees the picture as well.
    await laptop.page.locator('parley-messenger [data-testid=message][data-kind=image] [data-testid=message-image]').waitFor();
  }, 180_000);

  it('switches every open tab of a browser on identify, and empties them all on logout', async () => {
    const secret = await identitySecret(system().url);
    const sub = `customer-${randomUUID()}`;
    const laptop = await signedInAndWrote(await newContext(), `${system().url}/demo/`, await signFor(secret, sub, 'Ada Lovelace'), 'Written on my laptop');

    // Another browser with two tabs of the shop: an anonymous question shows in both.
    const shared = await newContext();
    const first = await VisitorPage.open(shared, `${system().url}/demo/`);
    const second = await VisitorPage.open(shared, `${system().url}/demo/product.html`);
    await first.openPanel();
    await second.openPanel();
    await first.send('Asked before signing in');
    await second.waitForRow('Asked before signing in');

    // She signs in from the first tab: both tabs show her conversation now, not the anonymous one.
    await identify(first.page, await signFor(secret, sub, 'Ada Lovelace'));
    for (const tab of [first, second]) {
      await tab.waitForRow('Written on my laptop');
      await eventually(async () => expect(await tab.countRows('Asked before signing in')).toBe(0), 'the anonymous thread left the screen');
    }

    // She signs out from the second tab: neither tab keeps her messages on screen.
    await logout(second.page);
    for (const tab of [first, second]) await eventually(async () => expect(await tab.rows()).toEqual([]), 'a signed-out tab is empty');
    // Whoever writes next in this browser is somebody else: her laptop never sees it.
    await first.send('Somebody else now');
    await second.waitForRow('Somebody else now');
    await laptop.send('Still me on the laptop');
    await laptop.waitForRow('Still me on the laptop');
    expect(await laptop.countRows('Somebody else now')).toBe(0);
    expect(await first.countRows('Still me on the laptop')).toBe(0);
  }, 180_000);
});
