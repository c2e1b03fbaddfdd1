/**
 * `npm run soak`: seeded fault runs against the local stack, with the invariants checked after each.
 *
 *   npx tsx bench/soak.ts [--runs 200] [--seed 1] [--workers 3] [--load-rate 0.04] [--fail-fast]
 *
 * Runs seeds `seed`, `seed + 1`, ... on `workers` local stacks (docs/reliability.md describes a run), prints
 * the figures, and exits 1 when any run broke an invariant, naming the seed to replay it alone:
 * `npx tsx bench/soak.ts --runs 1 --seed <seed>`, or when a soak of 200+ runs left a fault kind unfired.
 * `--fail-fast` starts no new run once one has failed (the mutant script uses it).
 */
import { parseArgs } from 'node:util';
import { startFaultStack } from '../test/reliability/fault-stack.ts';
import { emptyFigures } from '../test/reliability/invariants.ts';
import { type RunReport, runScenario } from '../test/reliability/run-scenario.ts';
import { generateScenario } from '../test/reliability/scenario.ts';
import {
  formatFinalLine,
  formatFiredLine,
  formatSummary,
  summarize,
  unfiredKinds,
} from '../test/reliability/summary.ts';
import { sweepStack } from '../test/reliability/sweep.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '3' },
    'load-rate': { type: 'string', default: '0.04' },
    'fail-fast': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const firstSeed = Number(values.seed);
const workers = Number(values.workers);
const loadRate = Number(values['load-rate']);
if (
  !Number.isInteger(runs) ||
  runs < 1 ||
  !Number.isInteger(firstSeed) ||
  !Number.isInteger(workers) ||
  workers < 1 ||
  !(loadRate >= 0 && loadRate <= 1)
) {
  console.error('usage: tsx bench/soak.ts [--runs N>=1] [--seed N] [--workers N>=1] [--load-rate 0..1]');
  process.exit(2);
}

const started = performance.now();
const reports: RunReport[] = [];
let next = 0;
let stopped = false;
// Each worker owns a stack (its own DynamoDB Local, fauxqs and emulator) and takes the next seed:
// runs wait on timers far more than they compute, so two stacks roughly halve the wall time.
async function work(): Promise<void> {
  const stack = await startStack();
  try {
    for (let runIndex = 0; next < runs && !stopped; runIndex++) {
      const seed = firstSeed + next++;
      const report = await runScenario(stack, generateScenario(seed, { loadRate }), runIndex, sweepStack).catch(
        (error: unknown): RunReport => failedRun(seed, error),
      );
      reports.push(report);
      const status = report.violations.length === 0 ? 'ok' : `FAILED (${report.violations.length} violations)`;
      console.log(
        `run ${String(reports.length).padStart(3)}/${runs} seed ${seed}: ${status}, ` +
          `${report.figures.objectsChanged} objects, ${report.figures.messages} messages, ` +
          `${(report.durationMs / 1000).toFixed(1)} s`,
      );
      for (const violation of report.violations.slice(0, 5)) console.log(`    ${violation}`);
      if (report.violations.length > 0 && values['fail-fast']) stopped = true;
    }
  } finally {
    await stack.stop();
  }
}
/**
 * Starts a worker's stack, up to three times: on a loaded machine DynamoDB Local may miss its start
 * deadline, which says nothing about the service.
 */
async function startStack(): Promise<Awaited<ReturnType<typeof startFaultStack>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startFaultStack();
    } catch (error) {
      if (attempt >= 3) throw error;
      console.log(`stack start failed (${(error as Error).message.slice(0, 120)}), retrying`);
    }
  }
}

/** A run that threw (a stack that never went idle, say) is a failure of its seed, like a broken invariant. */
function failedRun(seed: number, error: unknown): RunReport {
  return { seed, durationMs: 0, figures: emptyFigures(), violations: [`the run failed: ${(error as Error).message}`] };
}

await Promise.all(Array.from({ length: Math.min(workers, runs) }, work));
reports.sort((a, b) => a.seed - b.seed);
const summary = summarize(reports);
console.log(`\n${formatSummary(summary, (performance.now() - started) / 1000)}`);
if (summary.failures.length > 0) {
  console.log(`\nreplay one: npx tsx bench/soak.ts --runs 1 --seed ${summary.failures[0]?.seed}`);
}
console.log(formatFiredLine(summary));
// The last line, always: the figures a script or CI reads.
console.log(formatFinalLine(summary));
if (summary.failures.length > 0 || unfiredKinds(summary).length > 0) process.exit(1);
