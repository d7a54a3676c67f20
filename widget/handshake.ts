/**
 * The loader ↔ app handshake, as types only (the two bundles never import each
 * other's code). The loader imports `app.js` (resolved against its own src) and
 * calls `mount(options)`; it then removes its placeholder launcher and forwards
 * every queued and later `Messenger(name, ...args)` call (arguments already checked) to
 * `handle.command`; `on` listeners stay in the loader, which gets the app's events by `emit`.
 */
import type { WidgetConfig } from '../protocol/rest.ts';
import type { Theme } from './api/types.ts';

export interface AppMountOptions {
  websiteKey: string;
  /** Server origin; defaults to the loader script's origin. */
  serverUrl: string;
  locale?: string | null;
  /** GET /api/v1/widget/config answer, or null when it could not be fetched (server down). */
  config?: WidgetConfig | null;
  /** `boot({ theme })`, overriding the website's settings. */
  theme?: Theme;
  /** `Messenger('hide')` was called before the app loaded. */
  hidden?: boolean;
  /** `boot({ deferUntilConsent: true })` and no `consent` yet: keep everything in memory. */
  deferStorage?: boolean;
  /** Where the app reports API events (`open`, `close`, `message`, `unread`); the loader fans them out. */
  emit?: (event: string, payload?: unknown) => void;
}

export interface AppHandle {
  command(name: string, args?: unknown[]): Promise<unknown>;
}

export interface AppModule {
  mount(options: AppMountOptions): Promise<AppHandle>;
}
