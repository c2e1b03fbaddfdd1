import { buildApp, type S3SpyEvent, type SpyMessage } from 'fauxqs';
import { LocalStackError } from './errors.ts';
import { listFauxqsKeysInByteOrder } from './fauxqs-byte-order.ts';
import { importFauxqsModule } from './fauxqs-internals.ts';
import { type FauxqsS3Store, type HookableApp, installS3Versioning } from './s3-versioning/install.ts';

/** A running in-process fauxqs (SQS + SNS + S3 on one endpoint). */
export interface FauxqsServer {
  readonly endpoint: string;
  readonly port: number;
  /**
   * Calls `listener` synchronously for every object written or deleted in fauxqs's S3, in order.
   * Only available when started with `watchS3: true`.
   */
  onObjectChange(listener: (event: S3SpyEvent) => void): void;
  stop(): Promise<void>;
}

type BuildOptions = NonNullable<Parameters<typeof buildApp>[0]>;
type Stores = NonNullable<BuildOptions['stores']>;
type Constructor<K extends keyof Stores> = { new (): Stores[K] };

/**
 * Starts fauxqs in this process on a free port, with its request log off.
 *
 * The app is fauxqs's own (`buildApp`) over stores we construct, so the local stack can reach its S3
 * store: its buckets support versioning (`s3-versioning/`), and its listings come in UTF-8 byte order,
 * as real S3's do (`fauxqs-byte-order.ts`). fauxqs accepts but ignores bucket notification settings;
 * with `watchS3`, every PutObject / CopyObject / CompleteMultipartUpload / DeleteObject(s) reaches
 * `onObjectChange` listeners through the store's spy hook, which is where fauxqs reports them.
 */
export async function startFauxqsServer(options: { watchS3?: boolean } = {}): Promise<FauxqsServer> {
  await listFauxqsKeysInByteOrder();
  const [{ S3Store }, { SqsStore }, { SnsStore }] = await Promise.all([
    importFauxqsModule<{ S3Store: Constructor<'s3Store'> }>('dist/s3/s3Store.js'),
    importFauxqsModule<{ SqsStore: Constructor<'sqsStore'> }>('dist/sqs/sqsStore.js'),
    importFauxqsModule<{ SnsStore: Constructor<'snsStore'> }>('dist/sns/snsStore.js'),
  ]);
  const s3Store = new S3Store();
  const listeners: ((event: S3SpyEvent) => void)[] = [];
  if (options.watchS3) {
    // The store calls `spy.addMessage` after each change; nothing else of a spy is used by S3.
    (s3Store as unknown as { spy: { addMessage(message: SpyMessage): void } }).spy = {
      addMessage(message) {
        if (message.service !== 's3' || message.status === 'downloaded') return;
        for (const listener of listeners) listener(message);
      },
    };
  }
  const app = buildApp({ logger: false, stores: { s3Store, sqsStore: new SqsStore(), snsStore: new SnsStore() } });
  if (typeof (s3Store as unknown as Partial<FauxqsS3Store>).completeMultipartUpload !== 'function') {
    throw new LocalStackError('expected fauxqs S3Store with completeMultipartUpload, got none: cannot record versions');
  }
  installS3Versioning(app as unknown as HookableApp, s3Store as unknown as FauxqsS3Store);
  const address = await app.listen({ port: 0, host: '0.0.0.0' });
  const port = Number(new URL(address).port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    onObjectChange(listener) {
      if (!options.watchS3) throw new LocalStackError('fauxqs was started without watchS3');
      listeners.push(listener);
    },
    async stop() {
      await app.close();
    },
  };
}
