/**
 * Argument checks of the public API, shared by the loader and the npm entry (no zod:
 * the loader has a 2.5 KB budget, hence the terse table). Returns the message of the
 * rejected Promise (`Messenger: <message>`), or null when the call is fine.
 * Attributes follow protocol's SetAttributesInput, through the zod-free constants of protocol/limits.ts.
 */
import { ATTRIBUTE_KEY_PATTERN, MAX_ATTRIBUTES_PER_CALL, MAX_ATTRIBUTE_VALUE_LENGTH, isReservedAttribute } from '../../protocol/limits.ts';
export const COMMANDS = ['boot', 'open', 'close', 'toggle', 'show', 'hide', 'identify', 'setAttributes', 'logout', 'consent', 'on'];
export const EVENTS = ['ready', 'open', 'close', 'message', 'unread'];

type Check = (x: any) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
const isObject: Check = (x) => x && typeof x === 'object' && !Array.isArray(x);
const isString: Check = (x) => typeof x === 'string';
const isJwt: Check = (x) => (isString(x) && x) || typeof x === 'function';
const optional = (check: Check): Check => (x) => x === undefined || check(x);
const oneOf = (...values: string[]): [Check, string] => [optional((x) => values.includes(x)), values.map((v) => `"${v}"`).join(' or ')];

/** Position of each named argument in the call. */
const ARGS: Record<string, number> = { options: 0, token: 0, attributes: 0, event: 0, handler: 1 };

/** [command, argument path (`options.theme.position`), check, what it must be]. */
const RULES: [string, string, Check, string][] = [
  ['boot', 'options', isObject, 'an object'],
  ['boot', 'options.websiteKey', (x) => isString(x) && x, 'a non-empty string'],
  ['boot', 'options.locale', optional(isString), 'a string'],
  ['boot', 'options.user', optional((x) => typeof x === 'function' || (isObject(x) && isJwt(x.jwt))), '{ jwt } or a function returning a JWT'],
  ['boot', 'options.theme', optional(isObject), 'an object'],
  ['boot', 'options.theme.primaryColor', optional((x) => /^#[0-9a-f]{6}$/i.test(x)), 'a #rrggbb colour'],
  ['boot', 'options.theme.position', ...oneOf('right', 'left')],
  ['boot', 'options.theme.colorScheme', ...oneOf('light', 'dark', 'auto')],
  ['boot', 'options.theme.launcherLabel', optional((x) => isString(x) && x.length <= 40), 'a string of 40 characters at most'],
  ['boot', 'options.deferUntilConsent', optional((x) => typeof x === 'boolean'), 'a boolean'],
  ['identify', 'token', isJwt, 'a JWT string or a function returning one'],
  ['setAttributes', 'attributes', (x) => isObject(x) && Object.keys(x).length <= MAX_ATTRIBUTES_PER_CALL, `an object of ${MAX_ATTRIBUTES_PER_CALL} attributes at most`],
  ['on', 'event', (x) => EVENTS.includes(x), `one of ${EVENTS.join(', ')}`],
  ['on', 'handler', (x) => typeof x === 'function', 'a function'],
];

export function badCall(name: unknown, args: unknown[]): string | null {
  if (!COMMANDS.includes(name as string)) return `unknown command "${String(name)}" (known: ${COMMANDS.join(', ')})`;
  for (const [command, path, check, expected] of RULES) {
    if (command !== name) continue;
    const [arg, ...keys] = path.split('.');
    const value = keys.reduce<any>((x, key) => x?.[key], args[ARGS[arg!]!]); // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!check(value)) return `${name}: ${path} must be ${expected}`;
  }
  if (name !== 'setAttributes') return null;
  for (const [key, value] of Object.entries(args[0] as object)) {
    if (!ATTRIBUTE_KEY_PATTERN.test(key)) return `setAttributes: invalid name "${key}" (a letter, then letters, digits, _ . -; 64 at most)`;
    // Refused now rather than later by the server, when the attributes may be held until a session exists.
    if (isReservedAttribute(key)) return `setAttributes: "${key}" comes only from the identity token (identify)`;
    if (!(value === null || typeof value === 'boolean' || Number.isFinite(value) || (isString(value) && value.length <= MAX_ATTRIBUTE_VALUE_LENGTH))) {
      return `setAttributes: "${key}" must be a string (1000 characters at most), a finite number, a boolean or null`;
    }
  }
  return null;
}
