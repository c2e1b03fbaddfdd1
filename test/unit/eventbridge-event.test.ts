import { describe, expect, it } from 'vitest';
import { CHANGE_KIND, parseEventMessage } from '../../shared/domain/events.ts';
import { buildEventBridgeS3Body } from '../../shared/local/eventbridge-event.ts';
import { encodeS3EventKey } from '../../shared/local/notification-bridge.ts';

const KEY = 'docs/my file+1 (draft).html';

describe('buildEventBridgeS3Body', () => {
  it('writes the event an EventBridge rule delivers to SQS, which the collector reads as the same change', () => {
    // Prepare
    const change = {
      bucket: 'local-site',
      encodedKey: encodeS3EventKey(KEY),
      status: 'uploaded' as const,
      size: 12,
      etag: 'abc',
      sequencer: '00000000000000000A',
      time: Date.parse('2026-12-02T05:00:00.123Z'),
      requestId: 'A',
    };
    // Act
    const body = JSON.parse(buildEventBridgeS3Body(change));
    const parsed = parseEventMessage('m-1', body);
    // Assess
    expect(body).toMatchObject({
      version: '0',
      source: 'aws.s3',
      'detail-type': 'Object Created',
      time: '2026-12-02T05:00:00Z',
      resources: ['arn:aws:s3:::local-site'],
      detail: { bucket: { name: 'local-site' }, object: { size: 12, etag: 'abc' }, reason: 'PutObject' },
    });
    expect(parsed.problems).toEqual([]);
    // A key holding `+` is read both ways (AWS documents neither for EventBridge): the key as uploaded
    // first, then the reading that keeps `+` literal.
    expect(parsed.changes).toEqual([
      expect.objectContaining({
        bucket: 'local-site',
        key: KEY,
        kind: CHANGE_KIND.created,
        sequencer: change.sequencer,
      }),
      expect.objectContaining({ bucket: 'local-site', key: 'docs/my+file+1+(draft).html' }),
    ]);
  });

  it('writes a delete as Object Deleted without size or etag', () => {
    // Act
    const body = JSON.parse(
      buildEventBridgeS3Body({
        bucket: 'local-site',
        encodedKey: 'a.html',
        status: 'deleted',
        sequencer: '0B',
        time: 0,
        requestId: 'B',
      }),
    );
    // Assess
    expect(body['detail-type']).toBe('Object Deleted');
    expect(body.detail.object).toEqual({ key: 'a.html', sequencer: '0B' });
    expect(parseEventMessage('m-2', body).changes[0]?.kind).toBe(CHANGE_KIND.removed);
  });
});
