/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { AppMountOptions, AppModule } from '../handshake.ts';
import { settleToProveNothingMore, waitFor } from '../testing/wait-for.ts';
import { install, type MessengerApi } from './install.ts';

type TestWindow = Window & { Messenger?: MessengerApi; __parleyLoader?: boolean };
const w = window as TestWindow;
const realFetch = window.fetch;
const realError = console.error;

function script(attrs: Record<string, string>, src = 'https://cdn.example/widget/loader.js'): HTMLScriptElement {
  const el = document.createElement('script');
  Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
  Object.defineProperty(el, 'src', { value: src });
  return el;
}
const configAnswer = (status: number) => {
  window.fetch = (async () =>
    status === 200
      ? new Response(JSON.stringify({ websiteKey: 'demo-shop', name: 'Demo Shop', locale: 'en', theme: { primaryColor: '#112233' } }), { status })
      : new Response(JSON.stringify({ error: { code: 'UNKNOWN_WEBSITE', message: 'No website has this key.' } }), { status })) as typeof fetch;
};
function fakeApp() {
  const calls = { urls: [] as string[], mounts: [] as AppMountOptions[], commands: [] as string[] };
  // install() imports validate.js (argument checks) and app.js next to its src.
  const importApp = async (url: string): Promise<AppModule> => {
    if (url.endsWith('/validate.js')) return (await import('../api/validate.ts')) as never;
    calls.urls.push(url);
    return {
      mount: async (options) => {
        calls.mounts.push(options);
        return { command: async (name) => void calls.commands.push(name) };
      },
    };
  };
  return { calls, importApp };
}
const launcher = () => document.querySelector('parley-launcher')?.shadowRoot?.querySelector('button') ?? null;

describe('loader install()', () => {
  afterEach(() => {
    delete w.__parleyLoader;
    delete w.Messenger;
    window.fetch = realFetch;
    console.error = realError;
    document.querySelectorAll('parley-launcher').forEach((el) => el.remove());
    localStorage.removeItem('parley:demo-shop:token');
  });

  it('logs one clear error and shows no launcher for an unknown website key', async () => {
    configAnswer(404);
    const errors: string[] = [];
    console.error = (...args: unknown[]) => void errors.push(args.join(' '));
    install(w, script({ 'data-website-key': 'nope' }), fakeApp().importApp);
    let rejection: unknown;
    await w.Messenger!('open').catch((e: unknown) => (rejection = e));
    expect(String(rejection)).to.contain('unknown website key');
    expect(errors).to.have.length(1);
    expect(errors[0]).to.contain('Unknown website key "nope"');
    expect(document.querySelector('parley-launcher')).to.equal(null);
  });

  it('draws an accessible launcher and loads the app relative to its own src on click', async () => {
    configAnswer(200);
    const { calls, importApp } = fakeApp();
    install(w, script({ 'data-website-key': 'demo-shop', 'data-locale': 'fr' }), importApp);
    const button = await waitFor(launcher, 'launcher');
    expect(button.getAttribute('aria-label')).to.equal('Ouvrir la discussion');
    expect(button.getBoundingClientRect().width).to.be.greaterThan(0);
    expect(calls.urls).to.have.length(0); // nothing heavy before interaction
    button.click();
    await waitFor(() => calls.commands.length === 1, 'open forwarded');
    expect(calls.urls).to.deep.equal(['https://cdn.example/widget/app.js']);
    expect(calls.mounts[0]).to.include({ websiteKey: 'demo-shop', serverUrl: 'https://cdn.example', locale: 'fr' });
    expect(calls.mounts[0]!.config?.name).to.equal('Demo Shop');
    expect(calls.commands).to.deep.equal(['open']);
    expect(document.querySelector('parley-launcher')).to.equal(null); // handed over to the app
  });

  it('replays calls queued by the snippet stub in order, and each call returns a Promise', async () => {
    configAnswer(200);
    const stub = function (...args: unknown[]) {
      (stub.q = stub.q || []).push(args);
    } as unknown as MessengerApi & { q: unknown[][] };
    w.Messenger = stub;
    stub('open');
    stub('toggle');
    const { calls, importApp } = fakeApp();
    install(w, script({ 'data-website-key': 'demo-shop' }), importApp);
    await waitFor(() => calls.commands.length === 2, 'replayed');
    expect(calls.commands).to.deep.equal(['open', 'toggle']);
    await w.Messenger!('close');
    expect(calls.commands).to.deep.equal(['open', 'toggle', 'close']);
  });

  it('boots from a command when the script has no key, and rejects unknown commands', async () => {
    configAnswer(200);
    const { calls, importApp } = fakeApp();
    install(w, script({}), importApp);
    let rejection: unknown;
    await (w.Messenger as (name: string) => Promise<unknown>)('fly').catch((e: unknown) => (rejection = e));
    expect(String(rejection)).to.contain('unknown command "fly"');
    await w.Messenger!('boot', { websiteKey: 'demo-shop' });
    await waitFor(launcher, 'launcher after boot');
    await w.Messenger!('open');
    expect(calls.commands).to.deep.equal(['open']);
  });

  it('is harmless when injected twice', async () => {
    configAnswer(200);
    install(w, script({ 'data-website-key': 'demo-shop' }), fakeApp().importApp);
    const first = w.Messenger;
    install(w, script({ 'data-website-key': 'demo-shop' }), fakeApp().importApp);
    expect(w.Messenger).to.equal(first);
    await waitFor(launcher, 'launcher');
    await settleToProveNothingMore(); // the second injection must not add a second launcher
    expect(document.querySelectorAll('parley-launcher')).to.have.length(1);
  });

  it('loads the app on idle when a session is stored, so unread replies show after a page load', async () => {
    configAnswer(200);
    localStorage.setItem('parley:demo-shop:token', '"t"');
    const { calls, importApp } = fakeApp();
    install(w, script({ 'data-website-key': 'demo-shop' }), importApp);
    await waitFor(() => calls.mounts.length === 1, 'idle load');
    expect(calls.commands).to.deep.equal([]);
  });
});
