import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudTrailApiCallEvent } from './cloudtrail-events.ts';
import { DistributionStore } from './distribution-store.ts';
import { resolveDistributions } from './distributions.ts';
import { type FaultController, FaultInjector } from './faults.ts';
import { InvalidationStore } from './invalidation-store.ts';
import { createRequestHandler, type RecordedRequest } from './request-handler.ts';
import type {
  CloudFrontEmulatorOptions,
  CompletionDelay,
  EmulatedDistribution,
  RecordedInvalidation,
} from './types.ts';

import { DEFAULT_REFUSED_CHARACTERS } from './types.ts';
/** A running CloudFront emulator. */
export interface CloudFrontEmulator {
  /** `http://127.0.0.1:<port>`, for the SDK client's `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  /** The distributions served, in ListDistributions order (created ones included), as they are now. */
  readonly distributions: readonly EmulatedDistribution[];
  /** The events CloudTrail would have delivered to EventBridge since start or the last `reset()`, oldest first. */
  apiCallEvents(): readonly CloudTrailApiCallEvent[];
  /** Ends every distribution deployment in progress; returns how many. */
  deployAll(): number;
  /** Changes the deployment delay, for deployments already in progress too. */
  setDeployDelay(delay: CompletionDelay): void;
  /** Fault injection: queued (`next`) and seeded random (`random`). */
  readonly faults: FaultController;
  /** Every invalidation created (of one distribution, or all), oldest first, statuses current. */
  invalidations(distributionId?: string): RecordedInvalidation[];
  /** Every request received since start or the last `reset()`, oldest first. */
  requests(): readonly RecordedRequest[];
  /** Completes every invalidation in progress (of one distribution, or all); returns how many. */
  completeAll(distributionId?: string): number;
  /** Changes the completion delay, for invalidations already in progress too. */
  setCompletionDelay(delay: CompletionDelay): void;
  /** Changes the characters refused in invalidation paths (a refusal nobody foresaw, for fault runs). */
  setRefusedCharacters(characters: string): void;
  /** Forgets invalidations, requests, events, faults and distribution changes; restores the configured delays. */
  reset(): void;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

const DEFAULT_ACCOUNT_ID = '123456789012';

/**
 * Starts a CloudFront 2020-05-31 API emulator on 127.0.0.1, for the real `@aws-sdk/client-cloudfront`
 * (point `endpoint` at it; any credentials). Serves Create/Get/ListInvalidations and
 * Get/ListDistributions, GetDistributionConfig, Create/UpdateDistribution (status `InProgress`, then
 * `Deployed` after `deployDelayMs`) with CloudFront's validation, CallerReference, ETag and in-flight
 * rules, and reports the CloudTrail event of each audited call.
 * @throws EmulatorConfigError when the distributions cannot be served as configured.
 */
export async function startCloudFrontEmulator(options: CloudFrontEmulatorOptions): Promise<CloudFrontEmulator> {
  const now = options.now ?? Date.now;
  const configuredDelay = options.completionDelayMs ?? 0;
  const configuredDeployDelay = options.deployDelayMs ?? 0;
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const initial = resolveDistributions(options.distributions, accountId, now());
  const faults = new FaultInjector();
  let store = new InvalidationStore(now, configuredDelay);
  let distributions = new DistributionStore(initial, accountId, now, configuredDeployDelay);
  let requests: RecordedRequest[] = [];
  let events: CloudTrailApiCallEvent[] = [];
  let endpoint = '';
  let refusedCharacters = options.refusedCharacters ?? DEFAULT_REFUSED_CHARACTERS;
  const audit = (event: CloudTrailApiCallEvent) => {
    events.push(event);
    options.onApiCall?.(event);
  };

  const server = createServer(
    createRequestHandler({
      state: () => ({ store, distributions, endpoint, refusedCharacters, audit }),
      faults,
      record: (request) => requests.push(request),
      accountId,
      now,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  endpoint = `http://127.0.0.1:${port}`;

  return {
    endpoint,
    port,
    get distributions() {
      return distributions.list().map((view) => view.distribution);
    },
    faults,
    apiCallEvents: () => [...events],
    deployAll: () => distributions.deployAll(),
    setDeployDelay: (delay) => distributions.setDeployDelay(delay),
    invalidations: (distributionId) => store.snapshot(distributionId),
    requests: () => [...requests],
    completeAll: (distributionId) => store.completeAll(distributionId),
    setCompletionDelay: (delay) => store.setCompletionDelay(delay),
    setRefusedCharacters: (characters) => {
      refusedCharacters = characters;
    },
    reset() {
      store = new InvalidationStore(now, configuredDelay);
      distributions = new DistributionStore(initial, accountId, now, configuredDeployDelay);
      requests = [];
      events = [];
      faults.reset();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
