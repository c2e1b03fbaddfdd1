import { createHash } from 'node:crypto';

/** Length of a unit key: 32 hex characters (128 bits of SHA-256), short enough for any AWS token. */
const UNIT_KEY_LENGTH = 32;

/**
 * The idempotency key of one unit of work: a distribution and the set of SQS message ids that feed it.
 *
 * The same messages retried (in any order) give the same key, so the ledger returns the stored plan and
 * CallerReference; the same file changed again later arrives in other messages and gets a new key.
 * (A key from the paths alone would hand back an old invalidation for a new change.)
 *
 * @param distributionId - CloudFront distribution id
 * @param messageIds - SQS message ids whose changes route to this distribution
 */
export function unitKeyOf(distributionId: string, messageIds: Iterable<string>): string {
  const hash = createHash('sha256').update(distributionId).update('\n');
  for (const id of [...messageIds].sort()) hash.update(id).update('\n');
  return hash.digest('hex').slice(0, UNIT_KEY_LENGTH);
}

/**
 * The CloudFront CallerReference for a unit of work: stable across retries of the same messages.
 *
 * @param unitKey - from {@link unitKeyOf}
 */
export function callerReferenceOf(unitKey: string): string {
  return `${CALLER_REFERENCE_PREFIX}${unitKey}`;
}

const CALLER_REFERENCE_PREFIX = 'inv-';

/**
 * Whether a CallerReference is one this service makes (any stage, collector or pipeline): `inv-` and
 * a unit key. Everything else was submitted by someone else (console, CI, another tool). The ledger
 * watch follows this service's invalidations, so the watcher skips their CloudTrail events.
 *
 * @param callerReference - as CloudFront returns it
 */
export function isServiceCallerReference(callerReference: string): boolean {
  return (
    callerReference.length === CALLER_REFERENCE_PREFIX.length + UNIT_KEY_LENGTH &&
    callerReference.startsWith(CALLER_REFERENCE_PREFIX) &&
    /^[0-9a-f]+$/.test(callerReference.slice(CALLER_REFERENCE_PREFIX.length))
  );
}

/**
 * A DynamoDB ClientRequestToken (1..36 chars) for one reservation attempt: the unit, the time of the
 * attempt, its exact plan and the invocation that makes it (its lease owner). An SDK retry of the same transaction sends the same token and is
 * deduplicated; a later attempt (after a release, or a re-plan) gets a new token, so it never trips
 * IdempotentParameterMismatch. Double counting across attempts is prevented by the unit's pointer item.
 */
export function reservationTokenOf(unitKey: string, reservedAt: number, paths: readonly string[], owner = ''): string {
  const hash = createHash('sha256').update(unitKey).update('\n').update(String(reservedAt)).update('\n').update(owner);
  for (const path of paths) hash.update('\n').update(path);
  return hash.digest('hex').slice(0, 36);
}

/**
 * The key of a part of a unit of work (bad-path isolation splits a refused request): the parent
 * unit and the exact paths of the part, so a retry that splits the same plan the same way finds the
 * parts already in the ledger and issues none of them twice.
 *
 * @param unitKey - the parent unit's key
 * @param paths - the paths of the part, in request order
 */
export function partUnitKeyOf(unitKey: string, paths: readonly string[]): string {
  const hash = createHash('sha256').update(unitKey).update('\npart');
  for (const path of paths) hash.update('\n').update(path);
  return hash.digest('hex').slice(0, UNIT_KEY_LENGTH);
}
