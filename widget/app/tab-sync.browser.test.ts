/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { FakeServer } from '../testing/fake-server.ts';
import { settleToProveNothingMore } from '../testing/wait-for.ts';
import { freshKey as keyFor, shownRows, untilInTabs as until, useTabs, type TabFrame, type TabSetup } from '../testing/tab-frames.ts';

const freshKey = () => keyFor('tab-sync');
const $ = (tab: TabFrame, testid: string) => tab.handle.element.shadowRoot!.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
const badge = (tab: TabFrame) => $(tab, 'badge')?.textContent ?? '';

/** A visitor who clicked in the page (sound allowed) and an AudioContext that records each beep. */
const withAudio = (beeps: string[], name: string): TabSetup['before'] => (win) => {
  Object.defineProperty(win.navigator, 'userActivation', { value: { hasBeenActive: true } });
  const node = () => ({ connect: (next: unknown) => next, start() {}, stop() {}, frequency: {}, gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} } });
  (win as unknown as { AudioContext: unknown }).AudioContext = class {
    currentTime = 0;
    destination = {};
    resume = () => Promise.resolve();
    createGain = node;
    createOscillator = () => (beeps.push(name), node());
  };
};

/** Makes a tab look like a background tab (or brings it back, with the event browsers send). */
function setHidden(tab: TabFrame, hidden: boolean): void {
  const doc = tab.win.document;
  Object.defineProperty(doc, 'hidden', { value: hidden, configurable: true });
  Object.defineProperty(doc, 'visibilityState', { value: hidden ? 'hidden' : 'visible', configurable: true });
  doc.dispatchEvent(new Event('visibilitychange'));
}

describe('tabs keep the widget in step', function () {
  this.timeout(45_000);
  const open = useTabs();

  it('opens, closes and shows the same draft in every tab', async () => {
    const server = new FakeServer();
    const key = freshKey();
    const a = await open(server, key);
    const b = await open(server, key);

    $(a, 'launcher')!.click();
    await until(() => $(b, 'panel'), 'panel opened in the other tab');
    expect(b.handle.element.shadowRoot!.activeElement).to.equal(null); // a tab that follows never grabs focus
    const composerA = $(a, 'composer') as HTMLTextAreaElement;
    composerA.value = 'Half a question';
    composerA.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await until(() => ($(b, 'composer') as HTMLTextAreaElement | null)?.value === 'Half a question', 'draft shown in the other tab');

    await b.handle.command('close');
    await until(() => !$(a, 'panel'), 'panel closed in the first tab');
  });

  it('counts an incoming message once in every tab and plays the sound once, in the tab holding the socket', async () => {
    const server = new FakeServer();
    const key = freshKey();
    const beeps: string[] = [];
    const a = await open(server, key, { before: withAudio(beeps, 'a') });
    const b = await open(server, key, { before: withAudio(beeps, 'b') });
    await until(() => a.handle.client.state.connection === 'online' && b.handle.client.state.connection === 'online', 'both online');
    a.handle.client.send('Hi');
    await until(() => b.handle.client.transcript.lastSeq === 1, 'own message everywhere');

    server.agentSays('Hello, how can I help?');
    await until(() => badge(a) === '1' && badge(b) === '1', 'badge in both tabs');
    // Not counted once per tab, no second sound: absence has no event to await. Longer than elsewhere
    // because each tab runs its own copy of the widget, slow on a busy machine.
    await settleToProveNothingMore(300);
    expect([badge(a), badge(b)]).to.deep.equal(['1', '1']); // not counted once per tab
    expect(beeps).to.deep.equal(['a']);

    await b.handle.command('open'); // read in one tab: read everywhere
    await until(() => badge(a) === '' && badge(b) === '', 'badges cleared');
  });

  it('blinks the title of a background tab until the visitor looks at it or reads the message elsewhere', async () => {
    const server = new FakeServer();
    const key = freshKey();
    const a = await open(server, key);
    const b = await open(server, key);
    a.win.document.title = b.win.document.title = 'Kettle & Leaf';
    a.handle.client.send('Hi');
    await until(() => b.handle.client.transcript.lastSeq === 1, 'own message everywhere');

    setHidden(b, true);
    server.agentSays('Your order has shipped');
    await until(() => b.win.document.title === '(1) New message', 'background tab title');
    expect(a.win.document.title).to.equal('Kettle & Leaf'); // the visible tab does not blink
    setHidden(b, false);
    expect(b.win.document.title).to.equal('Kettle & Leaf');

    setHidden(b, true);
    server.agentSays('Tracking number: 42');
    await until(() => b.win.document.title === '(2) New messages', 'blinking again');
    await a.handle.command('open');
    await until(() => b.win.document.title === 'Kettle & Leaf', 'title restored once read in another tab');
  });

  it('shows a message refused in one tab as not sent in every tab, and a Delete in one removes it everywhere', async () => {
    const server = new FakeServer();
    server.refuse = (p) => (p.text === 'refused' ? { code: 'VALIDATION_FAILED', message: 'refused' } : null);
    const key = freshKey();
    const a = await open(server, key);
    const b = await open(server, key);
    await b.handle.command('open');
    await until(() => a.handle.client.state.connection === 'online' && b.handle.client.state.connection === 'online', 'both online');
    a.handle.client.send('refused');
    a.handle.client.send('accepted');
    await until(() => shownRows(b).join('|') === 'sent:accepted|failed:refused', 'failed in the other tab too');
    expect($(b, 'retry')).to.not.equal(null);

    $(b, 'discard')!.click();
    await until(() => shownRows(a).join('|') === 'sent:accepted', 'deleted in the first tab');
    expect(a.handle.client.outbox.list()).to.deep.equal([]);
  });
});
