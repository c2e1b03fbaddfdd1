import { describe, expect, it } from 'vitest';
import { buildMonthlyReport } from '../../shared/domain/report/build-report.ts';
import { renderJson } from '../../shared/domain/report/render-json.ts';
import { buildSampleInput } from '../helpers/report.ts';

describe('buildMonthlyReport with pending changes', () => {
  it('shows each distribution with pending changes and how long the oldest has waited', () => {
    // Prepare
    const input = buildSampleInput();
    const pending = [
      { distributionId: 'E1QUIET', paths: 0, sets: 0, oldestFirstSeenAt: undefined },
      { distributionId: 'E2CAPPED', paths: 42, sets: 3, oldestFirstSeenAt: input.now - 3 * 86_400_000 },
      { distributionId: 'E3SLOW', paths: 1, sets: 1, oldestFirstSeenAt: input.now - 90_000 },
    ];

    // Act
    const report = buildMonthlyReport({ ...input, pending });

    // Assess
    expect(report.pending).toEqual([
      {
        distributionId: 'E2CAPPED',
        paths: 42,
        sets: 3,
        oldestSince: new Date(input.now - 3 * 86_400_000).toISOString(),
        waitedSeconds: 259_200,
      },
      {
        distributionId: 'E3SLOW',
        paths: 1,
        sets: 1,
        oldestSince: new Date(input.now - 90_000).toISOString(),
        waitedSeconds: 90,
      },
    ]);
    expect(report.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^E2CAPPED: 42 changed paths pending, the oldest for 3\.0 days/),
        expect.stringMatching(/^E3SLOW: 1 changed path pending, the oldest for 90 s/),
      ]),
    );
    expect(JSON.parse(renderJson(report)).pending).toHaveLength(2);
  });
});
