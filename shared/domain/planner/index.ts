export { createKeyFileInventory, type IndexDocument } from './key-file-inventory.ts';
export { planInvalidation } from './plan-invalidation.ts';
export { type PlanSavings, savingsOf } from './plan-savings.ts';
export { createKeyInventory, createSortedInventory } from './sorted-inventory.ts';
export type { Inventory, Plan, PlanInput, PlannedPath } from './types.ts';
