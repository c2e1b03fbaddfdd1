import { FAULT_KINDS, MIN_RUNS_FOR_FIRED_CHECK, neverFired } from './fault-kinds.ts';
import type { RunFigures } from './invariants.ts';
import type { RunReport } from './run-scenario.ts';

/** The figures of many runs, added up. */
export interface FaultRunSummary extends RunFigures {
  readonly runs: number;
  /** Seeds of the runs that broke an invariant, with their first violations. */
  readonly failures: readonly { readonly seed: number; readonly violations: readonly string[] }[];
  readonly slowestRunMs: number;
}

/**
 * Adds up run reports.
 *
 * @param reports - one per run
 */
export function summarize(reports: readonly RunReport[]): FaultRunSummary {
  const sum = (pick: (report: RunReport) => number) => reports.reduce((total, report) => total + pick(report), 0);
  const merge = (pick: (report: RunReport) => Readonly<Record<string, number>>) => {
    const merged: Record<string, number> = {};
    for (const report of reports) {
      for (const [kind, count] of Object.entries(pick(report))) merged[kind] = (merged[kind] ?? 0) + count;
    }
    return merged;
  };
  return {
    runs: reports.length,
    objectsChanged: sum((r) => r.figures.objectsChanged),
    messages: sum((r) => r.figures.messages),
    invalidations: sum((r) => r.figures.invalidations),
    paths: sum((r) => r.figures.paths),
    pathsChecked: sum((r) => r.figures.pathsChecked),
    faults: merge((r) => r.figures.faults),
    staleObjects: sum((r) => r.figures.staleObjects),
    deadLetteredObjects: sum((r) => r.figures.deadLetteredObjects),
    deadLetters: sum((r) => r.figures.deadLetters),
    deadLetterReasons: merge((r) => r.figures.deadLetterReasons),
    unexpectedDeadLetters: sum((r) => r.figures.unexpectedDeadLetters),
    doubleCountedPaths: sum((r) => r.figures.doubleCountedPaths),
    missingPaths: sum((r) => r.figures.missingPaths),
    lostMessages: sum((r) => r.figures.lostMessages),
    capBreaches: sum((r) => r.figures.capBreaches),
    duplicateCallerReferences: sum((r) => r.figures.duplicateCallerReferences),
    billedTwice: sum((r) => r.figures.billedTwice),
    longWaitLost: sum((r) => r.figures.longWaitLost),
    unresolvedReservations: sum((r) => r.figures.unresolvedReservations),
    sweptIssued: sum((r) => r.figures.sweptIssued),
    sweptReleased: sum((r) => r.figures.sweptReleased),
    junkBlocked: sum((r) => r.figures.junkBlocked),
    failures: reports
      .filter((report) => report.violations.length > 0)
      .map((report) => ({ seed: report.seed, violations: report.violations })),
    slowestRunMs: Math.max(0, ...reports.map((report) => report.durationMs)),
  };
}

/**
 * The summary as the soak prints it: one figure per line, faults by kind, then each failing seed.
 *
 * @param summary - from {@link summarize}
 * @param seconds - wall time of the whole soak
 */
export function formatSummary(summary: FaultRunSummary, seconds: number): string {
  const lines = [
    `runs                        ${summary.runs}`,
    `objects changed             ${summary.objectsChanged}`,
    `messages                    ${summary.messages}`,
    `invalidations (ours)        ${summary.invalidations} (${summary.paths} paths)`,
    `edge paths checked          ${summary.pathsChecked}`,
    'fault kinds fired (each must fire in a soak of 200+ runs):',
    ...FAULT_KINDS.map((kind) => `  ${kind.padEnd(46)}${summary.faults[kind] ?? 0}`),
    'other figures:',
    ...Object.entries(summary.faults)
      .filter(([kind]) => !(FAULT_KINDS as readonly string[]).includes(kind))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, count]) => `  ${kind.padEnd(46)}${count}`),
    `stale objects               ${summary.staleObjects}, stale, waiting (pending/DLQ) ${summary.deadLetteredObjects}`,
    `waiting objects             ${summary.deadLetteredObjects} (in a pending set, or in the DLQ with a logged reason; ${summary.deadLetters} dead letters)`,
    ...Object.entries(summary.deadLetterReasons).map(
      ([reason, count]) => `  last failure ${reason.padEnd(34)}${count}`,
    ),
    `double-counted paths        ${summary.doubleCountedPaths}`,
    `uncounted paths             ${summary.missingPaths}`,
    `lost messages               ${summary.lostMessages}`,
    `cap breaches                ${summary.capBreaches}`,
    `CallerReferences reused     ${summary.duplicateCallerReferences}`,
    `issued twice for a message  ${summary.billedTwice} (two-distribution runs)`,
    `long-wait paths never issued ${summary.longWaitLost}`,
    `reservations left reserved  ${summary.unresolvedReservations}`,
    `swept reservations          ${summary.sweptIssued} found in CloudFront (marked issued), ${summary.sweptReleased} released`,
    `junk that blocked a batch   ${summary.junkBlocked}`,
    `slowest run                 ${(summary.slowestRunMs / 1000).toFixed(1)} s`,
    `wall time                   ${seconds.toFixed(0)} s`,
  ];
  for (const failure of summary.failures) {
    lines.push(`FAILED seed ${failure.seed}: ${failure.violations.slice(0, 5).join('; ')}`);
  }
  return lines.join('\n');
}

/**
 * The fault kinds that never fired, when the soak is long enough to demand them all (else none): a
 * non-empty answer fails the soak.
 *
 * @param summary - from {@link summarize}
 */
export function unfiredKinds(summary: FaultRunSummary): string[] {
  return summary.runs >= MIN_RUNS_FOR_FIRED_CHECK ? neverFired(summary.faults) : [];
}

/**
 * The never-fired check as one line, printed just before the last line.
 *
 * @param summary - from {@link summarize}
 */
export function formatFiredLine(summary: FaultRunSummary): string {
  const unfired = unfiredKinds(summary);
  if (summary.runs < MIN_RUNS_FOR_FIRED_CHECK) {
    const missing = neverFired(summary.faults);
    return `fault kinds: ${FAULT_KINDS.length - missing.length}/${FAULT_KINDS.length} fired (checked from ${MIN_RUNS_FOR_FIRED_CHECK} runs)`;
  }
  return unfired.length === 0
    ? `fault kinds: all ${FAULT_KINDS.length} fired`
    : `FAILED never fired: ${unfired.join(', ')}`;
}

/**
 * The soak's last line, one figure each, for scripts and CI to read:
 * `soak: runs N, stale 0, waiting W, unexpected-dead-letters 0, lost 0, double-counted 0, under-counted 0, cap-breaches 0`.
 * `stale` is stale at the edge with nothing waiting for it; `waiting` is stale with its change in the DLQ
 * (or, once there is one, the pending set) for an allowed reason.
 *
 * @param summary - from {@link summarize}
 */
export function formatFinalLine(summary: FaultRunSummary): string {
  return [
    `soak: runs ${summary.runs}`,
    `stale ${summary.staleObjects}`,
    `waiting ${summary.deadLetteredObjects}`,
    `unexpected-dead-letters ${summary.unexpectedDeadLetters}`,
    `lost ${summary.lostMessages}`,
    `double-counted ${summary.doubleCountedPaths}`,
    `under-counted ${summary.missingPaths}`,
    `cap-breaches ${summary.capBreaches}`,
  ].join(', ');
}
