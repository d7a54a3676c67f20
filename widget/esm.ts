/**
 * The npm entry (`import { createMessenger } from 'parley/widget'`), built to
 * dist/widget/esm/index.js with its types. Same command API as the script tag's
 * `window.Messenger`; the app (Lit, socket) stays a lazy chunk loaded on first use.
 */
import type { CreateMessengerOptions, Messenger } from './api/types.ts';
import { badCall } from './api/validate.ts';
import { createFacade } from './loader/facade.ts';

export type * from './api/types.ts';

/**
 * Creates the messenger and boots it with `options` (everything `boot` takes, plus `serverUrl`).
 * Throws `Messenger: …` at once on bad options. Call it once per page (a second call shares the widget).
 */
export function createMessenger(options: CreateMessengerOptions): Messenger {
  const { serverUrl, ...boot } = options ?? {};
  let origin: string;
  try {
    origin = new URL(serverUrl).origin;
  } catch {
    throw new Error('Messenger: serverUrl must be an absolute URL');
  }
  const error = badCall('boot', [boot]);
  if (error) throw new Error('Messenger: ' + error);
  const messenger = createFacade({ origin, importApp: () => import('./app/index.ts'), check: badCall });
  messenger('boot', boot).catch((e: unknown) => console.warn(e));
  return messenger;
}
