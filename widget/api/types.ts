/**
 * The public API of the widget, as types (no runtime code, no imports): the same for
 * `window.Messenger` (script tag) and `createMessenger()` (npm import). The build emits
 * these as the package's .d.ts; the implementation is typed against them.
 */

/** A signed identity JWT, or a function returning (a Promise of) a fresh one; it is called again when one expires. */
export type IdentityToken = string | (() => string | Promise<string>);

/** Custom data shown to agents. Keys: a letter then letters, digits, `_ . -` (64 max); at most 50 keys. */
export type Attributes = Record<string, string | number | boolean | null>;

export interface Theme {
  /** `#rrggbb`; overrides the website's colour. */
  primaryColor?: string;
  position?: 'right' | 'left';
  /** A visible label next to the launcher icon (also its accessible name). */
  launcherLabel?: string;
  /** `auto` follows the visitor's `prefers-color-scheme`. Default `light`. */
  colorScheme?: 'light' | 'dark' | 'auto';
}

export interface BootOptions {
  websiteKey: string;
  /** `en` or `fr`; default: `<html lang>`, then the browser's language. */
  locale?: string;
  /** Identify the visitor at once (same as `Messenger('identify', …)`). */
  user?: { jwt: IdentityToken } | (() => string | Promise<string>);
  theme?: Theme;
  /** Keep everything in memory (nothing in localStorage) until `Messenger('consent')`. */
  deferUntilConsent?: boolean;
}

/** A new message from the agent side, as plain JSON. */
export interface MessengerMessage {
  id: string;
  conversationId: string;
  seq: number;
  kind: 'text' | 'image' | 'structured';
  text: string;
  author: { kind: 'agent' | 'bot'; name: string | null };
  createdAt: string;
}

export interface MessengerEvents {
  /** The widget is on the page and every command works (replayed to late subscribers). */
  ready: { websiteKey: string };
  open: undefined;
  close: undefined;
  message: MessengerMessage;
  /** Unread messages (0 once the visitor has seen them). */
  unread: number;
}
export type MessengerEventName = keyof MessengerEvents;

/** Unsubscribes; it is also a thenable, like every command, that rejects on bad arguments. */
export type Unsubscribe = (() => void) & PromiseLike<void>;

export interface Messenger {
  (command: 'boot', options: BootOptions): Promise<void>;
  (command: 'open' | 'close' | 'toggle' | 'show' | 'hide' | 'logout' | 'consent'): Promise<void>;
  (command: 'identify', token: IdentityToken): Promise<void>;
  (command: 'setAttributes', attributes: Attributes): Promise<void>;
  <E extends MessengerEventName>(command: 'on', event: E, handler: (payload: MessengerEvents[E]) => void): Unsubscribe;
}

export interface CreateMessengerOptions extends BootOptions {
  /** Origin of the Parley server, e.g. `https://chat.example.com`. */
  serverUrl: string;
}
