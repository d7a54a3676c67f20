/** Types of locate.mjs (plain JavaScript so that web-test-runner.config.mjs can load it). */
export interface LocateSystem {
  env: Record<string, string | undefined>;
  isExecutable(path: string): boolean;
}
export type Found = { path: string; via: 'CHROME_PATH' | 'default path' | 'PATH' } | { path: null; problem: string };

export declare const DEFAULT_CHROMIUM: string;
export declare const CHROMIUM_ARGS: string[];
export declare const hostSystem: LocateSystem;
export declare function findChromium(system?: LocateSystem): Found;
export declare function installAdvice(problem: string): string;
export declare function chromiumPath(system?: LocateSystem): string;
