import { describe, expect, it } from 'vitest';
import { buildMonthlyReport, renderJson } from '../../shared/domain/report/index.ts';
import { buildBusyInput, buildSampleInput } from '../helpers/report.ts';

describe('renderJson', () => {
  describe('the sample month', () => {
    it('is the report model, so it parses back to the same object', () => {
      // Prepare
      const report = buildMonthlyReport(buildSampleInput());
      // Act
      const text = renderJson(report);
      // Assess
      expect(JSON.parse(text)).toEqual(report);
      expect(text.endsWith('}\n')).toBe(true);
    });

    it('has the documented top-level shape', () => {
      // Prepare
      const report = buildMonthlyReport(buildSampleInput());
      // Act
      const json = JSON.parse(renderJson(report));
      // Assess
      expect(Object.keys(json)).toEqual([
        'schemaVersion',
        'month',
        'generatedAt',
        'labels',
        'period',
        'freeTier',
        'totals',
        'distributions',
        'days',
        'projection',
        'ledger',
        'reconciliation',
        'pending',
        'savings',
        'notes',
      ]);
      expect(json).toMatchObject({
        schemaVersion: 1,
        month: '2026-10',
        generatedAt: '2026-11-21T12:00:00.000Z',
        labels: { stage: 'prod', tableName: 'invalidator-prod-ledger' },
        period: { start: '2026-10-01T00:00:00.000Z', end: '2026-11-01T00:00:00.000Z', state: 'past' },
        reconciliation: { status: 'not-run', reason: null, distributionsChecked: [], outside: [] },
      });
      expect(Object.keys(json.totals)).toEqual([
        'invalidations',
        'paths',
        'exactPaths',
        'wildcardPaths',
        'changedObjects',
        'pathsSaved',
        'outsideInvalidations',
        'outsidePaths',
        'freeTierUsed',
        'costUsd',
        'baselineCostUsd',
        'costAvoidedUsd',
        'latency',
      ]);
    });
  });

  describe('a reconciled month', () => {
    it('lists outside invalidations with their paths', () => {
      // Prepare
      const report = buildMonthlyReport(buildBusyInput());
      // Act
      const json = JSON.parse(renderJson(report));
      // Assess
      expect(json.reconciliation.outside[0]).toEqual({
        distributionId: 'E1SITE0000000A',
        invalidationId: 'I2J0I21PCUYOIK',
        createdAt: '2026-11-03T08:15:00.000Z',
        status: 'Completed',
        callerReference: 'console-2026-11-03, "hotfix"\nsecond line',
        paths: ['/*'],
      });
    });
  });
});
