import { FREE_PATHS_PER_MONTH, formatUsd, monthCostUsd } from './pricing.ts';
import { formatDuration } from './watch-policy.ts';

/**
 * What the watcher tells the topic. A notice carries ids, counts, durations and money only: never an
 * object key or a path, which may name unreleased content and would reach every subscriber (and any
 * e-mail inbox). Pure.
 */

/** The kinds of notice, also the `kind` message attribute (for SNS filter policies). */
export const NOTICE_KIND = {
  completed: 'completed',
  timedOut: 'timed-out',
  deployed: 'deployed',
  deployTimedOut: 'deploy-timed-out',
} as const;
export type NoticeKind = (typeof NOTICE_KIND)[keyof typeof NOTICE_KIND];

/** Who made the change: this service's collector or pipeline action, or anyone else (console, CLI, IaC). */
export const CHANGE_SOURCE = { collector: 'collector', pipeline: 'pipeline', outside: 'outside' } as const;

/** How much the watcher tells the topic (the `NOTIFY` setting). */
export type NotifyLevel = 'all' | 'failures' | 'off';

/** SNS: a Subject is at most 100 printable ASCII characters; ours stay strictly under. */
export const SUBJECT_MAX = 99;
/** SNS delivers at most 10 message attributes to SQS subscribers. */
export const MAX_ATTRIBUTES = 10;

/** A notice, ready to publish. */
export interface Notice {
  readonly kind: NoticeKind;
  /** Under 100 printable ASCII characters, one line. */
  readonly subject: string;
  /** The text people read (e-mail). */
  readonly message: string;
  /**
   * The facts for machines, as SNS message attributes (numbers as `Number`): always `kind`, `source`,
   * `distributionId` and `status`; then the ids and figures of the kind (docs/operations.md lists them).
   */
  readonly attributes: Readonly<Record<string, string | number>>;
}

/** Whether a notice of `kind` goes out at `level`. */
export function shouldNotify(level: NotifyLevel, kind: NoticeKind): boolean {
  if (level === 'all') return true;
  return level === 'failures' && (kind === NOTICE_KIND.timedOut || kind === NOTICE_KIND.deployTimedOut);
}

/** An invalidation as notices show it: ids and counts. */
export interface InvalidationFacts {
  readonly distributionId: string;
  readonly invalidationId: string;
  /** Paths in the invalidation (a wildcard counts as one, as billed). */
  readonly paths: number;
  /** Changed objects behind it; null when unknown (made outside this service). */
  readonly changedObjects: number | null;
  readonly source: string;
}

/** The month's usage, for notices about this service's invalidations. */
export interface MonthUsage {
  readonly month: string;
  readonly monthPaths: number;
}

/**
 * The notice for a completed invalidation.
 *
 * @param facts - the invalidation
 * @param latencyMs - from the first change (or the request) to the check that saw it complete
 * @param usage - the account's month so far, when known (not for invalidations made outside the service)
 */
export function completionNotice(facts: InvalidationFacts, latencyMs: number, usage?: MonthUsage): Notice {
  const latency = formatDuration(latencyMs);
  const usageLines =
    usage === undefined
      ? []
      : [
          `Month ${usage.month} so far: ${usage.monthPaths} paths, ${formatUsd(monthCostUsd(usage.monthPaths))} (${Math.max(0, FREE_PATHS_PER_MONTH - usage.monthPaths)} free paths left).`,
        ];
  return {
    kind: NOTICE_KIND.completed,
    subject: subjectOf(`CloudFront invalidation completed: ${facts.distributionId} in ${latency}`),
    message: [
      `Invalidation ${facts.invalidationId} on distribution ${facts.distributionId} is complete: the edge serves fresh content.`,
      '',
      `Latency: ${latency} from the ${facts.source === CHANGE_SOURCE.outside ? 'request' : 'first change (or pipeline request)'} to the check that saw it complete.`,
      ...factLines(facts),
      ...usageLines,
    ].join('\n'),
    attributes: {
      ...invalidationAttributes(NOTICE_KIND.completed, facts, 'Completed'),
      latencySeconds: Math.round(latencyMs / 1000),
      ...(usage === undefined
        ? {}
        : { monthPaths: usage.monthPaths, monthCostUsd: Number(monthCostUsd(usage.monthPaths).toFixed(3)) }),
    },
  };
}

/**
 * The notice for an invalidation still in progress when the watcher gave up.
 *
 * @param facts - the invalidation
 * @param waitedMs - how long the watcher waited
 */
export function timeoutNotice(facts: InvalidationFacts, waitedMs: number): Notice {
  const waited = formatDuration(waitedMs);
  return {
    kind: NOTICE_KIND.timedOut,
    subject: subjectOf(`CloudFront invalidation NOT completed after ${waited}: ${facts.distributionId}`),
    message: [
      `Invalidation ${facts.invalidationId} on distribution ${facts.distributionId} was still in progress after ${waited}; the watcher stopped checking.`,
      'Viewers may still get stale copies of its paths.',
      '',
      ...factLines(facts),
      '',
      `Check it: aws cloudfront get-invalidation --distribution-id ${facts.distributionId} --id ${facts.invalidationId}`,
      'See docs/operations.md, "Invalidation timed out".',
    ].join('\n'),
    attributes: {
      ...invalidationAttributes(NOTICE_KIND.timedOut, facts, 'InProgress'),
      waitedSeconds: Math.round(waitedMs / 1000),
    },
  };
}

/** A distribution change (Create/UpdateDistribution) as notices show it. */
export interface DeploymentFacts {
  readonly distributionId: string;
  /** The ETag the change returned: names the configuration version. */
  readonly eTag: string;
  readonly operation: 'CreateDistribution' | 'UpdateDistribution';
}

/**
 * The notice for a distribution change deployed to every edge location (`Status: Deployed`).
 *
 * @param facts - the change
 * @param latencyMs - from the API call to the check that saw it deployed
 */
export function deployedNotice(facts: DeploymentFacts, latencyMs: number): Notice {
  const latency = formatDuration(latencyMs);
  return {
    kind: NOTICE_KIND.deployed,
    subject: subjectOf(`CloudFront distribution deployed: ${facts.distributionId} in ${latency}`),
    message: [
      `Distribution ${facts.distributionId} is deployed to every edge location (${facts.operation}, version ${facts.eTag}).`,
      '',
      `Latency: ${latency} from the ${facts.operation} call to the check that saw Status Deployed.`,
    ].join('\n'),
    attributes: {
      ...deploymentAttributes(NOTICE_KIND.deployed, facts, 'Deployed'),
      latencySeconds: Math.round(latencyMs / 1000),
    },
  };
}

/**
 * The notice for a distribution change still deploying when the watcher gave up.
 *
 * @param facts - the change
 * @param waitedMs - how long the watcher waited
 */
export function deployTimeoutNotice(facts: DeploymentFacts, waitedMs: number): Notice {
  const waited = formatDuration(waitedMs);
  return {
    kind: NOTICE_KIND.deployTimedOut,
    subject: subjectOf(`CloudFront distribution NOT deployed after ${waited}: ${facts.distributionId}`),
    message: [
      `Distribution ${facts.distributionId} was still deploying after ${waited} (${facts.operation}, version ${facts.eTag}); the watcher stopped checking.`,
      'Some edge locations may still serve the previous configuration.',
      '',
      `Check it: aws cloudfront get-distribution --id ${facts.distributionId} --query Distribution.Status`,
      'See docs/operations.md, "Deployment timed out".',
    ].join('\n'),
    attributes: {
      ...deploymentAttributes(NOTICE_KIND.deployTimedOut, facts, 'InProgress'),
      waitedSeconds: Math.round(waitedMs / 1000),
    },
  };
}

function invalidationAttributes(kind: NoticeKind, facts: InvalidationFacts, status: string) {
  return {
    kind,
    source: facts.source,
    distributionId: facts.distributionId,
    status,
    invalidationId: facts.invalidationId,
    paths: facts.paths,
    ...(facts.changedObjects === null ? {} : { changedObjects: facts.changedObjects }),
  };
}

function deploymentAttributes(kind: NoticeKind, facts: DeploymentFacts, status: string) {
  return {
    kind,
    source: CHANGE_SOURCE.outside,
    distributionId: facts.distributionId,
    status,
    eTag: facts.eTag,
    operation: facts.operation,
  };
}

function factLines(facts: InvalidationFacts): string[] {
  const objects = facts.changedObjects === null ? '' : `, changed objects: ${facts.changedObjects}`;
  return [`Paths: ${facts.paths}${objects} (source: ${facts.source})`];
}

function subjectOf(text: string): string {
  // SNS: printable ASCII, no line breaks, under 100 characters.
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= SUBJECT_MAX ? ascii : `${ascii.slice(0, SUBJECT_MAX - 3)}...`;
}
