/**
 * `npm run soak:mutants`: does the soak kill the mutants it should?
 *
 *   npx tsx bench/mutants.ts [--runs 200] [--seed 1] [--only name]
 *
 * For each `test/reliability/mutants/*.patch`, copies the working tree to a temporary folder (node_modules
 * linked, the worktree itself untouched), applies the patch with `git apply`, runs
 * `bench/soak.ts --runs N --seed S --fail-fast` there, and reports the mutant killed (the soak failed:
 * which seed, which invariant) or survived (the soak passed: the suite cannot see that bug), or an error
 * (the soak itself could not run). Exits 1 unless every mutant was killed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
  },
});
const root = resolve(import.meta.dirname, '..');
const mutantDir = join(root, 'test/reliability/mutants');
const patches = readdirSync(mutantDir)
  .filter((name) => name.endsWith('.patch'))
  .filter((name) => values.only === undefined || name.startsWith(values.only));

/** The outcome of one mutant's soak. */
interface MutantResult {
  readonly name: string;
  readonly outcome: 'killed' | 'SURVIVED' | 'error';
  readonly runs: string;
  readonly firstFailure: string;
  readonly finalLine: string;
  readonly seconds: number;
}

const results: MutantResult[] = [];
for (const patch of patches) results.push(await runMutant(patch));
console.log('\nmutant                          result     runs  first failure');
for (const result of results) {
  console.log(
    `${result.name.padEnd(32)}${result.outcome.padEnd(11)}${result.runs.padEnd(6)}` +
      `${result.firstFailure} (${result.seconds.toFixed(0)} s)`,
  );
  console.log(`  ${result.finalLine}`);
}
if (results.some((result) => result.outcome !== 'killed')) process.exit(1);

async function runMutant(patch: string): Promise<MutantResult> {
  const name = patch.replace(/\.patch$/, '');
  const copy = mkdtempSync(join(tmpdir(), `mutant-${name}-`));
  try {
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((file) => file !== '' && !file.startsWith('node_modules/'));
    for (const file of files) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(root, file), join(copy, file));
    }
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    execFileSync('git', ['apply', join(mutantDir, patch)], { cwd: copy });
    console.log(`mutant ${name}: soak --runs ${values.runs} --seed ${values.seed} --fail-fast in ${copy}`);
    const started = performance.now();
    const { code, output } = await soak(copy);
    const lines = output.split('\n');
    const failed = lines.findIndex((line) => / FAILED \(/.test(line));
    const firstFailure =
      failed < 0 ? 'none' : `${lines[failed]?.replace(/^run\s+/, 'run ')} -> ${lines[failed + 1]?.trim() ?? ''}`;
    const finalLine = lines.filter((line) => line.startsWith('soak: ')).at(-1) ?? 'no final line';
    const runs = /soak: runs (\d+)/.exec(finalLine)?.[1] ?? '?';
    // Killed only by a run that broke an invariant: a soak that could not start (a server that did not
    // answer on a loaded machine) says nothing about the mutant.
    const outcome = failed >= 0 ? 'killed' : code === 0 ? 'SURVIVED' : 'error';
    return { name, outcome, runs, firstFailure, finalLine, seconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function soak(cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/soak.ts', '--runs', values.runs, '--seed', values.seed, '--fail-fast'],
      { cwd, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('close', (code) => resolvePromise({ code: code ?? 1, output }));
  });
}
