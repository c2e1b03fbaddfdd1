import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ContinuationState,
  DEFAULT_LOOKBACK_SECONDS,
  DEFAULT_TIMEOUT_MINUTES,
  decodeContinuation,
  encodeContinuation,
  PipelineParamsError,
  parseUserParameters,
} from '../../shared/domain/pipeline-params.ts';

const DIST = 'E1SITE0000000A';
const UNIT_KEY = '0123456789abcdef0123456789abcdef';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineParamsError);
    return (error as Error).message;
  }
  throw new Error('expected a PipelineParamsError, but the call succeeded');
}

describe('parseUserParameters', () => {
  describe('mode "paths"', () => {
    it('returns the distribution, the paths without duplicates and the default timeout', () => {
      // Act
      const params = parseUserParameters(
        JSON.stringify({ mode: 'paths', distributionId: DIST, paths: ['/*', '/a.html', '/*'] }),
      );
      // Assess
      expect(params).toEqual({
        mode: 'paths',
        distributionId: DIST,
        paths: ['/*', '/a.html'],
        timeoutMinutes: DEFAULT_TIMEOUT_MINUTES,
        wait: true,
      });
    });

    it('takes wait: false, and only a boolean', () => {
      // Act
      const params = parseUserParameters(
        JSON.stringify({ mode: 'paths', distributionId: DIST, paths: ['/*'], wait: false }),
      );
      const bad = messageOf(() =>
        parseUserParameters(JSON.stringify({ mode: 'paths', distributionId: DIST, paths: ['/*'], wait: 'no' })),
      );
      // Assess
      expect(params).toMatchObject({ mode: 'paths', wait: false });
      expect(bad).toBe('UserParameters.wait: expected true or false, got "no"');
    });

    it('names the path that does not start with a slash', () => {
      // Act
      const message = messageOf(() =>
        parseUserParameters(JSON.stringify({ mode: 'paths', distributionId: DIST, paths: ['/ok', 'nope'] })),
      );
      // Assess
      expect(message).toBe('UserParameters.paths[1]: expected a path starting with "/", got "nope"');
    });

    it('rejects a star before the end, an unencoded space and an empty list', () => {
      // Prepare
      const cases = [['/a*/b'], ['/a b.html'], []];
      // Act
      const messages = cases.map((paths) =>
        messageOf(() => parseUserParameters(JSON.stringify({ mode: 'paths', distributionId: DIST, paths }))),
      );
      // Assess
      expect(messages[0]).toContain('UserParameters.paths[0]: expected "*" only as the last character');
      expect(messages[1]).toContain('UserParameters.paths[0]: expected a URL-encoded path');
      expect(messages[2]).toContain('UserParameters.paths: expected an array of 1 to 3000 paths');
    });
  });

  describe('mode "await"', () => {
    it('takes a distribution with the default lookback', () => {
      // Act
      const params = parseUserParameters(JSON.stringify({ mode: 'await', distributionId: DIST }));
      // Assess
      expect(params).toEqual({
        mode: 'await',
        target: { distributionId: DIST },
        timeoutMinutes: DEFAULT_TIMEOUT_MINUTES,
        lookbackSeconds: DEFAULT_LOOKBACK_SECONDS,
      });
    });

    it('takes a bucket and a timeout', () => {
      // Act
      const params = parseUserParameters(JSON.stringify({ mode: 'await', bucket: 'site-bucket', timeoutMinutes: 20 }));
      // Assess
      expect(params).toMatchObject({ mode: 'await', target: { bucket: 'site-bucket' }, timeoutMinutes: 20 });
    });

    it('refuses both a distribution and a bucket', () => {
      // Act
      const message = messageOf(() =>
        parseUserParameters(JSON.stringify({ mode: 'await', distributionId: DIST, bucket: 'site-bucket' })),
      );
      // Assess
      expect(message).toBe(
        'UserParameters.bucket: expected either distributionId or bucket, not both, got "site-bucket"',
      );
    });
  });

  describe('mode "wait-deployed"', () => {
    it('returns the distribution and the default timeout', () => {
      // Act
      const params = parseUserParameters(JSON.stringify({ mode: 'wait-deployed', distributionId: DIST }));
      // Assess
      expect(params).toEqual({ mode: 'wait-deployed', distributionId: DIST, timeoutMinutes: DEFAULT_TIMEOUT_MINUTES });
    });

    it('refuses a bucket and wait, naming the field', () => {
      // Act
      const messages = [
        { mode: 'wait-deployed', bucket: 'site-bucket' },
        { mode: 'wait-deployed', distributionId: DIST, wait: false },
      ].map((input) => messageOf(() => parseUserParameters(JSON.stringify(input))));
      // Assess
      expect(messages).toEqual([
        'UserParameters.bucket: expected no bucket in mode "wait-deployed" (give distributionId), got "site-bucket"',
        'UserParameters.wait: expected no wait outside mode "paths", got false',
      ]);
    });
  });

  describe('invalid input', () => {
    it('names the field and says what was expected and what came', () => {
      // Prepare
      const cases: [unknown, string][] = [
        [
          { mode: 'await', distributionId: 'd-123' },
          'UserParameters.distributionId: expected a CloudFront distribution id such as "E2QWRUHAPOMQZL", got "d-123"',
        ],
        [{ mode: 'await' }, 'UserParameters.distributionId: expected a distribution id (E…) or a bucket, got nothing'],
        [
          { mode: 'flush', distributionId: DIST },
          'UserParameters.mode: expected "paths", "await" or "wait-deployed", got "flush"',
        ],
        [{ mode: 'await', distributionID: DIST }, 'UserParameters.distributionID: expected no such field'],
        [
          { mode: 'await', distributionId: DIST, timeoutMinutes: 0 },
          'UserParameters.timeoutMinutes: expected a whole number from 1 to 1440, got 0',
        ],
        [['await'], 'UserParameters: expected a JSON object, got an array'],
      ];
      // Act
      const messages = cases.map(([input]) => messageOf(() => parseUserParameters(JSON.stringify(input))));
      // Assess
      expect(messages).toEqual(cases.map(([, expected]) => expect.stringContaining(expected)));
    });

    it('says so when the text is not JSON or missing', () => {
      // Act
      const notJson = messageOf(() => parseUserParameters('{mode: await}'));
      const missing = messageOf(() => parseUserParameters(undefined));
      // Assess
      expect(notJson).toBe('UserParameters: expected a JSON object, got text that is not JSON');
      expect(missing).toMatch(/^UserParameters: expected a JSON object such as .*, got nothing$/);
    });
  });
});

describe('encodeContinuation', () => {
  it('round-trips every state through decodeContinuation', () => {
    // Prepare
    const id = fc.stringMatching(/^E[A-Z0-9]{13}$/);
    const state: fc.Arbitrary<ContinuationState> = fc.oneof(
      fc.record({
        mode: fc.constant('paths' as const),
        startedAt: fc.nat(),
        distributionId: id,
        unitKey: fc.stringMatching(/^[0-9a-f]{32}$/),
        invalidationId: fc.stringMatching(/^I[A-Z0-9]{13}$/),
      }),
      fc.record({
        mode: fc.constant('await' as const),
        startedAt: fc.nat(),
        distributionIds: fc.array(id, { maxLength: 20 }),
        quietChecks: fc.nat(5),
      }),
      fc.record({ mode: fc.constant('wait-deployed' as const), startedAt: fc.nat(), distributionId: id }),
    );
    // Act + Assess
    fc.assert(
      fc.property(state, (value) => {
        expect(decodeContinuation(encodeContinuation(value))).toEqual(value);
      }),
    );
  });

  it('keeps the token within the 2,048 characters CodePipeline allows', () => {
    // Prepare
    const state: ContinuationState = {
      mode: 'paths',
      startedAt: Date.parse('2026-11-21T12:00:00Z'),
      distributionId: DIST,
      unitKey: UNIT_KEY,
    };
    // Act
    const token = encodeContinuation(state);
    // Assess
    expect(token.startsWith('v1.')).toBe(true);
    expect(token.length).toBeLessThanOrEqual(2048);
  });
});

describe('decodeContinuation', () => {
  it('rejects a token it did not issue', () => {
    // Prepare
    const forged = `v1.${Buffer.from(JSON.stringify({ mode: 'paths', startedAt: 1, distributionId: DIST, unitKey: 'short' })).toString('base64url')}`;
    // Act
    const messages = ['deploy-42', 'v1.***', forged].map((token) => messageOf(() => decodeContinuation(token)));
    // Assess
    expect(messages[0]).toBe(
      'continuationToken: expected a token issued by this action, got one that has no "v1." prefix',
    );
    expect(messages[1]).toContain('is not base64url JSON');
    expect(messages[2]).toContain('has no valid unitKey');
  });
});
