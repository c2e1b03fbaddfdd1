'use strict';
// Serverless Framework variable resolver, used once in serverless.yml as
//   custom.derived: ${file(./shared/deploy/variables.cjs)}
// It reads this stage's params through the framework (so `--param key=value` overrides apply),
// validates them with the same TypeScript code the local stack and the tests use, and returns what a
// template cannot compute by itself: ROUTES as a JSON string, numbers as environment texts, ARN lists,
// condition flags and one resource per bucket. Plain CommonJS, because both osls (v3 line) and
// Serverless v4 load resolver files with require(); tsx (a runtime dependency) loads the TypeScript.
// Docs: https://www.serverless.com/framework/docs/guides/variables/javascript
const { require: requireTs } = require('tsx/cjs/api');

const { PARAM_NAMES, parseStageParams } = requireTs('./stage-params.ts', __filename);
const { deriveStackValues } = requireTs('./stack-values.ts', __filename);

module.exports = async ({ resolveVariable, resolveConfigurationProperty }) => {
  const stage = await resolveVariable('sls:stage');
  const service = await resolveVariable('self:service');
  const declared = (await resolveConfigurationProperty(['params'])) || {};
  const raw = {};
  for (const source of [declared.default, declared[stage]]) {
    // Names declared in serverless.yml: parseStageParams rejects unknown ones (typos).
    for (const name of Object.keys(source || {})) raw[name] = undefined;
  }
  for (const name of PARAM_NAMES) {
    const value = await resolveVariable(`param:${name}, null`);
    if (value !== null) raw[name] = value;
  }
  return deriveStackValues(parseStageParams(raw, stage), service);
};
