/**
 * `npm run config:check` (`npm run --silent config:check -- --json` for JSON alone): checks the environment as
 * the server reads it (server/env.ts) and what it points at; prints every problem and exits 1 when there is an error, 0 otherwise.
 * A .env file: `node --env-file=.env --import tsx scripts/config-check.ts`.
 */
import { checkConfig, formatReport } from './config-check/check.ts';

const report = await checkConfig(process.env);
process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
process.exit(report.ok ? 0 : 1);
