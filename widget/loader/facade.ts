import type { WidgetConfig } from '../../protocol/rest.ts';
import type { Attributes, BootOptions, Messenger, Theme } from '../api/types.ts';
import type { AppHandle, AppModule } from '../handshake.ts';
import { drawLauncher } from './launcher.ts';

type Settle = (value?: unknown) => void;
type Command = [name: string, args: unknown[], resolve: Settle, reject: Settle];
type Handler = (payload: unknown) => void;

export interface FacadeOptions {
  /** Server origin (the loader's own origin, or `serverUrl` of the npm entry). */
  origin: string;
  websiteKey?: string | undefined;
  locale?: string | undefined;
  importApp: () => Promise<AppModule>;
  /** api/validate.ts `badCall` (the loader imports it on the first call: it is not worth its bytes up front). */
  check: (name: unknown, args: unknown[]) => Promise<string | null> | string | null;
}

const fail = (message: string) => new Error('Messenger: ' + message);

/**
 * The command API before and after the app is loaded (script tag and npm entry alike):
 * cheap commands are answered here (show/hide, consent, attributes held, `on`), the others
 * are queued, the app is imported (first click, `open`, `identify`, or idle when a session
 * is stored) and the queue replayed in order. Every call validates its arguments first
 * (in call order: each waits on the same checker).
 */
export function createFacade(o: FacadeOptions): Messenger {
  let key = o.websiteKey;
  let locale = o.locale;
  let config: WidgetConfig | null = null;
  let theme: Theme = {};
  let handle: AppHandle | undefined;
  let dead = false;
  let hidden = false;
  let deferred = false;
  let attributes: Attributes = {};
  let booting: Promise<void> | undefined;
  let loading: Promise<void> | undefined;
  let launcher: HTMLElement | undefined;
  const queue: Command[] = [];
  const listeners: Record<string, Set<Handler>> = {};
  let readyPayload: unknown;
  /** The latest call's argument check: boot waits for the calls made before it (deferUntilConsent…). */
  let checks: Promise<unknown> = Promise.resolve();

  const emit = (event: string, payload?: unknown): void => {
    if (event === 'ready') readyPayload = payload;
    listeners[event]?.forEach((fn) => {
      try {
        fn(payload);
      } catch (error) {
        console.error(error); // a site's handler must not break the widget
      }
    });
  };

  const stored = (name: string): string | null => {
    try {
      return deferred ? null : localStorage.getItem(`parley:${key}:${name}`);
    } catch {
      return null; // storage blocked: no stored session to resume
    }
  };

  const draw = (): void => {
    launcher?.remove();
    launcher = handle || dead ? undefined : drawLauncher(locale, { ...config?.theme, ...theme }, () => run('open', [], noop, noop));
    if (launcher) launcher.hidden = hidden;
  };

  const boot = (): Promise<void> =>
    (booting ??= (async () => {
      const res = await fetch(`${o.origin}/api/v1/widget/config?websiteKey=${encodeURIComponent(key!)}`).catch(() => null);
      if (res?.status === 404) {
        dead = true;
        console.error(`[parley] Unknown website key "${key}": the messenger is disabled. Check data-website-key on the loader script.`);
        queue.splice(0).forEach((c) => c[3](fail('unknown website key')));
        throw fail('unknown website key');
      }
      config = res?.ok ? await res.json().catch(() => null) : null;
      await checks;
      if (!document.body) await new Promise((r) => document.addEventListener('DOMContentLoaded', r, { once: true }));
      draw();
      emit('ready', { websiteKey: key });
      if (stored('open') === 'true' || queue.length) void load();
      else if (stored('token') || stored('outbox')) (window.requestIdleCallback ?? setTimeout)(() => void load());
    })());

  const load = (): Promise<void> =>
    (loading ??= boot()
      .then(o.importApp)
      .then((app) => app.mount({ websiteKey: key!, serverUrl: o.origin, locale: locale ?? null, config, theme, hidden, deferStorage: deferred, emit }))
      .then((h) => {
        handle = h;
        draw();
        queue.splice(0).forEach(([name, args, resolve, reject]) => h.command(name, args).then(resolve, reject));
        if (Object.keys(attributes).length) void h.command('setAttributes', [attributes]).catch(noop);
      })
      .catch((error: unknown) => {
        loading = undefined; // let a later click retry
        queue.splice(0).forEach((c) => c[3](error));
      }));

  const later = (name: string, args: unknown[], resolve: Settle, reject: Settle): void => {
    queue.push([name, args, resolve, reject]);
    if (key) void load();
  };

  function run(name: string, args: unknown[], resolve: Settle, reject: Settle): void {
    if (dead) return reject(fail('unknown website key'));
    if (name === 'show' || name === 'hide') {
      hidden = name === 'hide';
      if (launcher) launcher.hidden = hidden;
    }
    if (name === 'boot') {
      const options = args[0] as BootOptions;
      if (key && options.websiteKey !== key) return reject(fail(`already booted with websiteKey "${key}"`));
      key = options.websiteKey;
      locale ??= options.locale;
      theme = { ...theme, ...options.theme };
      deferred ||= !!options.deferUntilConsent && !handle;
      if (options.user) run('identify', [typeof options.user === 'function' ? options.user : options.user.jwt], noop, (e) => console.warn(e));
      if (handle) return void handle.command(name, args).then(resolve, reject);
      if (booting) draw(); // a theme given after the placeholder was drawn
      return void boot().then(resolve, reject);
    }
    if (handle) return void handle.command(name, args).then(resolve, reject);
    if (name === 'consent') deferred = false;
    if (name === 'setAttributes') Object.assign(attributes, args[0]);
    if (name === 'logout') attributes = {};
    // While the app loads, close and logout keep their place after the queued commands.
    if ((loading && (name === 'close' || name === 'logout')) || (name === 'logout' && stored('token'))) return later(name, args, resolve, reject);
    if (name === 'open' || name === 'toggle' || name === 'identify') return later(name, args, resolve, reject);
    resolve(); // close, show, hide, consent, setAttributes (held), logout (nothing stored)
  }

  // Internal boot from the script's data-website-key: no checks needed.
  if (key) void boot().catch(noop);

  return ((name: string, ...args: unknown[]) => {
    const checked = Promise.resolve(args).then((a) => o.check(name, a)).then((error) => {
      if (error) throw fail(error);
    });
    checks = checked.catch(noop);
    if (name !== 'on') return checked.then(() => new Promise((resolve, reject) => run(name, args, resolve, reject)));
    // `on` answers at once with its unsubscribe function (a thenable, like every command).
    const [event, handler] = args as [string, Handler];
    let live = true;
    const added = checked.then(() => {
      if (!live) return;
      (listeners[event] ??= new Set()).add(handler);
      if (event === 'ready' && readyPayload) handler(readyPayload); // replayed to late subscribers
    });
    return Object.assign(
      () => {
        live = false;
        listeners[event]?.delete(handler);
      },
      { then: added.then.bind(added) },
    );
  }) as Messenger;
}

function noop(): void {}
