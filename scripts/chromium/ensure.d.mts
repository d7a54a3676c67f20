/** Types of ensure.mjs (plain JavaScript, run by `npm test` before anything is compiled). */
import type { LocateSystem } from './locate.mjs';

export interface EnsureSystem extends LocateSystem {
  isRoot: boolean;
  isFile(path: string): boolean;
  run(command: string, args: string[], extraEnv?: Record<string, string>): number;
  log(line: string): void;
}
export declare const hostSystem: EnsureSystem;
export declare function ensureChromium(system?: EnsureSystem): { ok: true; path: string } | { ok: false; message: string };
