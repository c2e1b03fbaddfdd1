// Regenerates the README's "What `npm start` shows" sample from a real run of `invalidator local`
// (the same code as `npm start`), so the README never shows numbers the code does not print.
// Usage: npm run readme:sample
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../shared/cli/main.ts';

const README = join(import.meta.dirname, '..', 'README.md');
const BEGIN = '<!-- npm-start-sample:begin (npm run readme:sample) -->';
const END = '<!-- npm-start-sample:end -->';

const out: string[] = [];
const code = await runCli(['local'], {
  stdout: { write: (text: string) => out.push(text) },
  stderr: process.stderr,
  stdin: async () => new Uint8Array(),
  readFile: async (path) => readFileSync(path),
});
if (code !== 0) {
  process.stderr.write(`readme-sample: invalidator local exited ${code}; README left as it was\n`);
  process.exit(code);
}
const lines = out.join('').split('\n');
const from = lines.findIndex((line) => line.startsWith('Version 2:'));
const to = lines.findIndex((line) => line.startsWith('This month:'));
if (from < 0 || to < from) throw new Error('expected the "Version 2:" ... "This month:" story, got another output');
const sample = ['```', ...lines.slice(from, to + 1), '```'].join('\n');
const readme = readFileSync(README, 'utf8');
const start = readme.indexOf(BEGIN);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error(`expected ${BEGIN} ... ${END} in README.md`);
writeFileSync(README, `${readme.slice(0, start + BEGIN.length)}\n${sample}\n${readme.slice(end)}`);
process.stdout.write(`${sample}\n`);
