import { LocalStackError } from './errors.ts';
import { importFauxqsModule } from './fauxqs-internals.ts';

// fauxqs 1.9.2 sorts S3 listings with `localeCompare` ("apple.txt" before "Zebra.txt"), while
// real S3 lists keys in UTF-8 byte order ("Zebra.txt" first). `aws s3 sync` walks the local folder
// and the listing side by side and relies on that order: with the locale order, a no-op sync
// deletes and re-uploads keys, and `--delete` never settles. fauxqs does not export its S3 store,
// so we replace `listObjects` on the prototype of the very module its server imports (the same
// file URL, hence the same class); everything else in fauxqs is untouched.

interface StoredObject {
  readonly key: string;
}

interface ListOptions {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly maxKeys?: number;
  readonly startAfter?: string;
  readonly marker?: string;
}

interface ListResult {
  readonly objects: StoredObject[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
}

interface S3StorePrototype {
  buckets: Map<string, Map<string, StoredObject>>;
  listObjects(bucket: string, options?: ListOptions): ListResult;
}

/** A UTF-16 code unit mapped so that code-unit comparison gives code-point (= UTF-8 byte) order. */
function orderUnit(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** Compares two strings in the order of their UTF-8 bytes, as S3 lists keys. */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return orderUnit(x) - orderUnit(y);
  }
  return a.length - b.length;
}

/** fauxqs's `listObjects`, in UTF-8 byte order, its marker and common prefixes included. */
function listInByteOrder(objectsMap: Map<string, StoredObject>, options: ListOptions = {}): ListResult {
  const prefix = options.prefix ?? '';
  const delimiter = options.delimiter;
  const maxKeys = options.maxKeys ?? 1000;
  const startAfter = options.startAfter ?? options.marker ?? '';
  const sorted = [...objectsMap.values()]
    .filter((object) => object.key.startsWith(prefix))
    .sort((a, b) => compareUtf8(a.key, b.key));
  const objects: StoredObject[] = [];
  const commonPrefixes: string[] = [];
  let isTruncated = false;
  for (const object of sorted) {
    if (startAfter !== '' && compareUtf8(object.key, startAfter) <= 0) continue;
    const cut = delimiter ? object.key.indexOf(delimiter, prefix.length) : -1;
    if (delimiter && cut >= 0) {
      const common = object.key.slice(0, cut + delimiter.length);
      if (startAfter !== '' && compareUtf8(common, startAfter) <= 0) continue;
      if (commonPrefixes.at(-1) === common) continue; // keys sharing it are adjacent in this order
      if (objects.length + commonPrefixes.length >= maxKeys) {
        isTruncated = true;
        break;
      }
      commonPrefixes.push(common);
      continue;
    }
    if (objects.length + commonPrefixes.length >= maxKeys) {
      isTruncated = true;
      break;
    }
    objects.push(object);
  }
  return { objects, commonPrefixes, isTruncated };
}

let patched: Promise<void> | undefined;

/**
 * Makes every fauxqs S3 store in this process list keys in UTF-8 byte order, as real S3 does.
 * Idempotent; call it before `startFauxqs`.
 */
export function listFauxqsKeysInByteOrder(): Promise<void> {
  patched ??= (async () => {
    const module = await importFauxqsModule<{ S3Store?: { prototype: S3StorePrototype } }>('dist/s3/s3Store.js');
    const prototype = module.S3Store?.prototype;
    if (typeof prototype?.listObjects !== 'function') {
      throw new LocalStackError('expected fauxqs S3Store.prototype.listObjects, got none: cannot fix its key order');
    }
    const { S3Error } = await importFauxqsModule<{
      S3Error: new (code: string, message: string, status: number) => Error;
    }>('dist/common/errors.js');
    prototype.listObjects = function listObjects(this: S3StorePrototype, bucket, options) {
      const objectsMap = this.buckets.get(bucket);
      if (objectsMap === undefined) {
        throw new S3Error('NoSuchBucket', `The specified bucket does not exist: ${bucket}`, 404);
      }
      return listInByteOrder(objectsMap, options);
    };
  })();
  return patched;
}
