import { EmulatorConfigError } from './errors.ts';
import { createDistributionDomainName, createDistributionId, createEtag } from './ids.ts';
import type { EmulatedDistribution, EmulatorDistributionConfig, EmulatorOriginConfig } from './types.ts';

/**
 * Turns the emulator's distribution configuration into served distributions.
 * @param configs - the distributions to serve, in ListDistributions order.
 * @param accountId - twelve digits, for the ARNs.
 * @param now - creation time in epoch milliseconds (LastModifiedTime).
 * @throws EmulatorConfigError on duplicate ids, a distribution without origins, an OriginPath
 *   CloudFront would reject, or a cache behaviour aimed at an unknown origin.
 */
export function resolveDistributions(
  configs: readonly EmulatorDistributionConfig[],
  accountId: string,
  now: number,
): EmulatedDistribution[] {
  if (!/^\d{12}$/.test(accountId)) throw new EmulatorConfigError(`accountId must be 12 digits, got '${accountId}'`);
  const seen = new Set<string>();
  return configs.map((config, index) => {
    const id = config.id ?? createDistributionId();
    if (!/^[A-Za-z0-9_-]+$/.test(id))
      throw new EmulatorConfigError(`distribution ${index}: id '${id}' is not URL-safe`);
    if (seen.has(id)) throw new EmulatorConfigError(`distribution ${id} is configured twice`);
    seen.add(id);
    return resolveDistribution(id, config, accountId, now);
  });
}

/**
 * One served distribution from its configuration (fresh ETag and domain name).
 * @throws EmulatorConfigError as {@link resolveDistributions}.
 */
export function resolveDistribution(
  id: string,
  config: EmulatorDistributionConfig,
  accountId: string,
  now: number,
  callerReference = `cloudfront-emulator-${id}`,
): EmulatedDistribution {
  const origins = config.origins.map((origin) => resolveOrigin(id, origin));
  const firstOrigin = origins[0];
  if (firstOrigin === undefined) throw new EmulatorConfigError(`distribution ${id}: expected at least one origin`);
  const originIds = new Set(origins.map((origin) => origin.id));
  if (originIds.size !== origins.length) throw new EmulatorConfigError(`distribution ${id}: origin ids must be unique`);
  const defaultTargetOriginId = config.defaultTargetOriginId ?? firstOrigin.id;
  const cacheBehaviors = config.cacheBehaviors ?? [];
  for (const targetOriginId of [defaultTargetOriginId, ...cacheBehaviors.map((behavior) => behavior.targetOriginId)]) {
    if (!originIds.has(targetOriginId)) {
      throw new EmulatorConfigError(`distribution ${id}: cache behaviour targets unknown origin '${targetOriginId}'`);
    }
  }
  return {
    id,
    arn: `arn:aws:cloudfront::${accountId}:distribution/${id}`,
    domainName: createDistributionDomainName(),
    etag: createEtag(),
    callerReference,
    lastModifiedTime: new Date(now),
    enabled: config.enabled ?? true,
    comment: config.comment ?? '',
    aliases: [...(config.aliases ?? [])],
    defaultRootObject: config.defaultRootObject ?? '',
    origins,
    defaultTargetOriginId,
    cacheBehaviors: cacheBehaviors.map((behavior) => ({ ...behavior })),
    customErrorResponses: (config.customErrorResponses ?? []).map((response) => ({ ...response })),
  };
}

/** https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Origin.html (OriginPath) */
function resolveOrigin(distributionId: string, origin: EmulatorOriginConfig): Required<EmulatorOriginConfig> {
  const originPath = origin.originPath ?? '';
  if (originPath !== '' && (!originPath.startsWith('/') || originPath.endsWith('/'))) {
    throw new EmulatorConfigError(
      `distribution ${distributionId}, origin ${origin.id}: OriginPath must begin with '/' and not end with '/', got '${originPath}'`,
    );
  }
  if (origin.id === '' || origin.domainName === '') {
    throw new EmulatorConfigError(`distribution ${distributionId}: an origin needs an id and a domainName`);
  }
  return { id: origin.id, domainName: origin.domainName, originPath };
}
