/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import type { AxeResults, RunOptions } from 'axe-core';
// axe-core is a UMD script: imported for its side effect, it sets window.axe.
import 'axe-core';
import { FakeServer, waitFor } from '../testing/fake-server.ts';
import { createStore, STORAGE_KEYS } from '../transport/storage.ts';
import { mount, type MessengerHandle } from './index.ts';
import { animationsDone } from '../testing/animations.ts';

/**
 * Issue 6 §8 as a keyboard or screen-reader user meets it: focus trapped in the open
 * panel and given back on close, the agent's messages read out by a polite live region,
 * reduced motion, 320 px screens and full screen on phones, no axe violations with the
 * emoji picker open or an error shown. (Closed/open axe checks: api tests.)
 */
const axe = (globalThis as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } }).axe;

let n = 0;
let handle: MessengerHandle | null = null;

async function mountOpen(server: FakeServer, open = true): Promise<MessengerHandle> {
  const store = createStore(`a11y-test-${Date.now()}-${n++}`);
  store.set(STORAGE_KEYS.token, server.token);
  if (open) store.set(STORAGE_KEYS.open, true);
  handle = await mount({ websiteKey: 'demo-shop', serverUrl: location.origin, locale: 'en', config: null, linkFactory: server.factory, store, heartbeat: false });
  await handle.element.updateComplete;
  return handle;
}
const root = (h: MessengerHandle) => h.element.shadowRoot!;
const byId = <T extends HTMLElement = HTMLElement>(h: MessengerHandle, testid: string) => root(h).querySelector<T>(`[data-testid="${testid}"]`);
const focused = (h: MessengerHandle) => root(h).activeElement as HTMLElement | null;

async function violations(h: MessengerHandle): Promise<string[]> {
  await animationsDone(h.element);
  const result = await axe.run(h.element, { resultTypes: ['violations'] });
  return result.violations.map((v) => `${v.id}: ${v.nodes[0]?.html ?? ''}`);
}

describe('<parley-messenger> accessibility', () => {
  afterEach(async () => {
    handle?.destroy();
    handle = null;
    document.querySelectorAll('[data-test-outside]').forEach((el) => el.remove());
    await setViewport({ width: 800, height: 600 });
    await emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('traps Tab inside the open panel, and Escape gives focus back to the launcher', async () => {
    const server = new FakeServer();
    server.agentSays('Hello there', false);
    const h = await mountOpen(server, false);
    byId(h, 'launcher')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => focused(h)?.dataset['testid'] === 'composer', 'composer focused on open');
    expect(byId(h, 'panel')!.getAttribute('aria-modal')).to.equal('true');

    const panel = byId(h, 'panel')!;
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      await sendKeys({ press: 'Tab' });
      const el = focused(h);
      expect(el && panel.contains(el), `Tab #${i + 1} stays in the panel`).to.equal(true);
      seen.add(el!.dataset['testid'] ?? el!.tagName);
    }
    for (const control of ['close', 'composer', 'emoji-button', 'attach-button', 'send', 'transcript']) expect([...seen]).to.include(control);
    byId(h, 'close')!.focus();
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(focused(h)?.dataset['testid']).to.equal('send'); // wraps backwards to the last control

    await sendKeys({ press: 'Escape' });
    await waitFor(() => !byId(h, 'panel'), 'panel closed');
    await waitFor(() => focused(h)?.dataset['testid'] === 'launcher', 'focus back on the launcher');
  });

  it('gives focus back to the page control that opened it, and a close from elsewhere does not steal focus', async () => {
    const button = Object.assign(document.createElement('button'), { textContent: 'Help' });
    button.dataset['testOutside'] = '';
    document.body.append(button);
    const h = await mountOpen(new FakeServer(), false);
    button.focus();
    await h.command('open');
    await waitFor(() => focused(h)?.dataset['testid'] === 'composer', 'composer focused');
    byId(h, 'close')!.click();
    await waitFor(() => document.activeElement === button, 'focus back on the page button');

    await h.command('open');
    await waitFor(() => focused(h)?.dataset['testid'] === 'composer', 'composer focused again');
    const input = document.createElement('input');
    input.dataset['testOutside'] = '';
    document.body.append(input);
    input.focus(); // the visitor moved on to the page
    await h.command('close');
    await h.element.updateComplete;
    expect(document.activeElement).to.equal(input);
  });

  it('announces the agent’s new messages, with their author, in a polite live region (and not the history)', async () => {
    const server = new FakeServer();
    server.agentSays('An old answer', false).createdAt = new Date(Date.now() - 3_600_000).toISOString();
    const h = await mountOpen(server);
    await waitFor(() => root(h).querySelectorAll('[data-testid="message"]').length === 1, 'history shown');
    const region = byId(h, 'live-region')!;
    expect(region.getAttribute('role')).to.equal('status'); // implicitly aria-live="polite"
    expect(region.textContent!.trim()).to.equal('');
    expect(byId(h, 'transcript')!.hasAttribute('aria-live')).to.equal(false); // no second, noisier announcement

    server.agentSays('Your parcel left this morning');
    await waitFor(() => region.textContent!.trim() === 'Ada: Your parcel left this morning', 'agent message announced');
    composerType(h, 'thanks');
    byId<HTMLButtonElement>(h, 'send')!.click();
    await waitFor(() => server.sends.length === 1, 'visitor message sent');
    await h.element.updateComplete;
    expect(region.textContent!.trim()).to.equal('Ada: Your parcel left this morning'); // own messages are not read back
    server.event('agent_left');
    await waitFor(() => region.textContent!.trim() === 'Ada left the conversation', 'event announced');
  });

  it('drops its animations when the visitor prefers reduced motion', async () => {
    const h = await mountOpen(new FakeServer());
    expect(getComputedStyle(byId(h, 'panel')!).animationName).to.equal('parley-in');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(byId(h, 'panel')!).animationName).to.equal('none');
  });

  it('is full screen at 320 px wide, with every control inside the screen', async () => {
    await setViewport({ width: 320, height: 560 });
    const h = await mountOpen(new FakeServer());
    const box = () => {
      const { left, top, width, height } = byId(h, 'panel')!.getBoundingClientRect();
      return [left, top, width, height].join(',');
    };
    await waitFor(() => box() === '0,0,320,560', `full screen (${box()})`); // once the opening animation is over
    for (const id of ['close', 'composer', 'emoji-button', 'attach-button', 'send']) {
      const box = byId(h, id)!.getBoundingClientRect();
      expect(box.width > 0 && box.left >= 0 && box.right <= 320 && box.bottom <= 560, `${id} on screen`).to.equal(true);
    }
    expect(getComputedStyle(byId(h, 'launcher')!).display).to.equal('none'); // would cover the composer; Close/Escape close
    expect(document.documentElement.scrollWidth).to.equal(320); // no horizontal scrolling

    // The mobile keyboard shrinks the visual viewport: the panel follows it.
    h.element.style.setProperty('--parley-vvh', '300px');
    expect(byId(h, 'panel')!.getBoundingClientRect().height).to.equal(300);
    expect(byId(h, 'send')!.getBoundingClientRect().bottom).to.be.at.most(300);

    await setViewport({ width: 800, height: 600 });
    await waitFor(() => byId(h, 'panel')!.getBoundingClientRect().width === 360, 'a floating panel on a large screen');
  });

  it('has no axe violations with the emoji picker open, nor with a message not sent and an error shown', async function () {
    this.timeout(30_000); // two full axe runs, on a shared machine
    const server = new FakeServer();
    server.agentSays('How can I help?', false);
    const h = await mountOpen(server);
    await waitFor(() => root(h).querySelectorAll('[data-testid="message"]').length === 1, 'history shown');
    composerType(h, 'Where is my order?');
    byId<HTMLButtonElement>(h, 'send')!.click();
    await waitFor(() => byId(h, 'receipt'), 'delivered mark shown'); // times and receipts are checked too
    byId(h, 'emoji-button')!.click();
    await waitFor(() => byId(h, 'emoji-picker'), 'picker open');
    expect(await violations(h)).to.deep.equal([]);

    byId(h, 'emoji-button')!.click();
    server.rejectWith = 'VALIDATION_FAILED';
    composerType(h, 'x'.repeat(3300));
    byId<HTMLButtonElement>(h, 'send')!.click();
    await waitFor(() => byId(h, 'retry'), 'message shown not sent, with Retry and Delete');
    composerType(h, 'x'.repeat(4001)); // the length hint and the composer's error show too
    byId<HTMLButtonElement>(h, 'send')!.click();
    await waitFor(() => byId(h, 'composer-error'), 'error shown');
    expect(await violations(h)).to.deep.equal([]);
  });
});

function composerType(h: MessengerHandle, text: string): void {
  const area = byId<HTMLTextAreaElement>(h, 'composer')!;
  area.value = text;
  area.dispatchEvent(new InputEvent('input'));
}
