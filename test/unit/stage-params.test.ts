import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV, readConfig } from '../../shared/config.ts';
import { StageParamsError } from '../../shared/deploy/errors.ts';
import { deriveStackValues, paramEnvironment } from '../../shared/deploy/stack-values.ts';
import { parseStageParams, readStageParams, SERVERLESS_FILE } from '../../shared/deploy/stage-params.ts';

const dir = mkdtempSync(join(tmpdir(), 'stage-params-'));
const DEFAULTS = (parse(readFileSync(SERVERLESS_FILE, 'utf8')) as { params: { default: Record<string, unknown> } })
  .params.default;
const ROUTES = [{ bucket: 'site', distributionId: 'E2QWRUHAPOMQZL' }];
let files = 0;

/** Writes a serverless.yml holding only `params`: the real defaults (with one route) and the given stages. */
function serverlessFile(stages: Record<string, Record<string, unknown>>): string {
  const file = join(dir, `serverless-${++files}.yml`);
  const document = { service: 'invalidator', params: { default: { ...DEFAULTS, routes: ROUTES }, ...stages } };
  writeFileSync(file, JSON.stringify(document)); // JSON is YAML
  return file;
}

/** Parses the real defaults (with one route) plus overrides as stage `dev`. */
function parseWith(overrides: Record<string, unknown>) {
  return parseStageParams({ ...DEFAULTS, routes: ROUTES, ...overrides }, 'dev');
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readStageParams', () => {
  it('reads the local stage of serverless.yml with the defaults merged in', () => {
    // Act
    const params = readStageParams('local');
    // Assess
    expect(params.routes).toEqual([
      expect.objectContaining({ bucket: 'local-site', distributionId: 'E1LOCAL0000000' }),
    ]);
    expect(params).toMatchObject({
      stage: 'local',
      batchSize: 10_000,
      batchWindowSeconds: 3,
      maxReceiveCount: 5,
      monthlyPathBudget: 1000,
      hardMonthlyCap: undefined,
      maxStalenessSeconds: 0,
      queueVisibilityTimeoutSeconds: 6 * params.collectorTimeoutSeconds + 3,
      existingBuckets: ['local-site'],
    });
  });

  it('reads dev and prod with their own routes and overrides', () => {
    // Act
    const dev = readStageParams('dev');
    const prod = readStageParams('prod');
    // Assess
    expect(dev.createBuckets).toEqual(dev.routes.map((route) => route.bucket));
    expect(dev.existingBuckets).toEqual([]);
    expect(prod.hardMonthlyCap).toBeGreaterThan(prod.monthlyPathBudget);
    expect(prod.existingBuckets.length).toBeGreaterThan(0);
    expect(prod.routes.map((route) => route.bucket)).not.toEqual(dev.routes.map((route) => route.bucket));
  });

  it('falls back to the default where the stage says null', () => {
    // Prepare
    const file = serverlessFile({ qa: { batchSize: null, notify: 'off' } });
    // Act
    const params = readStageParams('qa', file);
    // Assess
    expect(params).toMatchObject({ batchSize: 10_000, notify: 'off', stage: 'qa' });
  });

  it(`substitutes \${sls:stage} and rejects variables it cannot resolve`, () => {
    // Prepare
    const good = serverlessFile({
      qa: { routes: [{ bucket: `site-\${sls:stage}`, distributionId: 'E2QWRUHAPOMQZL' }] },
    });
    const bad = serverlessFile({ qa: { alarmEmail: `\${env:ALARM_EMAIL}` } });
    // Act
    const params = readStageParams('qa', good);
    // Assess
    expect(params.routes[0]?.bucket).toBe('site-qa');
    expect(() => readStageParams('qa', bad)).toThrow(/params\.qa\.alarmEmail: expected a literal value/);
  });

  it('turns the params into the same environment readConfig accepts', () => {
    // Prepare
    const prod = readStageParams('prod');
    // Act
    const config = readConfig({ ...paramEnvironment(prod), STAGE: 'prod' });
    // Assess
    expect(config).toMatchObject({
      monthlyPathBudget: prod.monthlyPathBudget,
      hardMonthlyCap: prod.hardMonthlyCap,
      maxStalenessSeconds: prod.maxStalenessSeconds,
    });
    expect(config.routes).toEqual(JSON.parse(prod.routesJson));
    expect(Object.values(ENV)).toEqual(expect.arrayContaining(Object.keys(paramEnvironment(prod))));
  });
});

describe('parseStageParams', () => {
  it('accepts numbers and booleans given as text, as --param passes them', () => {
    // Act
    const params = parseWith({ batchSize: '100', tracing: 'true' });
    // Assess
    expect(params).toMatchObject({ batchSize: 100, tracing: true });
  });

  it('accepts routes as JSON text, as --param passes them', () => {
    // Act
    const params = parseWith({ routes: JSON.stringify([{ bucket: 'site', distributionId: 'auto' }]) });
    // Assess
    expect(params.routes.map((route) => route.distributionId)).toEqual(['auto']);
    expect(JSON.parse(params.routesJson)).toEqual([{ bucket: 'site', distributionId: 'auto' }]);
  });

  it.each([
    [{ batchSize: 10_001 }, /params\.dev\.batchSize: expected a whole number from 1 to 10000, got 10001/],
    [{ batchWindowSeconds: 301 }, /params\.dev\.batchWindowSeconds: expected a whole number from 0 to 300/],
    [{ batchSize: 100, batchWindowSeconds: 0 }, /batchWindowSeconds: expected at least 1 when batchSize is above 10/],
    [{ notify: 'sometimes' }, /params\.dev\.notify: expected one of all, failures, off/],
    [{ logRetentionDays: 31 }, /params\.dev\.logRetentionDays: expected one of 1, 3, 5/],
    [{ batchsize: 10 }, /params\.dev\.batchsize: expected one of the params/],
    [{ routes: '[{"bucket"' }, /params\.dev\.routes: expected a list of routes or its JSON text/],
    [{ routes: [{ bucket: 'site', distributionId: 'nope' }] }, /params\.dev\.routes\[0\]\.distributionId/],
    [{ createBuckets: ['not-a-route-bucket'] }, /params\.dev\.createBuckets\[0\]: expected a bucket that a route uses/],
    [{ collectorTimeoutSeconds: 901 }, /params\.dev\.collectorTimeoutSeconds: expected a whole number from 1 to 900/],
  ])('rejects %o naming the param', (overrides, message) => {
    // Act
    const parse = () => parseWith(overrides);
    // Assess
    expect(parse).toThrow(StageParamsError);
    expect(parse).toThrow(message);
  });

  it('rejects routes too long for the 4 KB Lambda environment', () => {
    // Prepare
    const routes = Array.from({ length: 60 }, (_, i) => ({
      bucket: `site-${i}-padding-padding`,
      distributionId: 'E2QWRUHAPOMQZL',
    }));
    // Act
    const parse = () => parseWith({ routes });
    // Assess
    expect(parse).toThrow(/params\.dev\.routes: expected at most 3000 characters of JSON/);
  });
});

describe('deriveStackValues', () => {
  it('scopes the distributions to the configured ids', () => {
    // Prepare
    const params = parseWith({
      routes: [
        { bucket: 'site', distributionId: 'E2QWRUHAPOMQZL', inventory: false },
        { bucket: 'site', prefix: 'docs/', distributionId: 'E2QWRUHAPOMQZL' },
        { bucket: 'assets', distributionId: 'E1OTHERDISTRO1', inventory: false },
      ],
      createBuckets: ['site'],
    });
    // Act
    const values = deriveStackValues(params, 'invalidator');
    // Assess
    expect(values.distributionArns).toEqual([
      { 'Fn::Sub': `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/E2QWRUHAPOMQZL` },
      { 'Fn::Sub': `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/E1OTHERDISTRO1` },
    ]);
    expect(values.conditions).toMatchObject({
      usesAutoDistribution: 'false',
      hasInventory: 'true',
    });
    expect(values.inventoryBucketArns).toEqual([{ 'Fn::Sub': `arn:\${AWS::Partition}:s3:::site` }]);
    expect(Object.keys(values.bucketResources.Resources)).toEqual([
      'BucketSite',
      'BucketNotificationsPolicyAssets',
      'BucketNotificationsAssets',
    ]);
  });

  it('widens to the account distributions only when a route uses "auto"', () => {
    // Prepare
    const params = parseWith({ routes: [{ bucket: 'site', distributionId: 'auto' }] });
    // Act
    const values = deriveStackValues(params, 'invalidator');
    // Assess
    expect(values.distributionArns).toEqual([
      { 'Fn::Sub': `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/*` },
    ]);
    expect(values.conditions.usesAutoDistribution).toBe('true');
  });

  it('gives each existing bucket a custom resource with the stage Id prefix and its key prefixes', () => {
    // Prepare
    const params = parseWith({
      routes: [{ bucket: 'docs.example.com', prefix: 'docs/', distributionId: 'E2QWRUHAPOMQZL' }],
    });
    // Act
    const values = deriveStackValues(params, 'invalidator');
    // Assess
    expect(values.bucketResources.Resources.BucketNotificationsDocsExampleCom).toMatchObject({
      Type: 'Custom::BucketNotifications',
      DependsOn: ['ChangeQueuePolicy', 'BucketNotificationsPolicyDocsExampleCom'],
      Properties: { Bucket: 'docs.example.com', IdPrefix: 'invalidator:dev:', Prefixes: ['docs/'] },
    });
  });

  it('sets the budget alarm at the share of the budget left', () => {
    // Prepare
    const params = parseWith({ monthlyPathBudget: 1000, budgetAlarmPercent: 80 });
    // Act
    const values = deriveStackValues(params, 'invalidator');
    // Assess
    expect(values.budgetAlarmThreshold).toBe(200);
  });
});
