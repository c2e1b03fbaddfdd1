import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { buildFunctionBundles, type FunctionBundle, readBundleSettings } from '../shared/deploy/function-bundles.ts';
import {
  buildBaselineBundle,
  type ColdInit,
  deployedEnvironment,
  kbOverClientsWithin,
  MAX_COLD_RATIO,
  measureColdInit,
} from '../test/helpers/cold-init.ts';
import { countedRatios, hasValgrind } from './cold-count.ts';
import { formatTable } from './table-format.ts';

/** DESIGN 6: a bundle under 500 KB minified (the cold-init goal is MAX_COLD_RATIO). */
const MAX_BUNDLE_KB = 500;

/** Cold-init figures of one function against its client-only baseline. */
export interface ColdBenchRow {
  readonly name: string;
  readonly bundleKb: number;
  readonly baselineKb: number;
  readonly ms: number;
  readonly baselineMs: number;
  readonly ratio: number;
  readonly cpuRatio: number;
  /** Fastest load of ours against the fastest of the baseline (noise only ever adds time). */
  readonly bestRatio: number;
  /** Instructions of the import, ours over the baseline's (bench/cold-count.ts); undefined without valgrind. */
  readonly countedRatio: number | undefined;
}

/** `ok` when the median and the best ratio are both within the goal, `over` when neither is, else `borderline`. */
function verdict(row: ColdBenchRow): string {
  const within = [row.ratio, row.bestRatio].filter((ratio) => ratio <= MAX_COLD_RATIO).length;
  return within === 2 ? 'ok' : within === 0 ? 'over' : 'borderline';
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const kb = (bytes: number) => bytes / 1024;

/** Prints each function's minified bundle, about what it zips to, and where its bytes come from. */
export function printBundleSizes(bundles: readonly FunctionBundle[], log: (line: string) => void = console.log): void {
  const rows = bundles.map((bundle) => {
    const [, output] = Object.entries(bundle.metafile.outputs)[0] ?? [];
    const by = { sdk: 0, powertools: 0, ours: 0, other: 0 };
    for (const [file, input] of Object.entries(output?.inputs ?? {})) {
      if (/node_modules[\\/](@aws-sdk|@smithy|@aws)[\\/]/.test(file)) by.sdk += input.bytesInOutput;
      else if (file.includes('@aws-lambda-powertools')) by.powertools += input.bytesInOutput;
      else if (!file.includes('node_modules')) by.ours += input.bytesInOutput;
      else by.other += input.bytesInOutput;
    }
    // What the zip holds, give or take its ~100 bytes of framing (the stack test reads the real zips).
    const deflated = deflateRawSync(readFileSync(bundle.file), { level: 9 }).length;
    return [
      bundle.name,
      kb(bundle.bytes).toFixed(1),
      kb(deflated).toFixed(1),
      `${kb(bundle.bytes) <= MAX_BUNDLE_KB ? 'ok' : 'over'}`,
      kb(by.sdk).toFixed(1),
      kb(by.powertools).toFixed(1),
      kb(by.ours).toFixed(1),
      kb(by.other).toFixed(1),
    ];
  });
  log(
    formatTable(
      [
        'function',
        'minified KB',
        'deflated KB',
        `<= ${MAX_BUNDLE_KB} KB`,
        'AWS SDK KB',
        'Powertools KB',
        'ours KB',
        'other KB',
      ],
      rows,
    ),
  );
}

/**
 * Builds every function as `serverless package` does, and a baseline per function that only creates
 * the same SDK clients; loads each in a fresh Node process `runs` times, interleaved, and compares the
 * medians of the `import()` (module load + config + clients).
 */
export async function runColdBench(
  runs = 25,
  log: (line: string) => void = console.log,
): Promise<readonly ColdBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'invalidator-cold-'));
  try {
    const settings = readBundleSettings();
    const bundles = await buildFunctionBundles(dir, undefined, settings);
    printBundleSizes(bundles, log);
    const env = deployedEnvironment();
    const timed: Omit<ColdBenchRow, 'countedRatio'>[] = [];
    const pairs: (readonly [ours: string, baseline: string])[] = [];
    for (const bundle of bundles) {
      const baseline = await buildBaselineBundle(bundle.name, dir, settings);
      const ours: ColdInit[] = [];
      const floor: ColdInit[] = [];
      for (let run = 0; run < runs; run++) {
        floor.push(await measureColdInit(baseline.file, env));
        ours.push(await measureColdInit(bundle.file, env));
      }
      const [ms, baselineMs] = [median(ours.map((r) => r.ms)), median(floor.map((r) => r.ms))];
      const cpuRatio = median(ours.map((r) => r.cpuMs)) / median(floor.map((r) => r.cpuMs));
      pairs.push([bundle.file, baseline.file]);
      timed.push({
        name: bundle.name,
        bundleKb: kb(bundle.bytes),
        baselineKb: kb(baseline.bytes),
        ms,
        baselineMs,
        ratio: ms / baselineMs,
        cpuRatio,
        bestRatio: Math.min(...ours.map((r) => r.ms)) / Math.min(...floor.map((r) => r.ms)),
      });
    }
    // Counted after the timing, so valgrind's processes do not disturb it.
    const valgrind = await hasValgrind();
    const emptyModule = join(dir, 'empty.mjs');
    writeFileSync(emptyModule, '');
    const counted = valgrind ? await countedRatios(pairs, emptyModule, env) : [];
    const rows: ColdBenchRow[] = timed.map((row, index) => ({ ...row, countedRatio: counted[index] }));
    log('');
    log(
      formatTable(
        [
          'function',
          'bundle KB',
          'baseline KB',
          'over clients KB (budget)',
          'cold init ms',
          'baseline ms',
          'ratio',
          'CPU ratio',
          'best ratio',
          'counted ratio',
          `<= ${MAX_COLD_RATIO}x`,
        ],
        rows.map((row) => [
          row.name,
          row.bundleKb.toFixed(1),
          row.baselineKb.toFixed(1),
          `${(row.bundleKb - row.baselineKb).toFixed(1)} (${kbOverClientsWithin(MAX_COLD_RATIO, row.baselineKb * 1024).toFixed(1)})`,
          row.ms.toFixed(1),
          row.baselineMs.toFixed(1),
          `${row.ratio.toFixed(2)}x`,
          `${row.cpuRatio.toFixed(2)}x`,
          `${row.bestRatio.toFixed(2)}x`,
          row.countedRatio === undefined ? '-' : `${row.countedRatio.toFixed(3)}x`,
          verdict(row),
        ]),
      ),
    );
    log(
      `median of ${runs} fresh processes each, interleaved with the baseline; best: fastest against fastest; Node ${process.version}`,
    );
    log(
      valgrind
        ? 'counted: instructions of the import (beyond an empty module), valgrind cachegrind with node --predictable: the same on every run'
        : 'counted: not measured, valgrind not found (apt-get install valgrind)',
    );
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1]) : undefined;
  await runColdBench(runs);
}
