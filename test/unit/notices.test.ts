import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  completionNotice,
  deployedNotice,
  deployTimeoutNotice,
  type InvalidationFacts,
  MAX_ATTRIBUTES,
  type Notice,
  shouldNotify,
  timeoutNotice,
} from '../../shared/domain/notices.ts';

function facts(overrides: Partial<InvalidationFacts> = {}): InvalidationFacts {
  return {
    distributionId: 'E1SITE0000000A',
    invalidationId: 'I2J3K4L5M6N7O8',
    paths: 2,
    changedObjects: 7,
    source: 'collector',
    ...overrides,
  };
}

const DEPLOYMENT = {
  distributionId: 'E1SITE0000000A',
  eTag: 'E2QWRUHAPOMQZL',
  operation: 'UpdateDistribution',
} as const;

function everyNotice(distributionId = 'E1SITE0000000A'): Notice[] {
  return [
    completionNotice(facts({ distributionId }), 125_000, { month: '2026-11', monthPaths: 1200 }),
    completionNotice(facts({ distributionId, changedObjects: null, source: 'outside' }), 1000),
    timeoutNotice(facts({ distributionId }), 3_600_000),
    deployedNotice({ ...DEPLOYMENT, distributionId }, 301_000),
    deployTimeoutNotice({ ...DEPLOYMENT, distributionId }, 3_600_000),
  ];
}

describe('shouldNotify', () => {
  it('sends every kind at "all", only the two time-outs at "failures" and nothing at "off"', () => {
    // Act
    const table = (['all', 'failures', 'off'] as const).map((level) =>
      (['completed', 'timed-out', 'deployed', 'deploy-timed-out'] as const).map((kind) => shouldNotify(level, kind)),
    );
    // Assess
    expect(table).toEqual([
      [true, true, true, true],
      [false, true, false, true],
      [false, false, false, false],
    ]);
  });
});

describe('completionNotice', () => {
  it('names the ids, latency, counts and the month cost, in text and attributes', () => {
    // Act
    const notice = completionNotice(facts(), 125_000, { month: '2026-11', monthPaths: 1200 });
    // Assess
    expect(notice.subject).toBe('CloudFront invalidation completed: E1SITE0000000A in 2 min 5 s');
    expect(notice.message).toContain('Invalidation I2J3K4L5M6N7O8 on distribution E1SITE0000000A');
    expect(notice.message).toContain('Paths: 2, changed objects: 7 (source: collector)');
    expect(notice.message).toContain('Month 2026-11 so far: 1200 paths, $1.00 (0 free paths left).');
    expect(notice.attributes).toEqual({
      kind: 'completed',
      source: 'collector',
      distributionId: 'E1SITE0000000A',
      status: 'Completed',
      invalidationId: 'I2J3K4L5M6N7O8',
      paths: 2,
      changedObjects: 7,
      latencySeconds: 125,
      monthPaths: 1200,
      monthCostUsd: 1,
    });
  });

  it('leaves out changed objects and the month for an invalidation made outside the service', () => {
    // Act
    const notice = completionNotice(facts({ changedObjects: null, source: 'outside' }), 61_000);
    // Assess
    expect(notice.attributes).toMatchObject({ source: 'outside', paths: 2, latencySeconds: 61 });
    expect(notice.attributes).not.toHaveProperty('changedObjects');
    expect(notice.attributes).not.toHaveProperty('monthPaths');
    expect(notice.message).not.toContain('Month');
  });
});

describe('timeoutNotice', () => {
  it('says the invalidation did not complete and how to check it', () => {
    // Act
    const notice = timeoutNotice(facts(), 3_600_000);
    // Assess
    expect(notice.subject).toBe('CloudFront invalidation NOT completed after 1 h: E1SITE0000000A');
    expect(notice.message).toContain(
      'aws cloudfront get-invalidation --distribution-id E1SITE0000000A --id I2J3K4L5M6N7O8',
    );
    expect(notice.attributes).toMatchObject({ kind: 'timed-out', status: 'InProgress', waitedSeconds: 3600 });
  });
});

describe('deployment notices', () => {
  it('report the distribution, the version and the latency', () => {
    // Act
    const deployed = deployedNotice(DEPLOYMENT, 301_000);
    const late = deployTimeoutNotice(DEPLOYMENT, 3_600_000);
    // Assess
    expect(deployed.subject).toBe('CloudFront distribution deployed: E1SITE0000000A in 5 min 1 s');
    expect(deployed.attributes).toEqual({
      kind: 'deployed',
      source: 'outside',
      distributionId: 'E1SITE0000000A',
      status: 'Deployed',
      eTag: 'E2QWRUHAPOMQZL',
      operation: 'UpdateDistribution',
      latencySeconds: 301,
    });
    expect(late.subject).toBe('CloudFront distribution NOT deployed after 1 h: E1SITE0000000A');
    expect(late.attributes).toMatchObject({ kind: 'deploy-timed-out', status: 'InProgress', waitedSeconds: 3600 });
  });
});

describe('every notice', () => {
  it('keeps its subject under 100 printable ASCII characters, whatever the ids', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (distributionId) =>
        everyNotice(distributionId).every(({ subject }) => subject.length < 100 && /^[\x20-\x7e]*$/.test(subject)),
      ),
    );
  });

  it('fits the 10 message attributes SNS delivers to SQS, with kind, source, distributionId and status', () => {
    for (const notice of everyNotice()) {
      expect(Object.keys(notice.attributes).length).toBeLessThanOrEqual(MAX_ATTRIBUTES);
      expect(Object.keys(notice.attributes).slice(0, 4)).toEqual(['kind', 'source', 'distributionId', 'status']);
    }
  });

  it('carries ids, counts and money only: no path or object key in text or attributes', () => {
    // Prepare: facts carry counts; a path can only get in through a field that should not hold one
    const texts = everyNotice().flatMap((notice) => [
      notice.subject,
      notice.message,
      ...Object.values(notice.attributes).map(String),
    ]);
    // Assess: the only slashes are in the doc reference and CLI hints, never a URL path
    for (const text of texts) expect(text).not.toMatch(/(^|\s)\/[A-Za-z0-9*]/);
  });
});
