import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANGE_KIND, type ParsedBatch, parseEventMessage, parseSqsRecords } from '../../shared/domain/events.ts';
import {
  buildEventBridgeS3Event,
  buildS3Notification,
  buildS3Record,
  buildSnsEnvelope,
  buildSqsBatch,
  buildSqsRecord,
  buildTestEvent,
  encodeS3EventKey,
} from '../helpers/events.ts';
import { editedText, S3_WIRE_BODIES, s3BodyText } from '../helpers/s3-wire-bodies.ts';

describe('parseSqsRecords', () => {
  describe('an S3 notification', () => {
    it('yields one change with the decoded key, sequencer, time and size', () => {
      // Prepare
      const s3 = buildS3Record({
        bucket: 'site',
        key: 'docs/my report+final.html',
        sequencer: '0065F2000000000001',
        size: 42,
      });
      const record = buildSqsRecord(buildS3Notification([s3]), { messageId: 'm-1' });
      // Act
      const batch = parseSqsRecords([record]);
      // Assess
      expect(s3.s3.object.key).toBe('docs/my+report%2Bfinal.html');
      expect(batch).toEqual({
        changes: [
          {
            messageId: 'm-1',
            bucket: 'site',
            key: 'docs/my report+final.html',
            kind: CHANGE_KIND.created,
            eventName: 'ObjectCreated:Put',
            sequencer: '0065F2000000000001',
            eventTime: s3.eventTime,
            size: 42,
          },
        ],
        problems: [],
        testEvents: [],
      });
    });

    it('yields every record of a message that holds several', () => {
      // Prepare
      const body = buildS3Notification([buildS3Record({ key: 'a.html' }), buildS3Record({ key: 'b.html' })]);
      // Act
      const batch = parseSqsRecords([buildSqsRecord(body)]);
      // Assess
      expect(batch.changes.map((change) => change.key)).toEqual(['a.html', 'b.html']);
    });

    it('decodes non-ASCII keys from their UTF-8 escapes', () => {
      // Prepare
      const record = buildSqsRecord(buildS3Notification([buildS3Record({ key: 'café/日本 語.png' })]));
      // Act
      const batch = parseSqsRecords([record]);
      // Assess
      expect(batch.changes[0]?.key).toBe('café/日本 語.png');
    });

    it('round-trips any key through S3 form encoding', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (key) => {
          const batch = parseSqsRecords([buildSqsRecord(buildS3Notification([buildS3Record({ key })]))]);
          expect(batch.changes.map((change) => change.key)).toEqual([key]);
        }),
      );
    });
  });

  describe('removals', () => {
    it.each([
      ['ObjectRemoved:Delete'],
      ['ObjectRemoved:DeleteMarkerCreated'],
      ['LifecycleExpiration:Delete'],
      ['LifecycleExpiration:DeleteMarkerCreated'],
    ])('counts %s as a removal without a size', (eventName) => {
      // Prepare
      const record = buildSqsRecord(buildS3Notification([buildS3Record({ key: 'old.html', eventName })]));
      // Act
      const batch = parseSqsRecords([record]);
      // Assess
      expect(batch.changes).toHaveLength(1);
      expect(batch.changes[0]).toMatchObject({ kind: CHANGE_KIND.removed, eventName, size: undefined });
    });
  });

  describe('event types that do not change served content', () => {
    it.each([['ObjectRestore:Completed'], ['Replication:OperationFailedReplication'], ['ObjectTagging:Put']])(
      'reports %s as an ignored problem',
      (eventName) => {
        // Prepare
        const record = buildSqsRecord(buildS3Notification([buildS3Record({ key: 'a.html', eventName })]), {
          messageId: 'm-r',
        });
        // Act
        const batch = parseSqsRecords([record]);
        // Assess
        expect(batch.changes).toEqual([]);
        expect(batch.problems).toEqual([
          {
            messageId: 'm-r',
            reason: `Records[0].eventName: expected ObjectCreated:*, ObjectRemoved:* or LifecycleExpiration:*, got "${eventName}" (ignored)`,
          },
        ]);
      },
    );
  });

  describe('s3:TestEvent', () => {
    it('acknowledges s3:TestEvent silently', () => {
      // Prepare
      const record = buildSqsRecord(buildTestEvent(), { messageId: 'm-test' });
      // Act
      const batch = parseSqsRecords([record]);
      // Assess
      expect(batch).toEqual({ changes: [], problems: [], testEvents: ['m-test'] });
    });

    it('recognises s3:TestEvent inside an SNS envelope', () => {
      // Prepare
      const record = buildSqsRecord(buildSnsEnvelope(buildTestEvent()), { messageId: 'm-sns-test' });
      // Act
      const batch = parseSqsRecords([record]);
      // Assess
      expect(batch.testEvents).toEqual(['m-sns-test']);
    });
  });

  describe('an SNS envelope', () => {
    it('unwraps the S3 notification in Message', () => {
      // Prepare
      const inner = buildS3Notification([buildS3Record({ bucket: 'site', key: 'index.html' })]);
      const record = buildSqsRecord(buildSnsEnvelope(inner), { messageId: 'm-sns' });
      // Act
      const batch = parseSqsRecords([record]);
      // Assess
      expect(batch.changes).toMatchObject([{ messageId: 'm-sns', bucket: 'site', key: 'index.html' }]);
      expect(batch.problems).toEqual([]);
    });

    it('reports a Message that is not JSON', () => {
      // Prepare
      const record = buildSqsRecord(buildSnsEnvelope('hello, not json'), { messageId: 'm-bad-sns' });
      // Act
      const batch = parseSqsRecords([record]);
      // Assess
      expect(batch.problems).toEqual([
        { messageId: 'm-bad-sns', reason: 'Message: expected JSON, got text that does not parse' },
      ]);
    });

    it('reports a Message that is JSON but not an S3 event', () => {
      // Prepare
      const record = buildSqsRecord(buildSnsEnvelope({ alarm: 'x' }), { messageId: 'm-other' });
      // Act
      const batch = parseSqsRecords([record]);
      // Assess
      expect(batch.problems[0]?.messageId).toBe('m-other');
      expect(batch.problems[0]?.reason).toMatch(/^message: expected an S3 notification/);
    });

    it('reports a subscription confirmation', () => {
      // Prepare
      const envelope = buildSnsEnvelope('{}', { Type: 'SubscriptionConfirmation' });
      // Act
      const batch = parseSqsRecords([buildSqsRecord(envelope, { messageId: 'm-confirm' })]);
      // Assess
      expect(batch.problems).toEqual([
        { messageId: 'm-confirm', reason: 'Type: expected an SNS "Notification", got "SubscriptionConfirmation"' },
      ]);
    });
  });

  describe('an EventBridge event', () => {
    it('reads Object Created with bucket, decoded key and sequencer', () => {
      // Prepare
      const event = buildEventBridgeS3Event({
        bucket: 'site',
        key: 'img/a b.png',
        sequencer: '617f08299329d189',
        size: 5,
      });
      // Act
      const batch = parseSqsRecords([buildSqsRecord(event, { messageId: 'm-eb' })]);
      // Assess
      expect(batch.changes).toEqual([
        {
          messageId: 'm-eb',
          bucket: 'site',
          key: 'img/a b.png',
          kind: CHANGE_KIND.created,
          eventName: 'Object Created',
          sequencer: '617f08299329d189',
          eventTime: event.time,
          size: 5,
        },
        expect.objectContaining({ messageId: 'm-eb', key: 'img/a+b.png' }),
      ]);
    });

    it.each([
      ['a plus', 'sale+promo.html', ['sale promo.html', 'sale+promo.html']],
      ['a plus and an escape', 'caf%C3%A9+%2B1.html', ['café +1.html', 'café++1.html']],
      ['no plus', 'a%20b.html', ['a b.html']],
    ])('reads a key with %s both ways when EventBridge may have kept + literal', (_case, encodedKey, keys) => {
      // Prepare
      const event = buildEventBridgeS3Event({ key: 'unused', encodedKey });
      // Act
      const batch = parseSqsRecords([buildSqsRecord(event)]);
      // Assess
      expect(batch.changes.map((change) => change.key)).toEqual(keys);
      expect(batch.problems).toEqual([]);
    });

    it('reads Object Deleted as a removal', () => {
      // Prepare
      const event = buildEventBridgeS3Event({ key: 'gone.html', detailType: 'Object Deleted' });
      // Act
      const batch = parseSqsRecords([buildSqsRecord(event)]);
      // Assess
      expect(batch.changes[0]).toMatchObject({ kind: CHANGE_KIND.removed, key: 'gone.html', size: undefined });
    });

    it('unwraps an EventBridge event published through SNS', () => {
      // Prepare
      const record = buildSqsRecord(buildSnsEnvelope(buildEventBridgeS3Event({ key: 'x.css' })));
      // Act
      const batch = parseSqsRecords([record]);
      // Assess
      expect(batch.changes.map((change) => change.key)).toEqual(['x.css']);
    });

    it('reports other detail types as ignored', () => {
      // Prepare
      const event = buildEventBridgeS3Event({ key: 'a', detailType: 'Object Restore Completed' });
      // Act
      const batch = parseSqsRecords([buildSqsRecord(event, { messageId: 'm-restore' })]);
      // Assess
      expect(batch.problems).toEqual([
        {
          messageId: 'm-restore',
          reason:
            'detail-type: expected "Object Created" or "Object Deleted", got "Object Restore Completed" (ignored)',
        },
      ]);
    });

    it('reports a missing bucket', () => {
      // Prepare
      const event = { ...buildEventBridgeS3Event({ key: 'a' }), detail: { object: { key: 'a' } } };
      // Act
      const batch = parseSqsRecords([buildSqsRecord(event, { messageId: 'm-nobucket' })]);
      // Assess
      expect(batch.problems).toEqual([
        { messageId: 'm-nobucket', reason: 'detail.bucket.name: expected a bucket name, got undefined' },
      ]);
    });
  });

  describe('junk', () => {
    it('reports a body that is not JSON', () => {
      // Prepare
      const record = buildSqsRecord('this is not json', { messageId: 'm-junk' });
      // Act
      const batch = parseSqsRecords([record]);
      // Assess
      expect(batch).toEqual({
        changes: [],
        problems: [{ messageId: 'm-junk', reason: 'body: expected JSON, got text that does not parse' }],
        testEvents: [],
      });
    });

    it.each([
      ['an unrelated object', { hello: 'world' }],
      ['an array', [1, 2]],
      ['a number', 42],
      ['null', null],
    ])('reports JSON that is %s', (_, body) => {
      // Prepare
      const record = buildSqsRecord(JSON.stringify(body), { messageId: 'm-shape' });
      // Act
      const batch = parseSqsRecords([record]);
      // Assess
      expect(batch.changes).toEqual([]);
      expect(batch.problems).toHaveLength(1);
      expect(batch.problems[0]?.reason).toMatch(/^message: expected an S3 notification \(Records\[\]\)/);
    });

    it('reports Records that is not a non-empty array', () => {
      // Prepare
      const record = buildSqsRecord({ Records: [] }, { messageId: 'm-empty' });
      // Act
      const batch = parseSqsRecords([record]);
      // Assess
      expect(batch.problems).toEqual([
        { messageId: 'm-empty', reason: 'Records: expected a non-empty array, got an array' },
      ]);
    });

    it('reports a record from another event source', () => {
      // Prepare
      const body = buildS3Notification([{ ...buildS3Record({ key: 'a' }), eventSource: 'aws:sqs' }]);
      // Act
      const batch = parseSqsRecords([buildSqsRecord(body, { messageId: 'm-src' })]);
      // Assess
      expect(batch.problems).toEqual([
        { messageId: 'm-src', reason: 'Records[0].eventSource: expected "aws:s3", got "aws:sqs"' },
      ]);
    });

    it('reports a record without a key', () => {
      // Prepare
      const s3 = buildS3Record({ key: 'a' });
      const body = { Records: [{ ...s3, s3: { ...s3.s3, object: { sequencer: '01' } } }] };
      // Act
      const batch = parseSqsRecords([buildSqsRecord(body, { messageId: 'm-nokey' })]);
      // Assess
      expect(batch.problems).toEqual([
        { messageId: 'm-nokey', reason: 'Records[0].s3.object.key: expected an object key, got undefined' },
      ]);
    });

    it('keeps the good records of a message with one badly encoded key', () => {
      // Prepare
      const body = buildS3Notification([
        buildS3Record({ key: 'a.html' }),
        buildS3Record({ key: 'b.html' }),
        buildS3Record({ key: 'bad', encodedKey: 'bad%E0%A4%A' }),
        buildS3Record({ key: 'c.html' }),
      ]);
      // Act
      const batch = parseSqsRecords([buildSqsRecord(body, { messageId: 'm-mixed' })]);
      // Assess
      expect(batch.changes.map((change) => change.key)).toEqual(['a.html', 'b.html', 'c.html']);
      expect(batch.problems).toHaveLength(1);
      expect(batch.problems[0]?.messageId).toBe('m-mixed');
      expect(batch.problems[0]?.reason).toMatch(/^Records\[2\]\.s3\.object\.key: /);
    });

    it('never puts the body into a reason', () => {
      fc.assert(
        fc.property(fc.string({ minLength: 80 }), (text) => {
          const batch = parseSqsRecords([buildSqsRecord(JSON.stringify({ secret: text }))]);
          for (const problem of batch.problems) expect(problem.reason).not.toContain(text);
        }),
      );
    });
  });

  describe('a whole batch', () => {
    it('files every message under changes, problems or test events', () => {
      // Prepare
      const records = [
        ...buildSqsBatch({ bucket: 'site', keys: ['a', 'b', 'c'] }),
        buildSqsRecord('junk'),
        buildSqsRecord(buildTestEvent()),
      ];
      // Act
      const batch = parseSqsRecords(records);
      // Assess
      const seen = new Set([
        ...batch.changes.map((change) => change.messageId),
        ...batch.problems.map((problem) => problem.messageId),
        ...batch.testEvents,
      ]);
      expect(seen).toEqual(new Set(records.map((record) => record.messageId)));
      expect(batch.changes).toHaveLength(3);
    });
  });

  describe("bodies read without JSON.parse (S3's plain form)", () => {
    it('give the changes, problems and test events JSON.parse gives, bare or in an SNS envelope', () => {
      // Ground truth: each body through JSON.parse and the parsed-message road (parseEventMessage).
      const body = fc.oneof(
        s3BodyText({ plain: true }),
        s3BodyText({ plain: false }),
        editedText(s3BodyText({ plain: true })),
        fc.constantFrom(...Object.values(S3_WIRE_BODIES)),
      );
      fc.assert(
        fc.property(fc.array(fc.tuple(body, fc.boolean()), { minLength: 1, maxLength: 4 }), (messages) => {
          // Prepare
          const records = messages.map(([text, enveloped], i) =>
            buildSqsRecord(enveloped ? buildSnsEnvelope(text) : text, { messageId: `m-${i}` }),
          );
          // Act
          const batch = parseSqsRecords(records);
          // Assess
          expect(batch).toEqual(parseByJsonParse(messages));
        }),
        { numRuns: 1500 },
      );
    });
  });
});

/** The batch as JSON.parse and `parseEventMessage` read it, message `m-<i>` for entry i. */
function parseByJsonParse(messages: readonly (readonly [string, boolean])[]): ParsedBatch {
  const batch: ParsedBatch = { changes: [], problems: [], testEvents: [] };
  messages.forEach(([text, enveloped], i) => {
    const messageId = `m-${i}`;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      const field = enveloped ? 'Message' : 'body';
      batch.problems.push({ messageId, reason: `${field}: expected JSON, got text that does not parse` });
      return;
    }
    parseEventMessage(messageId, message, batch);
  });
  return batch;
}

describe('parseEventMessage', () => {
  describe('a bare S3 notification', () => {
    it('files its changes under the given id', () => {
      // Prepare
      const message = buildS3Notification([buildS3Record({ key: 'x.html' })]);
      // Act
      const batch = parseEventMessage('file', message);
      // Assess
      expect(batch.changes).toMatchObject([{ messageId: 'file', key: 'x.html' }]);
    });
  });
});

describe('encodeS3EventKey', () => {
  describe('like S3 notifications', () => {
    it('form-encodes spaces and plus signs and keeps slashes', () => {
      // Act
      const encoded = encodeS3EventKey('dir/a b+c(1)~é=x.html');
      // Assess
      expect(encoded).toBe('dir/a+b%2Bc%281%29%7E%C3%A9%3Dx.html');
    });
  });
});
