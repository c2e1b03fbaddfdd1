/**
 * Loads the deploy corpus (`../shared/data/deploys`, see its README) into the planner's path space:
 * every key becomes `toCloudFrontPath(key)`, and an index document (`index.html`, `dir/index.html`)
 * also serves its directory path (`/`, `/dir/`). Inventory = what is served after the deploy;
 * changed = created + modified + deleted; of those, `must` (modified or deleted) and `free` (created:
 * new keys, nothing stale at the edge).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { toCloudFrontPath } from '../shared/domain/paths.ts';

/** One deploy, in CloudFront path space. */
export interface CorpusDeploy {
  name: string;
  /** Served paths after the deploy, sorted by code unit, distinct. */
  inventory: string[];
  /** Changed served paths, sorted, distinct. */
  changed: string[];
  /** Changed paths of modified or deleted keys, sorted, distinct. */
  must: string[];
  /** Changed paths of created keys only (new), sorted, distinct. */
  free: string[];
  /** Changed object keys as `/` + key (what a per-object tool such as s3deploy is given). */
  changedObjects: string[];
  /** The raw key lists: after the deploy, before it, and changed (what `invalidator plan` reads). */
  keys: { after: string[]; before: string[]; changed: string[] };
}

/** The corpus folder next to this repository (`../shared/data/deploys`). */
export const DEFAULT_CORPUS_DIR = fileURLToPath(new URL('../../shared/data/deploys', import.meta.url));

const INDEX_DOCUMENT = 'index.html';

/** The served paths of one key: its own path, plus its directory for an index document. */
export function servedPathsOf(key: string): string[] {
  const own = toCloudFrontPath(key);
  if (key !== INDEX_DOCUMENT && !key.endsWith(`/${INDEX_DOCUMENT}`)) return [own];
  return [own, toCloudFrontPath(key.slice(0, key.length - INDEX_DOCUMENT.length))];
}

/** Reads every `*.json.gz` deploy in `dir`, sorted by file name. */
export function loadCorpus(dir = DEFAULT_CORPUS_DIR): CorpusDeploy[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json.gz'))
    .sort()
    .map((file) => {
      const data = JSON.parse(gunzipSync(readFileSync(join(dir, file))).toString('utf8')) as {
        inventory: string[];
        created: string[];
        modified: string[];
        deleted: string[];
      };
      const changedKeys = [...data.created, ...data.modified, ...data.deleted];
      const must = distinctSorted([...data.modified, ...data.deleted].flatMap(servedPathsOf));
      const mustSet = new Set(must);
      const createdSet = new Set(data.created);
      return {
        name: file.replace(/\.json\.gz$/, ''),
        inventory: distinctSorted(data.inventory.flatMap(servedPathsOf)),
        changed: distinctSorted(changedKeys.flatMap(servedPathsOf)),
        must,
        free: distinctSorted(data.created.flatMap(servedPathsOf)).filter((path) => !mustSet.has(path)),
        changedObjects: distinctSorted(changedKeys.map((key) => `/${key}`)),
        keys: {
          after: data.inventory,
          before: [...new Set([...data.inventory, ...data.deleted])].filter((key) => !createdSet.has(key)).sort(),
          changed: changedKeys,
        },
      };
    });
}

function distinctSorted(paths: string[]): string[] {
  return [...new Set(paths)].sort();
}
