import type { WidgetConfig } from '../../protocol/rest.ts';
import type { Theme } from '../api/types.ts';
import { createTranslate, loadCatalogue, resolveLocale } from '../i18n/index.ts';
import { httpAttachments, type AttachmentIo } from '../transport/attachments.ts';
import { createMessengerClient, type MessengerClient } from '../transport/messenger-client.ts';
import { socketIoLinkFactory } from '../transport/socket-io-link.ts';
import { createStore, type KeyValueStore } from '../transport/storage.ts';
import { crossTab } from '../transport/tabs/cross-tab-link.ts';
import type { LinkFactory } from '../transport/visitor-socket.ts';
import { connectApi, type Emit } from './api/commands.ts';
import { applyTheme } from './api/theme.ts';
import { ELEMENT_NAME, MessengerElement } from './messenger-element.ts';
import { syncTabs } from './tab-sync.ts';

/**
 * Entry of dist/widget/app.js. The handshake with the loader (they never import
 * each other): the loader does `const app = await import(new URL('app.js', loaderSrc))`,
 * then `const handle = await app.mount(options)`, removes its own launcher, and
 * forwards every queued and later `Messenger(...)` call to `handle.command(name, args)`.
 */
export interface MountOptions {
  websiteKey: string;
  /** Origin of the server (the loader's script origin by default). */
  serverUrl: string;
  locale?: string | null;
  /** The answer of GET /api/v1/widget/config, when the loader got it. */
  config?: WidgetConfig | null;
  /** `boot({ theme })`: overrides the website's settings. */
  theme?: Theme;
  /** `Messenger('hide')` came before the app. */
  hidden?: boolean;
  /** `deferUntilConsent` and no consent yet: memory only until `consent`. */
  deferStorage?: boolean;
  /** API events (`open`, `close`, `message`, `unread`) for the loader's `on` listeners. */
  emit?: Emit;
  /** Test seams: a fake socket and a chosen storage. */
  linkFactory?: LinkFactory;
  store?: KeyValueStore;
  heartbeat?: false;
  /** false mutes the new-message sound. */
  sound?: boolean;
  /** Test seam: fake image upload/download instead of HTTP. */
  attachments?: AttachmentIo;
}

export interface MessengerHandle {
  element: MessengerElement;
  client: MessengerClient;
  /** Runs one API command; unknown commands reject with a clear message. */
  command(name: string, args?: unknown[]): Promise<unknown>;
  destroy(): void;
}

let mounted: Promise<MessengerHandle> | null = null;

/** Idempotent: a second call (double injection, two loaders) returns the same widget. */
export function mount(options: MountOptions): Promise<MessengerHandle> {
  mounted ??= create(options).catch((error: unknown) => {
    mounted = null;
    throw error;
  });
  return mounted;
}

async function create(options: MountOptions): Promise<MessengerHandle> {
  const locale = resolveLocale(options.locale, options.config?.locale ?? 'en');
  const t = createTranslate(await loadCatalogue(locale));
  const store = options.store ?? createStore(options.websiteKey, undefined, options.deferStorage);
  // One socket per browser; without shared storage (blocked, or consent awaited) tabs are different visitors: each keeps its own.
  const tabs = crossTab(options.websiteKey, options.linkFactory ?? socketIoLinkFactory(options.serverUrl), () => store.persistent);
  const client = createMessengerClient({
    websiteKey: options.websiteKey,
    locale,
    store,
    linkFactory: tabs.factory,
    ...(options.heartbeat === false ? { heartbeat: false as const } : {}),
  });
  const element = document.createElement(ELEMENT_NAME);
  element.client = client;
  element.store = store;
  element.t = t;
  element.attachments = options.attachments ?? httpAttachments(options.serverUrl, options.websiteKey, () => client.token);
  element.siteName = options.config?.name ?? '';
  element.lang = locale;
  applyTheme(element, { ...options.config?.theme, ...options.theme });
  element.hidden = !!options.hidden;
  document.body.append(element);
  const unsyncTabs = syncTabs(element, tabs.leading, options.sound !== false);
  client.start();

  const api = connectApi({ element, client, store, emit: options.emit ?? (() => undefined) });
  const handle: MessengerHandle = {
    element,
    client,
    command: (name, args = []) => api.command(name, args),
    destroy() {
      api.stop();
      unsyncTabs();
      client.stop();
      element.remove();
      mounted = null;
    },
  };
  return handle;
}

export { MessengerElement, createMessengerClient, createStore };
export type { MessengerClient };
