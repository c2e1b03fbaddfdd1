import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { collectBatch } from '../../shared/app/collect-batch.ts';
import { type CloudFrontEmulator, startCloudFrontEmulator } from '../../shared/local/cloudfront-emulator/index.ts';
import { createObservability, toMetricSink } from '../../shared/runtime/observability.ts';
import { type AlarmProperties, datapointsFromEmf, evaluateAlarm } from '../helpers/alarm-evaluator.ts';
import { createCloudFrontClient, createDynamoClient } from '../helpers/aws-clients.ts';
import { buildCollectorDeps, createLedgerTable } from '../helpers/collector.ts';
import { buildS3Notification, buildS3Record, buildSqsRecord } from '../helpers/events.ts';
import { printStage } from '../helpers/stack-package.ts';
import { resourceOf } from '../helpers/stack-template.ts';

const SITE = 'E1SITE0000000A';
const BUDGET = 3;
const ROUTES = [{ bucket: 'site-bucket', distributionId: SITE }];

describe('the budget alarm at budgetAlarmPercent 100', () => {
  const emitted: string[] = [];
  let alarm: AlarmProperties;
  let emulator: CloudFrontEmulator;
  let dynamo: DynamoDBClient;
  let cloudFront: CloudFrontClient;

  beforeAll(async () => {
    const printed = await printStage('ci', {
      routes: JSON.stringify(ROUTES),
      monthlyPathBudget: String(BUDGET),
      budgetAlarmPercent: '100',
    });
    alarm = resourceOf(printed.template, 'BudgetAlarm').Properties as AlarmProperties;
    emulator = await startCloudFrontEmulator({
      distributions: [{ id: SITE, origins: [{ id: 's', domainName: 'site-bucket.s3.us-east-1.amazonaws.com' }] }],
    });
    dynamo = createDynamoClient();
    cloudFront = createCloudFrontClient(emulator.endpoint);
    // Powertools writes EMF to the global console in dev mode (and emits only when told to); CloudWatch
    // reads the same lines from the function's stdout.
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      emitted.push(String(line));
    });
  }, 120_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    cloudFront.destroy();
    dynamo.destroy();
    await emulator.stop();
  });

  it('stays OK until the last path of the month is reserved, then fires (collector and pipeline alike)', async () => {
    // Prepare
    expect(alarm.Threshold).toBe(0);
    const tableName = await createLedgerTable(dynamo);
    const { metrics } = createObservability('collector', 'ci');
    const deps = {
      ...buildCollectorDeps({ dynamo, tableName, cloudFront, routes: ROUTES, policy: { monthlyPathBudget: BUDGET } }),
      metrics: toMetricSink(metrics, 'ci'),
    };
    const states: string[] = [];
    // Act: one changed key per batch, one path each, until the month's budget is spent exactly.
    for (let spent = 1; spent <= BUDGET; spent++) {
      const record = buildSqsRecord(buildS3Notification([buildS3Record({ key: `page-${spent}.html` })]));
      const [result] = await collectBatch([record], deps);
      expect(result?.status).toBe('fulfilled');
      metrics.publishStoredMetrics();
      states.push(evaluateAlarm(alarm, datapointsFromEmf(emitted)));
    }
    const pipelineOnly = createObservability('pipeline', 'ci').metrics;
    const before = emitted.length;
    toMetricSink(pipelineOnly, 'ci').count('BudgetLeft', 0);
    const pipelineState = evaluateAlarm(alarm, datapointsFromEmf(emitted.slice(before)));
    // Assess
    expect(emulator.invalidations(SITE).flatMap((invalidation) => [...invalidation.paths])).toHaveLength(BUDGET);
    expect(states).toEqual(['OK', 'OK', 'ALARM']);
    expect(pipelineState).toBe('ALARM');
  });
});
