import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, PublishCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runScheduledReport, type ScheduledReportDeps } from '../../functions/report/scheduled-report.ts';
import { CloudFrontReconciler } from '../../shared/adapters/cloudfront-reconciler.ts';
import { DynamoLedger } from '../../shared/adapters/dynamodb-ledger.ts';
import { DynamoReportReader, ReportTableNotFoundError } from '../../shared/adapters/dynamodb-report-reader.ts';
import { DynamoWatchLedger } from '../../shared/adapters/dynamodb-watch-ledger.ts';
import { LEDGER_STATUS, type LedgerEntry } from '../../shared/app/ports.ts';
import { EXIT } from '../../shared/cli/exit-codes.ts';
import { runReport } from '../../shared/cli/report.ts';
import { monthBounds } from '../../shared/domain/month.ts';
import { buildMonthlyReport, type MonthlyReport, NO_SAVINGS } from '../../shared/domain/report/index.ts';
import { callerReferenceOf } from '../../shared/domain/unit-of-work.ts';
import { type CloudFrontEmulator, startCloudFrontEmulator } from '../../shared/local/cloudfront-emulator/index.ts';
import {
  createCloudFrontClient,
  createDynamoClient,
  createSnsClient,
  createSqsClient,
  uniqueName,
} from '../helpers/aws-clients.ts';
import { captureIo } from '../helpers/cli-io.ts';
import { createExactPaths, createInvalidationInput } from '../helpers/cloudfront-emulator.ts';
import { createLedgerTable } from '../helpers/collector.ts';

const SITE = 'E1SITE0000000A';
const DOCS = 'E2DOCS0000000B';
const MONTH = '2026-10';
const NOW = Date.parse('2026-11-21T12:00:00Z');
const at = (day: number, hour = 10) => Date.UTC(2026, 9, day, hour);

/** One unit of work as the collector reserves it: `exact` exact paths plus `wildcards` wildcards. */
function buildEntry(
  unitKey: string,
  distributionId: string,
  day: number,
  exact: number,
  wildcards: number,
  changed: number,
): LedgerEntry {
  const paths = [
    ...createExactPaths(exact, unitKey),
    ...Array.from({ length: wildcards }, (_, i) => `/${unitKey}/w${i}/*`),
  ];
  return {
    unitKey,
    month: MONTH,
    day,
    distributionId,
    callerReference: callerReferenceOf(unitKey),
    status: LEDGER_STATUS.reserved,
    plan: { paths, exactPaths: exact, wildcardPaths: wildcards, changed, collateral: null },
    messageCount: 1,
    changedObjects: changed,
    source: 'collector',
    reservedAt: at(day),
  };
}

describe('monthly report', () => {
  let clock = at(1);
  let emulator: CloudFrontEmulator;
  let dynamo: DynamoDBClient;
  let cloudFront: CloudFrontClient;
  let tableName: string;

  /** Reserve, CreateInvalidation and (unless `crash`) markIssued, the collector's steps, at `day`. */
  async function issue(ledger: DynamoLedger, entry: LedgerEntry, options: { crash?: boolean } = {}): Promise<string> {
    clock = entry.reservedAt;
    expect(await ledger.reserve(entry, {})).toEqual({ kind: 'reserved' });
    const created = await cloudFront.send(
      new CreateInvalidationCommand(
        createInvalidationInput(entry.distributionId, entry.plan.paths, entry.callerReference),
      ),
    );
    const id = created.Invalidation?.Id ?? '';
    if (!options.crash) await ledger.markIssued(entry, id, entry.reservedAt + 500);
    return id;
  }

  async function submitOutside(
    distributionId: string,
    when: number,
    paths: string[],
    reference: string,
  ): Promise<void> {
    clock = when;
    await cloudFront.send(new CreateInvalidationCommand(createInvalidationInput(distributionId, paths, reference)));
  }

  beforeAll(async () => {
    emulator = await startCloudFrontEmulator({
      distributions: [
        { id: SITE, origins: [{ id: 's', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }] },
        { id: DOCS, origins: [{ id: 'd', domainName: 'docs-bucket.s3.us-east-1.amazonaws.com' }] },
      ],
      now: () => clock,
    });
    dynamo = createDynamoClient();
    cloudFront = createCloudFrontClient(emulator.endpoint);
    tableName = await createLedgerTable(dynamo);
    const documents = DynamoDBDocumentClient.from(dynamo);
    const ledger = new DynamoLedger(documents, { tableName, retentionDays: 30 });
    const watch = new DynamoWatchLedger(documents, { tableName });

    await submitOutside(SITE, Date.UTC(2026, 8, 29), ['/september.html'], 'console-2026-09-29');
    const u1 = buildEntry('u1', SITE, 2, 300, 0, 2_400);
    const u2 = buildEntry('u2', SITE, 5, 500, 2, 5_000);
    const u3 = buildEntry('u3', DOCS, 5, 150, 0, 600);
    const u4 = buildEntry('u4', DOCS, 14, 99, 1, 900);
    const u5 = buildEntry('u5', SITE, 20, 200, 0, 1_500);
    const u6 = buildEntry('u6', SITE, 21, 80, 0, 400);
    await issue(ledger, u1);
    await issue(ledger, u2);
    await issue(ledger, u3);
    await submitOutside(SITE, at(12, 9), ['/index.html', '/css/*'], 'console-2026-10-12');
    await issue(ledger, u4);
    await issue(ledger, u5, { crash: true }); // CreateInvalidation went through, markIssued never ran
    clock = u6.reservedAt;
    await ledger.reserve(u6, {});
    await ledger.release(u6); // CloudFront refused it: the collector gives the paths back
    await submitOutside(SITE, Date.UTC(2026, 10, 2), ['/november.html'], 'console-2026-11-02');
    // The watcher's records: three completed with their latency, one given up on.
    await watch.markCompleted({ ...u1, status: LEDGER_STATUS.issued }, at(2) + 61_500, 61_000);
    await watch.markCompleted({ ...u2, status: LEDGER_STATUS.issued }, at(5) + 95_500, 95_000);
    await watch.markCompleted({ ...u3, status: LEDGER_STATUS.issued }, at(5) + 42_500, 42_000);
    await watch.markTimedOut({ ...u4, status: LEDGER_STATUS.issued }, at(14, 12));
  });

  afterAll(async () => {
    cloudFront.destroy();
    dynamo.destroy();
    await emulator.stop();
  });

  function checkFigures(report: MonthlyReport): void {
    expect(report.totals).toMatchObject({
      invalidations: 5,
      paths: 1_252,
      exactPaths: 1_249,
      wildcardPaths: 3,
      changedObjects: 10_400,
      pathsSaved: 9_148,
      outsideInvalidations: 1,
      outsidePaths: 2,
      freeTierUsed: 1_000,
      costUsd: 1.27,
      baselineCostUsd: 47.01,
      costAvoidedUsd: 45.74,
      latency: { samples: 3, medianMs: 61_000, p95Ms: 95_000 },
    });
    expect(report.distributions.map((d) => [d.distributionId, d.invalidations, d.paths, d.outsidePaths])).toEqual([
      [SITE, 3, 1_002, 2],
      [DOCS, 2, 250, 0],
    ]);
    expect(report.ledger).toEqual({ reserved: 1, issued: 0, completed: 3, released: 1, timedOut: 1, other: 0 });
    const days = report.days.filter((d) => d.paths + d.outsidePaths > 0);
    expect(days.map((d) => [d.day, d.paths, d.outsidePaths, d.cumulativePaths])).toEqual([
      [2, 300, 0, 300],
      [5, 652, 0, 952],
      [12, 0, 2, 954],
      [14, 100, 0, 1_054],
      [20, 200, 0, 1_254],
    ]);
    expect(report.reconciliation.outside).toEqual([
      expect.objectContaining({
        distributionId: SITE,
        callerReference: 'console-2026-10-12',
        paths: ['/index.html', '/css/*'],
      }),
    ]);
    expect(report.projection).toEqual({
      basis: 'actual',
      paths: 1_254,
      costUsd: 1.27,
      budget: 1_000,
      overBudget: true,
    });
  }

  describe('DynamoReportReader and CloudFrontReconciler', () => {
    it('read ledgers written by the collector and watcher adapters into exact figures', async () => {
      // Prepare
      const reader = new DynamoReportReader(DynamoDBDocumentClient.from(dynamo), { tableName });
      const reconciler = new CloudFrontReconciler(cloudFront, { pageSize: 2 });
      const before = emulator.requests().length;
      // Act
      const partition = await reader.readMonth(MONTH);
      const found = await reconciler.listMonth(monthBounds(MONTH), { ledger: partition.ledger });
      const report = buildMonthlyReport({
        month: MONTH,
        now: NOW,
        ...partition,
        reconciliation: { kind: 'done', ...found },
      });
      // Assess
      checkFigures(report);
      expect(found.distributionIds).toEqual([SITE, DOCS]);
      expect(found.invalidations).toHaveLength(6);
      // Details only for ids the ledger does not know: u5 (crashed before markIssued) and the console one.
      const gets = emulator
        .requests()
        .slice(before)
        .filter((request) => request.operation === 'GetInvalidation');
      expect(gets).toHaveLength(2);
    });

    it('reads an empty month as zero counters', async () => {
      // Prepare
      const reader = new DynamoReportReader(DynamoDBDocumentClient.from(dynamo), { tableName });
      // Act
      const partition = await reader.readMonth('2026-08');
      // Assess
      expect(partition).toEqual({
        total: { paths: 0, exactPaths: 0, wildcardPaths: 0, invalidations: 0, changedObjects: 0 },
        distributions: [],
        days: [],
        ledger: [],
        savings: {
          total: NO_SAVINGS,
          distributions: [],
        },
      });
    });

    it('says which table is missing', async () => {
      // Prepare
      const reader = new DynamoReportReader(DynamoDBDocumentClient.from(dynamo), {
        tableName: 'invalidator-nope-ledger',
      });
      // Act
      const error = await reader.readMonth(MONTH).catch((caught: unknown) => caught);
      // Assess
      expect(error).toBeInstanceOf(ReportTableNotFoundError);
      expect(error).toMatchObject({
        retryable: false,
        message: expect.stringContaining('"invalidator-nope-ledger" not found'),
      });
    });
  });

  describe('invalidator report', () => {
    const endpoint = () => inject('dynamoEndpoint');
    const env = () => ({ AWS_ENDPOINT_URL_CLOUDFRONT: emulator.endpoint });

    it('prints the reconciled month as JSON with the exact figures', async () => {
      // Prepare
      const captured = captureIo();
      const argv = [
        '--table',
        tableName,
        '--month',
        MONTH,
        '--format',
        'json',
        '--reconcile',
        '--endpoint',
        endpoint(),
      ];
      // Act
      const code = await runReport(argv, captured.io, { env: env(), now: () => NOW });
      // Assess
      expect(captured.stderr()).toBe('');
      expect(code).toBe(EXIT.ok);
      checkFigures(JSON.parse(captured.stdout()));
    });

    it('reconciles only the distributions asked for (plus those in the ledger)', async () => {
      // Prepare
      const captured = captureIo();
      const argv = ['--table', tableName, '--month', MONTH, '--format', 'json', '--reconcile', '--distribution', DOCS];
      // Act
      const code = await runReport([...argv, '--endpoint', endpoint()], captured.io, { env: env(), now: () => NOW });
      // Assess
      expect(code).toBe(EXIT.ok);
      expect(JSON.parse(captured.stdout()).reconciliation.distributionsChecked).toEqual([SITE, DOCS]);
    });

    it('writes the table format to --out', async () => {
      // Prepare
      const dir = mkdtempSync(join(tmpdir(), 'report-'));
      const file = join(dir, 'report.txt');
      const captured = captureIo();
      const argv = ['--table', tableName, '--month', MONTH, '--out', file, '--endpoint', endpoint()];
      try {
        // Act
        const code = await runReport(argv, captured.io, { env: {}, now: () => NOW });
        // Assess
        expect(code).toBe(EXIT.ok);
        expect(captured.stdout()).toBe(`wrote the table report for ${MONTH} to ${file}\n`);
        const text = readFileSync(file, 'utf8');
        expect(text).toContain('Paths issued      1,252 in 5 invalidations (1,249 exact, 3 wildcard)');
        expect(text).toContain('Outside paths     not checked (reconcile with CloudFront to include)');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('prints an empty, honest report for a month without data and exits 0', async () => {
      // Prepare
      const captured = captureIo();
      // Act
      const code = await runReport(
        ['--table', tableName, '--month', '2026-07', '--endpoint', endpoint()],
        captured.io,
        {
          env: {},
          now: () => NOW,
        },
      );
      // Assess
      expect(code).toBe(EXIT.ok);
      expect(captured.stdout()).toContain('Free tier         0 of 1,000 paths used, 1,000 left');
      expect(captured.stdout()).toContain('- No invalidations recorded for 2026-07.');
    });

    it('exits 2 with one line when the table does not exist', async () => {
      // Prepare
      const captured = captureIo();
      // Act
      const code = await runReport(['--stage', 'nope', '--endpoint', endpoint()], captured.io, {
        env: {},
        now: () => NOW,
      });
      // Assess
      expect(code).toBe(EXIT.usage);
      expect(captured.stderr()).toBe(
        'invalidator report: table "invalidator-nope-ledger" not found: check the table name (or stage), the region and the endpoint\n',
      );
    });

    it('exits 1 with one line when DynamoDB cannot be reached', async () => {
      // Prepare
      const captured = captureIo();
      // Act
      const code = await runReport(['--endpoint', 'http://127.0.0.1:9'], captured.io, {
        env: { AWS_MAX_ATTEMPTS: '1' },
        now: () => NOW,
      });
      // Assess
      expect(code).toBe(EXIT.failure);
      expect(captured.stderr()).toMatch(/^invalidator report: failed: [^\n]+\n$/);
    });
  });

  describe('runScheduledReport', () => {
    let sns: SNSClient;
    let sqs: SQSClient;

    beforeAll(() => {
      sns = createSnsClient();
      sqs = createSqsClient();
    });

    afterAll(() => {
      sns.destroy();
      sqs.destroy();
    });

    async function subscribedQueue(): Promise<{ topicArn: string; queueUrl: string }> {
      const topic = await sns.send(new CreateTopicCommand({ Name: uniqueName('report') }));
      const queue = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('report') }));
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      await sns.send(
        new SubscribeCommand({
          TopicArn: topic.TopicArn,
          Protocol: 'sqs',
          Endpoint: attributes.Attributes?.QueueArn,
          Attributes: { RawMessageDelivery: 'false' },
        }),
      );
      return { topicArn: topic.TopicArn ?? '', queueUrl: queue.QueueUrl ?? '' };
    }

    function buildDeps(topicArn: string, now: number, budget = 1_000): ScheduledReportDeps {
      return {
        reader: new DynamoReportReader(DynamoDBDocumentClient.from(dynamo), { tableName }),
        reconciler: new CloudFrontReconciler(cloudFront),
        distributionIds: [SITE],
        publish: async ({ subject, message, attributes }) => {
          await sns.send(
            new PublishCommand({
              TopicArn: topicArn,
              Subject: subject,
              Message: message,
              MessageAttributes: Object.fromEntries(
                Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
              ),
            }),
          );
        },
        stage: 'test',
        tableName,
        monthlyPathBudget: budget,
        notify: 'all',
        now: () => now,
        log: { info: () => undefined, warn: () => undefined },
      };
    }

    it('publishes the previous month to SNS with an ALARM subject when it passed the budget', async () => {
      // Prepare
      const { topicArn, queueUrl } = await subscribedQueue();
      // Act
      const result = await runScheduledReport({ kind: 'monthly' }, buildDeps(topicArn, NOW - 20 * 86_400_000));
      // Assess
      expect(result).toMatchObject({ kind: 'monthly', month: MONTH, alarm: true, published: true });
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 2 }));
      const envelope = JSON.parse(received.Messages?.[0]?.Body ?? '{}');
      expect(envelope.Subject).toBe(
        'ALARM: CloudFront invalidations test 2026-10: 1,254 paths used, budget 1,000, $1.27',
      );
      expect(envelope.Message).toContain('# CloudFront invalidation report 2026-10 (UTC)');
      expect(envelope.Message).toContain('**Over budget: 1,254 paths this month, budget 1,000.**');
      expect(envelope.MessageAttributes.alarm.Value).toBe('true');
    });

    it('publishes nothing on a daily check within budget', async () => {
      // Prepare
      const { topicArn, queueUrl } = await subscribedQueue();
      // Act
      const result = await runScheduledReport({ kind: 'daily' }, buildDeps(topicArn, at(25), 5_000));
      // Assess
      expect(result).toMatchObject({ kind: 'daily', month: MONTH, alarm: false, published: false });
      // 1,254 paths since the 2nd (the first day with paths), extrapolated from there to the month end.
      expect(result.report.projection).toMatchObject({ basis: 'rate', paths: 1_607 });
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
      expect(received.Messages ?? []).toEqual([]);
    });

    it('rejects an event that is neither monthly nor daily', async () => {
      // Prepare
      const deps = buildDeps('arn:aws:sns:us-east-1:000000000000:none', NOW);
      // Act
      const error = await runScheduledReport({ kind: 'weekly' }, deps).catch((caught: unknown) => caught);
      // Assess
      expect(error).toMatchObject({ name: 'ReportEventError', retryable: false });
    });
  });
});
