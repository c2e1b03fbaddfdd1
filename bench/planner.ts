/**
 * Planner speed benchmark (DESIGN 6): a 1,000,000-key sorted inventory and 100,000 changed keys (a
 * third of them new, given as a third file of free keys), planned with the inventory in at most 1.5x the
 * time plain Node takes to read and split the same three files, with at most 1.5x its peak memory.
 * The `all must` rows plan the same keys with none free (the input before new keys were told apart). Each measured run is its own child process (peak RSS is
 * per process); runs are interleaved and the best of several is kept, which filters out noise from
 * other work on the machine.
 *
 * Run: npx tsx bench/planner.ts [--runs N]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateDeploy } from './synthetic-deploy.ts';

/** One measured configuration: best wall time, best CPU time and best peak RSS over the runs. */
export interface SpeedRow {
  name: string;
  bestMs: number;
  bestCpuMs: number;
  bestRssMb: number;
  timeRatio: number | null;
  cpuRatio: number | null;
  memoryRatio: number | null;
  detail: string;
}

/** What `runPlannerBench` measured. */
export interface PlannerBenchResult {
  inventoryKeys: number;
  changedKeys: number;
  runs: number;
  rows: SpeedRow[];
}

interface Sample {
  ms: number[];
  cpu: number[];
  rss: number[];
  detail: string;
}

/** DESIGN 6: time (wall and CPU) and peak memory at most this multiple of the baseline's. */
const TARGET = 1.5;
const CHILD = fileURLToPath(new URL('./planner-child.ts', import.meta.url));
const CONFIGS = [
  { name: 'baseline: read + split', args: ['baseline'] },
  { name: 'ours: k=1000, w=15', args: ['plan', '1000', '15'] },
  { name: 'ours: k=1000, w=15, all must (none free)', args: ['plan-all-must', '1000', '15'] },
  { name: 'ours: k=15, w=15', args: ['plan', '15', '15'] },
  { name: 'ours: k unlimited, w=15', args: ['plan', 'Infinity', '15'] },
  { name: 'ours: k=1000, w=15, inventory as key strings', args: ['plan-keys', '1000', '15'] },
  { name: 'ours: k=1000, w=15, inventory as path strings', args: ['plan-paths', '1000', '15'] },
] as const;

/**
 * Generates the synthetic deploy (seed 42), writes it to temporary files, measures each
 * configuration in child processes, prints a table and returns the figures.
 *
 * @param runs - measured runs per configuration (the best counts)
 */
export function runPlannerBench(runs = 5): PlannerBenchResult {
  const deploy = generateDeploy(1_000_000, 100_000, 42);
  const dir = mkdtempSync(join(tmpdir(), 'planner-bench-'));
  try {
    const inventoryFile = join(dir, 'inventory.txt');
    const changedFile = join(dir, 'changed.txt');
    const newFile = join(dir, 'new.txt');
    const created = new Set(deploy.created);
    writeFileSync(inventoryFile, `${deploy.inventory.join('\n')}\n`);
    writeFileSync(changedFile, `${deploy.changed.filter((key) => !created.has(key)).join('\n')}\n`);
    writeFileSync(newFile, `${deploy.changed.filter((key) => created.has(key)).join('\n')}\n`);
    const samples = CONFIGS.map(() => ({ ms: [] as number[], cpu: [] as number[], rss: [] as number[], detail: '' }));
    for (let run = 0; run < runs; run++) {
      CONFIGS.forEach((config, index) => {
        const [mode, ...budget] = config.args;
        const out = execFileSync(
          process.execPath,
          ['--import', 'tsx', CHILD, mode, inventoryFile, changedFile, newFile, ...budget],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
        );
        const measured = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number | null>;
        const sample = samples[index] as Sample;
        sample.ms.push(measured.ms as number);
        sample.cpu.push(measured.cpuMs as number);
        sample.rss.push((measured.maxRssKb as number) / 1024);
        sample.detail =
          mode === 'baseline'
            ? `${measured.keys} + ${measured.changed} + ${measured.created} lines`
            : `${measured.paths} paths, ${measured.wildcards} wildcards, collateral ${measured.collateral}`;
      });
    }
    const base = samples[0] as Sample;
    const rows = CONFIGS.map((config, index) => {
      const sample = samples[index] as Sample;
      const bestMs = Math.min(...sample.ms);
      const bestCpuMs = Math.min(...sample.cpu);
      const bestRssMb = Math.min(...sample.rss);
      return {
        name: config.name,
        bestMs,
        bestCpuMs,
        bestRssMb,
        timeRatio: index === 0 ? null : bestMs / Math.min(...base.ms),
        cpuRatio: index === 0 ? null : bestCpuMs / Math.min(...base.cpu),
        memoryRatio: index === 0 ? null : bestRssMb / Math.min(...base.rss),
        detail: sample.detail,
      };
    });
    const result = { inventoryKeys: deploy.inventory.length, changedKeys: deploy.changed.length, runs, rows };
    printSpeedTable(result);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printSpeedTable(result: PlannerBenchResult): void {
  const lines = [
    `Planner speed: ${result.inventoryKeys} inventory keys, ${result.changedKeys} changed keys, best of ${result.runs} runs`,
    '',
    '| run | best wall (ms) | wall ratio | best CPU (ms) | CPU ratio | best peak RSS (MB) | memory ratio | result |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...result.rows.map(
      (row) =>
        `| ${row.name} | ${row.bestMs.toFixed(0)} | ${formatRatio(row.timeRatio, TARGET)} | ${row.bestCpuMs.toFixed(0)} | ` +
        `${formatRatio(row.cpuRatio, TARGET)} | ${row.bestRssMb.toFixed(0)} | ${formatRatio(row.memoryRatio, TARGET)} | ${row.detail} |`,
    ),
  ];
  console.log(lines.join('\n'));
}

function formatRatio(ratio: number | null, target: number): string {
  if (ratio === null) return '1.00x';
  return `${ratio.toFixed(2)}x ${ratio <= target ? '(ok)' : `(over ${target}x)`}`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--runs');
  runPlannerBench(at === -1 ? 5 : Number(process.argv[at + 1]));
}
