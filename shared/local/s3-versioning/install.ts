import { parseXml } from '../cloudfront-emulator/xml-parse.ts';
import { ListVersionsArgumentError, listVersions } from './list-versions.ts';
import { type StoredObjectFields, VERSIONING_STATUS, type VersioningStatus, VersionStore } from './version-store.ts';
import { renderListVersions, renderS3Error, renderVersioningConfiguration } from './versioning-xml.ts';

/** The parts of fauxqs 1.9's `S3Store` instance that versioning wraps and reads. */
export interface FauxqsS3Store {
  readonly buckets: Map<string, Map<string, StoredObjectFields>>;
  readonly multipartUploads: Map<string, { readonly bucket: string; readonly key: string }>;
  putObject(bucket: string, key: string, ...rest: unknown[]): StoredObjectFields;
  completeMultipartUpload(uploadId: string, ...rest: unknown[]): StoredObjectFields;
  deleteObject(bucket: string, key: string): void;
}

interface HookRequest {
  readonly method: string;
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
}

interface HookReply {
  readonly statusCode: number;
  code(status: number): HookReply;
  header(name: string, value: string): HookReply;
  send(payload?: string): HookReply;
}

/** The two Fastify hooks versioning adds to fauxqs's app. */
export interface HookableApp {
  addHook(name: 'preHandler', hook: (request: HookRequest, reply: HookReply) => Promise<unknown>): unknown;
  addHook(
    name: 'onSend',
    hook: (request: HookRequest, reply: HookReply, payload: unknown) => Promise<unknown>,
  ): unknown;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

type Query = Readonly<Record<string, string | undefined>>;

/**
 * Adds S3 bucket versioning to a fauxqs 1.9 app (fauxqs has none; 2.x needs Node 22.5): every put and
 * delete of the store is recorded in a {@link VersionStore}, and the app answers PutBucketVersioning,
 * GetBucketVersioning and ListObjectVersions, refuses DeleteBucket while versions remain (BucketNotEmpty),
 * and sends `x-amz-version-id` (and `x-amz-delete-marker`) on writes to a versioned bucket. Requests for
 * a particular version (`versionId`) are not emulated and answer NotImplemented rather than the current
 * object. Call before the app listens.
 */
export function installS3Versioning(app: HookableApp, store: FauxqsS3Store): void {
  const versions = new VersionStore();
  recordWrites(store, versions);
  app.addHook('preHandler', async (request, reply) => {
    const { bucket, key } = targetOf(request);
    if (bucket === undefined) return;
    const query = (request.query ?? {}) as Query;
    const answer =
      key === ''
        ? answerBucket(request, bucket, query, store, versions)
        : answerObject(request.method, bucket, key, query);
    if (answer === undefined) return;
    reply.code(answer.status).header('content-type', 'application/xml').send(answer.body);
    return reply;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const { bucket, key } = targetOf(request);
    const query = (request.query ?? {}) as Query;
    if (bucket === undefined || key === '' || reply.statusCode >= 300 || !isObjectWrite(request.method, query))
      return payload;
    const latest = versions.status(bucket) === undefined ? undefined : versions.latest(bucket, key);
    if (latest === undefined) return payload;
    reply.header('x-amz-version-id', latest.versionId);
    if (latest.deleteMarker) reply.header('x-amz-delete-marker', 'true');
    return payload;
  });
}

function recordWrites(store: FauxqsS3Store, versions: VersionStore): void {
  const current = (bucket: string, key: string) => store.buckets.get(bucket)?.get(key);
  const putObject = store.putObject.bind(store);
  const completeMultipartUpload = store.completeMultipartUpload.bind(store);
  const deleteObject = store.deleteObject.bind(store);
  store.putObject = (bucket, key, ...rest) => {
    const previous = current(bucket, key);
    const object = putObject(bucket, key, ...rest);
    versions.recordPut(bucket, object, previous);
    return object;
  };
  store.completeMultipartUpload = (uploadId, ...rest) => {
    const upload = store.multipartUploads.get(uploadId);
    const previous = upload === undefined ? undefined : current(upload.bucket, upload.key);
    const object = completeMultipartUpload(uploadId, ...rest);
    if (upload !== undefined) versions.recordPut(upload.bucket, object, previous);
    return object;
  };
  // DeleteObjects deletes through `this.deleteObject`, so it is recorded here too.
  store.deleteObject = (bucket, key) => {
    const previous = current(bucket, key);
    deleteObject(bucket, key);
    versions.recordDelete(bucket, key, previous, new Date());
  };
}

function targetOf(request: HookRequest): { bucket: string | undefined; key: string } {
  const params = (request.params ?? {}) as { bucket?: string; '*'?: string };
  return { bucket: params.bucket, key: params['*'] ?? '' };
}

function isObjectWrite(method: string, query: Query): boolean {
  if (method === 'PUT') return query.partNumber === undefined && query.uploadId === undefined;
  if (method === 'DELETE') return query.uploadId === undefined;
  return method === 'POST' && query.uploadId !== undefined;
}

function answerBucket(
  request: HookRequest,
  bucket: string,
  query: Query,
  store: FauxqsS3Store,
  versions: VersionStore,
): Answer | undefined {
  const { method } = request;
  const asks = (name: string) => query[name] !== undefined;
  const handled =
    (asks('versioning') && (method === 'PUT' || method === 'GET')) ||
    (asks('versions') && method === 'GET') ||
    (method === 'DELETE' && versions.holdsVersions(bucket));
  if (!handled) return undefined;
  const objects = store.buckets.get(bucket);
  if (objects === undefined) return error(404, 'NoSuchBucket', 'The specified bucket does not exist', `/${bucket}`);
  if (method === 'DELETE') {
    return error(
      409,
      'BucketNotEmpty',
      'The bucket you tried to delete is not empty. You must delete all versions in the bucket.',
      `/${bucket}`,
    );
  }
  if (asks('versions')) return answerListVersions(bucket, query, versions, objects);
  if (method === 'GET') return { status: 200, body: renderVersioningConfiguration(versions.status(bucket)) };
  const status = statusFromBody(request.body);
  if (status === 'malformed')
    return error(
      400,
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
      `/${bucket}`,
    );
  if (status !== undefined) versions.setStatus(bucket, status);
  return { status: 200, body: '' };
}

function answerListVersions(
  bucket: string,
  query: Query,
  versions: VersionStore,
  objects: ReadonlyMap<string, StoredObjectFields>,
): Answer {
  const maxKeys = query['max-keys'] === undefined ? 1000 : Number(query['max-keys']);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    return error(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range', `/${bucket}`);
  }
  const encodingType = query['encoding-type'];
  if (encodingType !== undefined && encodingType !== 'url') {
    return error(400, 'InvalidArgument', 'Invalid Encoding Method specified in Request', `/${bucket}`);
  }
  const selection = {
    prefix: query.prefix ?? '',
    delimiter: query.delimiter || undefined,
    keyMarker: query['key-marker'] || undefined,
    versionIdMarker: query['version-id-marker'] || undefined,
    maxKeys,
  };
  try {
    const page = listVersions(versions.versionsOf(bucket, objects), selection);
    return { status: 200, body: renderListVersions(bucket, { ...selection, encodingType }, page) };
  } catch (failure) {
    if (!(failure instanceof ListVersionsArgumentError)) throw failure;
    return error(400, 'InvalidArgument', failure.message, `/${bucket}`);
  }
}

function answerObject(method: string, bucket: string, key: string, query: Query): Answer | undefined {
  if (query.versionId === undefined) return undefined;
  const operation = `${method} of a particular version`;
  return error(501, 'NotImplemented', `${operation} is not emulated by the local S3`, `/${bucket}/${key}`);
}

/** The `Status` of a VersioningConfiguration body; `undefined` when it has none (MFA delete only). */
function statusFromBody(body: unknown): VersioningStatus | undefined | 'malformed' {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  try {
    const root = parseXml(text);
    if (root.name !== 'VersioningConfiguration') return 'malformed';
    const status = root.children.find((child) => child.name === 'Status')?.text;
    if (status === undefined) return undefined;
    return status === VERSIONING_STATUS.enabled || status === VERSIONING_STATUS.suspended ? status : 'malformed';
  } catch {
    return 'malformed';
  }
}

function error(status: number, code: string, message: string, resource: string): Answer {
  return { status, body: renderS3Error(code, message, resource) };
}
