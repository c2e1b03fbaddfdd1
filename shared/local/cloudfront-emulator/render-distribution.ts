import type { DistributionStatus, EmulatedDistribution, EmulatorOriginConfig } from './types.ts';
import { document, element, quantityList, textElement } from './xml-write.ts';

/** AWS managed cache policy "CachingOptimized", what the console picks for S3 origins. */
const CACHING_OPTIMIZED_POLICY_ID = '658327ea-f89d-4fab-a63d-7e88639e58f6';

/** A page of ListDistributions. */
export interface DistributionPage {
  readonly items: readonly { readonly distribution: EmulatedDistribution; readonly status: DistributionStatus }[];
  readonly isTruncated: boolean;
  readonly nextMarker: string | null;
}

/** The `Distribution` document of GetDistribution, CreateDistribution and UpdateDistribution. */
export function renderDistribution(
  distribution: EmulatedDistribution,
  status: DistributionStatus,
  inProgressInvalidations: number,
): string {
  return document(
    'Distribution',
    textElement('Id', distribution.id),
    textElement('ARN', distribution.arn),
    textElement('Status', status),
    textElement('LastModifiedTime', distribution.lastModifiedTime.toISOString()),
    textElement('InProgressInvalidationBatches', inProgressInvalidations),
    textElement('DomainName', distribution.domainName),
    quantityList('ActiveTrustedSigners', [], textElement('Enabled', false)),
    quantityList('ActiveTrustedKeyGroups', [], textElement('Enabled', false)),
    element('DistributionConfig', ...renderConfigMembers(distribution)),
  );
}

/** The `DistributionConfig` document of GetDistributionConfig. */
export function renderDistributionConfig(distribution: EmulatedDistribution): string {
  return document('DistributionConfig', ...renderConfigMembers(distribution));
}

function renderConfigMembers(distribution: EmulatedDistribution): string[] {
  return [
    textElement('CallerReference', distribution.callerReference),
    textElement('DefaultRootObject', distribution.defaultRootObject),
    element('Logging', ...['Enabled', 'IncludeCookies'].map((name) => textElement(name, false)), '<Bucket/><Prefix/>'),
    ...renderSharedConfig(distribution),
  ];
}

/** The `DistributionList` document of ListDistributions. */
export function renderDistributionList(page: DistributionPage, marker: string, maxItems: number): string {
  const summaries = page.items.map(({ distribution, status }) =>
    element(
      'DistributionSummary',
      textElement('Id', distribution.id),
      textElement('ARN', distribution.arn),
      textElement('ETag', distribution.etag),
      textElement('Status', status),
      textElement('LastModifiedTime', distribution.lastModifiedTime.toISOString()),
      textElement('DomainName', distribution.domainName),
      ...renderSharedConfig(distribution),
      quantityList('AliasICPRecordals', []),
    ),
  );
  return document(
    'DistributionList',
    textElement('Marker', marker),
    page.nextMarker === null ? '' : textElement('NextMarker', page.nextMarker),
    textElement('MaxItems', maxItems),
    textElement('IsTruncated', page.isTruncated),
    textElement('Quantity', summaries.length),
    summaries.length > 0 ? element('Items', ...summaries) : '',
  );
}

/** The members DistributionConfig and DistributionSummary have in common. */
function renderSharedConfig(distribution: EmulatedDistribution): string[] {
  return [
    quantityList(
      'Aliases',
      distribution.aliases.map((alias) => textElement('CNAME', alias)),
    ),
    quantityList('Origins', distribution.origins.map(renderOrigin)),
    quantityList('OriginGroups', []),
    element('DefaultCacheBehavior', ...renderBehavior(distribution.defaultTargetOriginId)),
    quantityList(
      'CacheBehaviors',
      distribution.cacheBehaviors.map((behavior) =>
        element(
          'CacheBehavior',
          textElement('PathPattern', behavior.pathPattern),
          ...renderBehavior(behavior.targetOriginId),
        ),
      ),
    ),
    quantityList(
      'CustomErrorResponses',
      distribution.customErrorResponses.map((response) =>
        element(
          'CustomErrorResponse',
          textElement('ErrorCode', response.errorCode),
          ...(response.errorCachingMinTtl === undefined
            ? []
            : [textElement('ErrorCachingMinTTL', response.errorCachingMinTtl)]),
        ),
      ),
    ),
    textElement('Comment', distribution.comment),
    textElement('PriceClass', 'PriceClass_All'),
    textElement('Enabled', distribution.enabled),
    element(
      'ViewerCertificate',
      textElement('CloudFrontDefaultCertificate', true),
      textElement('SSLSupportMethod', 'vip'),
      textElement('MinimumProtocolVersion', 'TLSv1'),
      textElement('CertificateSource', 'cloudfront'),
    ),
    element('Restrictions', quantityList('GeoRestriction', [], textElement('RestrictionType', 'none'))),
    textElement('WebACLId', ''),
    textElement('HttpVersion', 'http2'),
    textElement('IsIPV6Enabled', true),
    textElement('Staging', false),
  ];
}

function renderBehavior(targetOriginId: string): string[] {
  const methods = ['GET', 'HEAD'].map((method) => textElement('Method', method));
  return [
    textElement('TargetOriginId', targetOriginId),
    quantityList('TrustedSigners', [], textElement('Enabled', false)),
    quantityList('TrustedKeyGroups', [], textElement('Enabled', false)),
    textElement('ViewerProtocolPolicy', 'redirect-to-https'),
    element(
      'AllowedMethods',
      textElement('Quantity', methods.length),
      element('Items', ...methods),
      quantityList('CachedMethods', methods),
    ),
    textElement('SmoothStreaming', false),
    textElement('Compress', true),
    quantityList('LambdaFunctionAssociations', []),
    quantityList('FunctionAssociations', []),
    textElement('FieldLevelEncryptionId', ''),
    textElement('CachePolicyId', CACHING_OPTIMIZED_POLICY_ID),
  ];
}

function renderOrigin(origin: Required<EmulatorOriginConfig>): string {
  return element(
    'Origin',
    textElement('Id', origin.id),
    textElement('DomainName', origin.domainName),
    textElement('OriginPath', origin.originPath),
    quantityList('CustomHeaders', []),
    isS3RestEndpoint(origin.domainName)
      ? element('S3OriginConfig', textElement('OriginAccessIdentity', ''), textElement('OriginReadTimeout', 30))
      : element(
          'CustomOriginConfig',
          textElement('HTTPPort', 80),
          textElement('HTTPSPort', 443),
          textElement('OriginProtocolPolicy', 'https-only'),
          quantityList('OriginSslProtocols', [textElement('SslProtocol', 'TLSv1.2')]),
          textElement('OriginReadTimeout', 30),
          textElement('OriginKeepaliveTimeout', 5),
        ),
    textElement('ConnectionAttempts', 3),
    textElement('ConnectionTimeout', 10),
    element('OriginShield', textElement('Enabled', false)),
    textElement('OriginAccessControlId', ''),
  );
}

/** `bucket.s3.us-east-1.amazonaws.com` is an S3 origin; website endpoints (`s3-website…`) are custom origins. */
function isS3RestEndpoint(domainName: string): boolean {
  return /\.s3(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/.test(domainName);
}
