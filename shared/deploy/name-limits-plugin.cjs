'use strict';
// Refuses to package a stage whose names break an AWS limit (an IAM role name over 64 characters,
// say), naming the limit, instead of a first deploy that fails half way and rolls back. It checks
// twice: before bundling, the `resources` section and the function names (seconds, so a bad stage
// fails fast), and right before the template is saved, every name of the compiled template (so names
// the framework generates are checked too). The check itself is TypeScript
// (shared/deploy/name-limits.ts), loaded through tsx like variables.cjs.
const { require: requireTs } = require('tsx/cjs/api');

const { describeNameLimits, findNameLimitViolations } = requireTs('./name-limits.ts', __filename);

class NameLimitsPlugin {
  constructor(serverless) {
    const check = (resources) => {
      const provider = serverless.getProvider('aws');
      const message = describeNameLimits({
        stage: provider.getStage(),
        stackName: provider.naming.getStackName(),
        violations: findNameLimitViolations(resources, provider.getRegion()),
      });
      if (message !== undefined) throw new serverless.classes.Error(message, 'INVALIDATOR_NAME_LIMIT');
    };
    this.hooks = {
      'before:package:initialize': () => {
        const service = serverless.service;
        const functions = Object.fromEntries(
          service
            .getAllFunctionsNames()
            .map((name) => [name, { Type: 'AWS::Lambda::Function', Properties: { FunctionName: name } }]),
        );
        check({ ...(service.resources?.Resources || {}), ...functions });
      },
      'before:aws:package:finalize:saveServiceState': () => {
        check(serverless.service.provider.compiledCloudFormationTemplate.Resources || {});
      },
    };
  }
}

module.exports = NameLimitsPlugin;
