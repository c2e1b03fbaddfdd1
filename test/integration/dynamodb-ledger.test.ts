import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoLedger } from '../../shared/adapters/dynamodb-ledger.ts';
import { PLAIN_PATHS_MAX_CHARS } from '../../shared/adapters/ledger-items.ts';
import { LEDGER_STATUS, type LedgerEntry } from '../../shared/app/ports.ts';
import { createDynamoClient } from '../helpers/aws-clients.ts';
import { createLedgerTable, readMonth } from '../helpers/collector.ts';

const MONTH = '2026-11';

function buildEntry(unitKey: string, paths: string[], overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    unitKey,
    month: MONTH,
    day: 21,
    distributionId: 'E1SITE0000000A',
    callerReference: `inv-${unitKey}`,
    status: LEDGER_STATUS.reserved,
    plan: { paths, exactPaths: paths.length, wildcardPaths: 0, changed: paths.length, collateral: null },
    messageCount: 1,
    changedObjects: paths.length,
    source: 'collector',
    reservedAt: Date.parse('2026-11-21T12:00:00Z'),
    ...overrides,
  };
}

describe('DynamoLedger', () => {
  let dynamo: DynamoDBClient;
  let tableName: string;
  let ledger: DynamoLedger;

  beforeAll(() => {
    dynamo = createDynamoClient();
  });

  afterAll(() => {
    dynamo.destroy();
  });

  beforeEach(async () => {
    tableName = await createLedgerTable(dynamo);
    ledger = new DynamoLedger(DynamoDBDocumentClient.from(dynamo), { tableName, retentionDays: 30 });
  });

  describe('reserve', () => {
    it('returns the stored entry for a unit reserved before', async () => {
      // Prepare
      await ledger.reserve(buildEntry('unit-a', ['/a.html']), {});

      // Act
      const outcome = await ledger.reserve(buildEntry('unit-a', ['/other.html'], { reservedAt: Date.now() }), {});

      // Assess
      expect(outcome.kind).toBe('exists');
      expect(outcome.kind === 'exists' ? outcome.entry.plan.paths : []).toEqual(['/a.html']);
      expect((await ledger.usage(MONTH)).paths).toBe(1);
    });

    it('reserves a released unit again with a new attempt (regression: IdempotentParameterMismatch, stale entry)', async () => {
      // Prepare
      const first = buildEntry('unit-b', ['/a.html', '/b.html']);
      await ledger.reserve(first, {});
      await ledger.release(first);

      // Act
      const outcome = await ledger.reserve(
        buildEntry('unit-b', ['/a.html', '/b.html'], { reservedAt: first.reservedAt + 5000 }),
        {},
      );

      // Assess
      expect(outcome.kind).toBe('reserved');
      expect(await ledger.usage(MONTH)).toEqual({ paths: 2, invalidations: 1 });
      expect((await ledger.findUnit('unit-b'))?.status).toBe(LEDGER_STATUS.reserved);
    });

    it('never passes the hard cap when many reservations race', async () => {
      // Prepare
      const entries = Array.from({ length: 12 }, (_, i) => buildEntry(`race-${i}`, [`/p-${i}.html`]));

      // Act
      const outcomes = await Promise.allSettled(entries.map((entry) => ledger.reserve(entry, { hardCap: 5 })));

      // Assess
      const reserved = outcomes.filter(
        (outcome) => outcome.status === 'fulfilled' && outcome.value.kind === 'reserved',
      );
      const usage = await ledger.usage(MONTH);
      expect(usage.paths).toBeLessThanOrEqual(5);
      expect(usage.paths).toBe(reserved.length);
    });
  });

  describe('release', () => {
    it('gives the paths back once even when called twice', async () => {
      // Prepare
      const entry = buildEntry('unit-c', ['/a.html', '/b.html', '/c.html']);
      await ledger.reserve(entry, {});

      // Act
      await ledger.release(entry);
      await ledger.release(entry);

      // Assess
      const items = await readMonth(dynamo, tableName, MONTH);
      const counters = items.filter((item) => !String(item.sk).startsWith('INV#'));
      expect(counters.map((item) => [item.sk, item.paths, item.invalidations])).toEqual(
        counters.map((item) => [item.sk, 0, 0]),
      );
      expect(await ledger.findUnit('unit-c')).toBeUndefined();
    });
  });

  describe('markIssued', () => {
    it('stores the invalidation id and keeps the plan readable', async () => {
      // Prepare
      const entry = buildEntry('unit-d', ['/docs/*', '/index.html'], { firstEventAt: 1 });
      await ledger.reserve(entry, {});

      // Act
      await ledger.markIssued(entry, 'I2J0I21PCUYOIK', entry.reservedAt + 10);

      // Assess
      expect(await ledger.findUnit('unit-d')).toEqual({
        ...entry,
        status: LEDGER_STATUS.issued,
        invalidationId: 'I2J0I21PCUYOIK',
        issuedAt: entry.reservedAt + 10,
      });
    });

    it('counts the paths again when the entry was released but CloudFront holds it (regression)', async () => {
      // Prepare: released (a refused duplicate gave the paths back) while the holder's request went through.
      const entry = buildEntry('unit-e', ['/a.html', '/b.html', '/c.html']);
      await ledger.reserve(entry, {});
      await ledger.release(entry);

      // Act
      await ledger.markIssued(entry, 'I3K0I21PCUYOIK', entry.reservedAt + 10);

      // Assess
      const total = (await readMonth(dynamo, tableName, MONTH)).find((item) => item.sk === 'TOTAL');
      expect(total).toMatchObject({ paths: 3, invalidations: 1 });
      expect(await ledger.findUnit('unit-e')).toMatchObject({ status: 'issued', invalidationId: 'I3K0I21PCUYOIK' });
    });
  });

  describe('claim', () => {
    it('refuses the lease to another invocation while the holder may still run, and gives it once expired', async () => {
      // Prepare
      const entry = buildEntry('unit-f', ['/a.html']);
      await ledger.reserve(entry, { owner: 'holder', leaseMs: 60_000 });
      const lease = { owner: 'duplicate', leaseMs: 60_000 };

      // Act
      const early = await ledger.claim(entry, { ...lease, at: entry.reservedAt + 59_000 });
      const late = await ledger.claim(entry, { ...lease, at: entry.reservedAt + 60_000 });

      // Assess
      expect([early, late]).toEqual([false, true]);
      expect(await ledger.release(entry, { owner: 'holder' })).toBe(false);
    });
  });

  describe('stored plan', () => {
    const storedItem = async (unitKey: string) =>
      (await readMonth(dynamo, tableName, MONTH)).find((item) => item.sk === `INV#${unitKey}`) ?? {};
    // Ground truth written here, not by the adapter: what JSON.stringify of the paths measures.
    const shortPaths = ['/index.html', '/docs/*', '/assets/app.css'];
    // Hashed asset names compress about as badly as real plans do.
    const longPaths = Array.from(
      { length: 3000 },
      (_, i) => `/assets/${i}/app.${createHash('sha256').update(String(i)).digest('hex')}.js`,
    );
    // An item's size as DynamoDB counts it, near enough: names and values, binary by its bytes.
    const itemBytes = (item: Record<string, unknown>) =>
      Buffer.byteLength(
        JSON.stringify(item, (_, value) => (value instanceof Uint8Array ? 'x'.repeat(value.length) : value)),
      );

    it.each([
      ['a short plan as plain JSON', shortPaths, 'pathsJson'],
      ['a plan of exactly the limit as plain JSON', ['/a'.padEnd(PLAIN_PATHS_MAX_CHARS - 4, 'b')], 'pathsJson'],
      ['a plan just over the limit gzipped', ['/a'.padEnd(PLAIN_PATHS_MAX_CHARS - 3, 'b')], 'pathsGz'],
      ['a 3,000-path plan gzipped, below the 400 KB item limit', longPaths, 'pathsGz'],
    ])('stores %s and reads the same paths back', async (_, paths, attribute) => {
      // Prepare
      const entry = buildEntry('unit-p', paths);

      // Act
      await ledger.reserve(entry, {});

      // Assess
      const item = await storedItem('unit-p');
      expect(Object.keys(item).filter((key) => key.startsWith('paths'))).toEqual([attribute]);
      expect(JSON.stringify(paths).length <= PLAIN_PATHS_MAX_CHARS).toBe(attribute === 'pathsJson');
      expect((await ledger.findUnit('unit-p'))?.plan.paths).toEqual(paths);
      expect(itemBytes(item)).toBeLessThan(400 * 1024);
    });

    it('reads a short plan gzipped by an earlier release (items before pathsJson)', async () => {
      // Prepare
      await ledger.reserve(buildEntry('unit-q', shortPaths), {});
      await DynamoDBDocumentClient.from(dynamo).send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `MONTH#${MONTH}`, sk: 'INV#unit-q' },
          UpdateExpression: 'SET pathsGz = :gz REMOVE pathsJson',
          ExpressionAttributeValues: { ':gz': gzipSync(JSON.stringify(shortPaths)) },
        }),
      );

      // Act
      const entry = await ledger.findUnit('unit-q');

      // Assess
      expect(entry?.plan.paths).toEqual(shortPaths);
    });
  });
});
