import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Chromium from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';

// The browser comes from the npm package @sparticuz/chromium, which ships a brotli-compressed
// headless Chromium inside its tarball: `npm ci` is the whole set-up, no apt step, no download.
// Its shared libraries (nss, nspr, expat) come with Java 17 and Python on this kind of machine.
// The package unpacks to `os.tmpdir()` itself; we point it at a private folder per package
// version, then rename that folder into place, so two runs (or another project's copy in /tmp)
// never see a half-written binary or a different version.
const ARGS = [
  '--headless=shell',
  '--no-sandbox',
  '--no-zygote',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--font-render-hinting=none',
];

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@sparticuz/chromium');
  const manifest = join(dirname(entry), '..', '..', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return version;
}

async function unpack(target: string): Promise<void> {
  const staging = mkdtempSync(`${target}.partial-`);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  // executablePath() reads os.tmpdir() synchronously before its first await.
  const pending = Chromium.executablePath();
  if (previous === undefined) Reflect.deleteProperty(process.env, 'TMPDIR');
  else process.env.TMPDIR = previous;
  const binary = await pending;
  if (binary !== join(staging, 'chromium')) {
    throw new Error(`expected the browser unpacked to ${staging}, got ${binary}`);
  }
  // The shipped fonts.conf names /tmp/fonts; ours names the fonts unpacked beside the binary.
  writeFileSync(
    join(staging, 'fonts.conf'),
    `<?xml version="1.0"?>\n<fontconfig><dir>${join(target, 'fonts')}</dir><cachedir>${join(target, 'fonts-cache')}</cachedir></fontconfig>\n`,
  );
  try {
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(target, 'chromium'))) throw error;
  }
}

/** Path of the npm-shipped headless Chromium, unpacked once per package version. */
export async function chromiumFolder(): Promise<string> {
  const target = join(tmpdir(), `cloudfront-invalidator-chromium-${packageVersion()}`);
  if (!existsSync(join(target, 'chromium'))) await unpack(target);
  return target;
}

/** Launches the npm-shipped headless Chromium through playwright-core, with its own fonts. */
export async function launchChromium(): Promise<Browser> {
  const folder = await chromiumFolder();
  return chromium.launch({
    executablePath: join(folder, 'chromium'),
    args: ARGS,
    env: { ...process.env, FONTCONFIG_PATH: folder },
  });
}
