import type { Messenger } from '../api/types.ts';
import type { AppModule } from '../handshake.ts';
import { createFacade } from './facade.ts';

export type MessengerApi = Messenger & { q?: ArrayLike<unknown>[] };
type Host = Window & { Messenger?: MessengerApi; __parleyLoader?: boolean };
type Validator = { badCall(name: unknown, args: unknown[]): string | null };

/**
 * The script-tag entry: installs `window.Messenger` (the facade), replays the calls
 * the snippet stub queued in `Messenger.q`, and boots at once when the script has
 * `data-website-key`. A second injection of the snippet is a no-op. The argument
 * checker (validate.js, ~1 KB) and the app (app.js) are imported next to the loader's src.
 */
export function install(w: Host, script: HTMLScriptElement | null, importModule = (url: string) => import(url) as Promise<unknown>): void {
  if (w.__parleyLoader) return;
  w.__parleyLoader = true;
  const src = script?.src || w.location.href;
  const pending = w.Messenger?.q ?? [];
  let validator: Promise<Validator> | undefined;
  const messenger = createFacade({
    origin: new URL(src).origin,
    websiteKey: script?.dataset.websiteKey,
    locale: script?.dataset.locale,
    importApp: () => importModule(new URL('app.js', src).href) as Promise<AppModule>,
    check: (name, args) =>
      (validator ??= (importModule(new URL('validate.js', src).href) as Promise<Validator>).catch((e: unknown) => {
        validator = undefined; // network hiccup: the next call tries again
        throw e;
      })).then((v) => v.badCall(name, args)),
  });
  w.Messenger = messenger;
  // Calls made through the snippet stub before we loaded, replayed in order.
  for (const call of Array.from(pending)) (messenger as (...a: unknown[]) => PromiseLike<unknown>)(...Array.from(call)).then(undefined, (e: unknown) => console.warn(e));
}
