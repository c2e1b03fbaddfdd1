/**
 * A synthetic site for the planner's speed benchmark: a sorted inventory of nested, realistic keys
 * (versioned docs with locales, dated image folders, hashed build chunks, icon sets) and a deploy
 * that rebuilds whole folders, modifies scattered files and deletes some. Deterministic per seed.
 */

/**
 * A deploy: every key served after it (sorted), the changed keys (shuffled, as events arrive) and,
 * among them, the keys that are new (a third: hashed build chunks and images of rebuilt folders first).
 */
export interface SyntheticDeploy {
  inventory: string[];
  changed: string[];
  created: string[];
}

/** Mulberry32: a small, fast, seedable PRNG (deterministic across runs and machines). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'about',
  'account',
  'alpha',
  'api',
  'archive',
  'arrow',
  'auth',
  'blog',
  'build',
  'button',
  'cache',
  'card',
  'chart',
  'cloud',
  'config',
  'core',
  'data',
  'delta',
  'deploy',
  'design',
  'editor',
  'event',
  'feed',
  'file',
  'form',
  'guide',
  'help',
  'home',
  'icon',
  'image',
  'index',
  'intro',
  'layout',
  'lib',
  'list',
  'login',
  'map',
  'media',
  'menu',
  'model',
  'news',
  'note',
  'page',
  'photo',
  'plugin',
  'post',
  'price',
  'query',
  'report',
  'route',
  'search',
  'server',
  'shop',
  'slide',
  'store',
  'style',
  'table',
  'team',
  'theme',
  'tool',
  'user',
  'video',
  'view',
  'widget',
];
const LOCALES = ['de', 'en', 'es', 'fr', 'it', 'ja', 'ko', 'nl', 'pt', 'ru', 'sv', 'zh'];
const HASH = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-';

/**
 * Generates about `inventorySize` keys and a deploy touching `changedSize` of them (rebuilt folders
 * about 60%, scattered modifications about 30%, deletions about 10%); a third of the changed keys are new.
 */
export function generateDeploy(inventorySize: number, changedSize: number, seed = 42): SyntheticDeploy {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const hash = (length: number): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += HASH[Math.floor(random() * HASH.length)];
    return out;
  };
  const folders: string[][] = [];
  let total = 0;
  const addFolder = (keys: string[]): void => {
    folders.push(keys);
    total += keys.length;
  };
  for (let release = 0; total < inventorySize; release++) {
    const kind = release % 4;
    const fileCount = 20 + Math.floor(random() * 400);
    if (kind === 0) {
      const base = `docs/v${1 + (release % 9)}.${release % 13}/${pick(LOCALES)}/${pick(WORDS)}-${release}`;
      addFolder(Array.from({ length: fileCount }, (_, i) => `${base}/${pick(WORDS)}-${i}/index.html`));
    } else if (kind === 1) {
      const base = `img/${2010 + (release % 15)}/${String(1 + (release % 12)).padStart(2, '0')}/${pick(WORDS)}${release}`;
      addFolder(Array.from({ length: fileCount }, () => `${base}/${pick(WORDS)}-${hash(10)}.jpg`));
    } else if (kind === 2) {
      const base = `assets/build-${release}/chunks/${pick(WORDS)}`;
      addFolder(Array.from({ length: fileCount }, () => `${base}/${pick(WORDS)}.${hash(8)}.js`));
    } else {
      const base = `icons/${pick(WORDS)}-${release}/${pick(['svg', 'png', 'webp'])}`;
      addFolder(Array.from({ length: fileCount }, (_, i) => `${base}/${pick(WORDS)}-${pick(WORDS)}-${i}.svg`));
    }
  }
  const inventory = [...new Set(folders.flat())].sort();
  const served = new Set(inventory);
  const changed = new Set<string>();
  while (changed.size < changedSize * 0.6) {
    for (const key of pick(folders)) if (changed.size < changedSize * 0.6) changed.add(key);
  }
  while (changed.size < changedSize * 0.9) changed.add(pick(inventory));
  while (changed.size < changedSize) {
    const deleted = `${pick(inventory).replace(/\.[a-z]+$/, '')}.${hash(6)}.old`;
    if (!served.has(deleted)) changed.add(deleted);
  }
  // No random draw here, so inventory and changed stay what they were before `created` existed.
  const created: string[] = [];
  const third = Math.floor(changedSize / 3);
  for (const pass of [true, false]) {
    for (const key of changed) {
      if (created.length === third) break;
      const hashed = key.startsWith('assets/') || key.startsWith('img/');
      if (served.has(key) && hashed === pass) created.push(key);
    }
  }
  const shuffled = [...changed];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as string, shuffled[i] as string];
  }
  return { inventory, changed: shuffled, created };
}
