import { accessSync, constants, statSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runDemo } from '../local/demo/run-demo.ts';
import { LOCAL_DRAIN_INTERVAL_MS } from '../local/drain-timer.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import { readLocalStageSettings } from '../local/stage-settings.ts';
import { attachDashValues, firstLine } from './args.ts';
import { EXIT } from './exit-codes.ts';
import type { CliIo } from './io.ts';
import { watchParent } from './parent-watch.ts';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** `--drain-seconds` at most: the deployed schedule runs every 60 s. */
const MAX_DRAIN_SECONDS = 3600;

const HELP = `Usage: invalidator local [--json] [--dir PATH [--from PATH]] [--serve] [--stage NAME] [--drain-seconds N]

Runs the whole pipeline on this machine, no AWS account: DynamoDB Local, SQS + S3 (fauxqs), the
CloudFront emulator, the S3 -> SQS notification bridge, the real collector behind a local event
source mapping (batch size, window and redrive from serverless.yml), and a caching edge.

Without --serve it runs the demo: deploys version 1 of a site, warms the edge, deploys version 2,
waits until the edge is fresh, prints what happened and exits 0 (1 if anything stayed stale).

Options:
  --json          end with one JSON line: uploaded, deleted, invalidations, paths, staleObjects,
                  freshAfterSeconds, monthPaths, costUsd
  --dir PATH      deploy this folder as version 2 instead of the built-in site
  --from PATH     with --dir: version 1 (default: an empty bucket)
  --serve         keep the stack running and print its endpoints; Ctrl-C, SIGTERM, SIGHUP or the
                  end of the parent process (npm, a shell) stops every process, Java included
  --stage NAME    the serverless.yml stage whose params to use (default: local)
  --drain-seconds N
                  drain the pending set every N seconds, as the deployed 1-minute schedule does
                  (default 5; 0: never, held changes then wait for the next batch)
  -h, --help      this help`;

/**
 * `invalidator local` (same as `npm start`).
 *
 * @returns exit code: 0 ok, 1 stale objects or a runtime failure, 2 bad usage
 */
export async function runLocal(argv: readonly string[], io: CliIo): Promise<number> {
  let values: {
    json?: boolean;
    dir?: string;
    from?: string;
    serve?: boolean;
    stage?: string;
    'drain-seconds'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: attachDashValues(argv, ['--dir', '--from', '--stage', '--drain-seconds']),
      strict: true,
      allowPositionals: false,
      options: {
        json: { type: 'boolean' },
        dir: { type: 'string' },
        from: { type: 'string' },
        serve: { type: 'boolean' },
        stage: { type: 'string' },
        'drain-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.stderr.write(`invalidator local: ${firstLine((error as Error).message)}: try --help\n`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  if (values.from !== undefined && values.dir === undefined) {
    io.stderr.write('invalidator local: --from needs --dir: try --help\n');
    return EXIT.usage;
  }
  const drainSeconds = values['drain-seconds'] ?? String(LOCAL_DRAIN_INTERVAL_MS / 1000);
  if (!/^\d{1,4}$/.test(drainSeconds) || Number(drainSeconds) > MAX_DRAIN_SECONDS) {
    const expected = `a whole number of seconds from 0 to ${MAX_DRAIN_SECONDS}`;
    io.stderr.write(`invalidator local: --drain-seconds: expected ${expected}, got "${drainSeconds.slice(0, 20)}"\n`);
    return EXIT.usage;
  }
  // Checked before anything starts: a typo must not cost a 10-second stack start-up.
  const folderProblem = checkFolder('--dir', values.dir) ?? checkFolder('--from', values.from);
  if (folderProblem !== undefined) {
    io.stderr.write(`invalidator local: ${folderProblem}\n`);
    return EXIT.usage;
  }
  let stack: LocalStack | undefined;
  let stopping = false;
  const stop = async (why: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    try {
      io.stderr.write(`\ninvalidator local: ${why}, stopping the local stack\n`);
    } catch {
      // The terminal or pipe may be gone with the parent; stopping matters more than saying so.
    }
    await stack?.stop();
    process.exit(exitCode);
  };
  const onSignal = (signal: NodeJS.Signals) => void stop(signal, 128 + (os.constants.signals[signal] ?? 15));
  for (const signal of STOP_SIGNALS) process.once(signal, onSignal);
  // `npm start` runs us under `sh -c`: a SIGTERM to npm kills that shell and would leave us (and Java)
  // running, re-parented. So the stack also stops when the parent goes, however it went.
  const unwatchParent = watchParent(() => void stop('parent process gone', 129));
  try {
    const settings = readLocalStageSettings(values.stage ?? 'local');
    const say = (text: string) => (values.json ? io.stderr : io.stdout).write(`${text}\n`);
    say(
      `Starting the local stack (stage ${settings.stage}: batch ${settings.batchSize}, window ${settings.batchWindowSeconds} s, maxReceiveCount ${settings.maxReceiveCount}) ...`,
    );
    // The watcher runs too, so the report shows how long invalidations took (and outside ones are reported).
    stack = await startLocalStack({ settings, watch: true, drainIntervalMs: Number(drainSeconds) * 1000 });
    describeStack(stack, say);
    if (values.serve) {
      say('Serving. Ctrl-C stops every process.');
      await new Promise(() => undefined);
    }
    const progress = createProgress(io, values.json === true);
    const result = await runDemo(
      stack,
      { line: (text) => progress.line(text), progress: (text) => progress.update(text) },
      {
        ...(values.dir === undefined ? {} : { dir: values.dir }),
        ...(values.from === undefined ? {} : { from: values.from }),
      },
    );
    if (values.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    return result.staleObjects === 0 ? EXIT.ok : EXIT.failure;
  } catch (error) {
    if (stopping) return EXIT.failure; // interrupted: the servers went away under the demo
    io.stderr.write(`invalidator local: ${(error as Error).message.split('\n')[0]}\n`);
    return (error as Error).name.endsWith('ParamsError') ? EXIT.usage : EXIT.failure;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    unwatchParent();
    await stack?.stop();
  }
}

/** What is wrong with a folder flag's value, or undefined when it names a readable folder. */
function checkFolder(flag: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    if (!statSync(path).isDirectory()) return `${flag} ${path}: expected a folder, got a file`;
    accessSync(path, constants.R_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return `${flag} ${path}: cannot read the folder (${typeof code === 'string' ? code : 'unreadable'})`;
  }
}

function describeStack(stack: LocalStack, say: (text: string) => void): void {
  say(`  DynamoDB Local      ${stack.endpoints.dynamodb}  (table ${stack.tableName})`);
  say(`  SQS + S3 (fauxqs)   ${stack.endpoints.aws}  (queue ${stack.queue.queueUrl})`);
  say(`  CloudFront emulator ${stack.endpoints.cloudfront}`);
  for (const [id, edge] of stack.edges) say(`  caching edge        ${edge.endpoint}  (distribution ${id})`);
  say('  aws CLI v2.13+ / v1.29+ (older ones ignore AWS_ENDPOINT_URL*: pass --endpoint-url instead):');
  say(`    export AWS_ENDPOINT_URL=${stack.endpoints.aws} AWS_ENDPOINT_URL_DYNAMODB=${stack.endpoints.dynamodb} \\`);
  say(`           AWS_ENDPOINT_URL_CLOUDFRONT=${stack.endpoints.cloudfront} AWS_ACCESS_KEY_ID=local \\`);
  say('           AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1');
  say(
    `    aws --endpoint-url ${stack.endpoints.aws} s3 ls s3://${String(stack.settings.routes[0]?.bucket ?? 'BUCKET')}`,
  );
  say(`    npx invalidator report --stage ${stack.settings.stage}`);
}

/** A story line printer plus a progress line that rewrites itself on a terminal. */
function createProgress(io: CliIo, json: boolean) {
  const sink = json ? io.stderr : io.stdout;
  const tty = (sink as { isTTY?: boolean }).isTTY === true;
  let shown = false;
  return {
    line(text: string) {
      if (shown && tty) sink.write('\r\u001b[2K');
      shown = false;
      sink.write(`${text}\n`);
    },
    update(text: string) {
      if (!tty) return;
      sink.write(`\r\u001b[2K${text}`);
      shown = true;
    },
  };
}
