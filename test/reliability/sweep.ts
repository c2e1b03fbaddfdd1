import type { FaultStack } from './fault-stack.ts';
import { FAULT_STACK_POLICY } from './topology.ts';

/**
 * The settle hook of a run: twice, lets the stack's clock pass the staleness of a reservation, then
 * invokes the collector with an empty batch, as the next SQS batch would, so its reservation sweep (the
 * deployed code path) settles every reservation the run left open: the first look marks those CloudFront
 * does not hold, the second, a staleness later, releases them.
 *
 * @param faults - the fault stack, idle
 */
export async function sweepStack(faults: FaultStack): Promise<void> {
  for (let look = 1; look <= 2; look++) {
    faults.setTime(faults.now() + (FAULT_STACK_POLICY.staleReservationSeconds + 2) * 1000);
    await faults.stack.invoke({ Records: [] });
  }
}
