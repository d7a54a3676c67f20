import type { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Writes one line (adds the newline when missing). */
export const say = (stream: Writable, text: string): boolean => stream.write(text.endsWith('\n') ? text : `${text}\n`);

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The operator commands' arguments (admin:create, secrets:reencrypt, attachments:migrate): `--help` is
 * always known; a wrong argument prints why and the usage on stderr and answers `null` (exit code 2).
 */
export function parseCommandArgs<O extends Options>(io: { argv: string[]; stderr: Writable }, options: O, usage: string) {
  try {
    return parseArgs({ args: io.argv, options: { ...options, help: { type: 'boolean' } }, strict: true }).values;
  } catch (err) {
    say(io.stderr, `${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
    return null;
  }
}
