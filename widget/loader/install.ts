import type { WidgetConfig } from '../../protocol/rest.ts';
import type { AppHandle, AppModule } from '../handshake.ts';
import { drawLauncher } from './launcher.ts';

type Resolve = (value: unknown) => void;
type Command = [name: string, args: unknown[], resolve: Resolve, reject: Resolve];
export type MessengerApi = ((name: string, ...args: unknown[]) => Promise<unknown>) & { q?: ArrayLike<unknown>[] };
type Host = Window & { Messenger?: MessengerApi; __parleyLoader?: boolean };

const fail = (message: string) => new Error('Messenger: ' + message);

/**
 * The host-page facade: `window.Messenger` command queue, a placeholder launcher,
 * and the lazy import of the app (first click, `open`, or idle when a session is stored).
 */
export function install(w: Host, script: HTMLScriptElement | null, importApp = (url: string) => import(url) as Promise<AppModule>): void {
  if (w.__parleyLoader) return; // double injection is harmless
  w.__parleyLoader = true;
  const src = script?.src || w.location.href;
  const origin = new URL(src).origin;
  let key = script?.dataset.websiteKey;
  let locale = script?.dataset.locale;
  let config: WidgetConfig | null = null;
  let handle: AppHandle | undefined;
  let dead = false;
  let booting: Promise<void> | undefined;
  let loading: Promise<void> | undefined;
  let removeLauncher = (): void => {};
  const queue: Command[] = [];
  const stored = (name: string): string | null => {
    try {
      return w.localStorage.getItem(`parley:${key}:${name}`);
    } catch {
      return null; // storage blocked: no stored session to resume
    }
  };

  const boot = (): Promise<void> =>
    (booting ??= (async () => {
      const res = await fetch(`${origin}/api/v1/widget/config?websiteKey=${encodeURIComponent(key!)}`).catch(() => null);
      if (res?.status === 404) {
        dead = true;
        console.error(`[parley] Unknown website key "${key}": the messenger is disabled. Check data-website-key on the loader script.`);
        queue.splice(0).forEach((c) => c[3](fail('unknown website key')));
        throw fail('unknown website key');
      }
      config = res?.ok ? await res.json().catch(() => null) : null;
      if (!document.body) await new Promise((r) => document.addEventListener('DOMContentLoaded', r, { once: true }));
      if (!handle) removeLauncher = drawLauncher(locale, config?.theme.primaryColor, () => run('open', [], noop, noop));
      if (stored('open') === 'true' || queue.length) load();
      else if (stored('token') || stored('outbox')) (w.requestIdleCallback ?? setTimeout)(() => load());
    })());

  const load = (): Promise<void> =>
    (loading ??= boot()
      .then(() => importApp(new URL('app.js', src).href))
      .then((app) => app.mount({ websiteKey: key!, serverUrl: origin, locale: locale ?? null, config }))
      .then((h) => {
        handle = h;
        removeLauncher();
        queue.splice(0).forEach(([name, args, resolve, reject]) => h.command(name, args).then(resolve, reject));
      })
      .catch((error: unknown) => {
        loading = undefined; // let a later click retry
        queue.splice(0).forEach((c) => c[3](error));
      }));

  function run(name: string, args: unknown[], resolve: Resolve, reject: Resolve): void {
    if (handle) return void handle.command(name, args).then(resolve, reject);
    if (dead) return reject(fail('unknown website key'));
    if (name === 'boot') {
      const options = args[0] as { websiteKey?: unknown; locale?: string } | undefined;
      if (typeof options?.websiteKey !== 'string') return reject(fail('boot needs { websiteKey }'));
      key ??= options.websiteKey;
      locale ??= options.locale;
      return void boot().then(resolve, reject);
    }
    if (name === 'close') return resolve(undefined); // nothing is open before the app loads
    if (name !== 'open' && name !== 'toggle') return reject(fail(`unknown command "${name}"`));
    queue.push([name, args, resolve, reject]);
    if (key) void load();
  }

  const pending = w.Messenger?.q ?? [];
  w.Messenger = (name, ...args) => new Promise((resolve, reject) => run(name, args, resolve, reject));
  // Calls made through the snippet stub before we loaded, replayed in order.
  for (const call of Array.from(pending)) w.Messenger(...(Array.from(call) as [string])).catch((e: unknown) => console.warn(e));
  if (key) void boot().catch(noop);
}

function noop(): void {}
