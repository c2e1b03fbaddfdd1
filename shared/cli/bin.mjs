#!/usr/bin/env node
// The `invalidator` command. Plain JavaScript so it runs straight after `npm ci`:
// it registers tsx's loader and then runs the TypeScript entry point, no build step.
import { register } from 'tsx/esm/api';

// The SDK's multi-line "Node 20 support ends" notice would break the CLI's one-line errors.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { runCli } = await import('./main.ts');
process.exitCode = await runCli(process.argv.slice(2));
