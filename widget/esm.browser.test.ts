/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { createMessenger } from './esm.ts';
import { waitFor } from './testing/fake-server.ts';

/** The npm entry: same command API as window.Messenger, options checked at once. */
describe('createMessenger (npm entry)', () => {
  const realFetch = window.fetch;
  afterEach(() => {
    window.fetch = realFetch;
    document.querySelectorAll('parley-launcher').forEach((el) => el.remove());
  });

  it('throws a clear error on bad options', () => {
    expect(() => createMessenger({ serverUrl: 'not a url', websiteKey: 'k' })).to.throw('Messenger: serverUrl must be an absolute URL');
    expect(() => createMessenger({ serverUrl: location.origin } as never)).to.throw('Messenger: boot: options.websiteKey must be a non-empty string');
    expect(() => createMessenger({ serverUrl: location.origin, websiteKey: 'k', theme: { colorScheme: 'sepia' as never } })).to.throw('colorScheme');
  });

  it('boots against serverUrl, draws the launcher, reports ready, and answers commands like the script tag', async () => {
    const asked: string[] = [];
    window.fetch = (async (url: string) => {
      asked.push(String(url));
      return new Response(JSON.stringify({ websiteKey: 'shop', name: 'Shop', locale: 'en', theme: { primaryColor: '#123456' } }), { status: 200 });
    }) as typeof fetch;
    const messenger = createMessenger({ serverUrl: 'https://chat.example.com/some/path', websiteKey: 'shop', theme: { position: 'left' } });
    const ready: unknown[] = [];
    messenger('on', 'ready', (p) => ready.push(p));
    await waitFor(() => ready.length === 1, 'ready');
    expect(ready[0]).to.deep.equal({ websiteKey: 'shop' });
    expect(asked).to.deep.equal(['https://chat.example.com/api/v1/widget/config?websiteKey=shop']);
    const button = document.querySelector('parley-launcher')!.shadowRoot!.querySelector('button')!;
    expect(getComputedStyle(button).backgroundColor).to.equal('rgb(18, 52, 86)');
    expect(button.getBoundingClientRect().left).to.be.lessThan(100);
    let error = '';
    await (messenger as unknown as (n: string) => Promise<void>)('fly').catch((e: unknown) => (error = String(e)));
    expect(error).to.contain('Messenger: unknown command "fly"');
    await messenger('hide');
    expect(button.getBoundingClientRect().width).to.equal(0);
  });
});
