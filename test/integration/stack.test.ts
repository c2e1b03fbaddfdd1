import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerTableDefinition, TTL_ATTRIBUTE } from '../../shared/adapters/ledger-table.ts';
import { ENV, readConfig } from '../../shared/config.ts';
import { NOTIFICATION_EVENTS } from '../../shared/deploy/bucket-notifications.ts';
import { buildFunctionBundles } from '../../shared/deploy/function-bundles.ts';
import { readStageParams, type StageParams } from '../../shared/deploy/stage-params.ts';
import { BUDGET_METRIC_SERVICE, METRICS_NAMESPACE } from '../../shared/runtime/observability.ts';
import { type PackagedStage, packageStage } from '../helpers/stack-package.ts';
import {
  arnOf,
  bucketArn,
  type CfnTemplate,
  changeQueueStatements,
  distributionArn,
  grantsOf,
  idsOfType,
  resourceOf,
  resourcesAllowed,
} from '../helpers/stack-template.ts';
import { readZipEntries, type ZipEntry } from '../helpers/zip-entries.ts';

const STAGES = ['dev', 'prod'] as const;
type Stage = (typeof STAGES)[number];
const ROLES = {
  collector: 'CollectorRole',
  watcher: 'WatcherRole',
  pipeline: 'PipelineRole',
  report: 'ReportRole',
  notifications: 'NotificationsRole',
} as const;
const FUNCTIONS = Object.keys(ROLES) as (keyof typeof ROLES)[];
const MAX_ZIP_BYTES = 500 * 1024;
const MAX_BUNDLE_BYTES = 500 * 1024;
const isHandler = (entry: ZipEntry) => /^functions\/[a-z]+\/handler\.mjs$/.test(entry.name);
// Actions AWS authorises on no narrower resource than `*` (docs/deploy.md explains each).
const STAR_RESOURCE_ACTIONS = new Set([
  'codepipeline:PutJobSuccessResult',
  'codepipeline:PutJobFailureResult',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'cloudfront:ListDistributions',
]);

const AUTO_ROUTES = [{ bucket: 'example-auto-site', distributionId: 'auto' }];

const functionId = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}LambdaFunction`;

describe('serverless package', () => {
  const packaged = {} as Record<Stage, PackagedStage>;
  const outDir = mkdtempSync(join(tmpdir(), 'invalidator-package-'));

  let auto: PackagedStage;

  beforeAll(async () => {
    // In sequence: serverless-esbuild shares one .esbuild work folder, and in parallel it was slower.
    for (const stage of STAGES) {
      packaged[stage] = await packageStage(stage, join(outDir, stage));
      console.log(`serverless package --stage ${stage}: ${packaged[stage].seconds.toFixed(1)} s`);
    }
    // A stage without params of its own, its settings given on the command line: distributionId "auto",
    // EventBridge delivery, the budget alarm at 100%.
    auto = await packageStage('ci', join(outDir, 'ci'), {
      routes: JSON.stringify(AUTO_ROUTES),
      delivery: 'eventbridge',
      budgetAlarmPercent: '100',
    });
    console.log(`serverless package --stage ci --param routes=...: ${auto.seconds.toFixed(1)} s`);
  }, 720_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  describe.each(STAGES)('stage %s', (stage) => {
    const params: StageParams = readStageParams(stage);
    const buckets = [...new Set(params.routes.map((route) => route.bucket))];
    const distributions = [...new Set(params.routes.map((route) => route.distributionId))];
    const template = (): CfnTemplate => packaged[stage].template;
    const properties = (id: string) => resourceOf(template(), id).Properties;

    it('creates the queues, ledger, topic, alarms, roles and functions', () => {
      // Prepare
      const expected: Record<string, string> = {
        ChangeQueue: 'AWS::SQS::Queue',
        ChangeDlq: 'AWS::SQS::Queue',
        ChangeQueuePolicy: 'AWS::SQS::QueuePolicy',
        WatchQueue: 'AWS::SQS::Queue',
        WatchDlq: 'AWS::SQS::Queue',
        LedgerTable: 'AWS::DynamoDB::Table',
        AlertTopic: 'AWS::SNS::Topic',
        AlertEmailSubscription: 'AWS::SNS::Subscription',
        CollectorEventSourceMappingSQSChangeQueue: 'AWS::Lambda::EventSourceMapping',
        WatcherEventSourceMappingSQSWatchQueue: 'AWS::Lambda::EventSourceMapping',
        ...Object.fromEntries(Object.values(ROLES).map((id) => [id, 'AWS::IAM::Role'])),
        ...Object.fromEntries(FUNCTIONS.map((name) => [functionId(name), 'AWS::Lambda::Function'])),
      };
      // Act
      const types = Object.fromEntries(Object.keys(expected).map((id) => [id, template().Resources[id]?.Type]));
      // Assess
      expect(types).toEqual(expected);
      expect(template().Resources.IamRoleLambdaExecution).toBeUndefined();
    });

    it('runs every function on nodejs22.x arm64 with its own role', () => {
      // Act
      const functions = FUNCTIONS.map((name) => properties(functionId(name)));
      // Assess
      for (const [i, fn] of functions.entries()) {
        const name = FUNCTIONS[i] as keyof typeof ROLES;
        expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Role: arnOf(ROLES[name]) });
        expect(fn.FunctionName).toBe(`invalidator-${stage}-${name}`);
      }
    });

    it('encrypts every queue and redrives failures to a 14-day DLQ after maxReceiveCount', () => {
      // Act
      const [changes, watch] = [properties('ChangeQueue'), properties('WatchQueue')];
      // Assess
      for (const id of ['ChangeQueue', 'ChangeDlq', 'WatchQueue', 'WatchDlq']) {
        expect(properties(id).SqsManagedSseEnabled, id).toBe(true);
      }
      expect(changes.MaximumMessageSize).toBe(262_144);
      expect(changes.MessageRetentionPeriod).toBe(params.messageRetentionSeconds);
      expect(changes.RedrivePolicy).toEqual({
        deadLetterTargetArn: arnOf('ChangeDlq'),
        maxReceiveCount: params.maxReceiveCount,
      });
      expect(watch.RedrivePolicy).toEqual({
        deadLetterTargetArn: arnOf('WatchDlq'),
        maxReceiveCount: params.maxReceiveCount,
      });
      expect(properties('ChangeDlq').MessageRetentionPeriod).toBe(1_209_600);
      expect(properties('WatchDlq').MessageRetentionPeriod).toBe(1_209_600);
    });

    it('keeps each queue visible for at least 6 x its consumer timeout', () => {
      // Act
      const collectorTimeout = properties('CollectorLambdaFunction').Timeout;
      const watcherTimeout = properties('WatcherLambdaFunction').Timeout;
      // Assess
      expect(collectorTimeout).toBe(params.collectorTimeoutSeconds);
      expect(properties('ChangeQueue').VisibilityTimeout).toBeGreaterThanOrEqual(6 * collectorTimeout);
      expect(properties('WatchQueue').VisibilityTimeout).toBeGreaterThanOrEqual(6 * watcherTimeout);
    });

    it('lets only the configured buckets of this account send to the change queue', () => {
      // Act
      const policy = properties('ChangeQueuePolicy');
      // Assess
      expect(policy.Queues).toEqual([{ Ref: 'ChangeQueue' }]);
      expect(changeQueueStatements(template())).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: arnOf('ChangeQueue'),
          Condition: {
            ArnLike: { 'aws:SourceArn': buckets.map(bucketArn) },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
        }),
      ]);
    });

    it('keeps the ledger on demand, encrypted, recoverable, expiring and retained except by a failed create', () => {
      // Prepare
      const keys = ledgerTableDefinition('any');
      // Act
      const table = resourceOf(template(), 'LedgerTable');
      // Assess
      // Kept by `serverless remove`, deleted by the rollback of the deploy that created it.
      expect(table.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        TableName: `invalidator-${stage}-ledger`,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keys.KeySchema,
        AttributeDefinitions: keys.AttributeDefinitions,
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      });
    });

    it('maps the event source mappings to the stage params with partial batch responses', () => {
      // Act
      const collector = properties('CollectorEventSourceMappingSQSChangeQueue');
      const watcher = properties('WatcherEventSourceMappingSQSWatchQueue');
      // Assess
      expect(collector).toMatchObject({
        EventSourceArn: arnOf('ChangeQueue'),
        BatchSize: params.batchSize,
        MaximumBatchingWindowInSeconds: params.batchWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: params.maximumConcurrency },
      });
      expect(watcher).toMatchObject({
        EventSourceArn: arnOf('WatchQueue'),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('schedules the monthly report and the daily budget check', () => {
      // Act
      const rules = idsOfType(template(), 'AWS::Events::Rule')
        .map((id) => properties(id))
        .filter((rule) => JSON.stringify(rule.Targets?.[0]?.Arn) === JSON.stringify(arnOf('ReportLambdaFunction')));
      // Assess
      const inputs = rules.map((rule) => ({
        schedule: rule.ScheduleExpression,
        input: JSON.parse(rule.Targets[0].Input),
      }));
      expect(inputs).toEqual([
        { schedule: 'cron(0 6 1 * ? *)', input: { kind: 'monthly' } },
        { schedule: 'cron(0 7 * * ? *)', input: { kind: 'daily' } },
      ]);
      expect(rules.map((rule) => rule.Targets[0].Arn)).toEqual([
        arnOf('ReportLambdaFunction'),
        arnOf('ReportLambdaFunction'),
      ]);
    });

    it('grants no wildcard action and * resources only where AWS has no resource ARN', () => {
      // Act
      const grants = Object.values(ROLES).flatMap((role) =>
        grantsOf(template(), role).map((grant) => ({ role, ...grant })),
      );
      // Assess
      expect(grants.filter((grant) => grant.action === '*' || grant.action.endsWith(':*'))).toEqual([]);
      const starGrants = grants.filter((grant) => grant.resource === '*');
      expect(starGrants.filter((grant) => !STAR_RESOURCE_ACTIONS.has(grant.action))).toEqual([]);
      expect(starGrants.filter((grant) => grant.action.startsWith('cloudfront:'))).toEqual([]);
    });

    it('scopes CloudFront to the configured distributions', () => {
      // Prepare
      const expected = distributions.map(distributionArn);
      const named = [...new Set([...distributions, ...params.pipelineDistributions])].map(distributionArn);
      // Act
      const scoped = {
        collector: resourcesAllowed(template(), ROLES.collector, 'cloudfront:CreateInvalidation'),
        pipeline: resourcesAllowed(template(), ROLES.pipeline, 'cloudfront:CreateInvalidation'),
        watcher: resourcesAllowed(template(), ROLES.watcher, 'cloudfront:GetInvalidation'),
        report: resourcesAllowed(template(), ROLES.report, 'cloudfront:ListInvalidations'),
      };
      // Assess
      expect(scoped).toEqual({ collector: expected, pipeline: named, watcher: named, report: expected });
      expect(resourcesAllowed(template(), ROLES.watcher, 'cloudfront:GetDistribution')).toEqual(named);
      expect(resourcesAllowed(template(), ROLES.pipeline, 'cloudfront:GetDistribution')).toEqual(named);
      expect(resourcesAllowed(template(), ROLES.watcher, 'cloudfront:CreateInvalidation')).toEqual([]);
      expect(resourcesAllowed(template(), ROLES.report, 'cloudfront:CreateInvalidation')).toEqual([]);
    });

    it('scopes DynamoDB, SQS, SNS and S3 to this stack and its buckets', () => {
      // Prepare
      const table = arnOf('LedgerTable');
      const inventory = [...new Set(params.routes.filter((route) => route.inventory).map((route) => route.bucket))];
      const grants = (role: string, service: string) =>
        grantsOf(template(), role).filter((grant) => grant.action.startsWith(`${service}:`));
      // Act
      const collectorSqs = grants(ROLES.collector, 'sqs');
      // Assess
      for (const role of Object.values(ROLES)) {
        expect(new Set(grants(role, 'dynamodb').map((grant) => grant.resource))).toEqual(
          grants(role, 'dynamodb').length > 0 ? new Set([table]) : new Set(),
        );
      }
      expect(grants(ROLES.report, 'dynamodb').map((grant) => grant.action)).toEqual([
        'dynamodb:Query',
        'dynamodb:GetItem',
      ]);
      expect(collectorSqs.filter((grant) => grant.action === 'sqs:SendMessage')).toEqual([
        { action: 'sqs:SendMessage', resource: arnOf('WatchQueue') },
      ]);
      expect(new Set(collectorSqs.filter((g) => g.action !== 'sqs:SendMessage').map((g) => g.resource))).toEqual(
        new Set([arnOf('ChangeQueue')]),
      );
      expect(grants(ROLES.pipeline, 'sqs')).toEqual([
        { action: 'sqs:GetQueueAttributes', resource: arnOf('ChangeQueue') },
        { action: 'sqs:SendMessage', resource: arnOf('WatchQueue') },
      ]);
      expect(resourcesAllowed(template(), ROLES.watcher, 'sns:Publish')).toEqual([{ Ref: 'AlertTopic' }]);
      expect(resourcesAllowed(template(), ROLES.collector, 's3:ListBucket')).toEqual(inventory.map(bucketArn));
      expect(resourcesAllowed(template(), ROLES.notifications, 's3:PutBucketNotification')).toEqual(
        params.existingBuckets.map(bucketArn),
      );
    });

    it('sets each function environment from the names in shared/config.ts ENV', () => {
      // Act
      const environments = FUNCTIONS.map((name) => properties(functionId(name)).Environment?.Variables ?? {});
      const collector = properties('CollectorLambdaFunction').Environment.Variables as Record<string, unknown>;
      // Assess
      for (const variables of environments) {
        expect(Object.values(ENV)).toEqual(expect.arrayContaining(Object.keys(variables)));
      }
      expect(collector).toMatchObject({
        STAGE: stage,
        TABLE_NAME: { Ref: 'LedgerTable' },
        QUEUE_URL: { Ref: 'ChangeQueue' },
        WATCH_QUEUE_URL: { Ref: 'WatchQueue' },
      });
      const texts = Object.fromEntries(Object.entries(collector).filter(([, value]) => typeof value === 'string'));
      const config = readConfig(texts as Record<string, string>);
      expect(config).toMatchObject({
        stage,
        monthlyPathBudget: params.monthlyPathBudget,
        hardMonthlyCap: params.hardMonthlyCap,
      });
      expect(config.routes).toEqual(JSON.parse(params.routesJson));
    });

    it('subscribes created buckets directly and existing buckets through the custom resource', () => {
      // Act
      const created = idsOfType(template(), 'AWS::S3::Bucket')
        .filter((id) => id !== 'ServerlessDeploymentBucket')
        .map((id) => resourceOf(template(), id));
      const custom = idsOfType(template(), 'Custom::BucketNotifications').map((id) => resourceOf(template(), id));
      // Assess
      expect(created.map((bucket) => bucket.Properties.BucketName)).toEqual([...params.createBuckets].sort());
      for (const bucket of created) {
        expect(bucket).toMatchObject({
          DeletionPolicy: 'RetainExceptOnCreate',
          UpdateReplacePolicy: 'Retain',
          DependsOn: ['ChangeQueuePolicy'],
        });
        const entries = bucket.Properties.NotificationConfiguration.QueueConfigurations as { Event: string }[];
        expect(entries.map((entry) => entry.Event)).toEqual(expect.arrayContaining([...NOTIFICATION_EVENTS]));
        expect(entries.every((entry) => JSON.stringify(entry).includes('"ChangeQueue"'))).toBe(true);
      }
      expect(custom.map((resource) => resource.Properties.Bucket).sort()).toEqual([...params.existingBuckets].sort());
      for (const resource of custom) {
        // Its own policy, deleted after it, so removing a bucket from the routes can still clean it up.
        const policyId = String(resource.DependsOn?.[1]);
        const policy = resourceOf(template(), policyId).Properties;
        expect(policy.Roles).toEqual([{ Ref: 'NotificationsRole' }]);
        expect(policy.PolicyDocument.Statement).toEqual([
          expect.objectContaining({ Resource: bucketArn(resource.Properties.Bucket) }),
        ]);
        expect(resource).toMatchObject({
          DependsOn: ['ChangeQueuePolicy', policyId],
          Properties: {
            ServiceToken: arnOf('NotificationsLambdaFunction'),
            QueueArn: arnOf('ChangeQueue'),
            IdPrefix: `invalidator:${stage}:`,
          },
        });
      }
    });

    it('checks every hour that the existing buckets still hold our entries', () => {
      // Act
      const rules = idsOfType(template(), 'AWS::Events::Rule')
        .map((id) => properties(id))
        .filter(
          (rule) => JSON.stringify(rule.Targets?.[0]?.Arn) === JSON.stringify(arnOf('NotificationsLambdaFunction')),
        );
      const variables = properties('NotificationsLambdaFunction').Environment.Variables;
      const checks = JSON.parse(variables.NOTIFICATION_CHECKS['Fn::Sub']) as { bucket: string; queueArn: string }[];
      // Assess
      expect(rules.map((rule) => [rule.ScheduleExpression, JSON.parse(rule.Targets[0].Input)])).toEqual([
        ['rate(1 hour)', { kind: 'check' }],
      ]);
      expect(checks.map((check) => check.bucket)).toEqual([...params.existingBuckets]);
      for (const check of checks) expect(check.queueArn).toBe(`\${ChangeQueue.Arn}`);
    });

    it('alarms to the topic on DLQ depth, collector errors and throttles, deferred work, stuck reservations, pending changes, missing notification entries and the budget', () => {
      // Act
      const alarms = Object.fromEntries(
        idsOfType(template(), 'AWS::CloudWatch::Alarm').map((id) => [id, properties(id)] as const),
      );
      // Assess
      expect(Object.keys(alarms).sort()).toEqual([
        'BudgetAlarm',
        'ChangeDlqAlarm',
        'CollectorErrorsAlarm',
        'CollectorThrottlesAlarm',
        'DeferredAlarm',
        'NotificationsMissingAlarm',
        'PendingAgeAlarm',
        'PendingCountAlarm',
        'StuckReservationsAlarm',
        'WatchDlqAlarm',
      ]);
      expect(alarms.NotificationsMissingAlarm).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        MetricName: 'NotificationEntriesMissing',
        Dimensions: [
          { Name: 'service', Value: 'notifications' },
          { Name: 'stage', Value: stage },
        ],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      for (const alarm of Object.values(alarms)) expect(alarm.AlarmActions).toEqual([{ Ref: 'AlertTopic' }]);
      expect(alarms.ChangeDlqAlarm).toMatchObject({
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['ChangeDlq', 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(alarms.CollectorErrorsAlarm).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
      expect(alarms.CollectorThrottlesAlarm).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles' });
      const serviceDimensions = [
        { Name: 'service', Value: 'collector' },
        { Name: 'stage', Value: stage },
      ];
      expect(alarms.StuckReservationsAlarm).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        MetricName: 'StuckReservations',
        Dimensions: serviceDimensions,
      });
      expect(alarms.DeferredAlarm).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        MetricName: 'Deferred',
        Dimensions: serviceDimensions,
      });
      expect(alarms.BudgetAlarm).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        MetricName: 'BudgetLeft',
        Dimensions: [
          { Name: 'service', Value: BUDGET_METRIC_SERVICE },
          { Name: 'stage', Value: stage },
        ],
      });
      expect(resourceOf(template(), 'AlertEmailSubscription').Condition).toBe('HasAlarmEmail');
    });
  });

  it('allows ListDistributions and all account distributions only when a route uses "auto"', () => {
    // Prepare
    const listers = (template: CfnTemplate) =>
      Object.values(ROLES).filter(
        (role) => resourcesAllowed(template, role, 'cloudfront:ListDistributions').length > 0,
      );
    // Act
    const invalidatable = resourcesAllowed(auto.template, ROLES.collector, 'cloudfront:CreateInvalidation');
    // Assess
    expect(listers(packaged.dev.template)).toEqual([]);
    expect(listers(packaged.prod.template)).toEqual([]);
    expect(listers(auto.template)).toEqual([ROLES.collector, ROLES.pipeline]);
    expect(resourcesAllowed(auto.template, ROLES.collector, 'cloudfront:ListDistributions')).toEqual(['*']);
    expect(invalidatable).toEqual([distributionArn('*')]);
    expect(
      JSON.parse(resourceOf(auto.template, 'CollectorLambdaFunction').Properties.Environment.Variables.ROUTES),
    ).toEqual(AUTO_ROUTES);
  });

  it('refuses to package a stage whose IAM role names would pass 64 characters, naming the limit', async () => {
    // Prepare
    const stage = 'feature-branch-with-a-long-name';
    // Act
    const packaging = packageStage(stage, join(outDir, 'long'), { routes: JSON.stringify(AUTO_ROUTES) });
    // Assess
    await expect(packaging).rejects.toThrow(
      /IAM role name invalidator-feature-branch-with-a-long-name-\w+-us-east-1 .*expected at most 64 \(the IAM role name limit\); use a stage name at most 28 characters/,
    );
  }, 90_000);

  it('names the resources of dev and prod apart', () => {
    // Prepare
    const namesOf = (stage: Stage) =>
      Object.values(packaged[stage].template.Resources).flatMap((resource) =>
        ['QueueName', 'TableName', 'TopicName', 'FunctionName', 'AlarmName']
          .map((key) => resource.Properties?.[key])
          .filter((name): name is string => typeof name === 'string'),
      );
    // Act
    const [dev, prod] = [namesOf('dev'), namesOf('prod')];
    // Assess
    expect(dev.length).toBeGreaterThan(15);
    expect(dev.filter((name) => prod.includes(name))).toEqual([]);
    expect(dev.every((name) => name.includes('-dev-'))).toBe(true);
  });

  it('keeps each function zip under 500 KB', () => {
    // Act
    const sizes = STAGES.flatMap((stage) =>
      Object.entries(packaged[stage].zipBytes).map(([name, bytes]) => ({ stage, name, kb: bytes / 1024 })),
    );
    for (const { stage, name, kb } of sizes) console.log(`${stage} ${name}.zip: ${kb.toFixed(1)} KB`);
    // Assess
    expect(sizes.map((size) => size.name).sort()).toEqual([...FUNCTIONS, ...FUNCTIONS].sort());
    expect(sizes.filter((size) => size.kb * 1024 >= MAX_ZIP_BYTES)).toEqual([]);
  });

  it('zips, under 500 KB minified, the very bundle the direct build (bench, bundle test) makes', async () => {
    // Prepare
    const bundles = await buildFunctionBundles(join(outDir, 'direct'));
    // Act
    const zipped = STAGES.flatMap((stage) =>
      FUNCTIONS.map((name) => {
        const entries = readZipEntries(join(outDir, stage, `${name}.zip`));
        return { stage, name, files: entries.map((entry) => entry.name), handler: entries.find(isHandler) };
      }),
    );
    for (const { stage, name, handler } of zipped) {
      console.log(`${stage} ${name}: ${((handler?.bytes ?? 0) / 1024).toFixed(1)} KB minified`);
    }
    // Assess
    for (const { stage, name, files, handler } of zipped) {
      const bundle = bundles.find((candidate) => candidate.name === name);
      expect(
        files.filter((file) => file.endsWith('.mjs') || file.endsWith('.js')),
        `${stage} ${name}`,
      ).toEqual([`functions/${name}/handler.mjs`]);
      expect(handler?.bytes, `${stage} ${name}`).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
      expect(handler?.bytes, `${stage} ${name}`).toBe(bundle?.bytes);
      expect(handler?.crc32, `${stage} ${name}`).toBe(crc32(readFileSync(bundle?.file ?? '')));
    }
  });
});
