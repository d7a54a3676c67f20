/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { AxeResults, RunOptions } from 'axe-core';
import 'axe-core';
import type { XAccount } from '../../../protocol/index.ts';
import { DEMO_WEBSITE } from '../../testing/fakes.ts';
import { setLocale } from '../../i18n/index.ts';
import { mountDesk, rerender, until, type MountedDesk } from '../../testing/desk-harness.tsx';
import { resetXConnectResult } from './callback-result.ts';
import { navigation } from './channels-api.ts';

/** Admin › Channels (issue 19): per website, the web widget and X, connected or not, with its state. */
const axe = (globalThis as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } }).axe;
const WEBSITE = DEMO_WEBSITE;
const ACCOUNT: XAccount = {
  id: '44444444-4444-4444-8444-444444444444',
  websiteId: WEBSITE.id,
  xUserId: '1700000000000000001',
  username: 'ParleyDemo',
  name: 'Parley Demo',
  status: 'connected',
  rateLimitedUntil: null,
  webhook: { registered: true, valid: true, checkedAt: '2026-07-24T21:00:00.000Z' },
  capabilities: { likes: false, unsummonedReplies: false },
  lastError: null,
  connectedAt: '2026-07-24T21:00:00.000Z',
};

type Route = (body: unknown) => { status?: number; body: unknown };
/** A stub `fetch` for the REST routes this section calls; records every call. */
function stubRest(routes: Record<string, Route>) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const original = window.fetch;
  window.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input).replace('/api/v1', '');
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, body });
    const route = routes[`${method} ${path}`] ?? (path === '/agents' || path === '/queues' || path === '/teams' ? () => ({ body: { [path.slice(1)]: [] } }) : null);
    const answer: { status?: number; body: unknown } = route ? route(body) : { status: 404, body: { error: { code: 'NOT_FOUND', message: 'Not found.' } } };
    return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, restore: () => void (window.fetch = original) };
}

describe('Admin › Channels', () => {
  let ui: MountedDesk | null = null;
  let rest: ReturnType<typeof stubRest> | null = null;
  const went: string[] = [];
  const go = navigation.go;
  beforeEach(() => {
    went.length = 0;
    navigation.go = (url) => void went.push(url);
  });
  afterEach(() => {
    ui?.unmount();
    rest?.restore();
    ui = null;
    rest = null;
    navigation.go = go;
    setLocale('en');
  });

  async function openChannels() {
    ui = await mountDesk();
    ui.$('tab-admin')!.click();
    await until(() => ui!.$('admin-section-channels') !== null, 'the admin nav');
    ui.$('admin-section-channels')!.click();
    await until(() => ui!.$('channels-website-demo-shop') !== null, 'the website');
    await rerender();
    return ui;
  }
  const accounts = (list: XAccount[], configured = true) => ({ 'GET /websites': () => ({ body: { websites: [WEBSITE] } }), 'GET /channels/x/accounts': () => ({ body: { configured, webhooks: true, accounts: list } }) });

  it('offers to connect an X account and sends the admin to X', async () => {
    rest = stubRest({ ...accounts([]), 'POST /channels/x/connect': () => ({ body: { authorizeUrl: 'https://x.com/i/oauth2/authorize?state=abc' } }) });
    const ui = await openChannels();
    expect(ui.$('channels-website-demo-shop')!.textContent).to.contain('Web widget');
    expect(ui.$('channel-x')!.textContent).to.contain('Not connected.');
    ui.$('x-connect')!.click();
    await until(() => went.length === 1, 'the navigation');
    expect(went).to.deep.equal(['https://x.com/i/oauth2/authorize?state=abc']);
    expect(rest.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ websiteId: WEBSITE.id });
  });

  it('says when the server has no X app', async () => {
    rest = stubRest(accounts([], false));
    const ui = await openChannels();
    expect(ui.$('x-not-configured')!.textContent).to.contain('X_CLIENT_ID');
    expect(ui.$('x-connect')).to.equal(null);
  });

  it('shows a connected account with its state, toggles capabilities, and disconnects after confirmation', async () => {
    rest = stubRest({
      ...accounts([ACCOUNT]),
      [`PATCH /channels/x/accounts/${ACCOUNT.id}/capabilities`]: (body) => ({ body: { account: { ...ACCOUNT, capabilities: { ...ACCOUNT.capabilities, ...(body as object) } } } }),
      [`DELETE /channels/x/accounts/${ACCOUNT.id}`]: () => ({ body: { ok: true } }),
    });
    const ui = await openChannels();
    expect(ui.$('x-account-handle')!.textContent).to.equal('@ParleyDemo');
    expect(ui.$('x-account-status')!.textContent).to.equal('Connected');
    expect(ui.$('x-account-delivery')!.textContent).to.contain('webhook');
    ui.$<HTMLInputElement>('x-cap-likes')!.click();
    await until(() => rest!.calls.some((c) => c.method === 'PATCH'), 'the PATCH');
    expect(rest.calls.find((c) => c.method === 'PATCH')!.body).to.deep.equal({ likes: true });
    await until(() => ui.$<HTMLInputElement>('x-cap-likes')!.checked, 'the saved capability');

    ui.$('x-disconnect')!.click();
    await rerender();
    expect(rest.calls.some((c) => c.method === 'DELETE')).to.equal(false);
    expect(ui.container.textContent).to.contain('Disconnect @ParleyDemo?');
    ui.$('x-disconnect-confirm')!.click();
    await until(() => ui.$('x-connect') !== null, 'the account gone');
    expect(rest.calls.filter((c) => c.method === 'DELETE')).to.have.length(1);
  });

  it('offers Reconnect on an expired token, and Re-validate on an invalid webhook (polling meanwhile)', async () => {
    const expired = { ...ACCOUNT, status: 'token_expired' as const };
    rest = stubRest(accounts([expired]));
    let ui = await openChannels();
    expect(ui.$('x-account-status')!.textContent).to.equal('Token expired');
    ui.$('x-reconnect')!.click();
    await until(() => rest!.calls.some((c) => c.method === 'POST' && c.path === '/channels/x/connect'), 'the reconnect');
    ui.unmount();
    rest.restore();

    const invalid = { ...ACCOUNT, status: 'webhook_invalid' as const, webhook: { ...ACCOUNT.webhook, valid: false }, lastError: 'X could not validate the webhook' };
    rest = stubRest({ ...accounts([invalid]), [`POST /channels/x/accounts/${ACCOUNT.id}/webhook/revalidate`]: () => ({ body: { account: ACCOUNT } }) });
    ui = await openChannels();
    expect(ui.$('x-account-status')!.textContent).to.equal('Webhook invalid');
    expect(ui.$('x-account-delivery')!.textContent).to.contain('polled');
    expect(ui.container.textContent).to.contain('polling meanwhile');
    ui.$('x-revalidate')!.click();
    await until(() => ui!.$('x-account-status')!.textContent === 'Connected', 'the valid webhook');
    expect(ui.container.textContent).to.contain('The webhook is valid.');
  });

  it('shows "rate-limited until", in French too, without axe violations', async () => {
    const limited = { ...ACCOUNT, status: 'rate_limited' as const, rateLimitedUntil: '2026-07-24T21:15:00.000Z' };
    rest = stubRest(accounts([limited]));
    const ui = await openChannels();
    expect(ui.$('x-account-status')!.textContent).to.match(/^Rate-limited until \d/);
    const result = await axe.run(ui.container, { resultTypes: ['violations'] });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes[0]?.html ?? ''}`)).to.deep.equal([]);
    setLocale('fr');
    await rerender();
    expect(ui.$('x-account-status')!.textContent).to.match(/^Limité par X jusqu’à \d/);
    expect(ui.$('admin-section-channels')!.textContent).to.equal('Canaux');
  });

  it('opens on Admin › Channels when X redirected back, with the result', async () => {
    window.history.replaceState(null, '', `${window.location.pathname}?x_connect=error&reason=denied`);
    resetXConnectResult();
    rest = stubRest(accounts([]));
    ui = await mountDesk();
    await until(() => ui!.$('x-connect-result') !== null, 'the result');
    expect(ui.$('x-connect-result')!.textContent).to.equal('The authorization was cancelled on X.');
    // Read once: gone from the address bar.
    expect(window.location.search).to.equal('');
    resetXConnectResult();
  });
});
