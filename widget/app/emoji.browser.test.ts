/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { FakeServer, waitFor } from '../testing/fake-server.ts';
import { createStore, STORAGE_KEYS } from '../transport/storage.ts';
import { mount, type MessengerHandle } from './index.ts';

/** The emoji picker: a chunk loaded on the first opening, keyboard driven, inserting at the caret. */
let n = 0;
let handle: MessengerHandle | null = null;

async function mountOpen(): Promise<MessengerHandle> {
  const store = createStore(`emoji-test-${Date.now()}-${n++}`);
  store.set(STORAGE_KEYS.open, true);
  handle = await mount({ websiteKey: 'demo-shop', serverUrl: location.origin, locale: 'en', config: null, linkFactory: new FakeServer().factory, store, heartbeat: false });
  await handle.element.updateComplete;
  return handle;
}
const root = (h: MessengerHandle) => h.element.shadowRoot!;
const byId = <T extends HTMLElement = HTMLElement>(h: MessengerHandle, testid: string) => root(h).querySelector<T>(`[data-testid="${testid}"]`);
const focused = (h: MessengerHandle) => root(h).activeElement as HTMLElement | null;
const pickerRequested = () => performance.getEntriesByType('resource').some((e) => e.name.includes('/emoji-picker.ts'));

describe('<parley-messenger> emoji picker', () => {
  afterEach(() => {
    handle?.destroy();
    handle = null;
  });

  it('is not part of the widget’s first load: its module is fetched on the first opening', async () => {
    const h = await mountOpen();
    await waitFor(() => byId(h, 'emoji-button'), 'emoji button');
    expect(pickerRequested()).to.equal(false);
    expect(byId(h, 'emoji-picker')).to.equal(null);
    byId(h, 'emoji-button')!.click();
    await waitFor(() => byId(h, 'emoji-picker'), 'picker open');
    expect(pickerRequested()).to.equal(true);
    expect(byId(h, 'emoji-button')!.getAttribute('aria-expanded')).to.equal('true');
  });

  it('is driven from the keyboard: arrows move, Enter inserts at the caret, Escape closes', async () => {
    const h = await mountOpen();
    const area = byId<HTMLTextAreaElement>(h, 'composer')!;
    area.focus();
    await sendKeys({ type: 'Hello world' });
    area.setSelectionRange(5, 5); // caret after "Hello"

    byId(h, 'emoji-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => focused(h)?.dataset['testid'] === 'emoji', 'first emoji focused');
    const grid = byId(h, 'emoji-picker')!;
    expect(grid.getAttribute('role')).to.equal('grid');
    expect(grid.getAttribute('aria-label')).to.equal('Emoji');
    const cells = [...grid.querySelectorAll<HTMLButtonElement>('[data-testid="emoji"]')];
    expect(cells.filter((c) => c.tabIndex === 0).length).to.equal(1); // one tab stop for the whole grid

    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowDown' });
    const chosen = focused(h)!;
    expect(chosen).to.equal(cells[9]); // second row, second column
    await sendKeys({ press: 'ArrowLeft' });
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'ArrowUp' }); // already on the first row: stays
    expect(focused(h)).to.equal(cells[0]);
    await sendKeys({ press: 'End' });
    expect(focused(h)).to.equal(cells[7]);
    await sendKeys({ press: 'Home' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowRight' });
    const emoji = focused(h)!.textContent!;
    await sendKeys({ press: 'Enter' });

    await waitFor(() => !byId(h, 'emoji-picker'), 'picker closed after a pick');
    expect(area.value).to.equal(`Hello${emoji} world`);
    expect(focused(h)).to.equal(area);
    expect(area.selectionStart).to.equal(5 + emoji.length); // typing goes on after the emoji
    await sendKeys({ type: '!' });
    expect(area.value).to.equal(`Hello${emoji}! world`);

    byId(h, 'emoji-button')!.click();
    await waitFor(() => byId(h, 'emoji-picker'), 'picker open again');
    await waitFor(() => focused(h)?.dataset['testid'] === 'emoji', 'emoji focused');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !byId(h, 'emoji-picker'), 'picker closed');
    expect(byId(h, 'panel')).to.not.equal(null); // Escape closed the picker, not the panel
    expect(focused(h)?.dataset['testid']).to.equal('emoji-button');
    expect(area.value).to.equal(`Hello${emoji}! world`);
  });

  it('replaces a selection with the emoji when clicked', async () => {
    const h = await mountOpen();
    const area = byId<HTMLTextAreaElement>(h, 'composer')!;
    area.value = 'I am sad';
    area.dispatchEvent(new InputEvent('input'));
    area.setSelectionRange(5, 8);
    byId(h, 'emoji-button')!.click();
    await waitFor(() => byId(h, 'emoji-picker'), 'picker open');
    const cell = root(h).querySelector<HTMLButtonElement>('[data-testid="emoji"]')!;
    cell.click();
    await waitFor(() => area.value === `I am ${cell.textContent}`, 'selection replaced');
  });
});
