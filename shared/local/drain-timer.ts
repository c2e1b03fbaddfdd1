/** How often the local stack drains the pending set by default: the deployed schedule is every minute. */
export const LOCAL_DRAIN_INTERVAL_MS = 5000;

/** A running drain schedule. */
export interface DrainTimer {
  /** Drains now (after a drain in progress ends); the timer's own runs go on. */
  runNow(): Promise<void>;
  /** Drains run so far (for tests and the summary of a serve session). */
  readonly runs: () => number;
  /** Stops the timer and waits for a drain in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `drain` every `intervalMs`, as the deployed `rate(1 minute)` schedule runs the collector's
 * drain: one at a time (a slow drain delays the next, never overlaps it), a failed one logged and the
 * schedule kept. The timer does not keep the process alive.
 *
 * @param intervalMs - milliseconds between the end of one drain and the start of the next (> 0)
 */
export function startDrainTimer(
  drain: () => Promise<unknown>,
  intervalMs: number,
  onError: (error: unknown) => void,
): DrainTimer {
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let runs = 0;
  const runOnce = (): Promise<void> => {
    running = running.then(async () => {
      if (stopped) return;
      runs++;
      await drain().catch(onError);
    });
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void runOnce().then(schedule), intervalMs);
    timer.unref();
  };
  schedule();
  return {
    runNow: runOnce,
    runs: () => runs,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
