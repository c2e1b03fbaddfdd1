import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../shared/local/dynamodb-local.ts';
import { type FauxqsServer, startFauxqsServer } from '../../shared/local/fauxqs-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    awsEndpoint: string;
  }
}

/**
 * One DynamoDB Local and one fauxqs per vitest project run, shared by every test file.
 * Teardown always stops both, also when tests fail; the Java guard covers a crash.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let dynamo: DynamoDbLocal | undefined;
  let fauxqs: FauxqsServer | undefined;
  const stop = async () => {
    await Promise.allSettled([dynamo?.stop(), fauxqs?.stop()]);
  };
  try {
    [dynamo, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqsServer()]);
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('awsEndpoint', fauxqs.endpoint);
  return stop;
}
