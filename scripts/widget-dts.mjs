// The npm entry's type declarations (dist/widget/esm/index.d.ts): the public API types of
// widget/api/types.ts (pure types, no imports: valid as a .d.ts as they are) plus
// createMessenger, whose implementation in widget/esm.ts is typed against the same types.
import { readFileSync } from 'node:fs';

export function widgetDts() {
  const types = readFileSync(new URL('../widget/api/types.ts', import.meta.url), 'utf8');
  return `${types}
/** Creates the messenger and boots it (\`serverUrl\` + every boot option). Throws \`Messenger: …\` on bad options. */
export declare function createMessenger(options: CreateMessengerOptions): Messenger;
`;
}
