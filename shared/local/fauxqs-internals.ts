import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalStackError } from './errors.ts';

function fauxqsFile(relative: string): string {
  const require = createRequire(import.meta.url);
  for (const folder of require.resolve.paths('fauxqs') ?? []) {
    const file = join(folder, 'fauxqs', relative);
    if (existsSync(file)) return file;
  }
  throw new LocalStackError(`expected fauxqs's ${relative} in node_modules, got none`);
}

/**
 * Imports one of fauxqs's own module files (`dist/s3/s3Store.js`), which its package exports do not
 * expose. The file URL is the one fauxqs's app imports, so the classes are the very ones it uses.
 * @throws LocalStackError when fauxqs or the file is missing
 */
export async function importFauxqsModule<T>(relative: string): Promise<T> {
  return (await import(pathToFileURL(fauxqsFile(relative)).href)) as T;
}
