/**
 * The loader ↔ app handshake, as types only (the two bundles never import each
 * other's code). The loader imports `app.js` (resolved against its own src) and
 * calls `mount(options)`; it then removes its placeholder launcher and forwards
 * every queued and later `Messenger(name, ...args)` call to `handle.command`.
 */
import type { WidgetConfig } from '../protocol/rest.ts';

export interface AppMountOptions {
  websiteKey: string;
  /** Server origin; defaults to the loader script's origin. */
  serverUrl: string;
  locale?: string | null;
  /** GET /api/v1/widget/config answer, or null when it could not be fetched (server down). */
  config?: WidgetConfig | null;
}

export interface AppHandle {
  command(name: string, args?: unknown[]): Promise<unknown>;
}

export interface AppModule {
  mount(options: AppMountOptions): Promise<AppHandle>;
}
