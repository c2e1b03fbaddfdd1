#!/usr/bin/env node
// The `invalidator` command. Plain JavaScript so it runs straight after `npm ci`:
// it registers tsx's loader and then runs the TypeScript entry point, no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('./main.ts');
process.exitCode = await runCli(process.argv.slice(2));
