import { createHash } from 'node:crypto';

/** The two versions of a generated site and what a sync from the first to the second changes. */
export interface GeneratedDeploy {
  readonly before: ReadonlyMap<string, string>;
  readonly after: ReadonlyMap<string, string>;
  readonly modified: number;
  readonly added: number;
  readonly deleted: number;
}

const LOCALES = ['en', 'de', 'fr', 'es', 'it', 'ja', 'ko', 'pt-br', 'zh-cn', 'nl'];
const SECTIONS = ['guides', 'api', 'cli', 'blog', 'changelog', 'reference', 'tutorials', 'faq'];
const ASSET_KINDS = [
  ['js', 'chunk', 'js'],
  ['css', 'style', 'css'],
  ['fonts', 'font', 'woff2'],
  ['img', 'sprite', 'svg'],
] as const;

const hash = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 8);
const page = (title: string, version: number) => `<!doctype html><title>${title}</title><p>v${version}</p>\n`;

/**
 * A site whose deploy changes about `changes` objects, with a shape close to a docs site built by a
 * static-site generator: pages as `locale/section/slug/index.html` (index documents, so each also
 * serves `/locale/section/slug/`), content-hashed assets (a rebuilt asset gets a new name and the
 * old one is deleted by the sync), and photos that never change.
 *
 * The deploy: 40% pages edited, 5% pages added and 5% removed, 25% assets re-hashed (uploaded under
 * new names) and the 25% they replace deleted. Deterministic for a given `changes`.
 */
export function generateDeploy(changes: number): GeneratedDeploy {
  const pages = Math.round(changes * 0.5);
  const assets = Math.round(changes * 0.35);
  const rehashed = Math.round(changes * 0.25);
  const photos = Math.round(changes * 0.1);
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  // Pages [0, removed) exist only before, [pages, pages + removed) only after; of those in both, the
  // first `edited` change.
  const removed = Math.round(changes * 0.05);
  const edited = Math.round(changes * 0.4);
  for (let i = 0; i < pages + removed; i++) {
    const key = pageKey(i);
    const title = `page ${i}`;
    if (i < pages) before.set(key, page(title, 1));
    if (i >= removed) after.set(key, page(title, i < removed + edited ? 2 : 1));
  }
  for (let i = 0; i < assets; i++) {
    const [folder, stem, extension] = ASSET_KINDS[i % ASSET_KINDS.length] as (typeof ASSET_KINDS)[number];
    const body = (version: number) => `/* ${stem} ${i} v${version} */\n`;
    const keyOf = (version: number) => `assets/${folder}/${stem}-${i}.${hash(body(version))}.${extension}`;
    before.set(keyOf(1), body(1));
    const version = i < rehashed ? 2 : 1;
    after.set(keyOf(version), body(version));
  }
  for (let i = 0; i < photos; i++) {
    const key = `images/${2015 + (i % 10)}/${String(1 + (i % 12)).padStart(2, '0')}/photo-${i}.jpg`;
    before.set(key, `jpeg ${i}\n`);
    after.set(key, `jpeg ${i}\n`);
  }
  before.set('index.html', page('home', 1));
  after.set('index.html', page('home', 2));
  let modified = 0;
  for (const [key, body] of after) if (before.has(key) && before.get(key) !== body) modified++;
  const added = [...after.keys()].filter((key) => !before.has(key)).length;
  const deleted = [...before.keys()].filter((key) => !after.has(key)).length;
  return { before, after, modified, added, deleted };
}

/** Spreads pages over locales and sections, then numbered slugs: `de/api/topic-12/index.html`. */
function pageKey(i: number): string {
  const locale = LOCALES[i % LOCALES.length] as string;
  const section = SECTIONS[Math.floor(i / LOCALES.length) % SECTIONS.length] as string;
  const slug = `topic-${Math.floor(i / (LOCALES.length * SECTIONS.length))}`;
  return `${locale}/${section}/${slug}/index.html`;
}
