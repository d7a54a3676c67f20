import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configFor } from './config.ts';
import type { LoadLevelResult } from './phases.ts';
import { REPORT_END, REPORT_START, cpuTable, cpuText, headlineTable, latencySvg, markdown, plotSeries, spliceReport, summary, sweepTable, type Results } from './report.ts';
import type { TargetRun } from './runs.ts';
import { summarize } from './stats.ts';

const level = (offered: number, latencies: number[], lost = 0): LoadLevelResult => ({ offered, achieved: offered, latency: summarize(latencies), sent: offered, lost, failed: 0 });

function run(name: string, msgsPerSec: number, sweep: LoadLevelResult[], extra: Partial<TargetRun> = {}): TargetRun {
  return {
    name,
    visitors: 96,
    agents: 8,
    setup: 'test fixture',
    setupMs: 1_500,
    throughput: { msgsPerSec, ackedPerSec: msgsPerSec, deliveredPerSec: msgsPerSec, latency: summarize([1, 2, 3]), failed: 0, errors: {} },
    sweep,
    ...extra,
  };
}

const results: Results = {
  single: run('Parley, 1 node', 4_000, [level(500, [3, 4, 5]), level(2_000, [5, 6, 30])], {
    idle: { sockets: 10_000, failed: 0, connectionsPerSec: 1_234, rssBeforeBytes: 100e6, rssAfterBytes: 100e6 + 10_000 * 15_360, bytesPerSocket: 15_360, errors: [] },
    replay: { messages: 1_000, totalMs: 84.2, syncMs: 60, pages: 2 },
  }),
  twoNodes: run('Parley, 2 nodes', 3_000, [level(2_000, [8, 9, 12])]),
  baseline: run('Bare relay', 16_000, [level(500, [1, 1, 1]), level(2_000, [1, 2, 2]), level(4_000, [2, 2, 3])]),
};

describe('bench report', () => {
  it('puts the headline figures in the summary line, with p99 at 2,000 msg/s and the ratio to the baseline', () => {
    expect(summary(results, 'quick')).toMatchObject({ mode: 'quick', msgs_per_s: 4_000, p99_ms: 30, baseline_msgs_per_s: 16_000, ratio: 0.25, bytes_per_idle_socket: 15_360, replay_1000_ms: 84.2, two_nodes_p99_ms: 12 });
  });

  it('reports a level a system never reached as null, not as a number', () => {
    const short = { ...results, single: { ...results.single, sweep: [level(500, [3])] } };
    expect(summary(short, 'full').p99_ms).toBeNull();
    expect(headlineTable(short, [500, 2_000])).toContain('not reached');
  });

  it('tells which targets are met', () => {
    const table = headlineTable(results, [500, 2_000]);
    const line = (label: string) => table.split('\n').find((l) => l.startsWith(`| ${label}`))!;
    expect(line('Persisted-and-delivered')).toMatch(/4,000 \| 3,000 \| 16,000 \| ≥ 10,000 \| not met \|$/);
    expect(line('p50 / p95 / p99 ms at 2,000')).toMatch(/6\.0 \/ 30\.0 \/ 30\.0 .*\| not met \|$/);
    expect(line('Server memory')).toMatch(/15\.0 KB × 10,000 .*\| met \|$/);
    expect(line('Ratio')).toContain('0.25');
    expect(sweepTable(results).split('\n')).toHaveLength(2 + 2 + 1 + 3);
  });

  it('draws one p50 and one p99 line per system on a well-formed SVG', () => {
    const svg = latencySvg(plotSeries(results));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // Parley 1 node and the baseline have several points (lines); the two-node row a single level (markers only).
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expect(svg.match(/<circle/g)).toHaveLength(2 * (2 + 1 + 3));
    expect(svg).toContain('p99 target 25 ms');
    expect(svg).not.toContain('NaN');
  });

  it('writes the Markdown page with the machine, the tables, the plot and the summary line', () => {
    const machine = { cpu: 'Test CPU', cores: 2, ramGiB: 8, node: 'v20.20.2', postgres: '15.20', date: '2026-01-02T03:04:05.000Z', loadAverage: 0.4 };
    const page = markdown(machine, configFor(['--quick']), results, 'bench-latency.svg');
    expect(page).toContain('| CPU | Test CPU |');
    expect(page).toContain('| Load average at start (1 min) | 0.4 |');
    expect(page).toContain('![Latency against offered load](bench-latency.svg)');
    expect(page).toContain('npm run bench -- --quick');
    expect(page).toContain(JSON.stringify(summary(results, 'quick')));
  });

  it('shows where the CPU went in the closed loop and at 2,000 msg/s, and leaves the section out when nothing was measured', () => {
    const cpu = { servers: 0.75, postgres: 0.42, redis: 0, loadGenerators: 0.5, other: 0.1, idle: 0.2, steal: 0.03 };
    const measured: Results = {
      ...results,
      single: { ...results.single, throughput: { ...results.single.throughput, cpu }, sweep: [level(500, [3]), { ...level(2_000, [5]), cpu: { ...cpu, servers: 0.55 } }] },
    };
    const table = cpuTable(measured).split('\n');
    expect(table).toHaveLength(2 + 2);
    expect(table[2]).toBe('| Parley, 1 node | closed loop (throughput) | 0.75 | 0.42 | 0.00 | 0.50 | 0.10 | 0.20 | 0.03 |');
    expect(table[3]).toMatch(/^\| Parley, 1 node \| 2,000 msg\/s offered \| 0\.55 \|/);
    expect(cpuText(cpu)).toBe('servers 0.75, postgres 0.42, redis 0.00, load generators 0.50, other busy 0.10, idle 0.20, stolen 0.03');
    expect(cpuText(undefined)).toBe('not measured');

    const machine = { cpu: 'Test CPU', cores: 2, ramGiB: 8, node: 'v20.20.2', postgres: '15.20', date: '2026-01-02T03:04:05.000Z', loadAverage: 0.4 };
    expect(markdown(machine, configFor([]), measured, 'plot.svg')).toContain('#### Where the CPU went');
    expect(cpuTable(results)).toBe('');
    expect(markdown(machine, configFor([]), results, 'plot.svg')).not.toContain('Where the CPU went');
  });

  it('replaces only the last run\'s section of the benchmarks page, keeping the prose around it', () => {
    const page = `# Benchmarks\n\nHow to read it.\n\n${REPORT_START}\n\n## The last run\n\nold figures\n\n${REPORT_END}\n\n## Afterwards\n`;
    const updated = spliceReport(page, '## The last run\n\nnew figures\n');
    expect(updated).toBe(`# Benchmarks\n\nHow to read it.\n\n${REPORT_START}\n\n## The last run\n\nnew figures\n\n${REPORT_END}\n\n## Afterwards\n`);
    expect(() => spliceReport('# Benchmarks\n', 'x')).toThrow(/must contain/);
  });

  it('finds its markers in the committed docs/operations/benchmarks.md, so a run cannot end without a page to write', () => {
    const committed = readFileSync(new URL('../../docs/operations/benchmarks.md', import.meta.url), 'utf8');
    const updated = spliceReport(committed, '## The last run\n\nnew figures\n');
    expect(updated.slice(0, committed.indexOf(REPORT_START))).toBe(committed.slice(0, committed.indexOf(REPORT_START)));
    expect(updated).toContain(`new figures\n\n${REPORT_END}`);
  });
});
