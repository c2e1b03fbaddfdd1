import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CfnTemplate } from './stack-template.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');

/** What `serverless package --stage <stage>` produced. */
export interface PackagedStage {
  readonly stage: string;
  readonly template: CfnTemplate;
  /** Zip size in bytes per function name. */
  readonly zipBytes: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/**
 * Packages one stage into `outDir` with osls, offline: dummy credentials, no instance metadata,
 * no telemetry. Nothing here talks to AWS; `package` only builds the template and the zips.
 *
 * @param params - `--param name=value` overrides
 *
 * @throws Error with the CLI's output when packaging fails
 */
export async function packageStage(
  stage: string,
  outDir: string,
  params: Readonly<Record<string, string>> = {},
): Promise<PackagedStage> {
  const started = performance.now();
  const env = offlineServerlessEnv();
  try {
    const paramArgs = Object.entries(params).flatMap(([name, value]) => ['--param', `${name}=${value}`]);
    await run(process.execPath, [CLI, 'package', '--stage', stage, '--package', outDir, ...paramArgs], {
      cwd: ROOT,
      env,
      // A package takes 15-40 s on a busy 2-core machine; a minute was too tight under load.
      timeout: 150_000,
      maxBuffer: 10 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`serverless package --stage ${stage} failed:\n${stdout}\n${stderr}`, { cause: error });
  }
  const template = JSON.parse(
    readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as CfnTemplate;
  const zipBytes = Object.fromEntries(
    readdirSync(outDir)
      .filter((file) => file.endsWith('.zip'))
      .map((file) => [file.slice(0, -'.zip'.length), statSync(join(outDir, file)).size]),
  );
  return { stage, template, zipBytes, seconds: (performance.now() - started) / 1000 };
}

/**
 * The environment the Serverless Framework runs in for tests: dummy credentials (nothing is sent to
 * AWS), no telemetry, no metadata lookups, nothing else from the developer's shell.
 */
export function offlineServerlessEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? ROOT,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_EC2_METADATA_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    CI: 'true',
  };
}
