/** Pure rendering of a run: the summary JSON, the Markdown tables and the SVG latency plot. */
import { HEADLINE_LOAD, TARGETS, type BenchConfig } from './config.ts';
import type { CpuShare } from './cpu-share.ts';
import type { Machine } from './machine.ts';
import type { LoadLevelResult } from './phases.ts';
import type { TargetRun } from './runs.ts';
import { round } from './stats.ts';

export interface Results {
  single: TargetRun;
  twoNodes?: TargetRun;
  baseline: TargetRun;
}

const atLoad = (run: TargetRun | undefined, offered: number): LoadLevelResult | undefined => run?.sweep.find((l) => l.offered === offered);

/** The machine-readable line the run ends with (null where a figure could not be measured). */
export function summary(results: Results, mode: BenchConfig['mode']) {
  const { single, twoNodes, baseline } = results;
  const headline = atLoad(single, HEADLINE_LOAD);
  const msgs = single.throughput.msgsPerSec;
  const base = baseline.throughput.msgsPerSec;
  return {
    mode,
    msgs_per_s: round(msgs),
    p50_ms: round(headline?.latency.p50 ?? Number.NaN),
    p95_ms: round(headline?.latency.p95 ?? Number.NaN),
    p99_ms: round(headline?.latency.p99 ?? Number.NaN),
    baseline_msgs_per_s: round(base),
    baseline_p99_ms: round(atLoad(baseline, HEADLINE_LOAD)?.latency.p99 ?? Number.NaN),
    ratio: round(base > 0 ? msgs / base : Number.NaN),
    connections_per_s: round(single.idle?.connectionsPerSec ?? Number.NaN),
    idle_sockets: single.idle?.sockets ?? null,
    bytes_per_idle_socket: round(single.idle?.bytesPerSocket ?? Number.NaN),
    replay_1000_ms: round(single.replay?.totalMs ?? Number.NaN),
    two_nodes_msgs_per_s: twoNodes ? round(twoNodes.throughput.msgsPerSec) : null,
    two_nodes_p99_ms: twoNodes ? round(atLoad(twoNodes, HEADLINE_LOAD)?.latency.p99 ?? Number.NaN) : null,
  };
}
export type Summary = ReturnType<typeof summary>;

const thousands = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Math.round(v).toLocaleString('en-US'));
const ms = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v >= 100 ? `${Math.round(v)}` : v.toFixed(1));
const kib = (bytes: number | undefined) => (bytes === undefined || !Number.isFinite(bytes) ? '—' : `${(bytes / 1024).toFixed(1)} KB`);
const trio = (l: LoadLevelResult | undefined) => (l && l.latency.count ? `${ms(l.latency.p50)} / ${ms(l.latency.p95)} / ${ms(l.latency.p99)}` : 'not reached');
const met = (ok: boolean | null) => (ok === null ? '—' : ok ? 'met' : 'not met');

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** The headline table: one column per system under test, then the target and whether it is met. */
export function headlineTable(results: Results, loads: number[]): string {
  const runs = [results.single, ...(results.twoNodes ? [results.twoNodes] : []), results.baseline];
  const s = summary(results, 'full');
  const lines = [row(['Figure', ...runs.map((r) => r.name), 'Target (1 node)', 'Verdict']), row(['---', ...runs.map(() => '---:'), '---:', '---'])];
  lines.push(row(['Persisted-and-delivered msg/s (closed loop)', ...runs.map((r) => thousands(r.throughput.msgsPerSec)), `≥ ${thousands(TARGETS.msgsPerSec)}`, met(s.msgs_per_s === null ? null : s.msgs_per_s >= TARGETS.msgsPerSec)]));
  for (const load of loads) {
    const isHeadline = load === HEADLINE_LOAD;
    const verdict = isHeadline ? met(s.p99_ms === null ? false : s.p99_ms <= TARGETS.p99Ms) : '';
    lines.push(row([`p50 / p95 / p99 ms at ${thousands(load)} msg/s offered`, ...runs.map((r) => trio(atLoad(r, load))), isHeadline ? `p99 ≤ ${TARGETS.p99Ms} ms` : '', verdict]));
  }
  lines.push(row(['Connections accepted per second (handshake storm)', ...runs.map((r) => thousands(r.idle?.connectionsPerSec)), '', '']));
  const idle = results.single.idle;
  const memoryOk = idle ? idle.sockets >= TARGETS.idleSockets && idle.bytesPerSocket <= TARGETS.bytesPerIdleSocket : null;
  lines.push(row([`Server memory per idle visitor socket (RSS growth)`, ...runs.map((r) => (r.idle ? `${kib(r.idle.bytesPerSocket)} × ${thousands(r.idle.sockets)}` : '—')), `≤ 20 KB × ${thousands(TARGETS.idleSockets)}`, met(memoryOk)]));
  lines.push(row(['Replay of 1,000 missed messages (reconnect + sync pages), ms', ...runs.map((r) => (r.replay ? `${ms(r.replay.totalMs)} (${r.replay.pages} pages)` : '—')), '', '']));
  lines.push(row(['Ratio to the baseline (msg/s)', ...runs.map((r) => (results.baseline.throughput.msgsPerSec > 0 ? (r.throughput.msgsPerSec / results.baseline.throughput.msgsPerSec).toFixed(2) : '—')), '', '']));
  return lines.join('\n');
}

/** Every level of every sweep. */
export function sweepTable(results: Results): string {
  const runs = [results.single, ...(results.twoNodes ? [results.twoNodes] : []), results.baseline];
  const lines = [row(['System', 'Offered msg/s', 'Delivered msg/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'Lost']), row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'])];
  for (const r of runs)
    for (const l of r.sweep) lines.push(row([r.name, thousands(l.offered), thousands(l.achieved), ms(l.latency.p50), ms(l.latency.p95), ms(l.latency.p99), ms(l.latency.max), thousands(l.lost)]));
  return lines.join('\n');
}

const cores = (v: number) => v.toFixed(2);
const CPU_PARTS: [keyof CpuShare, string][] = [['servers', 'Servers'], ['postgres', 'Postgres'], ['redis', 'Redis'], ['loadGenerators', 'Load generators'], ['other', 'Other busy'], ['idle', 'Idle'], ['steal', 'Stolen']];

/** One line for the progress log: cores used by each part during a phase. */
export function cpuText(share: CpuShare | undefined): string {
  return share ? CPU_PARTS.map(([key, label]) => `${label.toLowerCase()} ${cores(share[key])}`).join(', ') : 'not measured';
}

/** Where the machine's CPU went in the closed loop and at the headline load, per system; '' when nothing was measured. */
export function cpuTable(results: Results): string {
  const runs = [results.single, ...(results.twoNodes ? [results.twoNodes] : []), results.baseline];
  const phases = runs.flatMap((r) => [
    { r, phase: 'closed loop (throughput)', cpu: r.throughput.cpu },
    { r, phase: `${thousands(HEADLINE_LOAD)} msg/s offered`, cpu: atLoad(r, HEADLINE_LOAD)?.cpu },
  ]);
  const measured = phases.filter((p): p is typeof p & { cpu: CpuShare } => p.cpu !== undefined);
  if (measured.length === 0) return '';
  const lines = [row(['System', 'Phase', ...CPU_PARTS.map(([, label]) => label)]), row(['---', '---', ...CPU_PARTS.map(() => '---:')])];
  for (const { r, phase, cpu } of measured) lines.push(row([r.name, phase, ...CPU_PARTS.map(([key]) => cores(cpu[key]))]));
  return lines.join('\n');
}

interface Series {
  name: string;
  colour: string;
  points: { x: number; p50: number; p99: number }[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A hand-written line plot: offered load (linear) against latency (log scale), p99 solid, p50 dashed. */
export function latencySvg(series: Series[], targetP99Ms: number = TARGETS.p99Ms): string {
  const W = 760;
  const H = 420;
  const m = { left: 70, right: 24, top: 40, bottom: 56 };
  const plotW = W - m.left - m.right;
  const plotH = H - m.top - m.bottom;
  const points = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.p50) && Number.isFinite(p.p99));
  const maxX = Math.max(1_000, ...points.map((p) => p.x));
  const values = points.flatMap((p) => [p.p50, p.p99]).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(targetP99Ms, ...values, 1)));
  const hi = Math.ceil(Math.log10(Math.max(targetP99Ms * 4, ...values)));
  const x = (v: number) => m.left + (v / maxX) * plotW;
  const y = (v: number) => m.top + plotH - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">Visitor → agent latency against offered load</text>`,
  ];
  for (let e = lo; e <= hi; e++) {
    const yy = y(10 ** e).toFixed(1);
    out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${yy}" y2="${yy}" stroke="#e5e7eb"/>`, `<text x="${m.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)}</text>`);
  }
  const step = maxX <= 4_000 ? 500 : maxX <= 10_000 ? 2_000 : 4_000;
  for (let v = 0; v <= maxX; v += step) {
    const xx = x(v).toFixed(1);
    out.push(`<line x1="${xx}" x2="${xx}" y1="${m.top}" y2="${m.top + plotH}" stroke="#f3f4f6"/>`, `<text x="${xx}" y="${m.top + plotH + 18}" text-anchor="middle">${v.toLocaleString('en-US')}</text>`);
  }
  out.push(
    `<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#9ca3af"/>`,
    `<text x="${m.left + plotW / 2}" y="${H - 14}" text-anchor="middle">offered load (messages per second)</text>`,
    `<text transform="translate(18 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">latency (ms, log scale)</text>`,
  );
  const ty = y(targetP99Ms).toFixed(1);
  out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${ty}" y2="${ty}" stroke="#dc2626" stroke-dasharray="2 4"/>`, `<text x="${W - m.right - 4}" y="${Number(ty) - 5}" text-anchor="end" fill="#dc2626">p99 target ${targetP99Ms} ms</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p.p50) && Number.isFinite(p.p99));
    for (const [key, dash] of [['p99', ''], ['p50', ' stroke-dasharray="6 4"']] as const) {
      if (pts.length > 1) out.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="2"${dash} points="${pts.map((p) => `${x(p.x).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ')}"/>`);
      for (const p of pts) out.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p[key]).toFixed(1)}" r="3" fill="${key === 'p99' ? s.colour : '#ffffff'}" stroke="${s.colour}"/>`);
    }
    const ly = m.top + 14 + i * 16;
    out.push(`<line x1="${m.left + 10}" x2="${m.left + 34}" y1="${ly}" y2="${ly}" stroke="${s.colour}" stroke-width="2"/>`, `<text x="${m.left + 40}" y="${ly}" dominant-baseline="middle">${esc(s.name)} (p99 solid, p50 dashed)</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

const COLOURS = ['#2f6b45', '#d97706', '#4f46e5'];

export function plotSeries(results: Results): Series[] {
  const runs = [results.single, ...(results.twoNodes ? [results.twoNodes] : []), results.baseline];
  return runs.map((r, i) => ({ name: r.name, colour: COLOURS[i % COLOURS.length]!, points: r.sweep.filter((l) => l.latency.count > 0).map((l) => ({ x: l.offered, p50: l.latency.p50, p99: l.latency.p99 })) }));
}

function cpuSection(results: Results, machineCores: number): string {
  const table = cpuTable(results);
  if (!table) return '';
  return `
#### Where the CPU went

Cores in use on average during each measuring window, of the machine's ${machineCores}, read from \`/proc\`: the server
processes under test, every Postgres process, Redis, and the load generators (the worker processes and the
orchestrator). *Other busy* is CPU time no process listed accounts for, mostly the kernel's loopback network work;
*stolen* is time the hypervisor gave to other machines.

${table}
`;
}

/** Where the generated part of docs/operations/benchmarks.md begins and ends; the prose around it is written by hand. */
export const REPORT_START = '<!-- bench-report:start: written by `npm run bench`, edit the text around it instead -->';
export const REPORT_END = '<!-- bench-report:end -->';

/** `page` with its report section replaced by `report`; throws when the page has lost its markers. */
export function spliceReport(page: string, report: string): string {
  const start = page.indexOf(REPORT_START);
  const end = page.indexOf(REPORT_END);
  if (start < 0 || end < start) throw new Error(`The benchmarks page must contain ${REPORT_START} and, after it, ${REPORT_END}.`);
  return `${page.slice(0, start + REPORT_START.length)}\n\n${report.trim()}\n\n${page.slice(end)}`;
}

/** The last run's section of docs/operations/benchmarks.md: the machine, the method, the tables and the plot. */
export function markdown(machine: Machine, cfg: BenchConfig, results: Results, svgFile: string): string {
  const s = summary(results, cfg.mode);
  const { single } = results;
  return `## The last run

Produced by \`npm run bench${cfg.mode === 'quick' ? ' -- --quick' : ''}\` on ${machine.date.slice(0, 10)} (${cfg.mode} mode). Figures are from one run on the machine below;
the targets are reported, not asserted. Re-run with \`npm run bench\` to regenerate this section.

### Machine

| | |
| --- | --- |
| CPU | ${machine.cpu} |
| Cores | ${machine.cores} |
| RAM | ${machine.ramGiB} GiB |
| Node.js | ${machine.node} |
| PostgreSQL | ${machine.postgres} |
| Date | ${machine.date} |
| Load average at start (1 min) | ${machine.loadAverage} |

Load generators, servers, Postgres and Redis all share these cores, so every figure is a lower bound for a
server with the machine to itself.

### Results

${headlineTable(results, cfg.loads)}

![Latency against offered load](${svgFile})

#### Latency sweep

${sweepTable(results)}

After the first level a system cannot keep up with (p99 over 1 s, or more than 0.1 % of its messages not received within the measuring window), only the 2,000 msg/s level still runs. The exactly-once guarantee is checked by the chaos test, not here.
${cpuSection(results, machine.cores)}
### Method

- **Servers**: Parley nodes are the real \`server/main.ts\` (\`NODE_ENV=production\`, \`LOG_LEVEL=warn\`) on a fresh
  Postgres database created for the run and dropped after it. The two-node row runs two processes on one database with
  the Socket.IO Redis adapter; visitors connect to node A and agents to node B, so every message crosses Redis.
  The abuse limits (\`LIMIT_*\`) are raised for the run: every load socket comes from one loopback address and far
  outpaces a person. The per-socket check still runs on every event.
- **Baseline**: a bare Socket.IO server (the same socket.io version, websocket only) that relays an acked
  \`message:send\` to the agents of the visitor's room, broadcasting the same message shape to both sides, with no
  database and no validation. Same workers, same load shapes.
- **Load**: socket.io-client sockets in ${cfg.visitorWorkers} visitor worker processes and one agent worker process
  (forked, so load generation does not share a server's event loop), speaking the widget's JSON-only packet parser.
  ${single.visitors} visitors, each in its own
  conversation with one of ${single.agents} agents (12 chats each).
- **Setup**: ${single.setup} (${(single.setupMs / 1000).toFixed(1)} s for ${single.visitors} conversations).
- **Throughput**: closed loop, every visitor keeps ${cfg.window} messages in flight for ${cfg.throughputMs / 1000} s after a
  ${cfg.warmupMs / 1000} s warm-up. A message counts when its ack reached the visitor (after commit) *and* the agent's socket
  received it; the figure is the smaller of the two rates.
- **Latency**: open loop at fixed offered loads (${cfg.levelMs / 1000} s each): message *i* is due at start + i/rate whatever
  happened to earlier ones, and latency runs from the due time to the agent's receipt (all processes share the machine's
  clock: \`performance.timeOrigin + performance.now()\`). The headline p99 is at ${HEADLINE_LOAD.toLocaleString('en-US')} msg/s.
- **Connections per second**: a handshake storm (on that fresh process) of ${cfg.idleSockets.toLocaleString('en-US')} visitor sockets presenting
  visitor tokens (round-robin over the bench visitors), 100 handshakes in flight per worker, spread over every worker.
- **Memory per idle socket**: the server process's RSS after the storm settled (3 s) minus before, divided by the sockets.
  The storm hits a freshly started process (Parley's node is restarted on the same database, the baseline is a new
  relay), so nothing the load phases left in the heap counts for or against it.
- **Replay**: a visitor writes, leaves, an agent writes ${single.replay?.messages ?? cfg.replayMessages} messages, and the visitor reconnects
  with its token and calls \`sync { afterSeq }\` until \`hasMore: false\` (${single.replay ? `${ms(single.replay.syncMs)} ms of it in sync` : 'not measured'}).

### Summary line

\`\`\`json
${JSON.stringify(s)}
\`\`\`
`;
}
