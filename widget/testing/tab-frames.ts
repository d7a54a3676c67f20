import type { MessengerHandle, MountOptions } from '../app/index.ts';
/// <reference types="mocha" />
import { waitFor, type FakeServer, type FakeLink } from './fake-server.ts';

/**
 * "Browser tabs" for cross-tab tests: same-origin iframes, each running its own copy of
 * the widget (own module instances, own document) while sharing localStorage, Web Locks
 * and BroadcastChannel with the others, as tabs do. Removing the iframe closes the "tab":
 * its locks are released and, as a browser does for a closed page, its socket is closed.
 */
export interface TabFrame {
  frame: HTMLIFrameElement;
  win: Window & typeof globalThis;
  handle: MessengerHandle;
  /** The socket this tab opened while it led (the fake server's links). */
  links: FakeLink[];
  close(): void;
}

export interface TabSetup {
  /** Runs in the new tab before the widget loads (remove an API, spy on audio…). */
  before?: (win: Window & typeof globalThis) => void;
  options?: Partial<MountOptions>;
}

const APP_URL = new URL('/widget/app/index.ts', location.href).href;

export async function openTab(server: FakeServer, websiteKey: string, setup: TabSetup = {}): Promise<TabFrame> {
  const frame = document.createElement('iframe');
  document.body.append(frame);
  const win = frame.contentWindow as Window & typeof globalThis;
  setup.before?.(win);
  const links: FakeLink[] = [];
  const app = (await (win as unknown as { eval(code: string): Promise<unknown> }).eval(`import(${JSON.stringify(APP_URL)})`)) as typeof import('../app/index.ts');
  const handle = await app.mount({
    websiteKey,
    serverUrl: location.origin,
    locale: 'en',
    config: null,
    heartbeat: false,
    linkFactory: (auth) => {
      const link = server.factory(auth) as FakeLink;
      links.push(link);
      win.addEventListener('pagehide', () => link.close());
      return link;
    },
    ...setup.options,
  });
  await handle.element.updateComplete;
  return { frame, win, handle, links, close: () => frame.remove() };
}

/** Texts of the messages a tab shows, with their status (`sent:hello`, `sending:hi`). */
export const shownRows = (tab: TabFrame): string[] =>
  [...tab.handle.element.shadowRoot!.querySelectorAll<HTMLElement>('[data-testid="message"]')].map(
    (r) => `${r.dataset.status}:${r.querySelector('[data-testid="message-text"]')?.textContent ?? ''}`,
  );

export const connectedLinks = (server: FakeServer): FakeLink[] => server.links.filter((l) => l.connected);

let keys = 0;
/** A website key no earlier test used: tabs of one key share a lock, a channel and storage. */
export const freshKey = (prefix: string): string => `${prefix}-${Date.now()}-${keys++}`;

/** Each "tab" loads its own copy of the widget's modules: slow on a busy machine, hence the long waits. */
export const untilInTabs = <T>(check: () => T | null | undefined | false, what: string) => waitFor(check, what, 15_000);

/** Opens tabs for one test and closes them (and clears the shared storage) after it. */
export function useTabs(): (server: FakeServer, key: string, setup?: TabSetup) => Promise<TabFrame> {
  const tabs: TabFrame[] = [];
  afterEach(() => {
    tabs.splice(0).forEach((t) => t.close());
    localStorage.clear();
  });
  return async (server, key, setup) => {
    const tab = await openTab(server, key, setup);
    tabs.push(tab);
    return tab;
  };
}
