import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { groupSqsRecords } from '../shared/domain/group-changes.ts';
import { planInvalidation } from '../shared/domain/planner/index.ts';
import { compileRoutes } from '../shared/domain/routes.ts';
import { buildSqsBatch } from '../test/helpers/events.ts';

/** Result of the collector benchmark: medians in ms and their ratio. */
export interface CollectorBenchResult {
  readonly records: number;
  readonly baselineMs: number;
  readonly oursMs: number;
  readonly ratio: number;
  /** The same ratio in CPU time (process-wide, so the garbage collector's threads count). */
  readonly cpuRatio: number;
  /** Best round of ours against the best round of `JSON.parse` (noise only ever adds time). */
  readonly bestRatio: number;
  readonly bestCpuRatio: number;
}

const RECORDS = 10_000;
const ROUNDS = 15;
const DEPLOY = '../../shared/data/deploys/@mui__icons-material@9.0.1..9.1.0.json.gz';

function loadKeys(): string[] {
  const file = fileURLToPath(new URL(DEPLOY, import.meta.url));
  const deploy = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { inventory: string[] };
  // Real key shapes (a big icon package), cycled into 10,000 distinct keys.
  return Array.from({ length: RECORDS }, (_, i) => {
    const key = deploy.inventory[i % deploy.inventory.length] ?? 'index.html';
    return i < deploy.inventory.length ? key : `v${Math.floor(i / deploy.inventory.length)}/${key}`;
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const best = (values: number[]): number => Math.min(...values);

/**
 * A 10,000-record SQS event of real S3 notification bodies: parse + route + plan (what the collector
 * does before any I/O) against `JSON.parse` of the same bodies, interleaved round by round in one
 * process so machine noise hits both alike. Target: ratio <= 1.5 (issue #16; DESIGN 6 says 2.0).
 */
export function runCollectorBench(log: (line: string) => void = console.log): CollectorBenchResult {
  const records = buildSqsBatch({ bucket: 'site-bucket', keys: loadKeys() });
  const table = compileRoutes([
    {
      bucket: 'site-bucket',
      distributionId: 'E1SITE0000000A',
      exclude: ['**/*.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].js'],
    },
  ]);
  const baseline: number[] = [];
  const ours: number[] = [];
  const baselineCpu: number[] = [];
  const oursCpu: number[] = [];
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let start = performance.now();
    let cpu = process.cpuUsage();
    for (const record of records) sink += (JSON.parse(record.body) as { Records: unknown[] }).Records.length;
    baseline.push(performance.now() - start);
    baselineCpu.push(cpuMs(cpu));
    start = performance.now();
    cpu = process.cpuUsage();
    const { groups } = groupSqsRecords(records, table);
    for (const group of groups.values()) {
      sink += planInvalidation({ changed: [...group.paths], maxPaths: 500, maxWildcards: 13 }).paths.length;
    }
    ours.push(performance.now() - start);
    oursCpu.push(cpuMs(cpu));
  }
  const result = {
    records: records.length,
    baselineMs: median(baseline),
    oursMs: median(ours),
    ratio: median(ours) / median(baseline),
    cpuRatio: median(oursCpu) / median(baselineCpu),
    bestRatio: best(ours) / best(baseline),
    bestCpuRatio: best(oursCpu) / best(baselineCpu),
  };
  log(
    `collector: ${result.records} records  JSON.parse ${result.baselineMs.toFixed(1)} ms  parse+route+plan ${result.oursMs.toFixed(1)} ms  median ratio ${result.ratio.toFixed(2)}x, CPU ${result.cpuRatio.toFixed(2)}x; best ${result.bestRatio.toFixed(2)}x, CPU ${result.bestCpuRatio.toFixed(2)}x (target <= 1.5x)${sink < 0 ? '' : ''}`,
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) runCollectorBench();
