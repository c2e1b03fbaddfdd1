import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  type CloudFrontEmulator,
  type CloudFrontEmulatorOptions,
  startCloudFrontEmulator,
} from '../../shared/local/cloudfront-emulator/index.ts';
import { createCloudFrontClient, createDynamoClient } from './aws-clients.ts';
import { createLedgerTable } from './collector.ts';

/** What a collector test talks to: the emulator, DynamoDB Local and a fresh ledger table per test. */
export interface CollectorWorld {
  emulator: CloudFrontEmulator;
  dynamo: DynamoDBClient;
  cloudFront: CloudFrontClient;
  tableName: string;
}

/**
 * Registers the hooks of a collector test file: one emulator and SDK clients for the file, a reset
 * emulator and a new ledger table before each test. Read the fields inside tests (they are set by then).
 */
export function useCollectorWorld(options: CloudFrontEmulatorOptions, beforeEachTest?: () => void): CollectorWorld {
  const world = {} as CollectorWorld;
  beforeAll(async () => {
    world.emulator = await startCloudFrontEmulator(options);
    world.dynamo = createDynamoClient();
    world.cloudFront = createCloudFrontClient(world.emulator.endpoint);
  });
  afterAll(async () => {
    world.cloudFront.destroy();
    world.dynamo.destroy();
    await world.emulator.stop();
  });
  beforeEach(async () => {
    beforeEachTest?.();
    world.emulator.reset();
    world.tableName = await createLedgerTable(world.dynamo);
  });
  return world;
}
