import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkDelaySeconds,
  checkSchedule,
  completionLatencyMs,
  completionNotice,
  DEFAULT_WATCH_SCHEDULE,
  decideAfterInProgress,
  formatDuration,
  type InvalidationFacts,
  PATHS_SHOWN,
  SQS_MAX_DELAY_SECONDS,
  scheduledCheckCount,
  shouldNotify,
  timeoutNotice,
  type WatchSchedule,
} from '../../shared/domain/watch-policy.ts';

const SINCE = Date.parse('2026-11-21T12:00:00Z');

function facts(overrides: Partial<InvalidationFacts> = {}): InvalidationFacts {
  return {
    distributionId: 'E1SITE0000000A',
    invalidationId: 'I2J3K4L5M6N7O8',
    paths: ['/index.html', '/'],
    changedObjects: 1,
    source: 'collector',
    ...overrides,
  };
}

const arbitrarySchedule = fc.record({
  firstDelaySeconds: fc.integer({ min: 1, max: 900 }),
  maxDelaySeconds: fc.integer({ min: 30, max: 900 }),
  maxWaitSeconds: fc.integer({ min: 60, max: 86_400 }),
});

describe('checkDelaySeconds', () => {
  it('doubles from 60 seconds and stops at the SQS maximum of 900', () => {
    // Prepare
    const attempts = [1, 2, 3, 4, 5, 6, 40];
    // Act
    const delays = attempts.map((attempt) => checkDelaySeconds(attempt, DEFAULT_WATCH_SCHEDULE));
    // Assess
    expect(delays).toEqual([60, 120, 240, 480, 900, 900, 900]);
  });

  it('never passes the SQS maximum, whatever the schedule says', () => {
    fc.assert(
      fc.property(arbitrarySchedule, fc.integer({ min: 1, max: 1000 }), (schedule, attempt) => {
        const delay = checkDelaySeconds(attempt, { ...schedule, maxDelaySeconds: 5000 });
        return delay >= 1 && delay <= SQS_MAX_DELAY_SECONDS;
      }),
    );
  });
});

describe('checkSchedule', () => {
  it('spaces the default hour into seven checks', () => {
    // Act
    const delays = checkSchedule(DEFAULT_WATCH_SCHEDULE);
    // Assess
    expect(delays).toEqual([60, 120, 240, 480, 900, 900, 900]);
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
      // Prepare: the first check (attempt 1) ran a minute after issuing
      const check = { attempt: 1, sinceMs: SINCE };
      // Act
      const decision = decideAfterInProgress(check, SINCE + 60_000, DEFAULT_WATCH_SCHEDULE);
      // Assess
      expect(decision).toEqual({ kind: 'recheck', attempt: 2, delaySeconds: 120 });
    });

    it('cuts the last delay so the final check lands on the deadline', () => {
      // Prepare: 100 s left of a 10-minute wait
      const schedule: WatchSchedule = { ...DEFAULT_WATCH_SCHEDULE, maxWaitSeconds: 600 };
      // Act
      const decision = decideAfterInProgress({ attempt: 3, sinceMs: SINCE }, SINCE + 500_000, schedule);
      // Assess
      expect(decision).toEqual({ kind: 'recheck', attempt: 4, delaySeconds: 100 });
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
        for (let step = 0; step < 10_000; step++) {
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

describe('shouldNotify', () => {
  it('sends both kinds at "all", only time-outs at "failures" and nothing at "off"', () => {
    // Act
    const table = (['all', 'failures', 'off'] as const).map((level) => [
      shouldNotify(level, 'completed'),
      shouldNotify(level, 'timed-out'),
    ]);
    // Assess
    expect(table).toEqual([
      [true, true],
      [false, true],
      [false, false],
    ]);
  });
});

describe('completionNotice', () => {
  it('names the distribution, invalidation, latency, paths and the month cost', () => {
    // Prepare
    const invalidation = facts({ paths: ['/a.html', '/b.html'], changedObjects: 7 });
    // Act
    const notice = completionNotice(invalidation, { latencyMs: 125_000, month: '2026-11', monthPaths: 1200 });
    // Assess
    expect(notice.kind).toBe('completed');
    expect(notice.subject).toBe('CloudFront invalidation completed: E1SITE0000000A in 2 min 5 s');
    expect(notice.message).toContain('Invalidation I2J3K4L5M6N7O8 on distribution E1SITE0000000A');
    expect(notice.message).toContain('Paths: 2\n  /a.html\n  /b.html');
    expect(notice.message).toContain('Changed objects: 7');
    expect(notice.message).toContain('Month 2026-11 so far: 1200 paths, $1.00 (0 free paths left).');
  });

  it('lists the first paths and counts the rest', () => {
    // Prepare
    const paths = Array.from({ length: 12 }, (_, i) => `/p${i}.html`);
    // Act
    const notice = completionNotice(facts({ paths }), { latencyMs: 1000, month: '2026-11', monthPaths: 12 });
    // Assess
    expect(notice.message).toContain(`Paths: 12 (first ${PATHS_SHOWN} shown)`);
    expect(notice.message).toContain('/p4.html\n  … and 7 more');
    expect(notice.message).not.toContain('/p5.html');
  });

  it('keeps the subject within 100 printable ASCII characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (distributionId) => {
        const { subject } = completionNotice(facts({ distributionId }), {
          latencyMs: 0,
          month: '2026-11',
          monthPaths: 0,
        });
        return subject.length <= 100 && /^[\x20-\x7e]*$/.test(subject);
      }),
    );
  });
});

describe('timeoutNotice', () => {
  it('says the invalidation did not complete and how to check it', () => {
    // Act
    const notice = timeoutNotice(facts(), 3_600_000);
    // Assess
    expect(notice.kind).toBe('timed-out');
    expect(notice.subject).toBe('CloudFront invalidation NOT completed after 1 h: E1SITE0000000A');
    expect(notice.message).toContain(
      'aws cloudfront get-invalidation --distribution-id E1SITE0000000A --id I2J3K4L5M6N7O8',
    );
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
