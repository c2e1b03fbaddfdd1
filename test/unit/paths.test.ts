import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cutRefusedPath,
  decodeEventKey,
  firstDoubtfulIndex,
  floorCharBoundary,
  MAX_PATH_LENGTH,
  needsEncoding,
  toCloudFrontPath,
} from '../../shared/domain/paths.ts';

/** How S3 puts a key in an event notification: form encoding, space as `+`. */
function encodeAsS3Event(key: string): string {
  return encodeURIComponent(key).replaceAll('%20', '+');
}

describe('decodeEventKey', () => {
  describe('form-encoded keys', () => {
    it('turns plus signs into spaces before percent-decoding', () => {
      // Prepare
      const raw = 'reports/annual+report%2B2024.pdf';

      // Act
      const decoded = decodeEventKey(raw);

      // Assess
      expect(decoded).toEqual({ ok: true, key: 'reports/annual report+2024.pdf' });
    });

    it('decodes UTF-8 escapes', () => {
      expect(decodeEventKey('docs/caf%C3%A9/%E6%97%A5%E6%9C%AC.html')).toEqual({
        ok: true,
        key: 'docs/café/日本.html',
      });
    });

    it('returns a key without escapes as it is', () => {
      expect(decodeEventKey('assets/app.3f9a.js')).toEqual({ ok: true, key: 'assets/app.3f9a.js' });
    });

    it('round-trips any key S3 encodes', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (key) => {
          expect(decodeEventKey(encodeAsS3Event(key))).toEqual({ ok: true, key });
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('malformed keys', () => {
    it.each([
      ['a non-hex escape', 'bad%zzname'],
      ['a lone percent sign', 'half%'],
      ['an escape cut short', 'cut%4'],
    ])('reports %s with its offset', (_, raw) => {
      // Act
      const decoded = decodeEventKey(raw);

      // Assess
      expect(decoded.ok).toBe(false);
      expect(decoded.ok ? '' : decoded.reason).toMatch(/malformed percent-escape at offset \d+/);
    });

    it('reports escapes that are not valid UTF-8', () => {
      expect(decodeEventKey('bad%C3%28.txt')).toEqual({ ok: false, reason: 'percent-escapes do not form valid UTF-8' });
    });

    it('never throws, whatever the input', () => {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom('%', '+', 'a', 'C', '3', 'F', 'z', '8') }), (raw) => {
          const decoded = decodeEventKey(raw);
          expect(typeof decoded.ok).toBe('boolean');
        }),
        { numRuns: 1000 },
      );
    });
  });
});

describe('toCloudFrontPath', () => {
  describe('the AWS examples', () => {
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/invalidation-specifying-objects.html
    it.each([
      ['images/image2.jpg', '/images/image2.jpg'],
      ['images/image.jpg', '/images/image.jpg'],
      ['images/Image.jpg', '/images/Image.jpg'],
      ['index.html', '/index.html'],
      ['en/index.html', '/en/index.html'],
    ])('maps %s to %s', (key, path) => {
      expect(toCloudFrontPath(key)).toBe(path);
    });

    it('encodes a query-like ? in a key name, since a path must not start a query string', () => {
      expect(toCloudFrontPath('images/image.jpg?parameter1=a')).toBe('/images/image.jpg%3Fparameter1=a');
    });
  });

  describe('RFC 1738 unsafe characters', () => {
    it.each([
      [' ', '%20'],
      ['"', '%22'],
      ['#', '%23'],
      ['%', '%25'],
      ['<', '%3C'],
      ['>', '%3E'],
      ['?', '%3F'],
      ['[', '%5B'],
      ['\\', '%5C'],
      [']', '%5D'],
      ['^', '%5E'],
      ['`', '%60'],
      ['{', '%7B'],
      ['|', '%7C'],
      ['}', '%7D'],
      ['~', '%7E'],
    ])('encodes %j as %s in upper-case hex', (char, encoded) => {
      expect(toCloudFrontPath(`a${char}b`)).toBe(`/a${encoded}b`);
    });

    it('encodes control characters', () => {
      expect(toCloudFrontPath('tab\there\u007f\u0000')).toBe('/tab%09here%7F%00');
    });

    it('leaves every other ASCII character literal, * included', () => {
      const literal = "!$&'()*+,-./0123456789:;=@ABCXYZ_abcxyz";
      expect(toCloudFrontPath(literal)).toBe(`/${literal}`);
    });

    it('agrees with needsEncoding on all 128 ASCII characters', () => {
      for (let code = 0; code < 128; code++) {
        const char = String.fromCharCode(code);
        expect(toCloudFrontPath(char) !== `/${char}`).toBe(needsEncoding(char));
      }
    });
  });

  describe('non-ASCII characters', () => {
    it.each([
      ['café.html', '/caf%C3%A9.html'],
      ['日本/地図.png', '/%E6%97%A5%E6%9C%AC/%E5%9C%B0%E5%9B%B3.png'],
      ['emoji-😀.svg', '/emoji-%F0%9F%98%80.svg'],
    ])('encodes %s as its UTF-8 bytes', (key, path) => {
      expect(toCloudFrontPath(key)).toBe(path);
    });

    it('encodes a lone surrogate as U+FFFD', () => {
      expect(toCloudFrontPath('x\uD800y')).toBe('/x%EF%BF%BDy');
    });

    it('decodes back to the key and uses only literal characters and escapes', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (key) => {
          const path = toCloudFrontPath(key);
          expect(decodeURIComponent(path.slice(1))).toBe(key);
          expect(path).toMatch(/^\/(?:[!$&'()*+,\-./0-9:;=@A-Z_a-z]|%[0-9A-F]{2})*$/);
        }),
        { numRuns: 1000 },
      );
    });
  });

  it('caps paths at 4,000 characters', () => {
    expect(MAX_PATH_LENGTH).toBe(4000);
  });
});

describe('floorCharBoundary', () => {
  describe('cuts inside an escape', () => {
    it.each([
      ['/a%20b', 3, 2],
      ['/a%20b', 4, 2],
      ['/a%20b', 5, 5],
    ])('moves %s cut at %i back to %i', (path, index, cut) => {
      expect(floorCharBoundary(path, index)).toBe(cut);
    });
  });

  describe('cuts inside a UTF-8 character', () => {
    it('moves a cut between the bytes of é back to its first byte', () => {
      // Prepare
      const path = '/caf%C3%A9';

      // Act
      const cut = floorCharBoundary(path, 7);

      // Assess
      expect(cut).toBe(4);
    });

    it('keeps a cut after the whole character', () => {
      expect(floorCharBoundary('/caf%C3%A9!', 10)).toBe(10);
    });
  });

  it('clamps the index to the path', () => {
    expect(floorCharBoundary('/ab', 99)).toBe(3);
    expect(floorCharBoundary('/ab', -1)).toBe(0);
  });

  it('always leaves a prefix that decodes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.nat(60), (key, index) => {
        const path = toCloudFrontPath(key);
        const cut = floorCharBoundary(path, index);
        expect(cut).toBeLessThanOrEqual(Math.min(index, path.length));
        expect(() => decodeURIComponent(path.slice(0, cut))).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});

describe('firstDoubtfulIndex', () => {
  it.each([
    ['/a/b.html', -1],
    ['/a/b*', 4],
    ["/a/it's", 5],
    ['/a/%7Ebob', 3],
    ["/x'/%7E/*", 2],
  ])('finds the first *, apostrophe or encoded tilde in %s', (path, index) => {
    expect(firstDoubtfulIndex(path)).toBe(index);
  });
});

describe('cutRefusedPath', () => {
  it.each([
    ['an exact path, before its first unusual character', '/docs/sale!.html', '/docs/sale*'],
    ['an exact path, on a character boundary', '/caf%C3%A9.html', '/caf*'],
    ['an exact plain path, to its directory', '/docs/a.html', '/docs/*'],
    ['a wildcard, to its parent directory', '/docs/guide/*', '/docs/*'],
    ['a wildcard inside a name, to its directory', '/docs/gui*', '/docs/*'],
    ['a top-level wildcard, to the root', '/docs*', '/*'],
    ['the root index path', '/', '/*'],
  ])('cuts %s', (_case, path, cut) => {
    expect(cutRefusedPath(path)).toBe(cut);
  });

  it('has nothing shorter than /*', () => {
    expect(cutRefusedPath('/*')).toBeUndefined();
  });

  it('always returns a shorter wildcard that covers the path, ending at /*', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 16 }), (key) => {
        let path = toCloudFrontPath(key);
        for (let steps = 0; steps < 40; steps++) {
          const cut = cutRefusedPath(path);
          if (cut === undefined) break;
          expect(cut.endsWith('*')).toBe(true);
          expect(path.startsWith(cut.slice(0, -1))).toBe(true);
          expect(() => decodeURIComponent(cut.slice(0, -1))).not.toThrow();
          if (path.endsWith('*')) expect(cut.length).toBeLessThan(path.length);
          path = cut;
        }
        expect(path).toBe('/*');
      }),
      { numRuns: 500 },
    );
  });
});
