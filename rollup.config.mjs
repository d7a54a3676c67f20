// Three bundles: the widget loader (tiny IIFE facade), the widget app (ESM +
// chunks, loaded on demand by the loader) and the agent desktop (ESM).
import { copyFileSync, mkdirSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import { socketIoClientRollupPlugins } from './scripts/socket-io-client-bundling.mjs';
import { twitterTextRollupPlugin } from './scripts/twitter-text-bundling.mjs';
import { widgetDts } from './scripts/widget-dts.mjs';

const production = process.env.NODE_ENV !== 'development';

/**
 * Lit's css`…` blocks are template literals, which terser keeps verbatim: drop comments and
 * collapse whitespace in them (the widget's styles are ~2.5 KB gzip). Interpolations are kept.
 */
const minifyCss = () => ({
  name: 'minify-css-literals',
  transform(code, id) {
    if (!id.includes('/widget/') || !code.includes('css`')) return null;
    const out = code.replace(/\bcss`([^`]*)`/g, (_, body) =>
      'css`' + body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ').replace(/\s*([{};,>])\s*/g, '$1').replace(/: /g, ':').replace(/ !important/g, '!important').replace(/;}/g, '}').trim() + '`');
    return { code: out, map: null };
  },
});

/** Emits the npm entry's index.d.ts next to it (scripts/widget-dts.mjs). */
const emitTypes = () => ({
  name: 'widget-types',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'index.d.ts', source: widgetDts() });
  },
});

/** `jsonOnlyParser` for the widget's bundles (socket-io-client-bundling.mjs has the socket.io-client plugins). */
const plugins = ({ jsonOnlyParser = false } = {}) => [
  ...socketIoClientRollupPlugins({ jsonOnlyParser }),
  twitterTextRollupPlugin(),
  minifyCss(),
  nodeResolve({ browser: true, extensions: ['.ts', '.tsx', '.js', '.mjs'], exportConditions: ['browser', 'module', 'import', 'default'] }),
  esbuild({ target: 'es2020', jsx: 'automatic', jsxImportSource: 'preact', minify: false, tsconfig: 'tsconfig.json' }),
  production && terser({ ecma: 2020, module: true, compress: { passes: 3 }, format: { comments: false } }),
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
    // The API's argument checks, imported by the loader on the first Messenger(...) call.
    input: 'widget/api/validate.ts',
    output: { file: 'dist/widget/validate.js', format: 'es', sourcemap: false },
    plugins: plugins(),
  },
  {
    input: { app: 'widget/app/index.ts' },
    output: { dir: 'dist/widget', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
    plugins: plugins({ jsonOnlyParser: true }),
  },
  {
    // The npm entry (package.json "exports" ./widget): the same facade, the app as a lazy chunk.
    input: { index: 'widget/esm.ts' },
    output: { dir: 'dist/widget/esm', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
    plugins: [...plugins({ jsonOnlyParser: true }), emitTypes()],
  },
  {
    input: { main: 'desktop/main.tsx' },
    output: { dir: 'dist/desktop', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
    plugins: [...plugins(), copy([['desktop/index.html', 'dist/desktop/index.html'], ['desktop/desktop.css', 'dist/desktop/desktop.css']])],
  },
];
