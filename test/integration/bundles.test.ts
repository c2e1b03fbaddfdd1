import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunctionBundles, type FunctionBundle } from '../../shared/deploy/function-bundles.ts';
import {
  buildBaselineBundle,
  type ColdInit,
  deployedEnvironment,
  FUNCTION_CLIENTS,
  kbOverClientsWithin,
  MAX_COLD_RATIO,
  measureColdInit,
} from '../helpers/cold-init.ts';

const MAX_BUNDLE_BYTES = 500 * 1024;
// Code no function needs: the CLI, the local stack, benches and tests, YAML, picomatch (exclude globs
// compile without it, shared/domain/exclude-glob.ts), and the credential providers (with the STS/SSO
// clients) Lambda never reaches (shared/deploy/esbuild-plugins.cjs).
const NEVER_BUNDLED = [
  /^shared\/(cli|local)\//,
  /^(bench|test)\//,
  /node_modules\/(yaml|picomatch)\//,
  /node_modules\/@aws-sdk\/(nested-clients|credential-provider-(ini|sso|process|web-identity|login))\//,
  /node_modules\/@smithy\/core\/dist-es\/submodules\/event-streams\//,
];

function inputsOf(bundle: FunctionBundle): string[] {
  const [, output] = Object.entries(bundle.metafile.outputs)[0] ?? [];
  return Object.keys(output?.inputs ?? {});
}

describe('function bundles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'invalidator-bundles-'));
  let bundles: FunctionBundle[] = [];
  /** Each function's client-only baseline (test/helpers/cold-init.ts), by function name. */
  const baselines = new Map<string, FunctionBundle>();
  const baselineOf = (bundle: FunctionBundle): FunctionBundle => {
    const baseline = baselines.get(bundle.name);
    if (baseline === undefined) throw new Error(`expected a baseline for ${bundle.name}, got none`);
    return baseline;
  };

  /** Each bundle loaded once in a fresh process, shared by the tests that read its cold init. */
  const coldInits = new Map<string, Promise<ColdInit>>();
  const coldInitOf = (file: string): Promise<ColdInit> => {
    const known = coldInits.get(file) ?? measureColdInit(file, deployedEnvironment());
    coldInits.set(file, known);
    return known;
  };

  beforeAll(async () => {
    bundles = await buildFunctionBundles(dir);
    for (const bundle of bundles) baselines.set(bundle.name, await buildBaselineBundle(bundle.name, dir));
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every function under 500 KB minified', () => {
    // Act
    const sizes = Object.fromEntries(bundles.map((bundle) => [bundle.name, bundle.bytes]));
    for (const [name, bytes] of Object.entries(sizes)) console.log(`${name}: ${(bytes / 1024).toFixed(1)} KB minified`);
    // Assess
    expect(Object.keys(sizes).sort()).toEqual(Object.keys(FUNCTION_CLIENTS).sort());
    expect(Object.entries(sizes).filter(([, bytes]) => bytes > MAX_BUNDLE_BYTES)).toEqual([]);
  });

  it('leaves out the CLI, the local stack, YAML and the credential providers Lambda never reaches', () => {
    // Act
    const unwanted = bundles.flatMap((bundle) =>
      inputsOf(bundle)
        .filter((file) => NEVER_BUNDLED.some((pattern) => pattern.test(file)))
        .map((file) => `${bundle.name}: ${file}`),
    );
    // Assess
    expect(unwanted).toEqual([]);
  });

  it('keeps the report renderers out of the collector', () => {
    // Act
    const collector = bundles.find((bundle) => bundle.name === 'collector');
    // Assess
    expect(collector).toBeDefined();
    expect(inputsOf(collector as FunctionBundle).filter((file) => file.startsWith('shared/domain/report/'))).toEqual(
      [],
    );
  });

  it('bundles the SDK clients its cold-start baseline creates, and no other', () => {
    // Act
    const clients = Object.fromEntries(
      bundles.map((bundle) => [
        bundle.name,
        [
          ...new Set(
            inputsOf(bundle).flatMap((file) => file.match(/node_modules\/@aws-sdk\/client-([a-z0-9-]+)\//)?.[1] ?? []),
          ),
        ].sort(),
      ]),
    );
    // Assess
    expect(clients).toEqual(
      Object.fromEntries(Object.entries(FUNCTION_CLIENTS).map(([name, used]) => [name, [...used].sort()])),
    );
  });

  it('loads each bundle in a fresh Node process: config read, clients created', async () => {
    // Act
    const loaded = await Promise.all(
      bundles.map(async (bundle) => [bundle.name, await coldInitOf(bundle.file)] as const),
    );
    // Assess
    expect(loaded.map(([name]) => name).sort()).toEqual(Object.keys(FUNCTION_CLIENTS).sort());
    for (const [, init] of loaded) expect(init.ms).toBeGreaterThan(0);
  });

  it('loads no Node built-in at cold start beyond its bare clients, but the console of Powertools', async () => {
    // Act: each built-in costs its load on every cold start (node:zlib about 1 ms; ledger plans load it
    // only when one is long, shared/adapters/ledger-items.ts).
    const extra = await Promise.all(
      bundles.map(async (bundle) => {
        const [ours, bare] = await Promise.all([bundle.file, baselineOf(bundle).file].map(coldInitOf));
        return [bundle.name, ours?.builtins.filter((name) => !bare?.builtins.includes(name))] as const;
      }),
    );
    // Assess
    expect(Object.fromEntries(extra)).toEqual(
      Object.fromEntries(Object.keys(FUNCTION_CLIENTS).map((name) => [name, ['console']])),
    );
  });

  it('adds to its bare clients no more bytes than keep cold init within 1.3x of theirs', () => {
    // Act: the timed ratio is the bench's (npm run bench -- cold); what it follows is held here.
    const over = bundles.map((bundle) => {
      const baseline = baselineOf(bundle);
      const kb = (bundle.bytes - baseline.bytes) / 1024;
      const budget = kbOverClientsWithin(MAX_COLD_RATIO, baseline.bytes);
      console.log(`${bundle.name}: ${kb.toFixed(1)} KB over its bare clients, budget ${budget.toFixed(1)} KB`);
      return { name: bundle.name, kb, budget };
    });
    // Assess
    expect(over.filter(({ kb, budget }) => !(kb <= budget))).toEqual([]);
  });
});
