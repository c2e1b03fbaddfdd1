import { paramEnvironment } from '../deploy/stack-values.ts';
import { readStageParams, SERVERLESS_FILE } from '../deploy/stage-params.ts';
import type { LocalStageSettings } from './stack.ts';

/**
 * The local stack's settings from the stage's serverless.yml params (batch size and window, redrive,
 * collector timeout, concurrency, routes and budgets), so local behaves like deployed.
 *
 * @param stage - `local` for `npm start`
 * @throws StageParamsError when serverless.yml has an invalid param
 */
export function readLocalStageSettings(stage = 'local', file = SERVERLESS_FILE): LocalStageSettings {
  const params = readStageParams(stage, file);
  const { ROUTES: _routes, ...environment } = paramEnvironment(params);
  return {
    stage,
    routes: JSON.parse(params.routesJson) as Record<string, unknown>[],
    batchSize: params.batchSize,
    batchWindowSeconds: params.batchWindowSeconds,
    maxReceiveCount: params.maxReceiveCount,
    collectorTimeoutSeconds: params.collectorTimeoutSeconds,
    maximumConcurrency: params.maximumConcurrency,
    environment,
    delivery: params.delivery,
  };
}
