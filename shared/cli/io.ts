import { readFile } from 'node:fs/promises';

/** Something text can be written to (`process.stdout` fits). */
export interface TextSink {
  write(text: string): unknown;
}

/** The outside world of a CLI command, injected so commands run in tests without a process. */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Reads all of standard input's bytes. */
  readonly stdin: () => Promise<Uint8Array>;
  /** Reads a whole file's bytes. */
  readonly readFile: (path: string) => Promise<Uint8Array>;
}

/** The real process: stdout, stderr, stdin and the file system. */
export function createProcessIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: readStdin,
    readFile: (path) => readFile(path),
  };
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
