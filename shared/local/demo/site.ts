import { createHash } from 'node:crypto';

/** A site version: object key -> content. */
export type SiteFiles = ReadonlyMap<string, string>;

const SECTIONS = ['getting-started', 'guides', 'api', 'cli', 'deploy', 'operations', 'faq', 'reference'];
const ICONS = ['arrow-left', 'arrow-right', 'arrow-up', 'arrow-down', 'arrow-up-right', 'arrow-down-left'];
const MORE_ICONS = ['bell', 'book', 'bug', 'calendar', 'camera', 'chart', 'check', 'clock', 'cloud', 'code'];

function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 8);
}

function page(title: string, version: number): string {
  return `<!doctype html><title>${title}</title><h1>${title}</h1><p>version ${version}</p>\n`;
}

/**
 * A realistic static site of a few hundred nested files: pages with index documents, a blog, docs
 * sections, content-hashed JS/CSS chunks and an icon set. Version 2 is a typical deploy on top of
 * version 1: some pages edited, posts added, a docs page removed, chunks re-hashed, arrow icons redrawn.
 *
 * @param version - 1 or 2
 */
export function generateSite(version: 1 | 2): SiteFiles {
  const files = new Map<string, string>();
  const add = (key: string, content: string) => files.set(key, content);
  add('index.html', page('Home', version));
  add('about/index.html', page('About', 1));
  add('404.html', page('Not found', 1));
  const posts = version === 1 ? 60 : 66;
  add('blog/index.html', page(`Blog (${posts} posts)`, version));
  for (let i = 1; i <= posts; i++) add(`blog/post-${i}/index.html`, page(`Post ${i}`, i === 60 ? version : 1));
  SECTIONS.forEach((section, s) => {
    add(`docs/${section}/index.html`, page(`Docs: ${section}`, 1));
    for (let p = 1; p <= 16; p++) {
      if (version === 2 && s === 2 && p > 13) continue; // three api pages removed
      const changed = version === 2 && ((s === 1 && p <= 4) || (s === 5 && p === 7));
      add(`docs/${section}/page-${p}.html`, page(`${section} ${p}`, changed ? 2 : 1));
    }
  });
  for (let c = 0; c < 40; c++) {
    // Content-hashed chunks: a changed chunk gets a new name, the old one is deleted by the sync.
    const body = `export const chunk${c} = ${c < 10 && version === 2 ? 'v2' : 'v1'};\n`;
    add(`assets/js/chunk-${c}.${hash(body)}.js`, body);
  }
  const css = `body{font-family:system-ui}/* v${version} */\n`;
  add(`assets/css/app.${hash(css)}.css`, css);
  for (const icon of [...ICONS, ...MORE_ICONS]) {
    for (const size of [16, 24, 32]) {
      const redrawn = version === 2 && icon.startsWith('arrow-');
      add(`images/icons/${icon}-${size}.svg`, `<svg data-v="${redrawn ? 2 : 1}" width="${size}"/>\n`);
    }
  }
  for (let i = 1; i <= 30; i++) add(`images/photos/photo ${i}.jpg`, `jpeg ${i}\n`);
  return files;
}
