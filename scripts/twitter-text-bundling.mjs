// twitter-text in the desktop's bundle (issue 19, the reply-length ring). The package ships CommonJS (its
// "ESM" build still imports core-js, @babel/runtime and punycode as CommonJS), and the build has no
// CommonJS plugin, so `import twitter from 'twitter-text'` from browser code is served by esbuild's own
// bundle of `parseTweet` alone (with the twemoji-parser 14 override), as an ES module whose default
// export is `{ parseTweet }`: the same shape as the package's default under Node. Used by
// rollup.config.mjs and web-test-runner.config.mjs; the server imports the package itself.
import { build } from 'esbuild';

const VIRTUAL = '\0twitter-text';
const SERVED = '/__parley/twitter-text.js';
let bundled;

export function twitterTextEsm() {
  bundled ??= build({
    stdin: { contents: "import parseTweet from 'twitter-text/dist/parseTweet.js';\nexport default { parseTweet };\n", resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'warning',
  }).then((result) => result.outputFiles[0].text);
  return bundled;
}

export function twitterTextRollupPlugin() {
  return {
    name: 'twitter-text-esm',
    resolveId: (id) => (id === 'twitter-text' ? VIRTUAL : null),
    load: (id) => (id === VIRTUAL ? twitterTextEsm() : null),
  };
}

export function twitterTextTestRunnerPlugin() {
  return {
    name: 'twitter-text-esm',
    resolveImport: ({ source }) => (source === 'twitter-text' ? SERVED : undefined),
    async serve(context) {
      if (context.path === SERVED) return { body: await twitterTextEsm(), type: 'js' };
    },
  };
}
