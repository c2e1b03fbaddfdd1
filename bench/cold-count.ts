import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether valgrind is on this machine (it comes with every machine kind here; a developer may lack it). */
export async function hasValgrind(): Promise<boolean> {
  try {
    await run('valgrind', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Instructions Node executes to start, `import()` `file` and exit, counted by valgrind's cachegrind
 * with V8's `--predictable` (one thread, fixed seeds): the same count on every run, whatever else the
 * machine is doing, so it settles differences a timed median on a shared machine cannot. Instructions
 * are not time (cache misses and the kernel's file reads are not in them), so the bench prints them
 * beside the timed ratio, not instead of it.
 *
 * @throws Error with valgrind's last output when the module fails to load or no count is printed
 */
export async function countInstructions(file: string, env: Record<string, string>): Promise<number> {
  const script = `await import(${JSON.stringify(pathToFileURL(file).href)}); process.exit(0);`;
  const args = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null'];
  let stderr: string;
  try {
    ({ stderr } = await run(
      'valgrind',
      [...args, process.execPath, '--predictable', '--input-type=module', '-e', script],
      {
        env,
        timeout: 300_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    ));
  } catch (error) {
    const { stderr: output = '' } = error as { stderr?: string };
    throw new Error(`counting the load of ${file} failed: ${output.slice(-800)}`, { cause: error });
  }
  const match = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (match?.[1] === undefined)
    throw new Error(`valgrind printed no instruction count for ${file}: ${stderr.slice(-800)}`);
  return Number(match[1].replaceAll(',', ''));
}

/**
 * Counted cold-init ratio of each `[ours, baseline]` pair: instructions of the import beyond an empty
 * module's, ours over the baseline's. All counts run at once: they do not depend on load.
 */
export async function countedRatios(
  pairs: readonly (readonly [ours: string, baseline: string])[],
  emptyModule: string,
  env: Record<string, string>,
): Promise<number[]> {
  const [empty = Number.NaN, ...counts] = await Promise.all(
    [emptyModule, ...pairs.flat()].map((file) => countInstructions(file, env)),
  );
  return pairs.map(
    (_, index) => ((counts[2 * index] ?? Number.NaN) - empty) / ((counts[2 * index + 1] ?? Number.NaN) - empty),
  );
}
