import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MonthKeyError } from '../../shared/domain/errors.ts';
import { buildMonthlyReport, ReportInputError } from '../../shared/domain/report/index.ts';
import {
  buildCloudFrontRecord,
  buildCounters,
  buildEmptyInput,
  buildLedgerItem,
  buildSampleInput,
  SAMPLE_DAILY_PATHS,
} from '../helpers/report.ts';

const SITE = 'E1SITE0000000A';
const DOCS = 'E2DOCS0000000B';

describe('buildMonthlyReport', () => {
  describe('a past month with 1,240 paths on two distributions', () => {
    it('reports the totals, the free tier and the cost against one path per object', () => {
      // Prepare
      const input = buildSampleInput();
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.totals).toMatchObject({
        invalidations: 7,
        paths: 1240,
        exactPaths: 1226,
        wildcardPaths: 14,
        changedObjects: 9600,
        pathsSaved: 8360,
        outsideInvalidations: null,
        outsidePaths: null,
        freeTierUsed: 1000,
        costUsd: 1.2,
        baselineCostUsd: 43,
        costAvoidedUsd: 41.8,
      });
      expect(report.freeTier).toEqual({ limit: 1000, used: 1000, left: 0 });
      expect(report.period).toMatchObject({ state: 'past', daysInMonth: 31, elapsedDays: 31 });
    });

    it('splits the account-wide amounts over the distributions so they add up exactly', () => {
      // Prepare
      const input = buildSampleInput();
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      const [site, docs] = report.distributions;
      expect(site).toMatchObject({ distributionId: SITE, paths: 1000, freeTierUsed: 806, costUsd: 0.968 });
      expect(site).toMatchObject({ baselineCostUsd: 40.313, costAvoidedUsd: 39.345 });
      expect(docs).toMatchObject({ distributionId: DOCS, paths: 240, freeTierUsed: 194, costUsd: 0.232 });
      expect(docs).toMatchObject({ baselineCostUsd: 2.687, costAvoidedUsd: 2.455 });
    });

    it('gives one day per day of the month with the cumulative paths', () => {
      // Prepare
      const input = buildSampleInput();
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.days).toHaveLength(31);
      const withPaths = report.days.filter((day) => day.paths > 0);
      expect(withPaths.map((day) => day.day)).toEqual(Object.keys(SAMPLE_DAILY_PATHS).map(Number));
      expect(report.days[4]).toEqual({
        day: 5,
        date: '2026-10-05',
        invalidations: 1,
        paths: 300,
        changedObjects: 2400,
        outsidePaths: 0,
        cumulativePaths: 420,
      });
      expect(report.days.at(-1)?.cumulativePaths).toBe(1240);
    });

    it('projects the actual total and flags it over the free-tier budget', () => {
      // Prepare
      const input = buildSampleInput();
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.projection).toEqual({ basis: 'actual', paths: 1240, costUsd: 1.2, budget: 1000, overBudget: true });
    });

    it('takes latency from completed items only and counts the ledger by status', () => {
      // Prepare
      const input = buildSampleInput();
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.totals.latency).toEqual({ samples: 3, medianMs: 60_000, p95Ms: 90_000 });
      expect(report.distributions[1]?.latency).toEqual({ samples: 0, medianMs: null, p95Ms: null });
      expect(report.ledger).toEqual({ reserved: 0, issued: 1, completed: 5, released: 1, timedOut: 1, other: 0 });
      expect(report.notes.some((note) => note.includes('timed out'))).toBe(true);
      expect(report.notes.some((note) => note.includes('released'))).toBe(true);
    });
  });

  describe('a month with no data', () => {
    it('reports zeros, the whole free tier left and says so', () => {
      // Prepare
      const input = buildEmptyInput();
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.totals).toMatchObject({ paths: 0, invalidations: 0, costUsd: 0, costAvoidedUsd: 0 });
      expect(report.freeTier).toEqual({ limit: 1000, used: 0, left: 1000 });
      expect(report.distributions).toEqual([]);
      expect(report.projection.overBudget).toBe(false);
      expect(report.notes[0]).toBe('No invalidations recorded for 2026-10.');
    });
  });

  describe('the current month', () => {
    it('projects the rate since the first day with paths to the month end', () => {
      // Prepare
      const input = buildEmptyInput({
        month: '2026-11',
        now: Date.parse('2026-11-11T00:00:00Z'),
        total: buildCounters({ paths: 400, exactPaths: 400, invalidations: 4, changedObjects: 900 }),
        days: [{ day: 3, counters: buildCounters({ paths: 400 }) }],
      });
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.period).toMatchObject({ state: 'current', elapsedDays: 10, daysInMonth: 30 });
      // 400 paths in the 8 days since the 3rd: 50 a day for the 28 days from the 3rd to the month end.
      expect(report.projection).toEqual({ basis: 'rate', paths: 1400, costUsd: 2, budget: 1000, overBudget: true });
      expect(report.days).toHaveLength(11);
    });

    it('projects nothing from less than a day of activity: the figures are the paths so far', () => {
      // Prepare: a demo's burst on the 20th, an hour old (it would project 300 paths at an hourly rate).
      const input = buildEmptyInput({
        month: '2026-11',
        now: Date.parse('2026-11-20T01:00:00Z'),
        total: buildCounters({ paths: 10 }),
        days: [{ day: 20, counters: buildCounters({ paths: 10 }) }],
      });
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.projection).toMatchObject({ basis: 'actual', paths: 10, overBudget: false });
      expect(report.notes).toContain(
        'Too early to project: less than a day of activity this month, so the figures are the paths so far.',
      );
    });

    it('checks the projection against the stage budget', () => {
      // Prepare
      const input = buildEmptyInput({
        month: '2026-11',
        now: Date.parse('2026-11-16T00:00:00Z'),
        total: buildCounters({ paths: 100 }),
        days: [{ day: 1, counters: buildCounters({ paths: 100 }) }],
        monthlyPathBudget: 150,
      });
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.projection).toMatchObject({ paths: 200, budget: 150, overBudget: true });
    });
  });

  describe('a future month', () => {
    it('has no days and projects nothing', () => {
      // Prepare
      const input = buildEmptyInput({ month: '2027-01' });
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.period.state).toBe('future');
      expect(report.days).toEqual([]);
      expect(report.projection).toMatchObject({ basis: 'actual', paths: 0 });
    });
  });

  describe('with reconciliation', () => {
    it('counts only invalidations the ledger does not know, by id or CallerReference, in the cost', () => {
      // Prepare
      const ledger = buildSampleInput().ledger;
      const known = ledger[0];
      const crashed = ledger[2];
      const input = buildSampleInput({
        reconciliation: {
          kind: 'done',
          distributionIds: [SITE, DOCS],
          invalidations: [
            buildCloudFrontRecord({ invalidationId: known?.invalidationId ?? '', callerReference: null, paths: null }),
            buildCloudFrontRecord({
              invalidationId: 'INEVERMARKED01',
              callerReference: crashed?.callerReference ?? '',
            }),
            buildCloudFrontRecord({ invalidationId: 'ICONSOLE00001', paths: ['/index.html', '/css/*', '/a b.html'] }),
          ],
        },
      });
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.reconciliation.status).toBe('done');
      expect(report.reconciliation.outside).toEqual([
        {
          distributionId: SITE,
          invalidationId: 'ICONSOLE00001',
          createdAt: '2026-10-12T09:30:00.000Z',
          status: 'Completed',
          callerReference: 'cli-1760261400',
          paths: ['/index.html', '/css/*', '/a b.html'],
        },
      ]);
      expect(report.totals).toMatchObject({
        outsideInvalidations: 1,
        outsidePaths: 3,
        costUsd: 1.215,
        costAvoidedUsd: 41.8,
      });
      expect(report.distributions[0]).toMatchObject({ outsidePaths: 3 });
      expect(report.distributions[1]).toMatchObject({ outsidePaths: 0 });
      expect(report.days[11]).toMatchObject({ day: 12, paths: 0, outsidePaths: 3, cumulativePaths: 503 });
      expect(report.projection.paths).toBe(1243);
    });

    it('lists a distribution that only someone else invalidated', () => {
      // Prepare
      const input = buildEmptyInput({
        reconciliation: {
          kind: 'done',
          distributionIds: ['E9OTHER000000Z'],
          invalidations: [buildCloudFrontRecord({ distributionId: 'E9OTHER000000Z', paths: ['/*'] })],
        },
      });
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.distributions.map((d) => [d.distributionId, d.paths, d.outsidePaths])).toEqual([
        ['E9OTHER000000Z', 0, 1],
      ]);
      expect(report.freeTier.used).toBe(1);
    });

    it('keeps the report and says why when reconciliation failed', () => {
      // Prepare
      const input = buildSampleInput({ reconciliation: { kind: 'failed', reason: 'AccessDenied' } });
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.reconciliation).toMatchObject({ status: 'failed', reason: 'AccessDenied', outside: [] });
      expect(report.totals.outsidePaths).toBeNull();
      expect(report.notes.some((note) => note.includes('AccessDenied'))).toBe(true);
    });
  });

  describe('counters and ledger disagree', () => {
    it('uses the counters and notes the difference', () => {
      // Prepare
      const input = buildEmptyInput({
        total: buildCounters({ paths: 30, invalidations: 2 }),
        ledger: [buildLedgerItem({ pathCount: 10 }), buildLedgerItem({ pathCount: 5, status: 'reserved' })],
      });
      // Act
      const report = buildMonthlyReport(input);
      // Assess
      expect(report.totals.paths).toBe(30);
      expect(report.notes).toContain(
        'Ledger items add up to 15 paths, the counters to 30: the figures use the counters (ledger items expire by TTL).',
      );
      expect(report.notes.some((note) => note.startsWith('1 invalidation reserved but not issued yet'))).toBe(true);
    });
  });

  describe('bad input', () => {
    it('rejects a negative counter naming the item', () => {
      // Prepare
      const input = buildEmptyInput({
        distributions: [{ distributionId: SITE, counters: buildCounters({ paths: -1 }) }],
      });
      // Act
      const act = () => buildMonthlyReport(input);
      // Assess
      expect(act).toThrow(ReportInputError);
      expect(act).toThrow(`DIST#${SITE}.paths: expected a non-negative integer, got -1`);
    });

    it('rejects a day outside the month', () => {
      // Prepare
      const input = buildEmptyInput({ month: '2026-02', days: [{ day: 29, counters: buildCounters() }] });
      // Act
      const act = () => buildMonthlyReport(input);
      // Assess
      expect(act).toThrow('day counter: expected a day 1..28 of 2026-02, got 29');
    });

    it('rejects a month that is not YYYY-MM', () => {
      // Prepare
      const input = buildEmptyInput({ month: '2026-13' });
      // Act
      const act = () => buildMonthlyReport(input);
      // Assess
      expect(act).toThrow(MonthKeyError);
    });
  });

  describe('invariants', () => {
    it('splits free tier, cost and baseline so the distributions add up to the totals', () => {
      const distribution = fc.record({
        paths: fc.nat(50_000),
        extraObjects: fc.nat(200_000),
        outside: fc.nat(3),
      });
      fc.assert(
        fc.property(fc.array(distribution, { minLength: 1, maxLength: 6 }), (rows) => {
          // Prepare
          const ids = rows.map((_, index) => `E${String(index).padStart(13, '0')}`);
          const distributions = rows.map((row, index) => ({
            distributionId: ids[index] as string,
            counters: buildCounters({
              paths: row.paths,
              exactPaths: row.paths,
              changedObjects: row.paths + row.extraObjects,
            }),
          }));
          const sum = (pick: (row: (typeof rows)[number]) => number) =>
            rows.reduce((total, row) => total + pick(row), 0);
          const invalidations = rows.flatMap((row, index) =>
            Array.from({ length: row.outside }, (_, n) =>
              buildCloudFrontRecord({
                distributionId: ids[index] as string,
                invalidationId: `I${index}x${n}`,
                paths: ['/x'],
              }),
            ),
          );
          const input = buildEmptyInput({
            total: buildCounters({ paths: sum((r) => r.paths), changedObjects: sum((r) => r.paths + r.extraObjects) }),
            distributions,
            reconciliation: { kind: 'done', distributionIds: ids, invalidations },
          });
          // Act
          const report = buildMonthlyReport(input);
          // Assess
          const mills = (pick: (f: (typeof report.distributions)[number]) => number) =>
            report.distributions.reduce((total, f) => total + Math.round(pick(f) * 1000), 0);
          expect(report.distributions.reduce((total, f) => total + f.freeTierUsed, 0)).toBe(report.totals.freeTierUsed);
          expect(mills((f) => f.costUsd)).toBe(Math.round(report.totals.costUsd * 1000));
          expect(mills((f) => f.baselineCostUsd)).toBe(Math.round(report.totals.baselineCostUsd * 1000));
          expect(report.totals.costAvoidedUsd).toBeGreaterThanOrEqual(0);
          expect(report.projection.paths).toBe(report.totals.paths + (report.totals.outsidePaths ?? 0));
        }),
      );
    });
  });
});
