import { describeValue } from './errors.ts';
import { decodeEventKey, decodeEventKeyKeepingPlus } from './paths.ts';
import { readPlainS3Body } from './plain-s3-body.ts';

/**
 * Parsing of the SQS messages the collector receives. Accepted message bodies:
 * - an S3 event notification (`Records[]` with `eventSource: "aws:s3"`; one message may hold several records);
 * - the same inside an SNS envelope (`Type: "Notification"`, `Message` is the JSON text), when the
 *   subscription does not use raw message delivery;
 * - an EventBridge event from S3 (`source: "aws.s3"`, `detail-type` "Object Created" / "Object Deleted"),
 *   straight or inside an SNS envelope;
 * - `s3:TestEvent` (sent when a notification configuration is saved): reported in `testEvents`.
 *
 * Event names that count: ObjectCreated:*, ObjectRemoved:* and LifecycleExpiration:* (Delete,
 * DeleteMarkerCreated): each changes what the distribution serves. Every other S3 event type
 * (ObjectRestore:*, Replication:*, LifecycleTransition, IntelligentTiering, ObjectTagging:*, ObjectAcl:Put,
 * EventBridge "Object Restore Completed", ...) leaves the served bytes alone; such a record is reported as
 * a problem ("ignored") rather than dropped silently, since it means the bucket sends events this
 * service was not set up for. Problems are logged and acknowledged, never retried.
 *
 * Keys: notification keys are form-encoded (`+` is a space, `%2B` a plus). EventBridge keys are decoded
 * the same way (AWS's own Powertools for Lambda (Python) applies `unquote_plus` to `detail.object.key`),
 * but S3's EventBridge docs promise neither reading and a field report says EventBridge keeps `+`
 * literal: an EventBridge key holding `+` yields two changes, one per reading, so both are invalidated.
 *
 * Hot path (10,000 records a batch): a body written the way S3 writes one (one record, S3's field order,
 * no escapes) is read by one anchored regular expression that accepts only such JSON
 * (shared/domain/plain-s3-body.ts); any other body takes one JSON.parse (two for an SNS envelope) and
 * plain property checks. Both roads give the same changes, problems and test events (a property test
 * holds them to it). No closures per record. A bad record never hides the good ones.
 */

/** The part of an SQS record the parser reads (an aws-lambda `SQSRecord` fits). */
export interface SqsRecordLike {
  readonly messageId: string;
  readonly body: string;
  readonly attributes?: {
    readonly ApproximateReceiveCount?: string;
    readonly SentTimestamp?: string;
    readonly ApproximateFirstReceiveTimestamp?: string;
  };
}

/** What happened to an object, as far as the cache is concerned. */
export const CHANGE_KIND = { created: 'created', removed: 'removed' } as const;
export type ChangeKind = (typeof CHANGE_KIND)[keyof typeof CHANGE_KIND];

/** One object change from one S3 record. */
export interface S3Change {
  readonly messageId: string;
  readonly bucket: string;
  /** The object key, decoded. */
  readonly key: string;
  readonly kind: ChangeKind;
  /** `ObjectCreated:Put`, `LifecycleExpiration:Delete`, or the EventBridge detail-type. */
  readonly eventName: string;
  /** S3's per-key ordering token (compare only for the same key). */
  readonly sequencer: string | undefined;
  readonly eventTime: string | undefined;
  readonly size: number | undefined;
}

/** A message (or one record of it) that could not be used; the reason names the field, never the payload. */
export interface RecordProblem {
  readonly messageId: string;
  readonly reason: string;
}

/** The result of parsing a batch; every message id shows up in at least one of the three lists. */
export interface ParsedBatch {
  readonly changes: S3Change[];
  readonly problems: RecordProblem[];
  /** Message ids of `s3:TestEvent` messages: acknowledge silently. */
  readonly testEvents: string[];
}

type Json = Record<string, unknown>;

const NOT_AN_EVENT = 'expected an S3 notification (Records[]), an SNS Notification or an aws.s3 EventBridge event';

// AWS's own vocabulary, echoed in reasons so an operator sees which event was ignored. Any other text
// is described by its length only: message fields can hold object keys and whatever a sender wrote,
// and reasons end up in logs (docs/security.md).
const S3_EVENT_NAME =
  /^(s3:)?(ObjectCreated|ObjectRemoved|ObjectRestore|Replication|LifecycleExpiration|LifecycleTransition|IntelligentTiering|ObjectTagging|ObjectAcl|ReducedRedundancyLostObject|TestEvent)(:[A-Za-z*]{1,40})?$/;
const EVENT_SOURCE = /^aws:[a-z0-9]{2,20}$/;
const SNS_TYPE = /^(Notification|SubscriptionConfirmation|UnsubscribeConfirmation)$/;
const EVENTBRIDGE_DETAIL_TYPE =
  /^Object (Created|Deleted|Restore (Initiated|Completed|Expired)|Tags (Added|Deleted)|ACL Updated|Storage Class Changed|Access Tier Changed)$/;
const NOTHING = /$^/;

/** A message field for a reason: AWS tokens as they are, other strings by length, other values by type. */
function describeField(value: unknown, vocabulary: RegExp): string {
  if (typeof value !== 'string') return describeValue(value);
  return vocabulary.test(value) ? JSON.stringify(value) : `a string of ${value.length} characters`;
}

/** Receives each object change as the parser finds it, in batch order. */
export type ChangeSink = (change: S3Change) => void;

/** What a walk of a batch reports besides the changes it hands to its sink. */
export interface BatchWalk {
  readonly problems: RecordProblem[];
  /** Message ids of `s3:TestEvent` messages: acknowledge silently. */
  readonly testEvents: string[];
}

/**
 * Parses SQS records into object changes, problems and test events. Never throws for bad input.
 *
 * @param records - the SQS records of one batch
 */
export function parseSqsRecords(records: readonly SqsRecordLike[]): ParsedBatch {
  const changes: S3Change[] = [];
  const { problems, testEvents } = walkSqsRecords(records, (change) => changes.push(change));
  return { changes, problems, testEvents };
}

/**
 * Parses SQS records and hands each object change to `onChange` as soon as it is read, so a caller
 * that routes as it goes (`groupSqsRecords`) walks the batch once and keeps only what it needs.
 * Never throws for bad input.
 *
 * @param records - the SQS records of one batch
 * @param onChange - called once per change, in batch order
 * @returns the problems and test events; every message id shows up in them or in a change
 */
export function walkSqsRecords(records: readonly SqsRecordLike[], onChange: ChangeSink): BatchWalk {
  const walk: Walk = { problems: [], testEvents: [], onChange };
  for (let i = 0; i < records.length; i++) {
    const { messageId, body } = records[i] as SqsRecordLike;
    if (typeof body !== 'string') {
      walk.problems.push({ messageId, reason: `body: expected a string, got ${describeValue(body)}` });
      continue;
    }
    if (collectPlain(messageId, body, walk)) continue;
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      walk.problems.push({ messageId, reason: 'body: expected JSON, got text that does not parse' });
      continue;
    }
    const reason = collectMessage(messageId, message, walk, false);
    if (reason !== undefined) walk.problems.push({ messageId, reason });
  }
  return { problems: walk.problems, testEvents: walk.testEvents };
}

/**
 * Parses one already-decoded message (an SQS body, a bare S3 notification or an EventBridge event).
 *
 * @param messageId - the id the results are filed under
 * @param message - the parsed JSON
 * @param into - a batch to add to; a new one when omitted
 */
export function parseEventMessage(messageId: string, message: unknown, into?: ParsedBatch): ParsedBatch {
  const batch = into ?? { changes: [], problems: [], testEvents: [] };
  const walk: Walk = {
    problems: batch.problems,
    testEvents: batch.testEvents,
    onChange: (change) => batch.changes.push(change),
  };
  const reason = collectMessage(messageId, message, walk, false);
  if (reason !== undefined) walk.problems.push({ messageId, reason });
  return batch;
}

/** A walk in progress: where problems, test events and changes go. */
interface Walk extends BatchWalk {
  readonly onChange: ChangeSink;
}

// The collectors below hand changes to the walk's sink, add per-record problems to it, and return the reason of a
// problem that concerns the whole message, or undefined.

function collectMessage(messageId: string, message: unknown, walk: Walk, inEnvelope: boolean): string | undefined {
  if (!isObject(message)) return `message: ${NOT_AN_EVENT}, got ${describeField(message, NOTHING)}`;
  const records = message.Records;
  if (records !== undefined) return collectNotification(messageId, records, walk);
  if (message.Event === 's3:TestEvent') {
    walk.testEvents.push(messageId);
    return undefined;
  }
  if (message.source === 'aws.s3') return collectEventBridge(messageId, message, walk);
  if (message.Type !== undefined && !inEnvelope) return collectSns(messageId, message, walk);
  return `message: ${NOT_AN_EVENT}`;
}

function collectSns(messageId: string, envelope: Json, walk: Walk): string | undefined {
  if (envelope.Type !== 'Notification') {
    return `Type: expected an SNS "Notification", got ${describeField(envelope.Type, SNS_TYPE)}`;
  }
  if (typeof envelope.Message !== 'string') {
    return `Message: expected the S3 event as JSON text, got ${describeValue(envelope.Message)}`;
  }
  if (collectPlain(messageId, envelope.Message, walk)) return undefined;
  let inner: unknown;
  try {
    inner = JSON.parse(envelope.Message);
  } catch {
    return 'Message: expected JSON, got text that does not parse';
  }
  return collectMessage(messageId, inner, walk, true);
}

function collectNotification(messageId: string, records: unknown, walk: Walk): string | undefined {
  if (!Array.isArray(records) || records.length === 0) {
    return `Records: expected a non-empty array, got ${describeField(records, NOTHING)}`;
  }
  for (let i = 0; i < records.length; i++) {
    const record: unknown = records[i];
    let reason: string | undefined;
    if (!isObject(record)) reason = `Records[${i}]: expected an object, got ${describeField(record, NOTHING)}`;
    else if (record.eventSource !== 'aws:s3') {
      reason = `Records[${i}].eventSource: expected "aws:s3", got ${describeField(record.eventSource, EVENT_SOURCE)}`;
    } else reason = collectS3Record(messageId, record, i, walk);
    if (reason !== undefined) walk.problems.push({ messageId, reason });
  }
  return undefined;
}

function collectS3Record(messageId: string, record: Json, index: number, walk: Walk): string | undefined {
  const eventName = record.eventName;
  const kind = typeof eventName === 'string' ? kindOfEventName(eventName) : undefined;
  if (kind === undefined) {
    const expected = 'ObjectCreated:*, ObjectRemoved:* or LifecycleExpiration:*';
    return `Records[${index}].eventName: expected ${expected}, got ${describeField(eventName, S3_EVENT_NAME)} (ignored)`;
  }
  const s3 = record.s3;
  const bucket = isObject(s3) && isObject(s3.bucket) ? s3.bucket.name : undefined;
  if (typeof bucket !== 'string' || bucket === '') {
    return `Records[${index}].s3.bucket.name: expected a bucket name, got ${describeField(bucket, NOTHING)}`;
  }
  const object = isObject(s3) ? s3.object : undefined;
  return addObjectChange(walk, messageId, index, bucket, object, kind, eventName as string, record.eventTime);
}

/**
 * A body in S3's own plain form, read without JSON.parse: true when it was (its change or its problem
 * is in the walk), false when it must be parsed. Bodies the plain form holds but that would be a
 * problem or an ignored event are left to the parser, so every reason is written in one place.
 */
function collectPlain(messageId: string, body: string, walk: Walk): boolean {
  const plain = readPlainS3Body(body);
  if (plain === undefined || plain.bucket === '' || plain.rawKey === '') return false;
  const kind = kindOfEventName(plain.eventName);
  if (kind === undefined) return false;
  const { bucket, rawKey, sequencer, size, eventName, eventTime } = plain;
  const reason = addChange(walk, messageId, 0, bucket, rawKey, sequencer, size, kind, eventName, eventTime);
  if (reason !== undefined) walk.problems.push({ messageId, reason });
  return true;
}

function collectEventBridge(messageId: string, event: Json, walk: Walk): string | undefined {
  const detailType = event['detail-type'];
  let kind: ChangeKind;
  if (detailType === 'Object Created') kind = CHANGE_KIND.created;
  else if (detailType === 'Object Deleted') kind = CHANGE_KIND.removed;
  else
    return `detail-type: expected "Object Created" or "Object Deleted", got ${describeField(detailType, EVENTBRIDGE_DETAIL_TYPE)} (ignored)`;
  const detail = event.detail;
  const bucket = isObject(detail) && isObject(detail.bucket) ? detail.bucket.name : undefined;
  if (typeof bucket !== 'string' || bucket === '') {
    return `detail.bucket.name: expected a bucket name, got ${describeField(bucket, NOTHING)}`;
  }
  const object = isObject(detail) ? detail.object : undefined;
  return addObjectChange(walk, messageId, EVENTBRIDGE, bucket, object, kind, detailType, event.time);
}

/** `recordIndex` of an EventBridge event, whose object sits at `detail.object`. */
const EVENTBRIDGE = -1;

function objectField(recordIndex: number): string {
  return recordIndex === EVENTBRIDGE ? 'detail.object' : `Records[${recordIndex}].s3.object`;
}

/** The change an event's object (parsed JSON) describes, or the reason it describes none. */
function addObjectChange(
  walk: Walk,
  messageId: string,
  recordIndex: number,
  bucket: string,
  object: unknown,
  kind: ChangeKind,
  eventName: string,
  eventTime: unknown,
): string | undefined {
  const rawKey = isObject(object) ? object.key : undefined;
  if (typeof rawKey !== 'string' || rawKey === '') {
    return `${objectField(recordIndex)}.key: expected an object key, got ${describeField(rawKey, NOTHING)}`;
  }
  const { sequencer, size } = object as Json;
  return addChange(walk, messageId, recordIndex, bucket, rawKey, sequencer, size, kind, eventName, eventTime);
}

function addChange(
  walk: Walk,
  messageId: string,
  recordIndex: number,
  bucket: string,
  rawKey: string,
  sequencer: unknown,
  size: unknown,
  kind: ChangeKind,
  eventName: string,
  eventTime: unknown,
): string | undefined {
  const decoded = decodeEventKey(rawKey);
  if (!decoded.ok) return `${objectField(recordIndex)}.key: ${decoded.reason}`;
  const change: S3Change = {
    messageId,
    bucket,
    key: decoded.key,
    kind,
    eventName,
    sequencer: typeof sequencer === 'string' ? sequencer : undefined,
    eventTime: typeof eventTime === 'string' ? eventTime : undefined,
    size: typeof size === 'number' ? size : undefined,
  };
  walk.onChange(change);
  if (recordIndex === EVENTBRIDGE && rawKey.includes('+')) {
    const literal = decodeEventKeyKeepingPlus(rawKey);
    if (literal.ok && literal.key !== decoded.key) walk.onChange({ ...change, key: literal.key });
  }
  return undefined;
}

function kindOfEventName(eventName: string): ChangeKind | undefined {
  // Some S3-compatible stores prefix "s3:"; AWS does not. Plain prefix checks, no regex.
  const name = eventName.startsWith('s3:') ? eventName.slice(3) : eventName;
  if (name.startsWith('ObjectCreated:')) return CHANGE_KIND.created;
  if (name.startsWith('ObjectRemoved:') || name.startsWith('LifecycleExpiration:')) return CHANGE_KIND.removed;
  return undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
