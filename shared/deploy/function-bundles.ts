import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { parse } from 'yaml';
import { StageParamsError } from './errors.ts';
import { SERVERLESS_FILE } from './stage-params.ts';

const ROOT = dirname(SERVERLESS_FILE);

/**
 * Options of `custom.esbuild` that belong to serverless-esbuild, not to esbuild: serverless-esbuild
 * removes exactly these before calling esbuild (node_modules/serverless-esbuild/dist/bundle.js).
 */
const PLUGIN_ONLY_OPTIONS = new Set([
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'plugins',
]);

/** How serverless.yml bundles its functions: esbuild's options and each function's entry file. */
export interface BundleSettings {
  readonly options: BuildOptions;
  /** Output extension (`.mjs`), as serverless-esbuild names the bundle. */
  readonly extension: string;
  /** Function name -> entry file relative to the repository (`functions/collector/handler.ts`). */
  readonly entries: Readonly<Record<string, string>>;
}

/** One function's bundle, as `serverless package` puts it into the zip. */
export interface FunctionBundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly metafile: Metafile;
}

/**
 * Reads `custom.esbuild` and the function handlers from serverless.yml and turns them into the options
 * serverless-esbuild passes to esbuild (its own options removed, `outExtension` set, plugins loaded).
 *
 * @throws StageParamsError when serverless.yml has no `custom.esbuild` or a handler is not `file.export`
 */
export function readBundleSettings(file: string = SERVERLESS_FILE): BundleSettings {
  const document = parse(readFileSync(file, 'utf8')) as {
    custom?: { esbuild?: Record<string, unknown> };
    functions?: Record<string, { handler?: string }>;
  };
  const custom = document.custom?.esbuild;
  if (custom === undefined) throw new StageParamsError('custom.esbuild: expected the bundling options, got nothing');
  const extension = typeof custom.outputFileExtension === 'string' ? custom.outputFileExtension : '.js';
  const options = Object.fromEntries(
    Object.entries(custom).filter(([name]) => !PLUGIN_ONLY_OPTIONS.has(name)),
  ) as BuildOptions;
  const plugins = typeof custom.plugins === 'string' ? loadPlugins(custom.plugins) : [];
  const entries = Object.fromEntries(
    Object.entries(document.functions ?? {}).map(([name, fn]) => [name, entryOf(name, fn.handler)]),
  );
  return {
    options: { ...options, plugins, ...(extension === '.js' ? {} : { outExtension: { '.js': extension } }) },
    extension,
    entries,
  };
}

/**
 * Bundles every function (or the named ones) into `outDir` the way `serverless package` does, with a
 * metafile that says what each bundle holds.
 */
export async function buildFunctionBundles(
  outDir: string,
  names?: readonly string[],
  settings: BundleSettings = readBundleSettings(),
): Promise<FunctionBundle[]> {
  const selected = Object.entries(settings.entries).filter(([name]) => names === undefined || names.includes(name));
  return Promise.all(selected.map(([name, entry]) => buildBundle(name, join(ROOT, entry), outDir, settings)));
}

/**
 * Bundles one entry with the functions' settings into `outDir/<name>/`.
 *
 * @param entry - absolute path of the entry file, or TypeScript source resolved from the repository root
 */
export async function buildBundle(
  name: string,
  entry: string | { readonly source: string },
  outDir: string,
  settings: BundleSettings = readBundleSettings(),
): Promise<FunctionBundle> {
  const dir = join(outDir, name);
  mkdirSync(dir, { recursive: true });
  const result = await build({
    ...settings.options,
    absWorkingDir: ROOT,
    ...(typeof entry === 'string'
      ? { entryPoints: [entry] }
      : { stdin: { contents: entry.source, resolveDir: ROOT, sourcefile: `${name}.ts`, loader: 'ts' as const } }),
    outdir: dir,
    metafile: true,
    write: true,
    logLevel: 'warning',
  });
  const [file, output] = Object.entries(result.metafile.outputs)[0] ?? [];
  if (file === undefined || output === undefined) throw new Error(`esbuild wrote no bundle for ${name}`);
  return { name, file: join(ROOT, file), bytes: output.bytes, metafile: result.metafile };
}

function loadPlugins(path: string): Plugin[] {
  const plugins = createRequire(import.meta.url)(join(ROOT, path)) as unknown;
  if (!Array.isArray(plugins))
    throw new StageParamsError(`custom.esbuild.plugins: expected ${path} to export an array`);
  return plugins as Plugin[];
}

function entryOf(name: string, handler: string | undefined): string {
  const match = handler?.match(/^(.+)\.[A-Za-z_$][\w$]*$/);
  if (match?.[1] === undefined) {
    throw new StageParamsError(
      `functions.${name}.handler: expected "path/file.export", got ${JSON.stringify(handler)}`,
    );
  }
  return `${match[1]}.ts`;
}
