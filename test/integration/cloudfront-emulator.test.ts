import {
  BatchTooLarge,
  CloudFrontClient,
  CloudFrontServiceException,
  CreateInvalidationCommand,
  GetDistributionCommand,
  GetInvalidationCommand,
  InconsistentQuantities,
  InvalidArgument,
  ListDistributionsCommand,
  ListInvalidationsCommand,
  NoSuchDistribution,
  NoSuchInvalidation,
  paginateListInvalidations,
  TooManyInvalidationsInProgress,
  waitUntilInvalidationCompleted,
} from '@aws-sdk/client-cloudfront';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CloudFrontApiError,
  type CloudFrontEmulator,
  matchesInvalidationPath,
  parseInvalidationBatch,
  startCloudFrontEmulator,
} from '../../shared/local/cloudfront-emulator/index.ts';
import { createCloudFrontClient, LOCAL_CREDENTIALS, LOCAL_REGION, uniqueName } from '../helpers/aws-clients.ts';
import {
  captureRejection,
  captureServiceException,
  createAssetsDistribution,
  createExactPaths,
  createInvalidationInput,
  createSiteDistribution,
} from '../helpers/cloudfront-emulator.ts';

const SITE = 'E1SITE0000000A';
const ASSETS = 'E2ASSETS00000B';

describe('CloudFront emulator', () => {
  let emulator: CloudFrontEmulator;
  let cloudFront: CloudFrontClient;

  beforeAll(async () => {
    emulator = await startCloudFrontEmulator({
      distributions: [
        createSiteDistribution(),
        createAssetsDistribution(),
        { id: 'E3SPARE000000C', origins: [{ id: 'o', domainName: 'spare.s3.us-east-1.amazonaws.com' }] },
      ],
      completionDelayMs: 0,
      accountId: '111122223333',
    });
    cloudFront = createCloudFrontClient(emulator.endpoint);
  });

  afterAll(async () => {
    cloudFront.destroy();
    await emulator.stop();
  });

  beforeEach(() => {
    emulator.reset();
  });

  async function invalidate(distributionId: string, paths: readonly string[], callerReference = uniqueName('ref')) {
    return await cloudFront.send(
      new CreateInvalidationCommand(createInvalidationInput(distributionId, paths, callerReference)),
    );
  }

  describe('CreateInvalidation', () => {
    it('creates an invalidation in progress with a Location header and a CloudFront-shaped id', async () => {
      // Prepare
      const before = Date.now();

      // Act
      const result = await invalidate(SITE, ['/index.html', '/docs/*'], 'deploy-1');

      // Assess
      const invalidation = result.Invalidation;
      expect(result.$metadata.httpStatusCode).toBe(201);
      expect(invalidation?.Id).toMatch(/^I[A-Z0-9]{13}$/);
      expect(invalidation?.Status).toBe('InProgress');
      expect(invalidation?.CreateTime?.getTime()).toBeGreaterThanOrEqual(before - 1);
      expect(invalidation?.InvalidationBatch).toEqual({
        CallerReference: 'deploy-1',
        Paths: { Quantity: 2, Items: ['/index.html', '/docs/*'] },
      });
      expect(result.Location).toBe(
        `${emulator.endpoint}/2020-05-31/distribution/${SITE}/invalidation/${invalidation?.Id}`,
      );
      expect(emulator.invalidations(SITE)).toMatchObject([
        { id: invalidation?.Id, distributionId: SITE, callerReference: 'deploy-1', paths: ['/index.html', '/docs/*'] },
      ]);
    });

    it('round-trips paths and CallerReferences with XML special and non-ASCII characters', async () => {
      // Prepare
      const paths = ['/a&b<c>.html', '/quote".css', '/caf\u00e9/\u{1F600}.png', '/tab\there', '/cdata]]>end'];
      const callerReference = 'ref &<>"\' \u00fc';

      // Act
      const created = await invalidate(SITE, paths, callerReference);
      const read = await cloudFront.send(
        new GetInvalidationCommand({ DistributionId: SITE, Id: created.Invalidation?.Id }),
      );

      // Assess
      expect(read.Invalidation?.InvalidationBatch?.Paths?.Items).toEqual(paths);
      expect(read.Invalidation?.InvalidationBatch?.CallerReference).toBe(callerReference);
      expect(emulator.invalidations(SITE)[0]?.paths).toEqual(paths);
    });

    it('returns the same invalidation for a repeated CallerReference', async () => {
      // Prepare
      const first = await invalidate(SITE, ['/a.html', '/b.html'], 'batch-42');

      // Act: the same batch again, paths in another order.
      const second = await invalidate(SITE, ['/b.html', '/a.html'], 'batch-42');

      // Assess
      expect(second.$metadata.httpStatusCode).toBe(201);
      expect(second.Invalidation?.Id).toBe(first.Invalidation?.Id);
      expect(second.Invalidation?.InvalidationBatch?.Paths?.Items).toEqual(['/a.html', '/b.html']);
      expect(emulator.invalidations(SITE)).toHaveLength(1);
    });

    it('keeps CallerReferences per distribution', async () => {
      // Prepare
      const onSite = await invalidate(SITE, ['/a.html'], 'shared-ref');

      // Act
      const onAssets = await invalidate(ASSETS, ['/a.html'], 'shared-ref');

      // Assess
      expect(onAssets.Invalidation?.Id).not.toBe(onSite.Invalidation?.Id);
      expect(emulator.invalidations()).toHaveLength(2);
    });

    it('rejects a reused CallerReference with other paths as InvalidationBatchAlreadyExists', async () => {
      // Prepare
      await invalidate(SITE, ['/a.html'], 'batch-7');

      // Act
      const error = await captureServiceException(invalidate(SITE, ['/a.html', '/b.html'], 'batch-7'));

      // Assess: the SDK models no class for this code, so it raises the service's base exception.
      expect(error).toBeInstanceOf(CloudFrontServiceException);
      expect(error.name).toBe('InvalidationBatchAlreadyExists');
      expect(error.$metadata.httpStatusCode).toBe(409);
      expect(emulator.invalidations(SITE)).toHaveLength(1);
    });

    it('raises NoSuchDistribution for an unknown distribution', async () => {
      // Act
      const error = await captureServiceException(invalidate('E9UNKNOWN0000Z', ['/a.html']));

      // Assess
      expect(error).toBeInstanceOf(NoSuchDistribution);
      expect(error.$metadata.httpStatusCode).toBe(404);
      expect(error.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('path validation', () => {
    it.each([
      ['a path without a leading slash', 'index.html'],
      ['a wildcard before the last character', '/images/*.png'],
      ['a path longer than 4,000 characters', `/${'a'.repeat(4000)}`],
      ['a raw tilde (aws-sdk-js-v3#4042)', '/~user/index.html'],
      ['a raw apostrophe (s3_website#63)', "/it's.html"],
    ])('rejects %s as InvalidArgument', async (_case, path) => {
      // Act
      const error = await captureServiceException(invalidate(SITE, ['/ok.html', path]));

      // Assess
      expect(error).toBeInstanceOf(InvalidArgument);
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(emulator.invalidations()).toHaveLength(0);
    });

    it('accepts a 4,000-character path and a wildcard that ends at any character', async () => {
      // Prepare
      const paths = [`/${'a'.repeat(3999)}`, '/icons/arrow-*', '/*'];

      // Act
      const result = await invalidate(SITE, paths);

      // Assess
      expect(result.Invalidation?.InvalidationBatch?.Paths?.Items).toEqual(paths);
    });

    it('rejects a Quantity that does not match the items as InconsistentQuantities', async () => {
      // Prepare
      const input = createInvalidationInput(SITE, ['/a.html', '/b.html'], uniqueName('ref'));

      // Act
      const error = await captureServiceException(
        cloudFront.send(
          new CreateInvalidationCommand({
            ...input,
            InvalidationBatch: { CallerReference: 'q', Paths: { Quantity: 3, Items: ['/a.html', '/b.html'] } },
          }),
        ),
      );

      // Assess
      expect(error).toBeInstanceOf(InconsistentQuantities);
    });

    it('rejects an empty batch as InvalidArgument', async () => {
      // Act
      const error = await captureServiceException(invalidate(SITE, []));

      // Assess
      expect(error).toBeInstanceOf(InvalidArgument);
    });

    it('accepts 3,000 paths in one request and rejects 3,001 as BatchTooLarge', async () => {
      // Act
      const accepted = await invalidate(SITE, createExactPaths(3000));
      emulator.completeAll();
      const error = await captureServiceException(invalidate(SITE, createExactPaths(3001)));

      // Assess
      expect(accepted.Invalidation?.InvalidationBatch?.Paths?.Quantity).toBe(3000);
      expect(error).toBeInstanceOf(BatchTooLarge);
      expect(error.$metadata.httpStatusCode).toBe(413);
    });

    it('reads a pretty-printed body with comments, CDATA and a namespace prefix', async () => {
      // Prepare: what a hand-written client (not the JS SDK) might send.
      const body = `<?xml version="1.0" encoding="UTF-8"?>
        <!-- a deploy -->
        <cf:InvalidationBatch xmlns:cf="http://cloudfront.amazonaws.com/doc/2020-05-31/">
          <cf:Paths>
            <cf:Quantity> 2 </cf:Quantity>
            <cf:Items><cf:Path><![CDATA[/a&b.html]]></cf:Path><cf:Path>/x&#x41;&#66;&amp;.css</cf:Path></cf:Items>
          </cf:Paths>
          <cf:CallerReference>pretty</cf:CallerReference>
        </cf:InvalidationBatch>`;

      // Act
      const response = await fetch(`${emulator.endpoint}/2020-05-31/distribution/${SITE}/invalidation`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body,
      });

      // Assess
      expect(response.status).toBe(201);
      expect(emulator.invalidations(SITE)[0]?.paths).toEqual(['/a&b.html', '/xAB&.css']);
    });

    it.each([
      ['an unclosed element', '<InvalidationBatch><Paths>', 'MalformedInput'],
      [
        'an unknown entity',
        '<InvalidationBatch><CallerReference>&nbsp;</CallerReference></InvalidationBatch>',
        'MalformedInput',
      ],
      ['a DTD', '<!DOCTYPE x [<!ENTITY a "b">]><InvalidationBatch/>', 'MalformedInput'],
      ['another root element', '<Invalidation/>', 'MalformedInput'],
      ['an empty body', '', 'MissingBody'],
      [
        'a missing CallerReference',
        '<InvalidationBatch><Paths><Quantity>1</Quantity><Items><Path>/a</Path></Items></Paths></InvalidationBatch>',
        'InvalidArgument',
      ],
    ])('refuses %s with %s', (_case, body, code) => {
      // Act
      const parse = () => parseInvalidationBatch(body);

      // Assess
      expect(parse).toThrow(CloudFrontApiError);
      expect(parse).toThrow(expect.objectContaining({ code, status: 400 }));
    });
  });

  describe('in-flight quotas', () => {
    beforeEach(() => {
      emulator.setCompletionDelay('never');
    });

    it('refuses a 16th wildcard path in progress with TooManyInvalidationsInProgress', async () => {
      // Prepare
      await invalidate(
        SITE,
        Array.from({ length: 10 }, (_, index) => `/w${index}/*`),
      );
      await invalidate(
        SITE,
        Array.from({ length: 5 }, (_, index) => `/v${index}/*`),
      );

      // Act
      const error = await captureServiceException(invalidate(SITE, ['/one-more/*']));

      // Assess
      expect(error).toBeInstanceOf(TooManyInvalidationsInProgress);
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toMatch(/maximum number of in-progress invalidations/);
    });

    it('refuses exact paths beyond 3,000 in progress but still takes wildcards', async () => {
      // Prepare
      await invalidate(SITE, createExactPaths(2000, 'first'));
      await invalidate(SITE, createExactPaths(1000, 'second'));

      // Act
      const error = await captureServiceException(invalidate(SITE, ['/extra.html']));
      const wildcard = await invalidate(SITE, ['/extra/*']);

      // Assess
      expect(error).toBeInstanceOf(TooManyInvalidationsInProgress);
      expect(wildcard.Invalidation?.Status).toBe('InProgress');
    });

    it('counts quotas per distribution', async () => {
      // Prepare
      await invalidate(
        SITE,
        Array.from({ length: 15 }, (_, index) => `/w${index}/*`),
      );

      // Act
      const other = await invalidate(ASSETS, ['/*']);

      // Assess
      expect(other.Invalidation?.Status).toBe('InProgress');
    });

    it('returns the existing invalidation for a repeated CallerReference even at the quota', async () => {
      // Prepare
      const paths = Array.from({ length: 15 }, (_, index) => `/w${index}/*`);
      const first = await invalidate(SITE, paths, 'full');

      // Act
      const again = await invalidate(SITE, paths, 'full');

      // Assess
      expect(again.Invalidation?.Id).toBe(first.Invalidation?.Id);
    });

    it('accepts again once the invalidations in progress complete', async () => {
      // Prepare
      await invalidate(
        SITE,
        Array.from({ length: 15 }, (_, index) => `/w${index}/*`),
      );
      await captureServiceException(invalidate(SITE, ['/late/*']));

      // Act
      const completed = emulator.completeAll(SITE);
      const accepted = await invalidate(SITE, ['/late/*']);

      // Assess
      expect(completed).toBe(1);
      expect(accepted.Invalidation?.Status).toBe('InProgress');
    });
  });

  describe('GetInvalidation', () => {
    it('raises NoSuchInvalidation for an unknown id', async () => {
      // Act
      const error = await captureServiceException(
        cloudFront.send(new GetInvalidationCommand({ DistributionId: SITE, Id: 'I0000000000000' })),
      );

      // Assess
      expect(error).toBeInstanceOf(NoSuchInvalidation);
      expect(error.$metadata.httpStatusCode).toBe(404);
    });

    it('raises NoSuchInvalidation for an invalidation of another distribution', async () => {
      // Prepare
      const created = await invalidate(SITE, ['/a.html']);

      // Act
      const error = await captureServiceException(
        cloudFront.send(new GetInvalidationCommand({ DistributionId: ASSETS, Id: created.Invalidation?.Id })),
      );

      // Assess
      expect(error).toBeInstanceOf(NoSuchInvalidation);
    });

    it('raises NoSuchDistribution for an unknown distribution', async () => {
      // Act
      const error = await captureServiceException(
        cloudFront.send(new GetInvalidationCommand({ DistributionId: 'E9NOPE', Id: 'I0000000000000' })),
      );

      // Assess
      expect(error).toBeInstanceOf(NoSuchDistribution);
    });
  });

  describe('completion', () => {
    it('reads as Completed on the first read after creation when the delay is 0', async () => {
      // Prepare
      const created = await invalidate(SITE, ['/a.html']);

      // Act
      const read = await cloudFront.send(
        new GetInvalidationCommand({ DistributionId: SITE, Id: created.Invalidation?.Id }),
      );

      // Assess
      expect(created.Invalidation?.Status).toBe('InProgress');
      expect(read.Invalidation?.Status).toBe('Completed');
      expect(emulator.invalidations(SITE)[0]?.completedAt).toBeInstanceOf(Date);
    });

    it('lets the SDK waiter see the invalidation complete', async () => {
      // Prepare
      const created = await invalidate(SITE, ['/a.html']);

      // Act
      const waited = await waitUntilInvalidationCompleted(
        { client: cloudFront, maxWaitTime: 10, minDelay: 1, maxDelay: 1 },
        { DistributionId: SITE, Id: created.Invalidation?.Id },
      );

      // Assess
      expect(waited.state).toBe('SUCCESS');
    });

    it('stays in progress with "never" until completeAll', async () => {
      // Prepare
      emulator.setCompletionDelay('never');
      const created = await invalidate(SITE, ['/a.html']);
      const id = created.Invalidation?.Id;
      const pending = await cloudFront.send(new GetInvalidationCommand({ DistributionId: SITE, Id: id }));

      // Act
      emulator.completeAll();
      const done = await cloudFront.send(new GetInvalidationCommand({ DistributionId: SITE, Id: id }));

      // Assess
      expect(pending.Invalidation?.Status).toBe('InProgress');
      expect(done.Invalidation?.Status).toBe('Completed');
    });

    it('counts invalidations in progress in GetDistribution', async () => {
      // Prepare
      emulator.setCompletionDelay('never');
      await invalidate(ASSETS, ['/a.html']);
      await invalidate(ASSETS, ['/b.html']);

      // Act
      const distribution = await cloudFront.send(new GetDistributionCommand({ Id: ASSETS }));

      // Assess
      expect(distribution.Distribution?.InProgressInvalidationBatches).toBe(2);
    });

    describe('with a completion delay and a test clock', () => {
      let clock = Date.parse('2026-11-02T10:00:00.000Z');
      let delayed: CloudFrontEmulator;
      let delayedClient: CloudFrontClient;

      beforeAll(async () => {
        delayed = await startCloudFrontEmulator({
          distributions: [createSiteDistribution()],
          completionDelayMs: 60_000,
          now: () => clock,
        });
        delayedClient = createCloudFrontClient(delayed.endpoint);
      });

      afterAll(async () => {
        delayedClient.destroy();
        await delayed.stop();
      });

      it('turns Completed once the delay has passed, not before', async () => {
        // Prepare
        const created = await delayedClient.send(
          new CreateInvalidationCommand(createInvalidationInput(SITE, ['/a.html'], 'slow')),
        );
        const read = () =>
          delayedClient.send(new GetInvalidationCommand({ DistributionId: SITE, Id: created.Invalidation?.Id }));

        // Act
        clock += 59_999;
        const early = await read();
        clock += 1;
        const onTime = await read();

        // Assess
        expect(early.Invalidation?.Status).toBe('InProgress');
        expect(onTime.Invalidation?.Status).toBe('Completed');
        expect(created.Invalidation?.CreateTime?.toISOString()).toBe('2026-11-02T10:00:00.000Z');
        expect(delayed.invalidations()[0]?.completedAt?.toISOString()).toBe('2026-11-02T10:01:00.000Z');
      });
    });
  });

  describe('ListInvalidations', () => {
    it('lists newest first and pages with Marker and MaxItems', async () => {
      // Prepare
      const ids: string[] = [];
      for (let index = 0; index < 5; index++)
        ids.push((await invalidate(SITE, [`/p${index}.html`])).Invalidation?.Id ?? '');
      const newestFirst = [...ids].reverse();

      // Act
      const first = await cloudFront.send(new ListInvalidationsCommand({ DistributionId: SITE, MaxItems: 2 }));
      const second = await cloudFront.send(
        new ListInvalidationsCommand({ DistributionId: SITE, MaxItems: 2, Marker: first.InvalidationList?.NextMarker }),
      );
      const last = await cloudFront.send(
        new ListInvalidationsCommand({
          DistributionId: SITE,
          MaxItems: 2,
          Marker: second.InvalidationList?.NextMarker,
        }),
      );

      // Assess
      expect(first.InvalidationList).toMatchObject({
        Marker: '',
        MaxItems: 2,
        IsTruncated: true,
        Quantity: 2,
        NextMarker: newestFirst[1],
      });
      expect(first.InvalidationList?.Items?.map((item) => item.Id)).toEqual(newestFirst.slice(0, 2));
      expect(second.InvalidationList?.Items?.map((item) => item.Id)).toEqual(newestFirst.slice(2, 4));
      expect(last.InvalidationList).toMatchObject({ IsTruncated: false, Quantity: 1 });
      expect(last.InvalidationList?.NextMarker).toBeUndefined();
      expect(last.InvalidationList?.Items?.[0]).toMatchObject({ Id: newestFirst[4], Status: 'Completed' });
      expect(last.InvalidationList?.Items?.[0]?.CreateTime).toBeInstanceOf(Date);
    });

    it('pages through everything with the SDK paginator', async () => {
      // Prepare
      for (let index = 0; index < 7; index++) await invalidate(ASSETS, [`/p${index}.html`]);

      // Act
      const seen: string[] = [];
      for await (const page of paginateListInvalidations(
        { client: cloudFront, pageSize: 3 },
        { DistributionId: ASSETS },
      )) {
        seen.push(...(page.InvalidationList?.Items ?? []).map((item) => item.Id ?? ''));
      }

      // Assess
      expect(seen).toEqual(
        emulator
          .invalidations(ASSETS)
          .map((invalidation) => invalidation.id)
          .reverse(),
      );
    });

    it('answers an empty list for a distribution without invalidations', async () => {
      // Act
      const result = await cloudFront.send(new ListInvalidationsCommand({ DistributionId: ASSETS }));

      // Assess
      expect(result.InvalidationList).toMatchObject({ MaxItems: 100, IsTruncated: false, Quantity: 0 });
      expect(result.InvalidationList?.Items ?? []).toEqual([]);
    });

    it('rejects a MaxItems of 0 as InvalidArgument', async () => {
      // Act
      const error = await captureServiceException(
        cloudFront.send(new ListInvalidationsCommand({ DistributionId: SITE, MaxItems: 0 })),
      );

      // Assess
      expect(error).toBeInstanceOf(InvalidArgument);
    });
  });

  describe('GetDistribution', () => {
    it('returns the configuration with origins, origin path, cache behaviours and an ETag', async () => {
      // Act
      const result = await cloudFront.send(new GetDistributionCommand({ Id: ASSETS }));

      // Assess
      const distribution = result.Distribution;
      const config = distribution?.DistributionConfig;
      expect(result.ETag).toMatch(/^E[A-Z0-9]{13}$/);
      expect(distribution).toMatchObject({
        Id: ASSETS,
        ARN: `arn:aws:cloudfront::111122223333:distribution/${ASSETS}`,
        Status: 'Deployed',
        InProgressInvalidationBatches: 0,
      });
      expect(distribution?.DomainName).toMatch(/^d[a-z0-9]{13}\.cloudfront\.net$/);
      expect(config?.Origins?.Quantity).toBe(2);
      expect(config?.Origins?.Items?.[0]).toMatchObject({
        Id: 'assets-bucket',
        DomainName: 'assets-bucket.s3.us-east-1.amazonaws.com',
        OriginPath: '/prod',
        S3OriginConfig: { OriginAccessIdentity: '' },
      });
      expect(config?.Origins?.Items?.[1]).toMatchObject({
        Id: 'api',
        OriginPath: '',
        CustomOriginConfig: { HTTPSPort: 443 },
      });
      expect(config?.DefaultCacheBehavior).toMatchObject({
        TargetOriginId: 'assets-bucket',
        AllowedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] },
      });
      expect(config?.CacheBehaviors).toMatchObject({
        Quantity: 1,
        Items: [{ PathPattern: '/api/*', TargetOriginId: 'api' }],
      });
      expect(config?.Enabled).toBe(true);
    });

    it('returns aliases, comment and default root object as configured', async () => {
      // Act
      const result = await cloudFront.send(new GetDistributionCommand({ Id: SITE }));

      // Assess
      const config = result.Distribution?.DistributionConfig;
      expect(config?.Aliases).toEqual({ Quantity: 1, Items: ['www.example.com'] });
      expect(config?.Comment).toBe('static site');
      expect(config?.DefaultRootObject).toBe('index.html');
      expect(config?.CacheBehaviors?.Quantity).toBe(0);
    });

    it('raises NoSuchDistribution for an unknown id', async () => {
      // Act
      const error = await captureServiceException(
        cloudFront.send(new GetDistributionCommand({ Id: 'E9UNKNOWN0000Z' })),
      );

      // Assess
      expect(error).toBeInstanceOf(NoSuchDistribution);
    });
  });

  describe('ListDistributions', () => {
    it('pages through distributions with Marker and MaxItems', async () => {
      // Act
      const first = await cloudFront.send(new ListDistributionsCommand({ MaxItems: 2 }));
      const second = await cloudFront.send(
        new ListDistributionsCommand({ MaxItems: 2, Marker: first.DistributionList?.NextMarker }),
      );

      // Assess
      expect(first.DistributionList).toMatchObject({ IsTruncated: true, Quantity: 2, NextMarker: ASSETS });
      expect(first.DistributionList?.Items?.map((item) => item.Id)).toEqual([SITE, ASSETS]);
      expect(first.DistributionList?.Items?.[1]?.Origins?.Items?.[0]?.OriginPath).toBe('/prod');
      expect(second.DistributionList).toMatchObject({ Marker: ASSETS, IsTruncated: false, Quantity: 1 });
      expect(second.DistributionList?.Items?.map((item) => item.Id)).toEqual(['E3SPARE000000C']);
    });
  });

  describe('faults', () => {
    it('raises Throttling to the caller when retries are exhausted', async () => {
      // Prepare
      emulator.faults.next('CreateInvalidation', { kind: 'throttle' });

      // Act
      const error = await captureServiceException(invalidate(SITE, ['/a.html']));

      // Assess
      expect(error).toBeInstanceOf(CloudFrontServiceException);
      expect(error.name).toBe('Throttling');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(emulator.invalidations()).toHaveLength(0);
    });

    it('throttles the next requests, and the SDK retries through them', async () => {
      // Prepare
      const retrying = new CloudFrontClient({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: emulator.endpoint,
        maxAttempts: 3,
      });
      emulator.faults.next('CreateInvalidation', { kind: 'throttle', times: 2 });

      // Act
      const result = await retrying.send(
        new CreateInvalidationCommand(createInvalidationInput(SITE, ['/a.html'], 'retried')),
      );
      retrying.destroy();

      // Assess
      expect(result.$metadata.attempts).toBe(3);
      expect(emulator.requests().map((request) => [request.fault, request.status])).toEqual([
        ['throttle', 400],
        ['throttle', 400],
        [null, 201],
      ]);
      expect(emulator.faults.pending()).toBe(0);
    });

    it.each([
      ['serverError', 500, 'InternalError'],
      ['serviceUnavailable', 503, 'ServiceUnavailable'],
    ] as const)('answers %s with %i %s and creates nothing', async (kind, status, code) => {
      // Prepare
      emulator.faults.next('CreateInvalidation', { kind });

      // Act
      const error = await captureServiceException(invalidate(SITE, ['/a.html']));

      // Assess
      expect(error.name).toBe(code);
      expect(error.$fault).toBe('server');
      expect(error.$metadata.httpStatusCode).toBe(status);
      expect(emulator.invalidations()).toHaveLength(0);
    });

    it('drops the connection with reset and creates nothing', async () => {
      // Prepare
      emulator.faults.next('CreateInvalidation', { kind: 'reset' });

      // Act
      const error = await captureRejection(invalidate(SITE, ['/a.html']));

      // Assess
      expect(error).not.toBeInstanceOf(CloudFrontServiceException);
      expect(emulator.invalidations()).toHaveLength(0);
      expect(emulator.requests()[0]).toMatchObject({ operation: 'CreateInvalidation', fault: 'reset', status: null });
    });

    it('creates the invalidation when the response is lost, and a retry with the same CallerReference gets it back', async () => {
      // Prepare
      emulator.faults.next('CreateInvalidation', { kind: 'lostResponse' });
      const lost = await captureRejection(invalidate(SITE, ['/a.html'], 'unit-1'));

      // Act
      const retried = await invalidate(SITE, ['/a.html'], 'unit-1');

      // Assess
      expect(lost).not.toBeInstanceOf(CloudFrontServiceException);
      expect(emulator.invalidations()).toHaveLength(1);
      expect(retried.Invalidation?.Id).toBe(emulator.invalidations()[0]?.id);
    });

    it('answers 500 after creating the invalidation with lostResponse as serverError', async () => {
      // Prepare
      emulator.faults.next('CreateInvalidation', { kind: 'lostResponse', as: 'serverError' });

      // Act
      const error = await captureServiceException(invalidate(SITE, ['/a.html'], 'unit-2'));

      // Assess
      expect(error.name).toBe('InternalError');
      expect(emulator.invalidations()).toMatchObject([{ callerReference: 'unit-2' }]);
    });

    it('delays a response by the injected latency', async () => {
      // Prepare
      emulator.faults.next('GetDistribution', { kind: 'latency', ms: 200 });
      const started = performance.now();

      // Act
      const result = await cloudFront.send(new GetDistributionCommand({ Id: SITE }));

      // Assess
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
      expect(result.Distribution?.Id).toBe(SITE);
    });

    it('applies a queued fault only to the named operation', async () => {
      // Prepare
      emulator.faults.next('GetInvalidation', { kind: 'serverError' });

      // Act
      const created = await invalidate(SITE, ['/a.html']);
      const error = await captureServiceException(
        cloudFront.send(new GetInvalidationCommand({ DistributionId: SITE, Id: created.Invalidation?.Id })),
      );

      // Assess
      expect(error.name).toBe('InternalError');
      expect(emulator.faults.injected()).toEqual([
        { operation: 'GetInvalidation', kind: 'serverError', source: 'queued' },
      ]);
    });

    it('draws the same faults for the same seed', async () => {
      // Prepare
      const runOnce = async () => {
        emulator.reset();
        emulator.faults.random({ seed: 42, rates: { throttle: 0.3, serverError: 0.2 } });
        for (let index = 0; index < 20; index++) {
          await captureServiceException(cloudFront.send(new GetDistributionCommand({ Id: 'E9UNKNOWN0000Z' })));
        }
        return emulator.faults.injected().map((fault) => fault.kind);
      };

      // Act
      const first = await runOnce();
      const second = await runOnce();

      // Assess
      expect(first).toEqual(second);
      expect(first.length).toBeGreaterThan(0);
      expect(first.length).toBeLessThan(20);
      expect(new Set(first)).toEqual(new Set(['throttle', 'serverError', 'serviceUnavailable']));
    });

    it('throttles every eligible request at rate 1 and stops after clear', async () => {
      // Prepare
      emulator.faults.random({ seed: 1, rates: { throttle: 1 }, operations: ['ListDistributions'] });

      // Act
      const throttled = await captureServiceException(cloudFront.send(new ListDistributionsCommand({})));
      const untouched = await cloudFront.send(new GetDistributionCommand({ Id: SITE }));
      emulator.faults.clear();
      const listed = await cloudFront.send(new ListDistributionsCommand({}));

      // Assess
      expect(throttled.name).toBe('Throttling');
      expect(untouched.Distribution?.Id).toBe(SITE);
      expect(listed.DistributionList?.Quantity).toBe(3);
    });
  });
});

describe('startCloudFrontEmulator', () => {
  it.each([
    ['a distribution without origins', { distributions: [{ id: 'E1', origins: [] }] }],
    [
      'an origin path ending in a slash',
      { distributions: [{ id: 'E1', origins: [{ id: 'o', domainName: 'b.s3.amazonaws.com', originPath: '/prod/' }] }] },
    ],
    ['a duplicate distribution id', { distributions: [createSiteDistribution(), createSiteDistribution()] }],
    [
      'a cache behaviour aimed at an unknown origin',
      {
        distributions: [createSiteDistribution({ cacheBehaviors: [{ pathPattern: '/x/*', targetOriginId: 'nope' }] })],
      },
    ],
  ])('refuses %s', async (_case, options) => {
    // Act
    const error = await captureRejection(startCloudFrontEmulator(options));

    // Assess
    expect(error.name).toBe('EmulatorConfigError');
  });

  it('generates CloudFront-shaped distribution ids when none are given', async () => {
    // Act
    const emulator = await startCloudFrontEmulator({
      distributions: [{ origins: [{ id: 'o', domainName: 'b.s3.us-east-1.amazonaws.com' }] }],
    });
    await emulator.stop();

    // Assess
    expect(emulator.distributions[0]?.id).toMatch(/^E[A-Z0-9]{13}$/);
  });
});

describe('matchesInvalidationPath', () => {
  it.each([
    ['/index.html', '/index.html', true],
    ['/index.html', '/index.htm', false],
    ['/index.html', '/Index.html', false],
    ['/docs/*', '/docs/a/b.html', true],
    ['/docs/*', '/docs/', true],
    ['/docs/*', '/docs', false],
    ['/icons/arrow-*', '/icons/arrow-left.svg', true],
    ['/icons/arrow-*', '/icons/close.svg', false],
    ['/*', '/anything', true],
    ['/caf%C3%A9.html', '/caf%C3%A9.html', true],
  ])('matches %s against %s: %s', (invalidationPath, requestPath, expected) => {
    // Act
    const matches = matchesInvalidationPath(invalidationPath, requestPath);

    // Assess
    expect(matches).toBe(expected);
  });
});
