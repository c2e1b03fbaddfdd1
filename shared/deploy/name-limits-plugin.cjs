'use strict';
// Refuses to package a stage whose names break an AWS limit (an IAM role name over 64 characters,
// say), naming the limit, instead of a first deploy that fails half way and rolls back. It reads the
// compiled template right before it is saved, so every name any part of serverless.yml sets is checked.
// The check itself is TypeScript (shared/deploy/name-limits.ts), loaded through tsx like variables.cjs.
const { require: requireTs } = require('tsx/cjs/api');

const { describeNameLimits, findNameLimitViolations } = requireTs('./name-limits.ts', __filename);

class NameLimitsPlugin {
  constructor(serverless) {
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => {
        const provider = serverless.getProvider('aws');
        const template = serverless.service.provider.compiledCloudFormationTemplate;
        const message = describeNameLimits({
          stage: provider.getStage(),
          stackName: provider.naming.getStackName(),
          violations: findNameLimitViolations(template.Resources || {}, provider.getRegion()),
        });
        if (message !== undefined) {
          const ServerlessError = serverless.classes.Error;
          throw new ServerlessError(message, 'INVALIDATOR_NAME_LIMIT');
        }
      },
    };
  }
}

module.exports = NameLimitsPlugin;
