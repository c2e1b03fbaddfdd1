import { describe, expect, it } from 'vitest';
import { alertOf, buildMonthlyReport } from '../../shared/domain/report/index.ts';
import { buildBusyInput, buildEmptyInput } from '../helpers/report.ts';

describe('alertOf', () => {
  describe('a projection past the budget', () => {
    it('starts the subject with ALARM and keeps it to 100 printable ASCII characters', () => {
      // Prepare
      const report = buildMonthlyReport(buildBusyInput());
      // Act
      const alert = alertOf(report, 'production-eu-with-a-rather-long-stage-name');
      // Assess
      expect(alert.alarm).toBe(true);
      expect(
        alert.subject.startsWith('ALARM: CloudFront invalidations production-eu-with-a-rather-long-stage-name 2026-11'),
      ).toBe(true);
      expect(alert.subject.length).toBeLessThanOrEqual(100);
      expect(alert.subject).toMatch(/^[\x20-\x7e]+$/);
    });
  });

  describe('a month within budget', () => {
    it('gives a plain summary', () => {
      // Prepare
      const report = buildMonthlyReport(buildEmptyInput());
      // Act
      const alert = alertOf(report, 'dev');
      // Assess
      expect(alert).toEqual({ alarm: false, subject: 'CloudFront invalidations dev 2026-10: 0 paths used, $0.00' });
    });
  });
});
