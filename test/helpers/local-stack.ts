import { DeleteObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LocalStageSettings } from '../../shared/local/stack.ts';

/** Settings like the `local` stage's, with a short collector timeout so a killed batch returns soon. */
export function buildLocalSettings(overrides: Partial<LocalStageSettings> = {}): LocalStageSettings {
  return {
    stage: 'e2e',
    routes: [{ bucket: 'e2e-site', distributionId: 'E1E2E000000000', inventory: true }],
    batchSize: 10_000,
    batchWindowSeconds: 3,
    maxReceiveCount: 5,
    collectorTimeoutSeconds: 2,
    maximumConcurrency: 2,
    environment: { BACKOFF_BASE_SECONDS: '1', BACKOFF_MAX_SECONDS: '4', IN_FLIGHT_CACHE_SECONDS: '1' },
    ...overrides,
  };
}

/** Uploads `files` with `concurrency` uploads at a time, like `aws s3 sync`. */
export async function uploadAll(s3: S3Client, bucket: string, files: ReadonlyMap<string, string>, concurrency = 16) {
  const entries = [...files];
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const [key, body] = entries[next++] as [string, string];
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Deletes keys with DeleteObjects, as `aws s3 sync --delete` does. */
export async function deleteAll(s3: S3Client, bucket: string, keys: readonly string[]) {
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((Key) => ({ Key })) } }));
  }
}

/** `count` files in nested folders under `prefix`, with content tagged by `version`. */
export function buildFiles(prefix: string, count: number, version: number): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    files.set(`${prefix}/section-${i % 20}/item-${i}.html`, `<p>${prefix} ${i} v${version}</p>`);
  }
  return files;
}
