import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** Parent pid of every process, read from /proc. */
function parents(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      byPid.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return byPid;
}

function descendants(root: number): number[] {
  const byPid = parents();
  const found = [root];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, ppid] of byPid) if (ppid === found[i]) found.push(pid);
  }
  return found.slice(1);
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

function alive(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      // A zombie has exited; only its parent has not reaped it yet.
      return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    } catch {
      return false;
    }
  });
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`expected ${what} within ${timeoutMs} ms, got nothing`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `npm start -- --serve` in its own process group, once it serves: npm and all its descendants. */
async function serve(): Promise<{ npm: ChildProcess; tree: number[] }> {
  const npm = spawn('npm', ['start', '--silent', '--', '--serve'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  npm.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await until('"Serving." from npm start -- --serve', () => (output.includes('Serving.') ? true : undefined));
  return { npm, tree: descendants(npm.pid as number) };
}

describe('invalidator local --serve under npm', () => {
  let group: number | undefined;
  afterEach(() => {
    if (group !== undefined) {
      try {
        process.kill(-group, 'SIGKILL'); // whatever a failed test left behind
      } catch {
        // nothing left
      }
    }
  });

  it.each([
    ['SIGTERM to npm', 'npm'],
    ['SIGKILL of the node process', 'node'],
  ] as const)(
    '%s: no node or Java process outlives it',
    async (_name, target) => {
      // Prepare
      const { npm, tree } = await serve();
      group = npm.pid;
      const node = tree.find((pid) => commandOf(pid).includes('shared/cli/bin.mjs local'));
      const java = tree.find((pid) => commandOf(pid).startsWith('java '));
      expect(node).toBeDefined();
      expect(java).toBeDefined();

      // Act
      if (target === 'npm') process.kill(npm.pid as number, 'SIGTERM');
      else process.kill(node as number, 'SIGKILL');

      // Assess: every process npm started ends by itself.
      const everyone = [npm.pid as number, ...tree];
      await until('every process of the stack to end', () => (alive(everyone).length === 0 ? true : undefined), 60_000);
      expect(alive(everyone)).toEqual([]);
      group = undefined;
    },
    240_000,
  );
});
