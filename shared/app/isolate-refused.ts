import { PlanBudgetError } from '../domain/errors.ts';
import { keyPrefixOfPathPrefix } from '../domain/group-changes.ts';
import { cutRefusedPath } from '../domain/paths.ts';
import { callerReferenceOf, partUnitKeyOf } from '../domain/unit-of-work.ts';
import { isInDoubt, PartlyIssuedError, RefusedPathError } from './errors.ts';
import { invalidateUnit, type UnitDeps, type UnitRequest } from './issue-unit.ts';
import type { CreatedInvalidation, InvalidationGateway, LedgerEntry } from './ports.ts';
import { fixedPlanOf } from './stored-plan.ts';

/** Metric of a path CloudFront refused and that was re-planned as a shorter wildcard. */
export type IsolationMetric = 'RefusedPaths';

/** What isolation needs besides the unit's own dependencies. */
export interface IsolationDeps extends UnitDeps {
  readonly isolationMetrics: { count(name: IsolationMetric, value: number): void };
}

/**
 * Reserves and issues a unit of work; when CloudFront refuses the request as a whole
 * (InvalidArgument: one path it does not accept, DESIGN 3.1), finds the refused paths by splitting
 * the request in halves, issues every accepted half as its own unit (so the other paths are not held
 * back), and covers each refused path with a shorter wildcard ({@link cutRefusedPath}), logged with
 * its path and key and counted as `RefusedPaths`.
 *
 * Each part is a unit of its own (key from the parent key and its paths), reserved and counted in the
 * ledger like any unit, so a retry that splits the same plan finds the parts already issued. A split
 * costs no path: CloudFront creates nothing for a refused request, and its reservation is released.
 *
 * @returns the ledger entries of the unit, or of its parts when it was split
 * @throws PartlyIssuedError when some parts were issued and another failed (only its paths are left to
 *   issue); RefusedPathError (permanent) when even `/*` is refused; other failures as `invalidateUnit`
 */
export async function invalidateIsolating(request: UnitRequest, deps: IsolationDeps): Promise<LedgerEntry[]> {
  const recorder = new RefusalRecorder(deps.gateway);
  try {
    return [await invalidateUnit(request, { ...deps, gateway: recorder })];
  } catch (error) {
    const refused = recorder.refused.get(request.callerReference);
    if (!isRefusal(error) || refused === undefined) throw error;
    return isolate(request, refused, request.changedObjects, { ...deps, gateway: recorder });
  }
}

/**
 * One refused request's paths, split until each refused path stands alone.
 *
 * @throws the failure of a part when no part was issued; PartlyIssuedError, naming what is left, when
 *   some were
 */
async function isolate(
  parent: UnitRequest,
  paths: readonly string[],
  changedObjects: number,
  deps: IsolationDeps & { readonly gateway: RefusalRecorder },
): Promise<LedgerEntry[]> {
  if (paths.length === 1) return [...(await coverRefusedPath(parent, paths[0] as string, changedObjects, deps))];
  const middle = Math.ceil(paths.length / 2);
  const halves = [paths.slice(0, middle), paths.slice(middle)];
  const shares = [Math.ceil((changedObjects * middle) / paths.length)];
  shares.push(changedObjects - (shares[0] as number));
  const entries: LedgerEntry[] = [];
  const left: Left = { paths: [], objects: 0, failures: [], issuedParts: 0 };
  // One half after the other: an accepted half is issued at once, a refused one is split further, and a
  // half that fails otherwise (throttled) does not stop the other one.
  for (const [index, half] of halves.entries()) {
    const share = shares[index] as number;
    const part = partRequest(parent, half, share);
    try {
      entries.push(await invalidateUnit(part, deps));
    } catch (error) {
      if (isRefusal(error) && deps.gateway.refused.has(part.callerReference)) {
        try {
          entries.push(...(await isolate(part, half, share, deps)));
        } catch (inner) {
          leave(left, inner, half, share);
        }
      } else {
        leave(left, error, half, share);
      }
    }
  }
  const [failure] = left.failures;
  if (failure === undefined) return entries;
  const issuedParts = entries.length + left.issuedParts;
  if (issuedParts === 0 || left.failures.some((error) => (error as Error).name === 'InjectedCrashError')) throw failure;
  throw new PartlyIssuedError(
    `${parent.distributionId}: ${issuedParts} parts of refused request ${parent.unitKey} issued, ${left.paths.length} paths left`,
    {
      issuedParts,
      remainingPaths: left.paths,
      remainingObjects: left.objects,
      definite: left.failures.every((error) => !isInDoubt(error)),
      retryable: left.failures.every((error) => (error as { retryable?: unknown }).retryable !== false),
      // The first failure itself, not a nested report of it.
      cause: failure instanceof PartlyIssuedError ? failure.cause : failure,
    },
  );
}

/** What an isolation could not issue, and why. */
interface Left {
  readonly paths: string[];
  objects: number;
  readonly failures: unknown[];
  /** Parts issued below a half that then failed in part. */
  issuedParts: number;
}

/** Files a half that failed: all its paths, or what its own isolation left of them. */
function leave(left: Left, error: unknown, half: readonly string[], share: number): void {
  if (error instanceof PartlyIssuedError) {
    left.paths.push(...error.remainingPaths);
    left.objects += error.remainingObjects;
    left.issuedParts += error.issuedParts;
    left.failures.push(error);
    return;
  }
  left.paths.push(...half);
  left.objects += share;
  left.failures.push(error);
}

async function coverRefusedPath(
  parent: UnitRequest,
  path: string,
  changedObjects: number,
  deps: IsolationDeps & { readonly gateway: RefusalRecorder },
): Promise<LedgerEntry[]> {
  const cut = cutRefusedPath(path);
  const key = keyPrefixOfPathPrefix(path.endsWith('*') ? path.slice(0, -1) : path);
  deps.isolationMetrics.count('RefusedPaths', 1);
  deps.log.warn('invalidation path refused', {
    distributionId: parent.distributionId,
    unitKey: parent.unitKey,
    path,
    key,
    coveredBy: cut ?? null,
  });
  if (cut === undefined) {
    throw new RefusedPathError(
      `distribution ${parent.distributionId}: expected CloudFront to accept "/*", got InvalidArgument`,
    );
  }
  const part = partRequest(parent, [cut], changedObjects);
  try {
    return [await invalidateUnit(part, deps)];
  } catch (error) {
    if (!isRefusal(error) || !deps.gateway.refused.has(part.callerReference)) throw error;
    return coverRefusedPath(part, cut, changedObjects, deps);
  }
}

/** A part of a refused unit: fixed paths, its own key and CallerReference. */
function partRequest(parent: UnitRequest, paths: readonly string[], changedObjects: number): UnitRequest {
  const unitKey = partUnitKeyOf(parent.unitKey, paths);
  const fixed = fixedPlanOf(paths, changedObjects);
  return {
    ...parent,
    unitKey,
    callerReference: callerReferenceOf(unitKey),
    changedObjects,
    plan: (budget) => {
      if (fixed.wildcardPaths > budget.maxWildcards) {
        throw new PlanBudgetError(
          `isolated part of ${parent.unitKey}: expected at most ${budget.maxWildcards} wildcards, got ${fixed.wildcardPaths}`,
        );
      }
      return fixed;
    },
  };
}

/** CloudFront refused the request as a whole: nothing was created, and splitting may help. */
function isRefusal(error: unknown): boolean {
  const { code, definite } = (error ?? {}) as { code?: unknown; definite?: unknown };
  return code === 'InvalidArgument' && definite === true;
}

/** The gateway, remembering which requests (by CallerReference) CloudFront refused and their paths. */
class RefusalRecorder implements InvalidationGateway {
  readonly refused = new Map<string, readonly string[]>();
  readonly #gateway: InvalidationGateway;

  constructor(gateway: InvalidationGateway) {
    this.#gateway = gateway;
  }

  async createInvalidation(
    distributionId: string,
    callerReference: string,
    paths: readonly string[],
  ): Promise<CreatedInvalidation> {
    try {
      return await this.#gateway.createInvalidation(distributionId, callerReference, paths);
    } catch (error) {
      if (isRefusal(error)) this.refused.set(callerReference, paths);
      throw error;
    }
  }

  inFlight(distributionId: string) {
    return this.#gateway.inFlight(distributionId);
  }
}
