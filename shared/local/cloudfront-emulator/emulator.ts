import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  /** The distributions served, in ListDistributions order. */
  readonly distributions: readonly EmulatedDistribution[];
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
  /** Forgets invalidations, requests and faults, and restores the configured completion delay. */
  reset(): void;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

const DEFAULT_ACCOUNT_ID = '123456789012';

/**
 * Starts a CloudFront 2020-05-31 API emulator on 127.0.0.1, for the real `@aws-sdk/client-cloudfront`
 * (point `endpoint` at it; any credentials). Serves Create/Get/ListInvalidations and
 * Get/ListDistributions with CloudFront's validation, CallerReference and in-flight rules.
 * @throws EmulatorConfigError when the distributions cannot be served as configured.
 */
export async function startCloudFrontEmulator(options: CloudFrontEmulatorOptions): Promise<CloudFrontEmulator> {
  const now = options.now ?? Date.now;
  const configuredDelay = options.completionDelayMs ?? 0;
  const distributions = resolveDistributions(options.distributions, options.accountId ?? DEFAULT_ACCOUNT_ID, now());
  const faults = new FaultInjector();
  let store = new InvalidationStore(now, configuredDelay);
  let requests: RecordedRequest[] = [];
  let endpoint = '';
  const refusedCharacters = options.refusedCharacters ?? DEFAULT_REFUSED_CHARACTERS;

  const server = createServer(
    createRequestHandler({
      state: () => ({ store, distributions, endpoint, refusedCharacters }),
      faults,
      record: (request) => requests.push(request),
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
    distributions,
    faults,
    invalidations: (distributionId) => store.snapshot(distributionId),
    requests: () => [...requests],
    completeAll: (distributionId) => store.completeAll(distributionId),
    setCompletionDelay: (delay) => store.setCompletionDelay(delay),
    reset() {
      store = new InvalidationStore(now, configuredDelay);
      requests = [];
      faults.reset();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
