import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/config.ts';
import { readStageParams } from '../../shared/deploy/stage-params.ts';
import { type PrintedStage, printStage } from '../helpers/stack-package.ts';
import {
  arnOf,
  bucketArn,
  changeQueueStatements,
  distributionArn,
  evaluateConditions,
  grantsOf,
  idsOfType,
  resourceOf,
} from '../helpers/stack-template.ts';

const STAGES = ['dev', 'prod'] as const;
type Stage = (typeof STAGES)[number];

const logGroup = (stage: string, fn: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/invalidator-${stage}-${fn}:*`,
});

/**
 * Every grant each function's role may hold, and why: the code that calls it. A new permission must be
 * added here on purpose (docs/security.md).
 */
function expectedGrants(stage: Stage): Record<string, { action: string; resource: unknown }[]> {
  const params = readStageParams(stage);
  const distributions = [...new Set(params.routes.map((route) => route.distributionId))].map(distributionArn);
  // The pipeline action and the watcher also serve pipeline-only distributions (#19), named one by one.
  const named = [
    ...new Set([...params.routes.map((route) => route.distributionId), ...params.pipelineDistributions]),
  ].map(distributionArn);
  const inventory = [...new Set(params.routes.filter((route) => route.inventory).map((route) => route.bucket))];
  const grant = (actions: readonly string[], resources: readonly unknown[]) =>
    actions.flatMap((action) => resources.map((resource) => ({ action, resource })));
  const table = [arnOf('LedgerTable')];
  const logs = (fn: string) => grant(['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup(stage, fn)]);
  // X-Ray takes no resource ARN; granted only when the stage traces.
  const tracing = params.tracing ? grant(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']) : [];
  const invalidate = ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation', 'cloudfront:ListInvalidations'];
  // The ledger: GetItem (lookups), TransactWriteItems of Put/Update/Delete (reserve, release),
  // UpdateItem (issued, claim), DeleteItem (sweep markers), Query (sweep, pipeline waits).
  const ledger = [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:Query',
  ];
  // Per-distribution message progress reads and writes in batches (collector only).
  const progress = ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'];
  // The SQS event source mapping polls with the function's role; failed records get a backoff.
  const consume = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'];
  return {
    CollectorRole: [
      ...logs('collector'),
      ...grant(invalidate, distributions),
      // The error-caching TTL: when a new key's cached 404 has expired (docs/architecture.md).
      ...grant(['cloudfront:GetDistribution'], distributions),
      ...grant([...ledger, ...progress], table),
      ...grant(consume, [arnOf('ChangeQueue')]),
      ...grant(['sqs:SendMessage'], [arnOf('WatchQueue')]),
      // Inventory, and the versions that tell new keys from overwritten ones, only where inventory is on.
      ...grant(['s3:ListBucket', 's3:GetBucketVersioning', 's3:ListBucketVersions'], inventory.map(bucketArn)),
      ...tracing,
    ],
    WatcherRole: [
      ...logs('watcher'),
      ...grant(['cloudfront:GetInvalidation', 'cloudfront:GetDistribution'], named),
      ...grant(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], table),
      ...grant(['sns:Publish'], [{ Ref: 'AlertTopic' }]),
      ...grant([...consume, 'sqs:SendMessage'], [arnOf('WatchQueue')]),
      ...tracing,
    ],
    PipelineRole: [
      ...logs('pipeline'),
      // CodePipeline's job result actions take no resource ARN.
      ...grant(['codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'], ['*']),
      ...grant([...invalidate, 'cloudfront:GetDistribution'], named),
      ...grant(ledger, table),
      ...grant(['sqs:GetQueueAttributes'], [arnOf('ChangeQueue')]),
      ...grant(['sqs:SendMessage'], [arnOf('WatchQueue')]),
      ...tracing,
    ],
    ReportRole: [
      ...logs('report'),
      ...grant(['dynamodb:Query', 'dynamodb:GetItem'], table),
      ...grant(['sns:Publish'], [{ Ref: 'AlertTopic' }]),
      ...grant(['cloudfront:ListInvalidations', 'cloudfront:GetInvalidation'], distributions),
      ...tracing,
    ],
    NotificationsRole: [
      ...logs('notifications'),
      ...grant(
        ['s3:GetBucketLocation', 's3:GetBucketNotification', 's3:PutBucketNotification'],
        params.existingBuckets.map(bucketArn),
      ),
      ...tracing,
    ],
  };
}

function sortedGrants(grants: readonly { action: string; resource: unknown }[]): string[] {
  return grants.map((grant) => JSON.stringify([grant.action, grant.resource])).sort();
}

/** Every value under `value` whose key is `key`, depth first. */
function valuesOfKey(value: unknown, key: string): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesOfKey(item, key));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([name, item]) => [...(name === key ? [item] : []), ...valuesOfKey(item, key)]);
}

describe.each(STAGES)('the %s stack, as packaged', (stage) => {
  let printed: PrintedStage;
  const template = () => printed.template;

  beforeAll(async () => {
    printed = await printStage(stage);
  }, 60_000);

  it('grants each function exactly the actions its code calls, each on the narrowest resource', () => {
    // Prepare
    const expected = expectedGrants(stage);

    // Act
    const actual = Object.fromEntries(
      Object.keys(expected).map((role) => [role, sortedGrants(grantsOf(template(), role))]),
    );

    // Assess
    expect(actual).toEqual(
      Object.fromEntries(Object.entries(expected).map(([role, grants]) => [role, sortedGrants(grants)])),
    );
    expect(idsOfType(template(), 'AWS::IAM::Role')).toEqual(Object.keys(expected).sort());
  });

  it('lets only Lambda assume the function roles, and gives every function its own', () => {
    // Act
    const trusts = idsOfType(template(), 'AWS::IAM::Role').map(
      (id) => resourceOf(template(), id).Properties.AssumeRolePolicyDocument.Statement,
    );
    const roles = Object.values(printed.functions).map((fn) => fn.role);

    // Assess
    for (const statements of trusts) {
      expect(statements).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
    }
    expect(new Set(roles).size).toBe(roles.length);
    expect(Object.values(printed.functions).filter((fn) => fn.url !== undefined)).toEqual([]);
  });

  it('writes no policy with NotAction, NotResource, NotPrincipal or an anonymous principal', () => {
    // Act
    const resources = Object.values(template().Resources);
    const principals = valuesOfKey(resources, 'Principal');

    // Assess
    for (const key of ['NotAction', 'NotResource', 'NotPrincipal']) expect(valuesOfKey(resources, key)).toEqual([]);
    expect(principals.filter((principal) => JSON.stringify(principal).includes('"*"') || principal === '*')).toEqual(
      [],
    );
  });

  it('lets only S3, for the route buckets of this account, send to the change queue, and nobody else to any queue', () => {
    // Prepare
    const buckets = [...new Set(readStageParams(stage).routes.map((route) => route.bucket))];

    // Act
    const policies = idsOfType(template(), 'AWS::SQS::QueuePolicy')
      .filter((id) => id !== 'WatchQueuePolicy')
      .map((id) => resourceOf(template(), id).Properties);

    // Assess
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Queues).toEqual([{ Ref: 'ChangeQueue' }]);
    expect(changeQueueStatements(template())).toEqual([
      {
        Sid: 'ConfiguredBucketsOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: arnOf('ChangeQueue'),
        Condition: {
          ArnLike: { 'aws:SourceArn': buckets.map(bucketArn) },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      },
    ]);
  });

  it('lets only the edge-change rule send CloudTrail events to the watch queue, and only in us-east-1', () => {
    // Act
    const policy = resourceOf(template(), 'WatchQueuePolicy');
    const rule = resourceOf(template(), 'EdgeChangeRule');

    // Assess
    expect(policy.Condition).toBe('InCloudFrontEventRegion');
    expect(rule.Condition).toBe('InCloudFrontEventRegion');
    expect(template().Conditions?.InCloudFrontEventRegion).toEqual({ 'Fn::Equals': ['us-east-1', 'us-east-1'] });
    expect(policy.Properties.Queues).toEqual([{ Ref: 'WatchQueue' }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'EdgeChangeRuleOnly',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: arnOf('WatchQueue'),
        Condition: { ArnEquals: { 'aws:SourceArn': arnOf('EdgeChangeRule') } },
      },
    ]);
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.cloudfront'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['cloudfront.amazonaws.com'],
        eventName: ['CreateInvalidation', 'CreateDistribution', 'UpdateDistribution'],
        errorCode: [{ exists: false }],
      },
    });
    expect(rule.Properties.Targets).toEqual([{ Id: 'watch-queue', Arn: arnOf('WatchQueue') }]);
  });

  it('encrypts every queue, the table and every bucket it creates at rest, and blocks public access to those buckets', () => {
    // Act
    const of = (type: string) => idsOfType(template(), type).map((id) => resourceOf(template(), id).Properties);

    // Assess
    for (const queue of of('AWS::SQS::Queue')) expect(queue.SqsManagedSseEnabled).toBe(true);
    for (const table of of('AWS::DynamoDB::Table')) expect(table.SSESpecification).toEqual({ SSEEnabled: true });
    for (const bucket of of('AWS::S3::Bucket')) {
      expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ]);
      expect(Object.values(bucket.PublicAccessBlockConfiguration)).toEqual([true, true, true, true]);
    }
    expect(of('AWS::S3::Bucket')).toHaveLength(readStageParams(stage).createBuckets.length);
  });

  it('keeps secrets out of the function environments', () => {
    // Act
    const variables = Object.values(printed.functions).flatMap((fn) => Object.entries(fn.environment ?? {}));

    // Assess
    expect(variables.length).toBeGreaterThan(10);
    for (const [name, value] of variables) {
      expect(Object.values(ENV)).toContain(name);
      expect(name).not.toMatch(/secret|password|token|credential|private|api_?key/i);
      expect(JSON.stringify(value)).not.toMatch(/AKIA[0-9A-Z]{16}|[A-Za-z0-9/+]{40}/);
    }
  });
});

describe('EventBridge delivery (stage ci, delivery: eventbridge)', () => {
  const routes = [
    { bucket: 'example-shared-site', prefix: 'docs/', distributionId: 'E2DEVEXAMPLE01' },
    { bucket: 'example-own-site', distributionId: 'E3PRODEXAMPLE1' },
  ];
  let printed: PrintedStage;
  let dev: PrintedStage;
  const template = () => printed.template;

  beforeAll(async () => {
    printed = await printStage('ci', {
      routes: JSON.stringify(routes),
      createBuckets: 'example-own-site',
      delivery: 'eventbridge',
    });
    dev = await printStage('dev');
  }, 120_000);

  it("lets only this stage's rule send to the change queue, and no bucket directly", () => {
    // Act
    const statements = changeQueueStatements(template());
    // Assess
    expect(statements).toEqual([
      {
        Sid: 'ThisStageEventRuleOnly',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: arnOf('ChangeQueue'),
        Condition: { ArnEquals: { 'aws:SourceArn': arnOf('ChangeEventsRule') } },
      },
    ]);
  });

  it("forwards only the route buckets' created and deleted objects to the change queue, under the stage's name", () => {
    // Act
    const rule = resourceOf(template(), 'ChangeEventsRule');
    // Assess
    expect(evaluateConditions(template()).EventBridgeDelivery).toBe(true);
    expect(evaluateConditions(dev.template).EventBridgeDelivery).toBe(false);
    expect(rule.Condition).toBe('EventBridgeDelivery');
    expect(rule.Properties).toMatchObject({
      Name: 'invalidator-ci-s3-changes',
      State: 'ENABLED',
      Targets: [{ Id: 'change-queue', Arn: arnOf('ChangeQueue') }],
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created', 'Object Deleted'],
        detail: {
          $or: [
            { bucket: { name: ['example-own-site'] } },
            { bucket: { name: ['example-shared-site'] }, object: { key: [{ prefix: 'docs/' }] } },
          ],
        },
      },
    });
  });

  it('switches EventBridge on for the created bucket and asks the custom resource to do it on the shared one', () => {
    // Act
    const bucket = resourceOf(template(), 'BucketExampleOwnSite').Properties;
    const custom = resourceOf(template(), 'BucketNotificationsExampleSharedSite').Properties;
    // Assess
    expect(bucket.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    expect(custom).toMatchObject({ Bucket: 'example-shared-site', Delivery: 'eventbridge', Stage: 'ci' });
  });
});
