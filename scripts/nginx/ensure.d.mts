/** Types of ensure.mjs (plain JavaScript, run by CI before anything is compiled). */
import type { EnsureSystem } from '../chromium/ensure.mjs';

type Found = { path: string; via: string } | { path: null; problem: string };
export declare function findNginx(system?: EnsureSystem): Found;
export declare function findOpenssl(system?: EnsureSystem): Found;
export declare function ensureNginx(system?: EnsureSystem): { ok: true; nginx: string; openssl: string } | { ok: false; message: string };
