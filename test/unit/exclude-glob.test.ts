import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { compileExcludeGlob } from '../../shared/domain/exclude-glob.ts';

// Ground truth: picomatch 4 itself (a devDependency), as routes compiled exclude globs before.
const picomatchRegex = (glob: string) => picomatch.makeRe(glob, { dot: true });

// Glob pieces that reach every branch: picomatch's two fast paths (a leading `*` or `.`; no slash or
// class) and its tokenizer (stars at and inside segments, globstars at the start, middle and end,
// `/**/` runs, dots and dot segments, classes with and without `-`, characters regexes treat specially).
const GLOB_PIECES = [
  ...['a', 'b', 'x', 'js', 'ab.cd', '.', '..', '/', '//', '-', '_', '~', '$', '^', '@', ' ', 'é', '%', ':'],
  ...['*', '**', '?', '*.js', '**/', '/**', '/**/', '.*', '[ab]', '[a-c]', '[0-9a-f]', '[a-]', '[-a]', '[A-Z_]'],
];
const KEY_PIECES = [
  ...['a', 'b', 'c', 'x', '0', 'f', 'js', '.js', '.', '..', '/', '//', '-', '_', '~', '$', '^', '@', ' ', 'é'],
  ...['%', ':', '[ab]', '[', ']', '\n'],
];
const globs = fc
  .array(fc.constantFrom(...GLOB_PIECES), { minLength: 1, maxLength: 6 })
  .map((pieces) => pieces.join(''))
  .filter((glob) => compileExcludeGlob(glob).ok);
const keyPart = fc.array(fc.constantFrom(...KEY_PIECES), { maxLength: 3 }).map((pieces) => pieces.join(''));

/** A key the glob is likely to match: each wildcard replaced by generated text (segments for `**`). */
const keyFor = (glob: string) =>
  fc.array(keyPart, { minLength: 40, maxLength: 40 }).map((parts) => {
    let next = 0;
    return glob.replace(/\*\*|\*|\?|\[[^\]]*\]/g, (wildcard) => {
      const part = parts[next++ % parts.length] as string;
      if (wildcard === '**') return part.split('').join('/');
      return wildcard === '*' ? part : part.slice(0, 1);
    });
  });

describe('compileExcludeGlob', () => {
  it('matches exactly the keys picomatch.makeRe(glob, { dot: true }) matches', () => {
    fc.assert(
      fc.property(
        globs.chain((glob) => fc.tuple(fc.constant(glob), keyFor(glob), fc.array(keyPart, { maxLength: 4 }))),
        ([glob, likely, parts]) => {
          // Prepare
          const expected = picomatchRegex(glob);
          const keys = [likely, parts.join(''), parts.join('/')];

          // Act
          const compiled = compileExcludeGlob(glob);

          // Assess
          if (!compiled.ok) throw new Error(`expected ${glob} to compile`);
          for (const key of keys)
            expect([glob, key, compiled.regex.test(key)]).toEqual([glob, key, expected.test(key)]);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it.each([
    [
      'assets/**/*.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].*',
      'assets/js/app.0123abcd.js',
      true,
    ],
    ['assets/**/*.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].*', 'assets/app.js', false],
    ['**/*.immutable.*', 'a/.well-known/x.immutable.js', true],
    ['private/**', 'private', true],
    ['private/**', 'private/../x', false],
    ['**/*.js', 'docs/app.js', true],
    ['a/*', 'a//', true],
    ['[ab]', '[ab]', true],
  ])('keeps picomatch semantics on %j with %j', (glob, key, matches) => {
    // Act
    const compiled = compileExcludeGlob(glob);

    // Assess
    expect(compiled.ok && compiled.regex.test(key)).toBe(matches);
    expect(picomatchRegex(glob).test(key)).toBe(matches);
  });

  it.each([
    ['', 'a non-empty glob'],
    ['**/*.{js,css}', 'braces'],
    ['!(*.js)', 'extglobs'],
    ['+(a|b)', 'extglobs'],
    ['!private/**', 'negation'],
    ['a\\*b', 'escapes'],
    ['./a', 'leading `./`'],
    ['a/***', '`***`'],
    ['[[:alpha:]]', 'character classes of letters'],
    ['[!a]', 'negation'],
    ['[^a]', 'character classes of letters'],
    ['[a', 'closed by `]`'],
    ['a]', 'a `]` only at the end'],
    ['[f-a]', 'ranges in order'],
  ])('refuses %j (expected %s)', (glob, expected) => {
    // Act
    const compiled = compileExcludeGlob(glob);

    // Assess
    expect(compiled.ok ? '' : compiled.expected).toContain(expected);
  });
});
