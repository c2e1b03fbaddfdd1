import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** What a sync changed. */
export interface SyncResult {
  readonly uploaded: readonly string[];
  readonly deleted: readonly string[];
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css',
  js: 'text/javascript',
  svg: 'image/svg+xml',
  jpg: 'image/jpeg',
  png: 'image/png',
  json: 'application/json',
};

/**
 * Makes the bucket equal to `files`, like `aws s3 sync --delete`: uploads new and changed objects
 * (compared by MD5 = the S3 ETag of a simple upload) concurrently, then deletes the ones that are gone.
 *
 * @param onProgress - called after each object with (done, total)
 */
export async function syncBucket(
  s3: S3Client,
  bucket: string,
  files: ReadonlyMap<string, string | Buffer>,
  options: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<SyncResult> {
  const existing = await listEtags(s3, bucket);
  const uploads = [...files].filter(([key, body]) => existing.get(key) !== md5(body));
  const deletes = [...existing.keys()].filter((key) => !files.has(key)).sort();
  const total = uploads.length + deletes.length;
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < uploads.length) {
      const [key, body] = uploads[next++] as [string, string | Buffer];
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentTypeOf(key) }));
      options.onProgress?.(++done, total);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 10 }, worker));
  for (let i = 0; i < deletes.length; i += 1000) {
    const chunk = deletes.slice(i, i + 1000);
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((Key) => ({ Key })) } }));
    done += chunk.length;
    options.onProgress?.(done, total);
  }
  return { uploaded: uploads.map(([key]) => key).sort(), deleted: deletes };
}

/** Reads a folder into key -> content, keys `/`-separated and relative to the folder. */
export async function readFolder(folder: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(folder, path).split(sep).join('/'), await readFile(path));
  }
  return files;
}

async function listEtags(s3: S3Client, bucket: string): Promise<Map<string, string>> {
  const etags = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined) etags.set(object.Key, (object.ETag ?? '').replaceAll('"', ''));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return etags;
}

function md5(body: string | Buffer): string {
  return createHash('md5').update(body).digest('hex');
}

function contentTypeOf(key: string): string {
  const extension = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}
