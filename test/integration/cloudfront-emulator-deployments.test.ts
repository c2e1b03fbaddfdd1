import {
  CloudFrontClient,
  CreateDistributionCommand,
  CreateInvalidationCommand,
  DistributionAlreadyExists,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  IllegalUpdate,
  InvalidIfMatchVersion,
  ListDistributionsCommand,
  PreconditionFailed,
  UpdateDistributionCommand,
  waitUntilDistributionDeployed,
} from '@aws-sdk/client-cloudfront';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CloudFrontEmulator,
  type CloudTrailApiCallEvent,
  startCloudFrontEmulator,
} from '../../shared/local/cloudfront-emulator/index.ts';
import { createCloudFrontClient, LOCAL_REGION } from '../helpers/aws-clients.ts';
import {
  captureServiceException,
  createInvalidationInput,
  createSiteDistribution,
} from '../helpers/cloudfront-emulator.ts';

const SITE = 'E1SITE0000000A';
const DEPLOY_MS = 300_000;
const START = Date.parse('2026-11-21T12:00:00Z');

describe('CloudFront emulator: distribution deployments and CloudTrail events', () => {
  let clock = START;
  let emulator: CloudFrontEmulator;
  let client: CloudFrontClient;
  const delivered: CloudTrailApiCallEvent[] = [];

  beforeAll(async () => {
    emulator = await startCloudFrontEmulator({
      distributions: [createSiteDistribution()],
      deployDelayMs: DEPLOY_MS,
      now: () => clock,
      onApiCall: (event) => delivered.push(event),
    });
    client = createCloudFrontClient(emulator.endpoint);
  });

  afterAll(async () => {
    client.destroy();
    await emulator.stop();
  });

  beforeEach(() => {
    clock = START;
    emulator.reset();
    delivered.length = 0;
  });

  async function updateComment(comment: string, ifMatch?: string) {
    const current = await client.send(new GetDistributionConfigCommand({ Id: SITE }));
    const config = current.DistributionConfig;
    if (config === undefined) throw new Error('expected a DistributionConfig');
    return client.send(
      new UpdateDistributionCommand({
        Id: SITE,
        IfMatch: ifMatch ?? current.ETag,
        DistributionConfig: { ...config, Comment: comment },
      }),
    );
  }

  describe('UpdateDistribution', () => {
    it('reads InProgress with a new ETag, then Deployed once the delay has passed', async () => {
      const before = await client.send(new GetDistributionCommand({ Id: SITE }));
      expect(before.Distribution?.Status).toBe('Deployed');

      const updated = await updateComment('new behaviour');

      expect(updated.Distribution?.Status).toBe('InProgress');
      expect(updated.ETag).not.toBe(before.ETag);
      expect(updated.Distribution?.DistributionConfig?.Comment).toBe('new behaviour');
      clock += DEPLOY_MS - 1;
      expect((await client.send(new GetDistributionCommand({ Id: SITE }))).Distribution?.Status).toBe('InProgress');
      const listed = await client.send(new ListDistributionsCommand({}));
      expect(listed.DistributionList?.Items?.[0]?.Status).toBe('InProgress');
      clock += 1;
      const after = await client.send(new GetDistributionCommand({ Id: SITE }));
      expect(after.Distribution?.Status).toBe('Deployed');
      expect(after.ETag).toBe(updated.ETag);
    });

    it('lets the SDK waiter see the deployment end', async () => {
      await updateComment('waited for');
      emulator.deployAll();

      const result = await waitUntilDistributionDeployed({ client, maxWaitTime: 5, minDelay: 1 }, { Id: SITE });

      expect(result.state).toBe('SUCCESS');
    });

    it('refuses a missing If-Match, a stale ETag and a changed CallerReference', async () => {
      const current = await client.send(new GetDistributionConfigCommand({ Id: SITE }));
      const config = current.DistributionConfig;
      if (config === undefined) throw new Error('expected a DistributionConfig');

      const missing = await captureServiceException(
        client.send(new UpdateDistributionCommand({ Id: SITE, DistributionConfig: config })),
      );
      await updateComment('first');
      const stale = await captureServiceException(updateComment('second', current.ETag));
      const fresh = await client.send(new GetDistributionConfigCommand({ Id: SITE }));
      const renamed = await captureServiceException(
        client.send(
          new UpdateDistributionCommand({
            Id: SITE,
            IfMatch: fresh.ETag,
            DistributionConfig: { ...config, CallerReference: 'another' },
          }),
        ),
      );

      expect(missing).toBeInstanceOf(InvalidIfMatchVersion);
      expect(stale).toBeInstanceOf(PreconditionFailed);
      expect(stale.$metadata.httpStatusCode).toBe(412);
      expect(renamed).toBeInstanceOf(IllegalUpdate);
      expect(delivered.map((event) => event.detail.eventName)).toEqual(['UpdateDistribution']);
    });
  });

  describe('CreateDistribution', () => {
    it('serves a new distribution, InProgress, and refuses its CallerReference again', async () => {
      const current = await client.send(new GetDistributionConfigCommand({ Id: SITE }));
      const config = { ...current.DistributionConfig, CallerReference: 'api-site-1', Comment: 'ALB site' };
      const input = { DistributionConfig: config as Required<typeof config> };

      const created = await client.send(new CreateDistributionCommand(input));
      const again = await captureServiceException(client.send(new CreateDistributionCommand(input)));

      expect(created.Distribution?.Status).toBe('InProgress');
      expect(created.Distribution?.Id).toMatch(/^E[A-Z0-9]{13}$/);
      expect(created.Location).toContain(`/distribution/${created.Distribution?.Id}`);
      expect(again).toBeInstanceOf(DistributionAlreadyExists);
      expect(emulator.distributions.map((distribution) => distribution.id)).toContain(created.Distribution?.Id);
    });
  });

  describe('CloudTrail events', () => {
    it('delivers the EventBridge shape of CreateInvalidation, naming the caller by access key', async () => {
      const console = new CloudFrontClient({
        region: LOCAL_REGION,
        endpoint: emulator.endpoint,
        credentials: { accessKeyId: 'AKIACONSOLEUSER', secretAccessKey: 'x' },
      });
      const created = await console.send(new CreateInvalidationCommand(createInvalidationInput(SITE, ['/*'], 'cli-1')));
      console.destroy();

      expect(delivered).toHaveLength(1);
      const [event] = delivered;
      expect(event).toMatchObject({
        version: '0',
        'detail-type': 'AWS API Call via CloudTrail',
        source: 'aws.cloudfront',
        region: 'us-east-1',
        account: '123456789012',
        detail: {
          eventSource: 'cloudfront.amazonaws.com',
          eventName: 'CreateInvalidation',
          eventType: 'AwsApiCall',
          awsRegion: 'us-east-1',
          userIdentity: { accessKeyId: 'AKIACONSOLEUSER' },
          requestParameters: {
            distributionId: SITE,
            invalidationBatch: { callerReference: 'cli-1', paths: { quantity: 1, items: ['/*'] } },
          },
          responseElements: { invalidation: { id: created.Invalidation?.Id, status: 'InProgress' } },
        },
      });
      expect(event?.time).toBe('2026-11-21T12:00:00Z');
      expect(emulator.apiCallEvents()).toEqual(delivered);
    });

    it('delivers UpdateDistribution with the new ETag and no event for a refused call', async () => {
      const updated = await updateComment('edge function');
      await captureServiceException(updateComment('stale', 'EWRONGETAG0000'));

      expect(delivered).toHaveLength(1);
      expect(delivered[0]?.detail).toMatchObject({
        eventName: 'UpdateDistribution',
        requestParameters: { id: SITE },
        responseElements: { eTag: updated.ETag, distribution: { id: SITE, status: 'InProgress' } },
      });
    });
  });
});
