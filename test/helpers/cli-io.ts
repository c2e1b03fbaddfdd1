import type { CliIo } from '../../shared/cli/io.ts';

/** Standard streams kept in memory, for running CLI commands in tests. */
export interface CapturedIo {
  readonly io: CliIo;
  stdout(): string;
  stderr(): string;
}

/** An in-memory CLI environment: named files (text or bytes), a standard input, captured output. */
export function captureIo(files: Readonly<Record<string, string | Uint8Array>> = {}, stdin = ''): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const bytes = (content: string | Uint8Array) =>
    typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    stdin: async () => bytes(stdin),
    readFile: async (path: string) => {
      const content = files[path];
      if (content === undefined) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
      }
      return bytes(content);
    },
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
