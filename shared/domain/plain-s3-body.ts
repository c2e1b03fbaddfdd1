/**
 * The fields the collector reads from an S3 event notification written the way S3 writes one: a
 * single record, S3's own field order, no whitespace, no escape in any string. Such a body is read by
 * one anchored regular expression (a quarter of `JSON.parse`'s time, since no object is built);
 * any other body is parsed by `JSON.parse` as before (shared/domain/events.ts).
 *
 * Why this is exact, not a guess: every text the expression accepts is valid JSON (it spells out the
 * JSON grammar for this one shape: strings hold no `"`, `\` or control character, numbers are plain
 * integers), and with no escape a JSON string's value is its text, so each captured field is what
 * `JSON.parse` would give. Nothing is assumed about text it does not accept. The order is S3's since
 * 2014 (eventVersion, eventSource, awsRegion, eventTime, eventName, userIdentity, requestParameters,
 * responseElements, s3 { s3SchemaVersion, configurationId, bucket, object }), as in
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html and
 * the bodies quoted in field reports; S3-compatible stores (MinIO) write the same. Should S3 change
 * it, bodies take the `JSON.parse` road: slower, never wrong.
 *
 * The expression is linear: each string is a run of characters that cannot be `"`, closed by `"`,
 * and each optional part starts with its own literal, so nothing is tried twice.
 */

/** The fields of a plain S3 notification body the parser reads (values as `JSON.parse` gives them). */
export interface PlainS3Record {
  readonly eventTime: string;
  readonly eventName: string;
  readonly bucket: string;
  /** The key as written in the event (form-encoded). */
  readonly rawKey: string;
  readonly size: number | undefined;
  readonly sequencer: string | undefined;
}

/** A JSON string's content without escapes: any character but `"`, `\` and U+0000 to U+001F. */
const TEXT = String.raw`[^"\\\u0000-\u001f]*`;
/** A non-negative integer as JSON writes it, at most 15 digits (below 2^53, so `Number` reads it exactly). */
const SIZE = '(?:0|[1-9][0-9]{0,14})';
/** A JSON object of string values only, possibly empty (userIdentity, requestParameters, ...). */
const FLAT = String.raw`\{(?:"${TEXT}":"${TEXT}"(?:,"${TEXT}":"${TEXT}")*)?\}`;
/** A JSON object whose values are strings, integers or {@link FLAT} objects (S3's `...EventData`). */
const NESTED_VALUE = `(?:"${TEXT}"|${SIZE}|${FLAT})`;
const NESTED = String.raw`\{(?:"${TEXT}":${NESTED_VALUE}(?:,"${TEXT}":${NESTED_VALUE})*)?\}`;
const RECORD_EXTRA_VALUE = `(?:"${TEXT}"|${SIZE}|${NESTED})`;

/**
 * Members S3 adds for some operations (`glacierEventData`, `lifecycleEventData`, ...; schema 2.2 and
 * later), after the ones the parser reads. A name the record already has is refused: with a
 * repeated name `JSON.parse` keeps the last value, and the expression would have captured the first.
 */
const extraMembers = (taken: readonly string[], value: string) => `(?:,"(?!(?:${taken.join('|')})")${TEXT}":${value})*`;
const RECORD_MEMBERS = [
  'eventVersion',
  'eventSource',
  'awsRegion',
  'eventTime',
  'eventName',
  'userIdentity',
  'requestParameters',
  'responseElements',
  's3',
];
const OBJECT_MEMBERS = ['key', 'size', 'eTag', 'versionId', 'sequencer'];

const PLAIN_S3_BODY = new RegExp(
  [
    String.raw`^\{"Records":\[\{"eventVersion":"${TEXT}","eventSource":"aws:s3","awsRegion":"${TEXT}",`,
    `"eventTime":"(${TEXT})","eventName":"(${TEXT})",`,
    `"userIdentity":${FLAT},"requestParameters":${FLAT},"responseElements":${FLAT},`,
    String.raw`"s3":\{"s3SchemaVersion":"${TEXT}","configurationId":"${TEXT}",`,
    String.raw`"bucket":\{"name":"(${TEXT})","ownerIdentity":${FLAT},"arn":"${TEXT}"\},`,
    String.raw`"object":\{"key":"(${TEXT})"(?:,"size":(${SIZE}))?(?:,"eTag":"${TEXT}")?`,
    `(?:,"versionId":"${TEXT}")?(?:,"sequencer":"(${TEXT})")?${extraMembers(OBJECT_MEMBERS, NESTED_VALUE)}`,
    String.raw`\}\}${extraMembers(RECORD_MEMBERS, RECORD_EXTRA_VALUE)}\}\]\}$`,
  ].join(''),
);

/**
 * Reads a body written exactly as S3 writes a one-record notification, without building the JSON
 * object tree.
 *
 * @param body - an SQS message body (or an SNS envelope's `Message`)
 * @returns the record's fields, or undefined when the body has any other form (then parse it as JSON)
 */
export function readPlainS3Body(body: string): PlainS3Record | undefined {
  const match = PLAIN_S3_BODY.exec(body);
  if (match === null) return undefined;
  const size = match[5];
  return {
    eventTime: match[1] as string,
    eventName: match[2] as string,
    bucket: match[3] as string,
    rawKey: match[4] as string,
    size: size === undefined ? undefined : Number(size),
    sequencer: match[6],
  };
}
