import type { Readable, Writable } from 'node:stream';

/** Standard input: a terminal (raw mode switches echo off) or a pipe. */
export type PasswordInput = Readable & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };

/**
 * A password typed on a terminal (nothing echoed, asked twice) or piped on standard input (its first line).
 * Only the prompts go to `prompts`; the password never leaves this function but as its result.
 */
export async function readPassword(input: PasswordInput, prompts: Writable): Promise<string> {
  if (!input.isTTY || !input.setRawMode) return firstLine(input);
  const password = await readHidden(input, prompts, 'Password: ');
  if ((await readHidden(input, prompts, 'Repeat it: ')) !== password) throw new Error('The two passwords differ.');
  return password;
}

async function firstLine(input: Readable): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new Error('No password on standard input.');
  return line;
}

function readHidden(input: PasswordInput, prompts: Writable, prompt: string): Promise<string> {
  prompts.write(prompt);
  input.setRawMode!(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode!(false);
      input.pause();
      prompts.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(), resolve(typed);
        if (ch === '\u0003') return finish(), reject(new Error('Cancelled.'));
        // Backspace removes the last character (a whole emoji, not half of it).
        typed = ch === '\u007f' || ch === '\b' ? [...typed].slice(0, -1).join('') : typed + ch;
      }
    };
    input.on('data', onData);
  });
}
