import { type ChildProcess, fork, type Serializable } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { CollectorMetric } from '../../shared/app/collect-batch.ts';
import type { UnitStep } from '../../shared/app/issue-unit.ts';
import type { LocalStack, PollerHandler } from '../../shared/local/stack.ts';
import type { ChildSetup } from './collector-child.ts';
import type { Rng } from './rng.ts';

/** Real crashes of one run: poller batches handed to a child process, SIGKILLed at a checkpoint. */
export interface ProcessCrashPlan {
  /** Share of poller batches the child takes (one at a time, as a Lambda environment does). */
  readonly share: number;
  /** Checkpoints at which the child is killed the moment it reports them. */
  readonly steps: readonly UnitStep[];
  /** At most this many kills. */
  readonly max: number;
}

/** The switch of the child collector: off, or on with a plan; counts its kills. */
export interface ChildCollector {
  readonly handler: PollerHandler;
  set(plan: ProcessCrashPlan | null, rng?: Rng): void;
  /** Kills so far (SIGKILL while a batch was running). */
  readonly kills: () => number;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./collector-child.ts', import.meta.url));

/**
 * A child process that runs the collector (the same chain as the stack) for the poller's batches while a
 * plan is on, and is killed with SIGKILL when it reports one of the plan's checkpoints: the batch dies
 * mid-way, nothing acknowledged, DynamoDB and CloudFront requests cut wherever they were. A new child is
 * started for the next batch. Its log lines and metrics join the stack's, as CloudWatch would gather them.
 *
 * @param stack - the local stack (endpoints, config, logs)
 * @param clock - the virtual clock the child follows
 */
export function createChildCollector(
  stack: () => LocalStack,
  clock: () => { anchor: number; anchoredAt: number },
): ChildCollector {
  let plan: ProcessCrashPlan | null = null;
  let rng: Rng | undefined;
  let left = 0;
  let kills = 0;
  let busy = false;
  let child: Promise<ChildProcess> | undefined;
  let sequence = 0;

  const start = (): Promise<ChildProcess> => {
    const local = stack();
    const setup: ChildSetup = { env: childEnv(local), endpoints: local.endpoints, ...clock() };
    const process = fork(CHILD, [JSON.stringify(setup)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...globalThis.process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    process.on(
      'message',
      (message: {
        type: string;
        level?: string;
        message?: string;
        extra?: Record<string, unknown>;
        name?: CollectorMetric;
        value?: number;
      }) => {
        if (message.type === 'log') {
          local.logs.push({
            level: message.level ?? 'info',
            message: message.message ?? '',
            extra: message.extra ?? {},
          });
        } else if (message.type === 'metric' && message.name !== undefined) {
          local.metrics.set(message.name, (local.metrics.get(message.name) ?? 0) + (message.value ?? 0));
        }
      },
    );
    return new Promise((resolve, reject) => {
      const onReady = (message: { type: string }) => {
        if (message.type !== 'ready') return;
        process.off('message', onReady);
        resolve(process);
      };
      process.on('message', onReady);
      process.once('exit', (code) => reject(new Error(`expected the child collector to start, got exit ${code}`)));
    });
  };

  const run = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    child ??= start();
    let process = await child;
    // Killed, its exit not handled yet: start another (a send on its closed channel would throw).
    if (!process.connected) {
      child = start();
      process = await child;
    }
    await sendTo(process, { type: 'clock', ...clock() });
    const id = String(++sequence);
    return new Promise((resolve, reject) => {
      const onMessage = (message: {
        type: string;
        id?: string;
        step?: UnitStep;
        response?: SQSBatchResponse;
        error?: string;
      }) => {
        if (message.id !== id) return;
        if (message.type === 'step' && message.step !== undefined && left > 0 && plan?.steps.includes(message.step)) {
          left--;
          kills++;
          process.kill('SIGKILL');
          return;
        }
        if (message.type !== 'done') return;
        process.off('message', onMessage);
        process.off('exit', onExit);
        if (message.error === undefined) resolve(message.response ?? { batchItemFailures: [] });
        else reject(new Error(message.error));
      };
      const onExit = (_code: number | null, signal: string | null) => {
        process.off('message', onMessage);
        child = undefined;
        reject(new Error(`collector process killed (${signal ?? 'exit'}) mid-batch`));
      };
      process.on('message', onMessage);
      process.once('exit', onExit);
      sendTo(process, { type: 'invoke', id, event }).catch((error: Error) => {
        process.off('message', onMessage);
        process.off('exit', onExit);
        reject(error);
      });
    });
  };

  return {
    handler: async (event, local) => {
      if (plan === null || busy || left <= 0 || !(rng?.chance(plan.share) ?? false)) return local(event);
      busy = true;
      try {
        return await run(event);
      } finally {
        busy = false;
      }
    },
    set(next, nextRng) {
      plan = next;
      rng = nextRng;
      left = next?.max ?? 0;
    },
    kills: () => kills,
    async stop() {
      const running = await child?.catch(() => undefined);
      child = undefined;
      if (running !== undefined && running.exitCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** The collector's environment as the local stack configures it (stack.ts, assemble). */
function childEnv(stack: LocalStack): Record<string, string> {
  const { settings } = stack;
  return {
    ...settings.environment,
    STAGE: settings.stage,
    TABLE_NAME: stack.tableName,
    ROUTES: JSON.stringify(settings.routes),
    QUEUE_URL: stack.queue.queueUrl,
    S3_FORCE_PATH_STYLE: 'true',
    FUNCTION_TIMEOUT_SECONDS: String(settings.collectorTimeoutSeconds),
  };
}

/**
 * Sends to the child; a channel closed by a kill rejects (the batch fails, as an invocation that died)
 * instead of an unhandled 'error' event ending the soak (ERR_IPC_CHANNEL_CLOSED, soak of 2026-12-02).
 */
function sendTo(child: ChildProcess, message: Serializable): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!child.connected) {
      reject(new Error('collector process killed (channel closed) before the batch was sent'));
      return;
    }
    child.send(message, (error) => (error === null ? resolve() : reject(error)));
  });
}
