// Three bundles: the widget loader (tiny IIFE facade), the widget app (ESM +
// chunks, loaded on demand by the loader) and the agent desktop (ESM).
import { copyFileSync, mkdirSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const production = process.env.NODE_ENV !== 'development';

/**
 * engine.io-client (under socket.io-client) maps its `*.node.js` transports to browser
 * files through package.json "browser", which node-resolve ignores for packages with
 * "exports": without this the bundles would ship the Node `ws`/XHR transports.
 */
const engineIoBrowser = () => ({
  name: 'engine-io-browser',
  resolveId(source, importer) {
    if (!importer?.includes('/engine.io-client/') || !source.endsWith('.node.js')) return null;
    return this.resolve(source.replace(/\.node\.js$/, '.js'), importer, { skipSelf: true });
  },
});

const plugins = () => [
  engineIoBrowser(),
  nodeResolve({ browser: true, extensions: ['.ts', '.tsx', '.js', '.mjs'], exportConditions: ['browser', 'module', 'import', 'default'] }),
  esbuild({ target: 'es2020', jsx: 'automatic', jsxImportSource: 'preact', minify: false, tsconfig: 'tsconfig.json' }),
  production && terser({ ecma: 2020, module: true, compress: { passes: 2 }, format: { comments: false } }),
];

/** Copies static files next to a bundle (the desktop's index.html). */
const copy = (pairs) => ({
  name: 'copy-static',
  writeBundle() {
    for (const [from, to] of pairs) {
      mkdirSync(to.slice(0, to.lastIndexOf('/')), { recursive: true });
      copyFileSync(from, to);
    }
  },
});

export default [
  {
    input: 'widget/loader.ts',
    output: { file: 'dist/widget/loader.js', format: 'iife', sourcemap: false },
    plugins: plugins(),
  },
  {
    input: { app: 'widget/app/index.ts' },
    output: { dir: 'dist/widget', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
    plugins: plugins(),
  },
  {
    input: { main: 'desktop/main.tsx' },
    output: { dir: 'dist/desktop', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
    plugins: [...plugins(), copy([['desktop/index.html', 'dist/desktop/index.html'], ['desktop/desktop.css', 'dist/desktop/desktop.css']])],
  },
];
