/** Types of socket-io-client-bundling.mjs (plain JavaScript so that the Rollup and test-runner configs can load it). */
export interface PinnedPackage {
  name: string;
  version: string;
  /** The packages that load it, outermost first. */
  loadedBy: string[];
}

export declare const WRITTEN_AGAINST: PinnedPackage[];
export declare function installedVersion(pkg: PinnedPackage): string;
export declare function assertSocketIoClientVersions(read?: (pkg: PinnedPackage) => string): void;
export declare function engineIoBrowserTwin(source: string, importerPath: string | undefined): string | null;
export declare function socketIoClientRollupPlugins(options?: { jsonOnlyParser?: boolean }): object[];
export declare function socketIoClientTestRunnerPlugin(): object;
