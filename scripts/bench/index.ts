/**
 * `npm run bench [-- --quick]`: Parley against a bare Socket.IO relay, on real Postgres
 * (and Redis for the two-node row). Prints a table, rewrites the last run's section of
 * docs/operations/benchmarks.md and docs/operations/bench-latency.svg, and ends with one JSON
 * line (msgs_per_s, p99_ms, baseline_msgs_per_s, ratio, …).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configFor, usage } from './config.ts';
import { describeMachine } from './machine.ts';
import { cpuTable, headlineTable, latencySvg, markdown, plotSeries, spliceReport, summary, sweepTable, type Results } from './report.ts';
import { runBaseline, runSingleNode, runTwoNodes, type Environment } from './runs.ts';
import { postgresVersion } from './servers.ts';

const DOCS = fileURLToPath(new URL('../../docs/operations/', import.meta.url));
const PAGE = `${DOCS}benchmarks.md`;
const SVG = 'bench-latency.svg';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log(usage());
    return;
  }
  const cfg = configFor(args);
  // Fail now, not after the run, if the page has lost the markers its last-run section sits between.
  spliceReport(readFileSync(PAGE, 'utf8'), '');
  const started = Date.now();
  const log = (line: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);
  const env: Environment = {
    databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    log,
  };
  const machine = describeMachine(await postgresVersion(env.databaseUrl));
  log(`${cfg.mode} run on ${machine.cpu} (${machine.cores} cores, load average ${machine.loadAverage}), Node ${machine.node}, Postgres ${machine.postgres}`);

  const baseline = await runBaseline(cfg, env);
  const single = await runSingleNode(cfg, env);
  const twoNodes = cfg.twoNodes ? await runTwoNodes(cfg, env) : undefined;
  const results: Results = { baseline, single, twoNodes };

  writeFileSync(`${DOCS}${SVG}`, latencySvg(plotSeries(results)));
  writeFileSync(PAGE, spliceReport(readFileSync(PAGE, 'utf8'), markdown(machine, cfg, results, SVG)));
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote docs/operations/benchmarks.md and docs/operations/${SVG}`);

  console.log(`\n${headlineTable(results, cfg.loads)}\n\n${sweepTable(results)}\n\n${cpuTable(results)}\n`);
  console.log(JSON.stringify(summary(results, cfg.mode)));
}

main().then(
  // Worker and server handles are closed; exit anyway so a stray timer cannot hold the run open.
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
