// Widget weight budget (issue 6): builds, then measures gzip (level 9) of the loader
// and of the app entry plus every chunk it imports statically (dynamic imports, such
// as locale catalogues, are loaded on demand and excluded). Exits 1 when over budget.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const widgetDir = join(root, 'dist/widget');
const LOADER_LIMIT = 2_500;
const APP_LIMIT = 32_768;

execSync('npx rollup -c --silent', { cwd: root, stdio: 'inherit' });

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/** Static imports only: `import … from './x.js'`, `import './x.js'`, `export … from './x.js'`; not `import('./x.js')`. */
const STATIC_IMPORT = /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g;

function staticGraph(entry, seen = new Set()) {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const code = readFileSync(entry, 'utf8');
  for (const match of code.matchAll(STATIC_IMPORT)) staticGraph(resolve(dirname(entry), match[1]), seen);
  return seen;
}

const appFiles = [...staticGraph(join(widgetDir, 'app.js'))];
const rows = [
  { name: 'loader.js', bytes: gz(join(widgetDir, 'loader.js')), limit: LOADER_LIMIT },
  { name: `app.js + ${appFiles.length - 1} static chunk(s)`, bytes: appFiles.reduce((sum, f) => sum + gz(f), 0), limit: APP_LIMIT },
];

console.log('\nWidget size (gzip -9)');
for (const { name, bytes, limit } of rows) {
  const flag = bytes > limit ? 'OVER' : 'ok';
  console.log(`  ${name.padEnd(34)} ${String(bytes).padStart(7)} B / ${String(limit).padStart(6)} B  ${flag}`);
}
if (appFiles.length > 1) console.log('  chunks: ' + appFiles.slice(1).map((f) => relative(widgetDir, f)).join(', '));
// Not budgeted, shown so nobody is surprised: the loader fetches the argument checks on the first Messenger() call.
const validate = join(widgetDir, 'validate.js');
if (existsSync(validate)) console.log(`  (validate.js, fetched on the first Messenger() call: ${gz(validate)} B)`);
const over = rows.filter((r) => r.bytes > r.limit);
if (over.length > 0) {
  console.error(`\nSize budget exceeded: ${over.map((r) => r.name).join(', ')}`);
  process.exit(1);
}
