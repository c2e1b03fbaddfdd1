import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCloudFrontPath } from '../../shared/domain/paths.ts';
import {
  createKeyFileInventory,
  createKeyInventory,
  createSortedInventory,
} from '../../shared/domain/planner/index.ts';
import { sortWithCommonPrefixes } from '../../shared/domain/planner/sorted-strings.ts';
import { compileRoutes, servedPathsForKey } from '../../shared/domain/routes.ts';

const KEY_UNITS = fc.constantFrom('a', 'b', '/', ' ', '%', '~', '+', 'é', '*');

describe('createSortedInventory', () => {
  describe('counts under a prefix', () => {
    it('counts the paths that start with the prefix, the prefix itself included', () => {
      // Prepare
      const inventory = createSortedInventory(['/a', '/a/1', '/a/2', '/ab', '/b']);

      // Act
      const counts = ['/a', '/a/', '/ab', '/c', '/'].map((prefix) => inventory.countWithPrefix(prefix));

      // Assess
      expect(counts).toEqual([4, 2, 1, 0, 5]);
    });

    it('answers prefixes asked in any order', () => {
      // Prepare
      const inventory = createSortedInventory(['/x/1', '/x/2', '/y/1', '/z']);

      // Act
      const counts = ['/z', '/x/', '/y', '/x/2', '/a'].map((prefix) => inventory.countWithPrefix(prefix));

      // Assess
      expect(counts).toEqual([1, 2, 1, 1, 0]);
    });
  });

  describe('unsorted input', () => {
    it('sorts and de-duplicates a copy, leaving the caller array alone', () => {
      // Prepare
      const paths = ['/b', '/a', '/b', '/a/1'];

      // Act
      const inventory = createSortedInventory(paths);

      // Assess
      expect(inventory.countWithPrefix('/')).toBe(3);
      expect(inventory.has('/a/1')).toBe(true);
      expect(paths).toEqual(['/b', '/a', '/b', '/a/1']);
    });
  });

  it('agrees with a linear scan on random paths and queries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: KEY_UNITS, maxLength: 5 }), { maxLength: 30 }),
        fc.array(fc.string({ unit: KEY_UNITS, maxLength: 4 })),
        (keys, queries) => {
          const paths = keys.map(toCloudFrontPath);
          const inventory = createSortedInventory(paths);
          const distinct = [...new Set(paths)];
          for (const query of queries.map(toCloudFrontPath)) {
            expect(inventory.countWithPrefix(query)).toBe(distinct.filter((path) => path.startsWith(query)).length);
            expect(inventory.has(query)).toBe(distinct.includes(query));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('createKeyInventory', () => {
  it('answers in path space for keys served at / + key', () => {
    // Prepare
    const inventory = createKeyInventory(['docs/a.html', 'docs/b c.html', 'docs/é.html']);

    // Act
    const answers = {
      all: inventory.countWithPrefix('/docs/'),
      encodedSpace: inventory.has('/docs/b%20c.html'),
      rawSpace: inventory.has('/docs/b c.html'),
      encodedLetter: inventory.countWithPrefix('/docs/%C3%A9'),
    };

    // Assess
    expect(answers).toEqual({ all: 3, encodedSpace: true, rawSpace: false, encodedLetter: 1 });
  });

  it('matches an inventory of encoded paths for any keys and prefixes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: KEY_UNITS, maxLength: 5 }), { maxLength: 25 }),
        fc.array(fc.string({ unit: KEY_UNITS, maxLength: 5 }), { maxLength: 5 }),
        (keys, queries) => {
          // Prepare
          const expected = createSortedInventory(keys.map(toCloudFrontPath));
          const actual = createKeyInventory(keys);

          // Act and assess, at every cut of every query path
          for (const path of [...queries, ...keys].map(toCloudFrontPath)) {
            for (let end = 1; end <= path.length; end++) {
              expect(actual.countWithPrefix(path.slice(0, end))).toBe(expected.countWithPrefix(path.slice(0, end)));
            }
            expect(actual.has(path)).toBe(expected.has(path));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('createKeyFileInventory', () => {
  const FILE_UNITS = fc.constantFrom('a', 'b', '/', ' ', '%', '+', 'é', '*', '\u{1F600}', '\uFFFD', '\r');
  const utf8 = new TextEncoder();
  const byteOrder = (a: string, b: string): number => Buffer.compare(utf8.encode(a), utf8.encode(b));
  const fileOf = (lines: readonly string[], newline: string): Uint8Array => utf8.encode(lines.join(newline));

  it('reads one key per line as the CLI does: byte order mark, \\r\\n and empty lines', () => {
    // Prepare
    const inventory = createKeyFileInventory(
      fileOf(['\uFEFF', 'docs/a.html', 'docs/b c.html', '', 'docs/é.html', ''], '\r\n'),
    );

    // Act
    const answers = {
      all: inventory.countWithPrefix('/'),
      docs: inventory.countWithPrefix('/docs/'),
      plain: inventory.has('/docs/a.html'),
      encodedSpace: inventory.has('/docs/b%20c.html'),
      encodedLetter: inventory.countWithPrefix('/docs/%C3%A9'),
      noSlash: inventory.has('docs/a.html'),
    };

    // Assess
    expect(answers).toEqual({ all: 3, docs: 3, plain: true, encodedSpace: true, encodedLetter: 1, noSlash: false });
  });

  it('matches an inventory of encoded paths for any key list, sorted or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: FILE_UNITS, maxLength: 6 }), { maxLength: 30 }),
        fc.array(fc.string({ unit: FILE_UNITS, maxLength: 6 }), { maxLength: 8 }),
        fc.constantFrom('sorted', 'as given'),
        fc.constantFrom('\n', '\r\n'),
        (keys, queries, order, newline) => {
          // Prepare: keys a key list can hold (a line's last \r belongs to its line break)
          const kept = keys.filter((key) => key !== '' && !key.endsWith('\r'));
          const lines = order === 'sorted' ? [...new Set(kept)].sort(byteOrder) : kept;
          const expected = createSortedInventory(kept.map(toCloudFrontPath));
          const file = fileOf(lines, newline);
          const paths = [...queries, ...kept].map(toCloudFrontPath);

          // Act and assess: counts at every cut, then membership asked in order and at random
          const actual = createKeyFileInventory(file);
          for (const path of paths) {
            for (let end = 1; end <= path.length; end++) {
              expect(actual.countWithPrefix(path.slice(0, end))).toBe(expected.countWithPrefix(path.slice(0, end)));
            }
          }
          const ascending = [...new Set(paths)].sort();
          const served = new Uint8Array(ascending.length);
          createKeyFileInventory(file).markServed?.(ascending, 0, ascending.length, served);
          expect([...served]).toEqual(ascending.map((path) => (expected.has(path) ? 1 : 0)));
          const shuffled = createKeyFileInventory(file);
          for (const path of paths) expect(shuffled.has(path)).toBe(expected.has(path));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('serves index documents at their directory as routes do', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ unit: FILE_UNITS, maxLength: 5 }),
            fc.string({ unit: FILE_UNITS, maxLength: 4 }).map((dir) => `${dir}index.html`),
          ),
          { maxLength: 25 },
        ),
        fc.boolean(),
        fc.constantFrom('sorted', 'as given'),
        (keys, indexNoSlash, order) => {
          // Prepare: the paths a route with this index document serves
          const kept = keys.filter((key) => key !== '' && !key.endsWith('\r'));
          const [route] = compileRoutes({
            routes: [{ bucket: 'site', distributionId: 'E2QWRUHAPOMQZL', indexDocument: 'index.html', indexNoSlash }],
          }).routes;
          const served = new Set(kept.flatMap((key) => servedPathsForKey(route as never, key)));
          const expected = createSortedInventory([...served]);
          const lines = order === 'sorted' ? [...new Set(kept)].sort(byteOrder) : kept;

          // Act
          const actual = createKeyFileInventory(fileOf(lines, '\n'), { indexDocument: 'index.html', indexNoSlash });

          // Assess
          for (const path of [...served, '/', '/index.html/']) {
            for (let end = 1; end <= path.length; end++) {
              expect(actual.countWithPrefix(path.slice(0, end))).toBe(expected.countWithPrefix(path.slice(0, end)));
            }
            expect(actual.has(path)).toBe(expected.has(path));
          }
          const ascending = [...served, '/a/', '/b'].sort();
          const marks = new Uint8Array(ascending.length);
          actual.markServed?.(ascending, 0, ascending.length, marks);
          expect([...marks]).toEqual(ascending.map((path) => (expected.has(path) ? 1 : 0)));
        },
      ),
      { numRuns: 800 },
    );
  });

  it('walks long runs of keys between ascending queries', () => {
    // Prepare: 500 keys, asked every 97th and its neighbours, so the walk gallops past 64 lines
    const keys = Array.from({ length: 500 }, (_, i) => `k/${String(i).padStart(4, '0')}`);
    const inventory = createKeyFileInventory(fileOf(keys, '\n'));
    const queries = keys.filter((_, i) => i % 97 === 0).flatMap((key) => [`/${key}`, `/${key}x`]);
    const served = new Uint8Array(queries.length);

    // Act
    inventory.markServed?.(queries, 0, queries.length, served);

    // Assess
    expect([...served]).toEqual(queries.map((query) => (query.endsWith('x') ? 0 : 1)));
  });
});

describe('sortWithCommonPrefixes', () => {
  it('sorts like Array.prototype.sort, drops duplicates and measures neighbours', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '/', 'é', '\u{1F600}'), maxLength: 6 }), {
          maxLength: 80,
        }),
        (strings) => {
          // Act
          const { sorted, common } = sortWithCommonPrefixes(strings);

          // Assess
          expect(sorted).toEqual([...new Set(strings)].sort());
          expect(common.length).toBe(sorted.length);
          sorted.forEach((text, i) => {
            const before = i === 0 ? '' : (sorted[i - 1] as string);
            let shared = 0;
            while (shared < Math.min(before.length, text.length) && before[shared] === text[shared]) shared++;
            expect(common[i]).toBe(i === 0 ? 0 : shared);
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
