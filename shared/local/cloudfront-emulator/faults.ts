import { EmulatorConfigError } from './errors.ts';
import { createSeededRandom } from './seeded-random.ts';
import { EMULATOR_OPERATIONS, type EmulatorOperation } from './types.ts';

/** What a fault does to one request. */
export type FaultKind = 'throttle' | 'serverError' | 'serviceUnavailable' | 'reset' | 'latency' | 'lostResponse';

/**
 * A fault to inject, `times` requests in a row (default 1):
 * - `throttle`: 400 `Throttling` ("Rate exceeded"), which the SDK retries as throttling;
 * - `serverError`: 500 `InternalError`; `serviceUnavailable`: 503 `ServiceUnavailable`;
 * - `reset`: the connection is dropped before the request is handled (nothing happens);
 * - `latency`: the request is handled normally after `ms` milliseconds;
 * - `lostResponse`: the request IS handled (an invalidation is created), then the response is
 *   lost: the connection is dropped (`as: 'reset'`, default) or a 500 is sent (`as: 'serverError'`).
 */
export type FaultSpec =
  | { readonly kind: 'throttle' | 'serverError' | 'serviceUnavailable' | 'reset'; readonly times?: number }
  | { readonly kind: 'latency'; readonly ms: number; readonly times?: number }
  | { readonly kind: 'lostResponse'; readonly as?: 'reset' | 'serverError'; readonly times?: number };

/** A fault as the server applies it to one request. */
export type Fault =
  | { readonly kind: 'throttle' | 'serverError' | 'serviceUnavailable' | 'reset' }
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'lostResponse'; readonly as: 'reset' | 'serverError' };

/** Faults the seeded random mode can draw; `serverError` is split evenly between 500 and 503. */
export type RandomFaultKind = 'throttle' | 'serverError' | 'reset' | 'lostResponse' | 'latency';

const RANDOM_FAULT_KINDS: readonly RandomFaultKind[] = ['throttle', 'serverError', 'lostResponse', 'reset', 'latency'];

/** Options of the seeded random mode. */
export interface RandomFaultOptions {
  readonly seed: number;
  /** Probability per request of each fault; each in [0, 1], together at most 1. */
  readonly rates: Partial<Readonly<Record<RandomFaultKind, number>>>;
  /** Delay of a drawn `latency` fault; default 50 ms. */
  readonly latencyMs?: number;
  /** Operations eligible for random faults; default all. */
  readonly operations?: readonly EmulatorOperation[];
}

/** A fault that was applied, for tests to assert on. */
export interface InjectedFault {
  readonly operation: EmulatorOperation;
  readonly kind: FaultKind;
  readonly source: 'queued' | 'random';
}

/** The fault controls tests program. */
export interface FaultController {
  /** Queues a fault for the next matching request(s); `'*'` matches any operation. Queued faults go first. */
  next(operation: EmulatorOperation | '*', spec: FaultSpec): FaultController;
  /** Turns the seeded random mode on (or off with `null`); it draws once per eligible request. */
  random(options: RandomFaultOptions | null): FaultController;
  /** Drops queued faults and turns the random mode off (the injected history stays). */
  clear(): void;
  /** Faults applied so far, oldest first. */
  injected(): readonly InjectedFault[];
  /** Queued requests still to fault. */
  pending(): number;
}

interface QueuedFault {
  readonly operation: EmulatorOperation | '*';
  readonly fault: Fault;
  remaining: number;
}

interface RandomMode {
  readonly draw: () => number;
  readonly table: readonly (readonly [RandomFaultKind, number])[];
  readonly latencyMs: number;
  readonly operations: ReadonlySet<EmulatorOperation>;
}

/** Holds programmed faults and decides, request by request, which one applies. */
export class FaultInjector implements FaultController {
  #queue: QueuedFault[] = [];
  #random: RandomMode | null = null;
  #history: InjectedFault[] = [];

  next(operation: EmulatorOperation | '*', spec: FaultSpec): FaultController {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new EmulatorConfigError(`times must be an integer >= 1, got ${times}`);
    this.#queue.push({ operation, fault: toFault(spec), remaining: times });
    return this;
  }

  random(options: RandomFaultOptions | null): FaultController {
    if (options === null) {
      this.#random = null;
      return this;
    }
    // A fixed kind order, so the same seed and rates draw the same faults however the caller wrote them.
    const table = RANDOM_FAULT_KINDS.map((kind) => [kind, options.rates[kind] ?? 0] as const);
    const total = table.reduce((sum, [, rate]) => sum + rate, 0);
    if (table.some(([, rate]) => !(rate >= 0 && rate <= 1)) || total > 1) {
      throw new EmulatorConfigError(`fault rates must each be in [0, 1] and sum to at most 1, got a sum of ${total}`);
    }
    this.#random = {
      draw: createSeededRandom(options.seed),
      table: table.filter(([, rate]) => rate > 0),
      latencyMs: options.latencyMs ?? 50,
      operations: new Set(options.operations ?? EMULATOR_OPERATIONS),
    };
    return this;
  }

  clear(): void {
    this.#queue = [];
    this.#random = null;
  }

  /** Clears the queue, the random mode and the history. */
  reset(): void {
    this.clear();
    this.#history = [];
  }

  injected(): readonly InjectedFault[] {
    return [...this.#history];
  }

  pending(): number {
    return this.#queue.reduce((sum, queued) => sum + queued.remaining, 0);
  }

  /** Picks the fault for one request (queued first, then random), or null; used by the server. */
  take(operation: EmulatorOperation): Fault | null {
    const queued = this.#queue.find((entry) => entry.operation === '*' || entry.operation === operation);
    if (queued !== undefined) {
      queued.remaining--;
      if (queued.remaining === 0) this.#queue.splice(this.#queue.indexOf(queued), 1);
      this.#history.push({ operation, kind: queued.fault.kind, source: 'queued' });
      return queued.fault;
    }
    const fault = this.#drawRandom(operation);
    if (fault !== null) this.#history.push({ operation, kind: fault.kind, source: 'random' });
    return fault;
  }

  #drawRandom(operation: EmulatorOperation): Fault | null {
    const mode = this.#random;
    if (mode === null || !mode.operations.has(operation)) return null;
    let threshold = mode.draw();
    for (const [kind, rate] of mode.table) {
      threshold -= rate;
      if (threshold >= 0) continue;
      if (kind === 'latency') return { kind, ms: mode.latencyMs };
      if (kind === 'lostResponse') return { kind, as: 'reset' };
      if (kind === 'serverError') return { kind: mode.draw() < 0.5 ? 'serverError' : 'serviceUnavailable' };
      return { kind };
    }
    return null;
  }
}

function toFault(spec: FaultSpec): Fault {
  if (spec.kind === 'latency') {
    if (!(spec.ms >= 0)) throw new EmulatorConfigError(`latency ms must be >= 0, got ${spec.ms}`);
    return { kind: 'latency', ms: spec.ms };
  }
  if (spec.kind === 'lostResponse') return { kind: 'lostResponse', as: spec.as ?? 'reset' };
  return { kind: spec.kind };
}
