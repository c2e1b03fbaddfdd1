import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPlainS3Body } from '../../shared/domain/plain-s3-body.ts';
import { editedText, plainFieldsByJsonParse, S3_WIRE_BODIES, s3BodyText } from '../helpers/s3-wire-bodies.ts';

describe('readPlainS3Body', () => {
  describe('a body as S3 writes it', () => {
    it.each(Object.entries(S3_WIRE_BODIES))('reads the %s body with the fields JSON.parse gives', (_, body) => {
      // Act
      const read = readPlainS3Body(body);
      // Assess
      expect(read).toBeDefined();
      expect(read).toEqual(plainFieldsByJsonParse(body));
    });

    it('reads every one-record body in S3 order whose strings need no escape', () => {
      fc.assert(
        fc.property(s3BodyText({ plain: true }), (body) => {
          expect(readPlainS3Body(body)).toEqual(plainFieldsByJsonParse(body));
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('any other text', () => {
    it('is read only when it is JSON, and then with the fields JSON.parse gives', () => {
      // Escapes, control characters, odd sizes, members out of order or repeated, several records,
      // whitespace, and one-character edits of plain bodies: the reader may decline any of them, but
      // what it reads must parse, to the same values (ground truth: JSON.parse, not the reader).
      const bodies = fc.oneof(
        s3BodyText({ plain: false }),
        editedText(s3BodyText({ plain: true })),
        editedText(fc.constantFrom(...Object.values(S3_WIRE_BODIES))),
      );
      fc.assert(
        fc.property(bodies, (body) => {
          const read = readPlainS3Body(body);
          if (read === undefined) return;
          expect(() => JSON.parse(body)).not.toThrow();
          expect(read).toEqual(plainFieldsByJsonParse(body));
        }),
        { numRuns: 3000 },
      );
    });

    it.each([
      ['whitespace between members', S3_WIRE_BODIES.put.replace('"Records":', '"Records": ')],
      ['an escaped character in the key', S3_WIRE_BODIES.put.replace('"key":"docs/', String.raw`"key":"d\u006fcs/`)],
      [
        'a repeated eventName after the s3 member',
        S3_WIRE_BODIES.put.replace('}}}]}', '}},"eventName":"ObjectRemoved:Delete"}]}'),
      ],
      ['a repeated key in the object', S3_WIRE_BODIES.delete.replace('"}}}]}', '","key":"other.html"}}}]}')],
      [
        'two records',
        S3_WIRE_BODIES.put.replace(
          '}}}]}',
          `}}},${S3_WIRE_BODIES.delete.slice('{"Records":['.length, -']}'.length)}]}`,
        ),
      ],
      ['a fractional size', S3_WIRE_BODIES.put.replace('"size":1570', '"size":1570.5')],
      ['a size with a leading zero', S3_WIRE_BODIES.put.replace('"size":1570', '"size":01570')],
      ['a size of 16 digits', S3_WIRE_BODIES.put.replace('"size":1570', '"size":1000000000000000')],
      [
        'members out of S3 order',
        S3_WIRE_BODIES.put.replace('"awsRegion":"eu-west-1",', '').replace('}}}]}', '}},"awsRegion":"eu-west-1"}]}'),
      ],
      ['text after the body', `${S3_WIRE_BODIES.put}\n`],
      ['a truncated body', S3_WIRE_BODIES.put.slice(0, -1)],
    ])('declines %s', (_, body) => {
      // Prepare
      expect(Object.values(S3_WIRE_BODIES)).not.toContain(body);
      // Act
      const read = readPlainS3Body(body);
      // Assess
      expect(read).toBeUndefined();
    });
  });
});
