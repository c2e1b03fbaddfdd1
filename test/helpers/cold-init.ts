import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type BundleSettings, buildBundle, type FunctionBundle } from '../../shared/deploy/function-bundles.ts';

const run = promisify(execFile);

/** The SDK clients a client-only baseline creates, with the options our functions give them. */
const CLIENTS = {
  dynamodb: {
    imports: [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    ],
    create: 'DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } })',
  },
  cloudfront: {
    imports: ["import { CloudFrontClient } from '@aws-sdk/client-cloudfront';"],
    create: "new CloudFrontClient({ region: 'us-east-1' })",
  },
  sqs: { imports: ["import { SQSClient } from '@aws-sdk/client-sqs';"], create: 'new SQSClient({})' },
  s3: {
    imports: ["import { S3Client } from '@aws-sdk/client-s3';"],
    create: 'new S3Client({ forcePathStyle: false })',
  },
  sns: { imports: ["import { SNSClient } from '@aws-sdk/client-sns';"], create: 'new SNSClient({})' },
  codepipeline: {
    imports: ["import { CodePipelineClient } from '@aws-sdk/client-codepipeline';"],
    create: 'new CodePipelineClient({})',
  },
} as const;

/**
 * The part of a cold init that does not grow with the bundle (Node's module loader, built-ins, the
 * clients' set-up), in KB of minified bundle. Fitted on the collector, whose cold init is 1.27x to
 * 1.30x its bare clients' timed and 1.281x counted in instructions (docs/benchmarks.md "Lambda bundles
 * and cold init"): with it, (FIXED + bundle) / (FIXED + baseline) gives the other functions' counted
 * ratios within 0.02x. V8 reads every byte of a bundle at cold start, so bytes are what the ratio follows.
 */
export const FIXED_COLD_KB = 250;

/** DESIGN 6: cold init within 1.3x of the bare SDK clients. */
export const MAX_COLD_RATIO = 1.3;

/** The KB a function may add to its bare clients' bundle and stay within `ratio` of their cold init. */
export function kbOverClientsWithin(ratio: number, baselineBytes: number): number {
  return (ratio - 1) * (FIXED_COLD_KB + baselineBytes / 1024);
}

/** A client name of the baseline: the `@aws-sdk/client-<name>` package it comes from. */
export type BaselineClient = keyof typeof CLIENTS;

/** The SDK clients each function creates at cold start (functions/<name>/handler.ts). */
export const FUNCTION_CLIENTS: Readonly<Record<string, readonly BaselineClient[]>> = {
  collector: ['dynamodb', 'cloudfront', 'sqs', 's3'],
  watcher: ['sqs', 'dynamodb', 'cloudfront', 'sns'],
  pipeline: ['dynamodb', 'cloudfront', 'sqs', 'codepipeline'],
  report: ['sns', 'dynamodb', 'cloudfront'],
  notifications: ['s3'],
};

/**
 * Builds, with the functions' own settings, a bundle that only creates the SDK clients `name` creates:
 * the floor a cold start of that function is measured against.
 */
export async function buildBaselineBundle(
  name: string,
  outDir: string,
  settings?: BundleSettings,
): Promise<FunctionBundle> {
  const clients = FUNCTION_CLIENTS[name];
  if (clients === undefined) throw new Error(`expected a function of serverless.yml, got ${name}`);
  const source = [
    ...clients.flatMap((client) => CLIENTS[client].imports),
    `export const clients = [${clients.map((client) => CLIENTS[client].create).join(', ')}];`,
  ].join('\n');
  return buildBundle(`${name}-baseline`, { source }, outDir, settings);
}

/**
 * The environment a deployed function starts with (names from shared/config.ts ENV and what the Lambda
 * runtime sets), with dummy credentials: a cold start reads it and creates clients, it sends nothing.
 */
export function deployedEnvironment(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'cold-start',
    AWS_LAMBDA_FUNCTION_NAME: 'invalidator-bench-function',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    STAGE: 'bench',
    TABLE_NAME: 'invalidator-bench-ledger',
    ROUTES: JSON.stringify([
      {
        bucket: 'example-www-site',
        distributionId: 'E3PRODEXAMPLE1',
        originPath: '/current',
        exclude: ['assets/**/*.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].*'],
        inventory: true,
      },
    ]),
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/invalidator-bench-changes',
    WATCH_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/invalidator-bench-watch',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:invalidator-bench-alerts',
  };
}

/** What loading one bundle in a fresh Node process took. */
export interface ColdInit {
  /** Wall time of `import()`: module evaluation, config, clients (Node's own start excluded). */
  readonly ms: number;
  /** CPU time of the same span (user + system). */
  readonly cpuMs: number;
  /** Node built-in modules the import loaded (`node:zlib` is `zlib`), sorted. */
  readonly builtins: readonly string[];
}

const CHILD = `
const before = new Set(process.moduleLoadList);
const cpu = process.cpuUsage();
const started = performance.now();
await import(process.argv[1]);
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
const builtins = process.moduleLoadList
  .filter((name) => !before.has(name) && name.startsWith('NativeModule ') && !name.startsWith('NativeModule internal/'))
  .map((name) => name.slice('NativeModule '.length))
  .sort();
process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, builtins }));
process.exit(0);
`;

/**
 * Loads `file` in a fresh Node process with `env`, as Lambda's cold start does.
 *
 * @throws Error with the child's stderr when the module fails to load
 */
export async function measureColdInit(file: string, env: Record<string, string>): Promise<ColdInit> {
  try {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(file).href], {
      env,
      timeout: 60_000,
    });
    return JSON.parse(stdout) as ColdInit;
  } catch (error) {
    const { stderr = '' } = error as { stderr?: string };
    throw new Error(`loading ${file} failed: ${stderr.split('\n').slice(0, 8).join('\n')}`, { cause: error });
  }
}
