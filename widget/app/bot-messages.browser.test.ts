/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { FakeServer, waitFor } from '../testing/fake-server.ts';
import { settleToProveNothingMore } from '../testing/wait-for.ts';
import { createStore, STORAGE_KEYS } from '../transport/storage.ts';
import { mount, type MessengerHandle } from './index.ts';

let n = 0;
let handle: MessengerHandle | null = null;
const ask = (values = ['order', 'other']) => ({
  kind: 'quick_replies' as const,
  text: 'What can we help with?',
  options: values.map((value) => ({ value, label: `Label ${value}` })),
});

/** An open messenger whose visitor already has a session (the assistant's bubbles arrive by push). */
async function open(server: FakeServer, locale = 'en'): Promise<MessengerHandle> {
  const store = createStore(`bot-ui-${Date.now()}-${n++}`);
  store.set(STORAGE_KEYS.token, server.token);
  store.set(STORAGE_KEYS.open, true);
  handle = await mount({ websiteKey: 'demo-shop', serverUrl: location.origin, locale, config: null, linkFactory: server.factory, store, heartbeat: false });
  await waitFor(() => handle!.element.shadowRoot!.querySelector('[data-state="online"]'), 'online');
  return handle;
}
const all = (h: MessengerHandle, sel: string) => [...h.element.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
const buttons = (h: MessengerHandle) => all(h, '[data-testid=bot-button]') as HTMLButtonElement[];
const visitorRows = (h: MessengerHandle) => all(h, '[data-testid=message][data-author=visitor]').map((r) => `${r.dataset.status}:${r.textContent!.trim().split('\n')[0]}`);

describe('<parley-messenger> assistant messages', () => {
  afterEach(() => {
    handle?.destroy();
    handle = null;
  });

  it('shows quick replies as buttons; a press sends the postback once and disables them', async () => {
    const server = new FakeServer();
    server.bot(ask());
    const h = await open(server);
    await waitFor(() => buttons(h).length === 2, 'buttons');
    const row = all(h, '[data-testid=message][data-kind=structured]')[0]!;
    expect(row.querySelector('[data-testid=message-text]')!.textContent).to.equal('What can we help with?');
    expect(buttons(h).map((b) => [b.dataset.value, b.textContent, b.disabled])).to.deep.equal([
      ['order', 'Label order', false],
      ['other', 'Label other', false],
    ]);
    buttons(h)[1]!.click();
    buttons(h)[1]!.click(); // a double click
    await waitFor(() => buttons(h).every((b) => b.disabled), 'buttons disabled');
    await waitFor(() => visitorRows(h).includes('sent:Label other'), 'label as the visitor bubble');
    await settleToProveNothingMore(); // the double click's second press must not send again
    expect(server.postbacks.map((p) => [p.value, p.label])).to.deep.equal([['other', 'Label other']]);
    expect(visitorRows(h)).to.deep.equal(['sent:Label other']);
    expect(buttons(h).every((b) => b.disabled)).to.equal(true);
  });

  it('can be answered from the keyboard', async () => {
    const server = new FakeServer();
    server.bot(ask());
    const h = await open(server);
    await waitFor(() => buttons(h).length === 2, 'buttons');
    buttons(h)[0]!.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => server.postbacks.length === 1, 'postback');
    expect(server.postbacks[0]!.value).to.equal('order');
  });

  it('disables older buttons once the visitor writes, and lets free text through', async () => {
    const server = new FakeServer();
    server.bot(ask());
    const h = await open(server);
    await waitFor(() => buttons(h).length === 2, 'buttons');
    const composer = all(h, '[data-testid=composer]')[0] as HTMLTextAreaElement;
    composer.focus();
    await sendKeys({ type: 'I would rather type' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => visitorRows(h).includes('sent:I would rather type'), 'free text sent');
    expect(buttons(h).every((b) => b.disabled)).to.equal(true);
    expect(server.sends.map((s) => s.text)).to.deep.equal(['I would rather type']);

    server.bot(ask(['yes', 'no'])); // the assistant re-prompts: the new buttons are live
    await waitFor(() => buttons(h).length === 4, 'new prompt');
    expect(buttons(h).map((b) => b.disabled)).to.deep.equal([true, true, false, false]);
  });

  it('names the assistant on its bubbles and renders image and link cards safely', async () => {
    const server = new FakeServer();
    server.bot({ kind: 'text', text: 'Hello from the bot' });
    server.bot({ kind: 'image', url: 'https://example.com/tea.png', alt: 'A teapot' });
    server.bot({ kind: 'card', title: 'Shipping', description: 'Delivery times', url: 'https://example.com/shipping' });
    server.bot({ kind: 'card', title: 'Evil', url: 'javascript:alert(1)' });
    server.bot({ kind: 'image', url: 'javascript:alert(2)', alt: 'evil image' });
    const h = await open(server);
    await waitFor(() => all(h, '[data-kind=structured]').length === 5, 'bubbles');
    expect(all(h, '[data-testid=bot-name]').map((e) => e.textContent)).to.deep.equal(Array(5).fill('Kettle & Leaf assistant'));
    const img = all(h, '[data-testid=message-image]') as HTMLImageElement[];
    expect(img.map((i) => [i.src, i.alt])).to.deep.equal([['https://example.com/tea.png', 'A teapot']]);
    const [good, evil] = all(h, '[data-testid=bot-card]');
    const link = good!.querySelector('a')!;
    expect([link.href, link.target, link.rel, link.textContent]).to.deep.equal(['https://example.com/shipping', '_blank', 'noopener noreferrer', 'Shipping']);
    expect(good!.textContent).to.contain('Delivery times');
    expect(evil!.textContent).to.contain('Evil');
    expect(evil!.querySelector('a')).to.equal(null);
    expect(all(h, 'a').some((a) => a.getAttribute('href')?.startsWith('javascript'))).to.equal(false);
  });

  it('shows a notice and no duplicate when the option is no longer offered', async () => {
    const server = new FakeServer();
    server.bot(ask(['old-a', 'old-b']));
    server.bot(ask(['new-a', 'new-b'])); // the flow moved on: the first buttons are stale
    const h = await open(server);
    await waitFor(() => buttons(h).length === 4, 'buttons');
    buttons(h)[0]!.click();
    const error = await waitFor(() => all(h, '[data-testid=composer-error]')[0], 'notice');
    expect(error.textContent).to.equal('That option is no longer available: pick another one or type your answer.');
    expect(visitorRows(h)).to.deep.equal([]);
    expect(server.postbacks).to.have.length(1);
    expect(all(h, '[data-testid=discard]')).to.have.length(0);
    buttons(h)[2]!.click(); // the current prompt still works
    await waitFor(() => visitorRows(h).includes('sent:Label new-a'), 'answered');
    expect(server.messages.filter((m) => m.author.kind === 'visitor')).to.have.length(1);
  });

  it('never interprets assistant text as HTML, and falls back to the text for unknown payloads', async () => {
    const server = new FakeServer();
    const evil = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    server.bot({ kind: 'quick_replies', text: evil, options: [{ value: 'v', label: '<i>label</i>' }] });
    const unknown = server.bot({ kind: 'text', text: 'x' });
    (unknown as any).payload = { kind: 'carousel', items: [] };
    unknown.text = 'Plain fallback <u>text</u>';
    const h = await open(server);
    await waitFor(() => all(h, '[data-kind=structured]').length === 2, 'bubbles');
    const [prompt, fallback] = all(h, '[data-kind=structured]');
    expect(prompt!.querySelector('[data-testid=message-text]')!.textContent).to.equal(evil);
    expect(buttons(h)[0]!.textContent).to.equal('<i>label</i>');
    expect(prompt!.querySelector('b, i, img')).to.equal(null);
    expect(fallback!.querySelector('[data-testid=message-text]')!.textContent).to.equal('Plain fallback <u>text</u>');
    expect(fallback!.querySelector('u')).to.equal(null);
    expect((window as any).__pwned).to.equal(undefined);
  });

  it('speaks French', async () => {
    const server = new FakeServer();
    server.bot(ask(['a']), null as unknown as string); // no assistant name: the generic label
    server.bot(ask(['b']));
    const h = await open(server, 'fr');
    await waitFor(() => buttons(h).length === 2, 'buttons');
    expect(all(h, '[data-testid=bot-name]')[0]!.textContent).to.equal('Assistant');
    buttons(h)[0]!.click();
    const error = await waitFor(() => all(h, '[data-testid=composer-error]')[0], 'notice');
    expect(error.textContent).to.equal('Ce choix n’est plus proposé : choisissez-en un autre ou écrivez votre réponse.');
  });
});
