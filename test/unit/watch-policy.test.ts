import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkDelaySeconds,
  checkSchedule,
  completionLatencyMs,
  DEFAULT_DEPLOY_SCHEDULE,
  DEFAULT_WATCH_SCHEDULE,
  decideAfterInProgress,
  formatDuration,
  parseCheckDelays,
  SQS_MAX_DELAY_SECONDS,
  scheduledCheckCount,
  type WatchSchedule,
} from '../../shared/domain/watch-policy.ts';

const SINCE = Date.parse('2026-11-21T12:00:00Z');

const arbitrarySchedule = fc.record({
  delaysSeconds: fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 12 }),
  maxWaitSeconds: fc.integer({ min: 60, max: 86_400 }),
});

/** When a change that completes after `completesAfterSeconds` is first seen by a check. */
function seenAfterSeconds(schedule: WatchSchedule, completesAfterSeconds: number): number {
  let at = 0;
  for (const delay of checkSchedule(schedule)) {
    at += delay;
    if (at >= completesAfterSeconds) return at;
  }
  return Number.POSITIVE_INFINITY;
}

describe('checkDelaySeconds', () => {
  it('follows the schedule and repeats its last delay', () => {
    // Prepare
    const attempts = [1, 2, 3, 8, 9, 10, 11, 40];
    // Act
    const delays = attempts.map((attempt) => checkDelaySeconds(attempt, DEFAULT_WATCH_SCHEDULE));
    // Assess
    expect(delays).toEqual([30, 30, 60, 120, 120, 300, 300, 300]);
  });

  it('never passes the SQS maximum, whatever the schedule says', () => {
    fc.assert(
      fc.property(arbitrarySchedule, fc.integer({ min: 1, max: 1000 }), (schedule, attempt) => {
        const delay = checkDelaySeconds(attempt, { ...schedule, delaysSeconds: [...schedule.delaysSeconds, 5000] });
        return delay >= 1 && delay <= SQS_MAX_DELAY_SECONDS;
      }),
    );
  });
});

describe('checkSchedule', () => {
  it('checks densely in the first ten minutes, where invalidations usually complete', () => {
    // Act
    const delays = checkSchedule(DEFAULT_WATCH_SCHEDULE);
    // Assess
    expect(delays.slice(0, 10)).toEqual([30, 30, 60, 60, 60, 60, 60, 120, 120, 300]);
    expect(delays).toHaveLength(19);
  });

  it('sees a 7-minute invalidation at 8 minutes (the doubling from 60 s saw it at 15)', () => {
    // Prepare: the old schedule, written out independently: 60, 120, 240, 480, 900… (cumulative 1, 3, 7, 15 min)
    const doubling: WatchSchedule = { delaysSeconds: [60, 120, 240, 480, 900], maxWaitSeconds: 3600 };
    // Act
    const now = seenAfterSeconds(DEFAULT_WATCH_SCHEDULE, 7 * 60);
    const before = seenAfterSeconds(doubling, 7 * 60 + 1);
    // Assess
    expect(now).toBe(8 * 60);
    expect(before).toBe(15 * 60);
  });

  it('sees a deployment that ends just after 5 minutes within two minutes', () => {
    // Act
    const seen = seenAfterSeconds(DEFAULT_DEPLOY_SCHEDULE, 5 * 60 + 1);
    // Assess
    expect(seen - 5 * 60).toBeLessThanOrEqual(60 + 60);
    expect(seen).toBe(7 * 60);
  });

  it('holds as many checks as scheduledCheckCount says', () => {
    fc.assert(
      fc.property(arbitrarySchedule, (schedule) => checkSchedule(schedule).length === scheduledCheckCount(schedule)),
    );
  });

  it('adds up to exactly the maximum wait', () => {
    fc.assert(
      fc.property(
        arbitrarySchedule,
        (schedule) => checkSchedule(schedule).reduce((sum, d) => sum + d, 0) === schedule.maxWaitSeconds,
      ),
    );
  });
});

describe('decideAfterInProgress', () => {
  describe('within the maximum wait', () => {
    it('schedules the next attempt with the next delay of the schedule', () => {
      // Prepare: the third check ran two minutes after issuing
      const check = { attempt: 3, sinceMs: SINCE };
      // Act
      const decision = decideAfterInProgress(check, SINCE + 120_000, DEFAULT_WATCH_SCHEDULE);
      // Assess
      expect(decision).toEqual({ kind: 'recheck', attempt: 4, delaySeconds: 60 });
    });

    it('cuts the last delay so the final check lands on the deadline', () => {
      // Prepare: 100 s left of a 10-minute wait, the next delay is 300 s
      const schedule: WatchSchedule = { ...DEFAULT_WATCH_SCHEDULE, maxWaitSeconds: 600 };
      // Act
      const decision = decideAfterInProgress({ attempt: 9, sinceMs: SINCE }, SINCE + 500_000, schedule);
      // Assess
      expect(decision).toEqual({ kind: 'recheck', attempt: 10, delaySeconds: 100 });
    });
  });

  describe('at or past the maximum wait', () => {
    it('gives up and says how long it waited', () => {
      // Act
      const decision = decideAfterInProgress({ attempt: 7, sinceMs: SINCE }, SINCE + 3_600_000, DEFAULT_WATCH_SCHEDULE);
      // Assess
      expect(decision).toEqual({ kind: 'give-up', waitedMs: 3_600_000 });
    });
  });

  describe('with a clock that never moves', () => {
    it('gives up after twice the scheduled number of checks', () => {
      // Prepare
      const scheduled = checkSchedule(DEFAULT_WATCH_SCHEDULE).length;
      // Act
      const decision = decideAfterInProgress({ attempt: 2 * scheduled, sinceMs: SINCE }, SINCE, DEFAULT_WATCH_SCHEDULE);
      // Assess
      expect(decision.kind).toBe('give-up');
    });
  });

  it('ends every watch: following its own decisions it gives up within the maximum wait', () => {
    fc.assert(
      fc.property(arbitrarySchedule, (schedule) => {
        let now = SINCE + checkDelaySeconds(1, schedule) * 1000;
        let attempt = 1;
        for (let step = 0; step < 200_000; step++) {
          const decision = decideAfterInProgress({ attempt, sinceMs: SINCE }, now, schedule);
          if (decision.kind === 'give-up')
            return now - SINCE <= schedule.maxWaitSeconds * 1000 + checkDelaySeconds(1, schedule) * 1000;
          attempt = decision.attempt;
          now += decision.delaySeconds * 1000;
        }
        return false;
      }),
    );
  });
});

describe('completionLatencyMs', () => {
  it('measures from the first change when it is known', () => {
    // Act
    const latency = completionLatencyMs({ firstEventAt: SINCE - 5000, reservedAt: SINCE }, SINCE + 90_000);
    // Assess
    expect(latency).toBe(95_000);
  });

  it('falls back to the reservation time', () => {
    // Act
    const latency = completionLatencyMs({ reservedAt: SINCE }, SINCE + 90_000);
    // Assess
    expect(latency).toBe(90_000);
  });
});

describe('parseCheckDelays', () => {
  it('reads comma-separated seconds', () => {
    expect(parseCheckDelays('30, 60,300')).toEqual([30, 60, 300]);
  });

  it('refuses an empty entry, a zero and a delay SQS cannot hold', () => {
    // Act
    const results = ['', '30,,60', '0', '901', 'soon'].map(parseCheckDelays);
    // Assess
    for (const result of results) expect(result).toHaveProperty('problem');
  });
});

describe('formatDuration', () => {
  it('reads as seconds, minutes and hours', () => {
    // Act
    const texts = [0, 45_000, 120_000, 125_400, 3_600_000, 3_780_000].map(formatDuration);
    // Assess
    expect(texts).toEqual(['0 s', '45 s', '2 min', '2 min 5 s', '1 h', '1 h 3 min']);
  });
});
