import fc from 'fast-check';

/**
 * S3 notification bodies as text, the way S3 puts them on the wire: one record, S3's field order, no
 * whitespace (the layout of the example in
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html and of the
 * bodies quoted in field reports; values made up). Ground truth for the plain-body reader, written
 * out rather than built, so they do not share a mistake with the code under test.
 */
export const S3_WIRE_BODIES = {
  put: '{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1","eventTime":"2024-07-24T16:59:30.597Z","eventName":"ObjectCreated:Put","userIdentity":{"principalId":"AWS:AIDAEXAMPLE1"},"requestParameters":{"sourceIPAddress":"198.51.100.7"},"responseElements":{"x-amz-request-id":"A84C3C26RW7FXM27","x-amz-id-2":"NXr2Xi/nnCKwSbrt+Zo6tQvFPFYOux/30PrsxrWtaNhVEVaC="},"s3":{"s3SchemaVersion":"1.0","configurationId":"site changes","bucket":{"name":"www-example","ownerIdentity":{"principalId":"A3DSM5K7EXAMPLE"},"arn":"arn:aws:s3:::www-example"},"object":{"key":"docs/my+report%2Bfinal.html","size":1570,"eTag":"ab6889744611c77991cbc6ca12d1dd00","sequencer":"0066A131D28A1E25B4"}}}]}',
  versionedPut:
    '{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-west-2","eventTime":"1970-01-01T00:00:00.000Z","eventName":"ObjectCreated:CompleteMultipartUpload","userIdentity":{"principalId":"AIDAJDPLRKLG7UEXAMPLE"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},"s3":{"s3SchemaVersion":"1.0","configurationId":"testConfigRule","bucket":{"name":"mybucket","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::mybucket"},"object":{"key":"assets/caf%C3%A9.png","size":0,"eTag":"d41d8cd98f00b204e9800998ecf8427e","versionId":"096fKKXTRTtl3on89fVO.nfljtsv6qko","sequencer":"0055AED6DCD90281E5"}}}]}',
  delete:
    '{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2025-01-02T03:04:05.678Z","eventName":"ObjectRemoved:Delete","userIdentity":{"principalId":"AWS:AROAEXAMPLE:deploy"},"requestParameters":{"sourceIPAddress":"203.0.113.9"},"responseElements":{"x-amz-request-id":"1B2C3D4E5F6A7B8C","x-amz-id-2":"x/y+z="},"s3":{"s3SchemaVersion":"1.0","configurationId":"invalidator","bucket":{"name":"assets.example.com","ownerIdentity":{"principalId":"A1F2PSER1FB8MY"},"arn":"arn:aws:s3:::assets.example.com"},"object":{"key":"old/page.html","sequencer":"0065F2000000000A01"}}}]}',
  lifecycleExpiration:
    '{"Records":[{"eventVersion":"2.3","eventSource":"aws:s3","awsRegion":"us-west-2","eventTime":"2025-05-06T00:00:00.000Z","eventName":"LifecycleExpiration:DeleteMarkerCreated","userIdentity":{"principalId":"s3.amazonaws.com"},"requestParameters":{"sourceIPAddress":"s3.amazonaws.com"},"responseElements":{"x-amz-request-id":"C3D13FE58DE4C811","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQ"},"s3":{"s3SchemaVersion":"1.0","configurationId":"expiry","bucket":{"name":"logs-bucket","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::logs-bucket"},"object":{"key":"2024/01/app.log","versionId":"3HL4kqtJvjVBH40Nrjfkd","sequencer":"0055AED6DCD90281E6"}},"lifecycleEventData":{"transitionEventData":{"destinationStorageClass":"GLACIER"}}}]}',
  /** An S3-compatible store (MinIO): `s3:` before the event name, empty responseElements, no eTag. */
  compatibleStore:
    '{"Records":[{"eventVersion":"2.0","eventSource":"aws:s3","awsRegion":"","eventTime":"2016-09-08T22:34:38.226Z","eventName":"s3:ObjectCreated:Put","userIdentity":{"principalId":"minio"},"requestParameters":{"sourceIPAddress":"10.1.10.150:44576"},"responseElements":{},"s3":{"s3SchemaVersion":"1.0","configurationId":"Config","bucket":{"name":"images","ownerIdentity":{"principalId":"minio"},"arn":"arn:aws:s3:::images"},"object":{"key":"myphoto.jpg","size":200436,"sequencer":"147279EAF9F40933"}}}]}',
} as const;

/** A notification record as `JSON.parse` gives it, the fields the collector reads. */
interface ParsedRecord {
  readonly eventTime: unknown;
  readonly eventName: unknown;
  readonly s3: { readonly bucket: { readonly name: unknown }; readonly object: Record<string, unknown> };
}

/** The fields the collector reads from a one-record notification body, as `JSON.parse` gives them. */
export function plainFieldsByJsonParse(body: string) {
  const record = (JSON.parse(body) as { Records: ParsedRecord[] }).Records[0] as ParsedRecord;
  const { object } = record.s3;
  return {
    eventTime: record.eventTime,
    eventName: record.eventName,
    bucket: record.s3.bucket.name,
    rawKey: object.key,
    size: typeof object.size === 'number' ? object.size : undefined,
    sequencer: object.sequencer,
  };
}

/** A JSON value written member by member, so a name may repeat (`JSON.stringify` of an object cannot). */
type Members = readonly (readonly [string, unknown])[];
const MEMBERS = Symbol('members');
interface Written {
  readonly [MEMBERS]: Members;
}
const object = (members: Members): Written => ({ [MEMBERS]: members });

function write(value: unknown, pretty: boolean): string {
  const gap = pretty ? ' ' : '';
  if (Array.isArray(value)) return `[${value.map((item) => write(item, pretty)).join(`,${gap}`)}]`;
  if (typeof value === 'object' && value !== null && MEMBERS in value) {
    const members = (value as Written)[MEMBERS];
    return `{${members.map(([name, item]) => `${JSON.stringify(name)}:${gap}${write(item, pretty)}`).join(`,${gap}`)}}`;
  }
  return JSON.stringify(value);
}

/** Strings S3 writes, and the characters JSON must escape (quote, backslash, controls) or may hold raw. */
const text = (maxLength = 8) =>
  fc.string({
    unit: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('a', 'Z', '0', '9', '/', '.', '-', '_', '+', '%', '2', ':', ' ') },
      {
        weight: 1,
        arbitrary: fc.constantFrom('"', '\\', '\u0000', '\n', '\u001f', '\u007f', 'é', '日', '\ud800', '\u2028'),
      },
    ),
    maxLength,
  });
const plainText = (maxLength = 8) =>
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '/', '.', '-', '+', '%', ':', ' ', 'é', '\u2028'), maxLength });

const flat = (value: fc.Arbitrary<string>) =>
  fc.array(fc.tuple(value, value), { maxLength: 2 }).map((members) => object(members));

const EVENT_NAMES = [
  'ObjectCreated:Put',
  'ObjectCreated:Copy',
  'ObjectRemoved:Delete',
  'ObjectRemoved:DeleteMarkerCreated',
  'LifecycleExpiration:Delete',
  's3:ObjectCreated:Post',
  'ObjectRestore:Completed',
  'LifecycleTransition',
  '',
];

/** Names an extra member may take: new ones, and the ones a record or object already has. */
const RECORD_NAMES = ['glacierEventData', 'lifecycleEventData', 'eventName', 'eventTime', 's3', 'awsRegion'];
const OBJECT_NAMES = ['tags', 'key', 'size', 'sequencer', 'eTag'];

export interface S3BodyOptions {
  /** Only characters JSON writes without an escape, S3's order, no repeated name, one record. */
  readonly plain: boolean;
}

/**
 * Text of an S3 notification body: S3's layout with every value drawn (escapes, odd sizes, optional
 * members), and unless `plain`, also members out of order, repeated names, extra members, several or
 * no records, extra top-level members and whitespace.
 */
export function s3BodyText({ plain }: S3BodyOptions): fc.Arbitrary<string> {
  const str = plain ? plainText() : text();
  const size = plain
    ? fc.option(fc.oneof(fc.nat(), fc.constant(999_999_999_999_999)), { nil: undefined })
    : fc.option(fc.oneof(fc.nat(), fc.double(), fc.constant(-1), fc.constant(2 ** 53), fc.constant('12')), {
        nil: undefined,
      });
  const member = (names: readonly string[]) =>
    fc.tuple(plain ? fc.constant('extraData') : fc.constantFrom(...names), fc.oneof(str, flat(str)));
  const record = fc
    .record({
      eventTime: str,
      eventName: plain ? fc.constantFrom(...EVENT_NAMES) : fc.oneof(fc.constantFrom(...EVENT_NAMES), str),
      identities: fc.tuple(flat(str), flat(str), flat(str), flat(str)),
      bucket: str,
      key: str,
      size,
      eTag: fc.option(str, { nil: undefined }),
      versionId: fc.option(str, { nil: undefined }),
      sequencer: fc.option(str, { nil: undefined }),
      extraObject: fc.array(member(OBJECT_NAMES), { maxLength: plain ? 1 : 2 }),
      extraRecord: fc.array(member(RECORD_NAMES), { maxLength: plain ? 1 : 2 }),
      reversed: plain ? fc.constant(false) : fc.boolean(),
    })
    .map((r) => {
      const objectMembers: [string, unknown][] = [['key', r.key]];
      if (r.size !== undefined) objectMembers.push(['size', r.size]);
      if (r.eTag !== undefined) objectMembers.push(['eTag', r.eTag]);
      if (r.versionId !== undefined) objectMembers.push(['versionId', r.versionId]);
      if (r.sequencer !== undefined) objectMembers.push(['sequencer', r.sequencer]);
      objectMembers.push(...r.extraObject);
      if (r.reversed) objectMembers.reverse();
      const [userIdentity, requestParameters, responseElements, ownerIdentity] = r.identities;
      return object([
        ['eventVersion', '2.1'],
        ['eventSource', 'aws:s3'],
        ['awsRegion', 'us-east-1'],
        ['eventTime', r.eventTime],
        ['eventName', r.eventName],
        ['userIdentity', userIdentity],
        ['requestParameters', requestParameters],
        ['responseElements', responseElements],
        [
          's3',
          object([
            ['s3SchemaVersion', '1.0'],
            ['configurationId', 'invalidator'],
            [
              'bucket',
              object([
                ['name', r.bucket],
                ['ownerIdentity', ownerIdentity],
                ['arn', `arn:aws:s3:::${r.bucket}`],
              ]),
            ],
            ['object', object(objectMembers)],
          ]),
        ],
        ...r.extraRecord,
      ]);
    });
  if (plain) return record.map((r) => write(object([['Records', [r]]]), false));
  return fc
    .record({
      records: fc.array(record, { minLength: 0, maxLength: 2 }),
      extraTop: fc.option(fc.tuple(fc.constantFrom('Records', 'Event', 'note'), str), { nil: undefined }),
      pretty: fc.boolean(),
    })
    .map(({ records, extraTop, pretty }) =>
      write(object([['Records', records], ...(extraTop === undefined ? [] : [extraTop])]), pretty),
    );
}

/** A body with one character inserted, removed or replaced: near misses of the plain form. */
export function editedText(body: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .record({
      body,
      at: fc.nat(),
      edit: fc.constantFrom('insert', 'remove', 'replace'),
      char: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', 'a', '-', '.', 'e'),
    })
    .map(({ body: text, at, edit, char }) => {
      const i = at % (text.length + 1);
      if (edit === 'insert') return text.slice(0, i) + char + text.slice(i);
      if (edit === 'remove') return text.slice(0, i) + text.slice(i + 1);
      return text.slice(0, i) + char + text.slice(i + 1);
    });
}
