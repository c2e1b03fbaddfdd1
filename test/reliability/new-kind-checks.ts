import type { RecordedInvalidation } from '../../shared/local/cloudfront-emulator/index.ts';
import { viewerPathOf } from './aws-url.ts';
import type { RunObservation } from './invariants.ts';
import { DIST } from './topology.ts';

/**
 * Invariant 6: a message that feeds two distributions is issued once on each. In a two-distribution run
 * every object of the shared bucket is written once (one message), so two invalidations of ours on one
 * distribution naming its path mean that distribution was issued (and billed) twice for one message.
 *
 * @returns paths issued twice
 */
export function checkTwoDistributions(
  run: RunObservation,
  ours: readonly RecordedInvalidation[],
  violations: string[],
): number {
  const plan = run.scenario.twoDistributions;
  if (plan === null) return 0;
  let twice = 0;
  for (const op of plan.waves.flat()) {
    const path = viewerPathOf(op.key);
    for (const distributionId of [DIST.twoKept, DIST.twoFailing]) {
      const issued = ours.filter(
        (invalidation) => invalidation.distributionId === distributionId && invalidation.paths.includes(path),
      );
      if (issued.length < 2) continue;
      twice++;
      violations.push(
        `${distributionId} was issued ${issued.length} times for one message about s3://${op.bucket}/${op.key} ` +
          `(${issued.map((invalidation) => invalidation.id).join(', ')}): billed twice`,
      );
    }
  }
  return twice;
}

/**
 * Invariant 7: every path a long hard-cap wait held is covered, afterwards, by an invalidation of ours
 * on its distribution (exactly, or by a wildcard over it): held across days, issued the next month.
 *
 * @returns paths never issued
 */
export function checkLongWait(
  run: RunObservation,
  ours: readonly RecordedInvalidation[],
  violations: string[],
): number {
  const wait = run.longWait;
  if (wait === null) return 0;
  let lost = 0;
  for (const entry of wait.waiting) {
    const [distributionId, path] = entry.split(' ', 2) as [string, string];
    const covered = ours.some(
      (invalidation) =>
        invalidation.distributionId === distributionId &&
        invalidation.paths.some((pattern) =>
          pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path,
        ),
    );
    if (covered) continue;
    lost++;
    violations.push(`${distributionId} ${path} waited at the hard cap and was never issued`);
  }
  return lost;
}
