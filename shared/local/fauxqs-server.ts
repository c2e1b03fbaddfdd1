import { type S3SpyEvent, type SpyMessage, startFauxqs } from 'fauxqs';
import { LocalStackError } from './errors.ts';
import { listFauxqsKeysInByteOrder } from './fauxqs-byte-order.ts';

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

/**
 * Starts fauxqs in this process on a free port, with its request log off.
 *
 * fauxqs accepts but ignores bucket notification settings. With `watchS3`, its message spy is switched
 * on (with a one-entry buffer, so it holds no memory) and hooked, so the local stack's notification
 * bridge learns of every PutObject / CopyObject / CompleteMultipartUpload / DeleteObject(s).
 * Its S3 lists keys in UTF-8 byte order, as real S3 does (see `fauxqs-byte-order.ts`).
 */
export async function startFauxqsServer(options: { watchS3?: boolean } = {}): Promise<FauxqsServer> {
  await listFauxqsKeysInByteOrder();
  const server = await startFauxqs({
    port: 0,
    logger: false,
    ...(options.watchS3 ? { messageSpies: { bufferSize: 1 } } : {}),
  });
  const listeners: ((event: S3SpyEvent) => void)[] = [];
  if (options.watchS3) {
    const spy = server.spy as unknown as { addMessage?: (message: SpyMessage) => void };
    const original = spy.addMessage?.bind(spy);
    if (original === undefined)
      throw new LocalStackError('fauxqs message spy has no addMessage: S3 changes cannot be observed');
    spy.addMessage = (message) => {
      original(message);
      if (message.service !== 's3' || message.status === 'downloaded') return;
      for (const listener of listeners) listener(message);
    };
  }
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    port: server.port,
    onObjectChange(listener) {
      if (!options.watchS3) throw new LocalStackError('fauxqs was started without watchS3');
      listeners.push(listener);
    },
    async stop() {
      await server.stop();
    },
  };
}
