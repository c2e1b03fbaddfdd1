import type { CloudTrailApiCallEvent } from './cloudtrail-events.ts';

/** The CloudFront operations the emulator serves. */
export const EMULATOR_OPERATIONS = [
  'CreateInvalidation',
  'GetInvalidation',
  'ListInvalidations',
  'GetDistribution',
  'ListDistributions',
  'GetDistributionConfig',
  'CreateDistribution',
  'UpdateDistribution',
] as const;

/** One operation the emulator serves, named as in the API reference. */
export type EmulatorOperation = (typeof EMULATOR_OPERATIONS)[number];

/** An origin of an emulated distribution. */
export interface EmulatorOriginConfig {
  readonly id: string;
  /** For S3: `bucket.s3.us-east-1.amazonaws.com`. */
  readonly domainName: string;
  /** `''` (default) or `/prod`: begins with a slash, never ends with one. */
  readonly originPath?: string;
}

/** A cache behaviour (besides the default one) of an emulated distribution. */
export interface EmulatorCacheBehaviorConfig {
  readonly pathPattern: string;
  readonly targetOriginId: string;
}

/** One distribution the emulator serves. */
export interface EmulatorDistributionConfig {
  /** Defaults to a generated `E` + 13 id. */
  readonly id?: string;
  readonly origins: readonly EmulatorOriginConfig[];
  readonly aliases?: readonly string[];
  readonly comment?: string;
  readonly enabled?: boolean;
  readonly defaultRootObject?: string;
  /** Origin of the default cache behaviour; defaults to the first origin. */
  readonly defaultTargetOriginId?: string;
  readonly cacheBehaviors?: readonly EmulatorCacheBehaviorConfig[];
  /** Custom error responses: how long an error code is cached (`ErrorCachingMinTTL`, seconds). */
  readonly customErrorResponses?: readonly EmulatorErrorResponseConfig[];
}

/** One `CustomErrorResponse`; without `errorCachingMinTtl` CloudFront caches the error for 10 s. */
export interface EmulatorErrorResponseConfig {
  readonly errorCode: number;
  readonly errorCachingMinTtl?: number;
}

/** Milliseconds from creation to `Completed`, or `'never'` to keep invalidations in progress. */
export type CompletionDelay = number | 'never';

/** Options of {@link startCloudFrontEmulator}. */
export interface CloudFrontEmulatorOptions {
  readonly distributions: readonly EmulatorDistributionConfig[];
  /** Default 0: an invalidation reads as `Completed` on the first request after it was created. */
  readonly completionDelayMs?: CompletionDelay;
  /**
   * Milliseconds from a Create/UpdateDistribution to `Deployed`, or `'never'`; default 0. The
   * distributions configured at start are `Deployed`.
   */
  readonly deployDelayMs?: CompletionDelay;
  /**
   * Called with the event CloudTrail would deliver to EventBridge for each successful
   * CreateInvalidation, CreateDistribution and UpdateDistribution ("AWS API Call via CloudTrail").
   */
  readonly onApiCall?: (event: CloudTrailApiCallEvent) => void;
  /** Twelve digits, used in distribution ARNs; default `123456789012`. */
  readonly accountId?: string;
  /** Loopback port; default 0 (any free port). */
  readonly port?: number;
  /** Clock in epoch milliseconds, for tests that move time by hand; default `Date.now`. */
  readonly now?: () => number;
  /**
   * Characters refused anywhere in a path with InvalidArgument for the whole request; default
   * {@link DEFAULT_REFUSED_CHARACTERS}. Tests add more to stand for a refusal nobody foresaw.
   */
  readonly refusedCharacters?: string;
}

/** Characters CloudFront has refused raw in an invalidation path: `~` (aws-sdk-js-v3#4042), `'` (s3_website#63). */
export const DEFAULT_REFUSED_CHARACTERS = "~'";

/** A distribution as the emulator serves it. */
export interface EmulatedDistribution {
  readonly id: string;
  readonly arn: string;
  readonly domainName: string;
  readonly etag: string;
  readonly callerReference: string;
  readonly lastModifiedTime: Date;
  readonly enabled: boolean;
  readonly comment: string;
  readonly aliases: readonly string[];
  readonly defaultRootObject: string;
  readonly origins: readonly Required<EmulatorOriginConfig>[];
  readonly defaultTargetOriginId: string;
  readonly cacheBehaviors: readonly EmulatorCacheBehaviorConfig[];
  readonly customErrorResponses: readonly EmulatorErrorResponseConfig[];
}

/** Status of a distribution's deployment, as the API spells it. */
export type DistributionStatus = 'InProgress' | 'Deployed';

/** Status of an invalidation, as the API spells it. */
export type InvalidationStatus = 'InProgress' | 'Completed';

/** An invalidation the emulator created, recorded for tests to inspect. */
export interface RecordedInvalidation {
  readonly id: string;
  readonly distributionId: string;
  readonly callerReference: string;
  readonly paths: readonly string[];
  readonly createTime: Date;
  readonly status: InvalidationStatus;
  /** When it turned `Completed`; null while in progress. */
  readonly completedAt: Date | null;
}
