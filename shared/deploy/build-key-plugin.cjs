'use strict';
// A tiny local plugin so one serverless.yml serves both CLIs. Serverless Framework v4 builds
// TypeScript handlers itself unless `build: { esbuild: false }` says serverless-esbuild does it;
// osls (the v3 line) does not know the `build` key and, with `configValidationMode: error`, would
// reject it. This plugin declares the key for osls; under v4 the key exists already and it does nothing.
// https://www.serverless.com/framework/docs/providers/aws/guide/building#plugin-conflicts

const BUILD_SCHEMA = {
  type: 'object',
  properties: { esbuild: { const: false } },
  additionalProperties: false,
};

class BuildKeyPlugin {
  constructor(serverless) {
    const schemaHandler = serverless.configSchemaHandler;
    if (!schemaHandler || schemaHandler.schema?.properties?.build) return;
    try {
      schemaHandler.defineTopLevelProperty('build', BUILD_SCHEMA);
    } catch (error) {
      // SCHEMA_COLLISION: the CLI (v4) or another plugin already defines `build`.
      if (error?.code !== 'SCHEMA_COLLISION') throw error;
    }
  }
}

module.exports = BuildKeyPlugin;
