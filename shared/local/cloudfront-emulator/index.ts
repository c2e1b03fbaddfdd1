export type { AuditedOperation, CallerContext, CloudTrailApiCallEvent } from './cloudtrail-events.ts';
export { CLOUDFRONT_EVENT_REGION, CLOUDTRAIL_DETAIL_TYPE } from './cloudtrail-events.ts';
export type { CloudFrontEmulator } from './emulator.ts';
export { startCloudFrontEmulator } from './emulator.ts';
export { CloudFrontApiError, CloudFrontEmulatorError, EmulatorConfigError, XmlSyntaxError } from './errors.ts';
export type {
  FaultController,
  FaultKind,
  FaultSpec,
  InjectedFault,
  RandomFaultKind,
  RandomFaultOptions,
} from './faults.ts';
export type { InvalidationBatch } from './invalidation-batch.ts';
export { INVALIDATION_LIMITS, isWildcardPath, parseInvalidationBatch } from './invalidation-batch.ts';
export { matchesInvalidationPath } from './path-match.ts';
export type { RecordedRequest } from './request-handler.ts';
export type {
  CloudFrontEmulatorOptions,
  CompletionDelay,
  DistributionStatus,
  EmulatedDistribution,
  EmulatorCacheBehaviorConfig,
  EmulatorDistributionConfig,
  EmulatorErrorResponseConfig,
  EmulatorOperation,
  EmulatorOriginConfig,
  InvalidationStatus,
  RecordedInvalidation,
} from './types.ts';
export { DEFAULT_REFUSED_CHARACTERS, EMULATOR_OPERATIONS } from './types.ts';
