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
      // Generous: bundling five functions takes 10 s on an idle machine and minutes on a busy one.
      timeout: 240_000,
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

/** What `serverless print` resolves: the resources exactly as packaged, and the functions. */
export interface PrintedStage {
  readonly template: CfnTemplate;
  readonly functions: Readonly<Record<string, { role?: string; url?: unknown; environment?: Record<string, unknown> }>>;
}

/**
 * The stage's resolved configuration from `serverless print` (seconds, offline, no bundling). The
 * stack test packages every stage already; packaging again would double the slowest step of
 * `npm test`, and two concurrent packagings share serverless-esbuild's work folder. The resources
 * section is what the package step copies verbatim into the template.
 *
 * @param params - `--param name=value` overrides
 */
export async function printStage(stage: string, params: Readonly<Record<string, string>> = {}): Promise<PrintedStage> {
  const paramArgs = Object.entries(params).flatMap(([name, value]) => ['--param', `${name}=${value}`]);
  const { stdout } = await run(process.execPath, [CLI, 'print', '--stage', stage, '--format', 'json', ...paramArgs], {
    cwd: ROOT,
    env: offlineServerlessEnv(),
    timeout: 120_000,
    maxBuffer: 10 * 1024 * 1024,
  });
  const printed = JSON.parse(stdout) as {
    resources: { Resources: CfnTemplate['Resources']; Conditions?: CfnTemplate['Conditions'] };
    functions: PrintedStage['functions'];
  };
  return {
    template: { Resources: printed.resources.Resources, Conditions: printed.resources.Conditions ?? {} },
    functions: printed.functions,
  };
}
