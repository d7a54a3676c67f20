// `npm test`: every suite, in two lanes that run at the same time, each lane in order and stopping
// at its first failure (as `a && b` would). On two cores the suites overlap well: the node suite is
// mostly CPU in its workers, while the browser, end-to-end and chaos suites mostly wait (on Chromium,
// on server processes, on the chaos test's paced traffic). Each step's output is held and printed
// whole, in the order of STEPS below, so the log reads as if they had run one after the other; a
// line per step says when it ends. Exits 1 if any step failed. Knobs: TEST_ALL_SERIAL=1 runs the
// steps one at a time (the same order), for a machine too small to overlap them.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/**
 * npm scripts, by lane, about as long as each other (measured with both lanes running: node 320 s; typecheck 55,
 * size 39, e2e 163, chaos 36, browser about 45). `size` builds (rollup) before it measures: the bundles the e2e
 * servers serve come from there.
 */
const LANES = [
  ['test:node'],
  ['typecheck', 'size', 'test:browser', 'test:e2e', 'test:chaos'],
];
/** The order the outputs are printed in. */
const STEPS = ['typecheck', 'test:node', 'size', 'test:browser', 'test:e2e', 'test:chaos'];

const serial = process.env.TEST_ALL_SERIAL === '1';
const lanes = serial ? [STEPS] : LANES;
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const results = new Map(); // step → { status: 'passed' | 'failed' | 'skipped', ms, output }
const running = new Set();
let printed = 0;
const started = performance.now();

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const note = (line) => process.stderr.write(`[test-all ${seconds(performance.now() - started)}] ${line}\n`);

/** Prints every finished step whose predecessors (in STEPS order) are printed. */
function flush() {
  while (printed < STEPS.length && results.has(STEPS[printed])) {
    const step = STEPS[printed++];
    const { status, ms, output } = results.get(step);
    process.stdout.write(`\n=== ${step}: ${status}${status === 'skipped' ? '' : ` in ${seconds(ms)}`}\n`);
    if (output.length) process.stdout.write(Buffer.concat(output));
  }
}

/** Runs `npm run <script>` in its own process group (so an interrupt can stop all of it); resolves with its exit code. */
function run(step) {
  const begun = performance.now();
  const output = [];
  const child = spawn('npm', ['run', '--silent', step], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, ...(color ? { FORCE_COLOR: '1' } : {}) },
  });
  running.add(child);
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  note(`${step} started`);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      const status = code === 0 ? 'passed' : 'failed';
      if (status === 'failed') output.push(Buffer.from(`\n${step} exited with ${code ?? signal}\n`));
      results.set(step, { status, ms: performance.now() - begun, output });
      note(`${step} ${status} (${seconds(performance.now() - begun)})`);
      flush();
      resolve(code === 0);
    });
  });
}

async function runLane(steps) {
  for (const [i, step] of steps.entries()) {
    if (!(await run(step))) {
      for (const skipped of steps.slice(i + 1)) results.set(skipped, { status: 'skipped', ms: 0, output: [] });
      flush();
      return;
    }
  }
}

function stopAll(signal) {
  for (const child of running) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  }
  process.exit(130);
}
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

await Promise.all(lanes.map(runLane));
flush();

const failed = STEPS.filter((step) => results.get(step)?.status !== 'passed');
process.stdout.write(`\n=== summary (${seconds(performance.now() - started)} in all${serial ? ', one step at a time' : ''})\n`);
for (const step of STEPS) {
  const { status, ms } = results.get(step);
  process.stdout.write(`  ${step.padEnd(14)} ${status.padEnd(8)} ${status === 'skipped' ? '' : seconds(ms)}\n`);
}
process.exit(failed.length ? 1 : 0);
