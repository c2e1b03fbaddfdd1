import { describe, expect, it } from 'vitest';
import { viewerPathOf, viewerPathsOf } from '../reliability/aws-url.ts';

// The fault suite's own URL builder (AWS's rule, written apart from shared/domain/paths.ts): if it were
// wrong, the soak's freshness check would judge the wrong URLs.
describe('viewerPathOf (the fault suite reading of AWS rule)', () => {
  it.each([
    ['docs/guide.html', '/docs/guide.html'],
    ['café ünï.html', '/caf%C3%A9%20%C3%BCn%C3%AF.html'],
    ['a+b c.txt', '/a+b%20c.txt'],
    ['q?x=1.html', '/q%3Fx=1.html'],
    ['h#frag.css', '/h%23frag.css'],
    ['pct%25.txt', '/pct%2525.txt'],
    ['ti~lde', '/ti%7Elde'],
    ["it's.html", "/it's.html"],
    ['star*name.js', '/star*name.js'],
    ['a[1]{x}|y^z`w\\v<>"', '/a%5B1%5D%7Bx%7D%7Cy%5Ez%60w%5Cv%3C%3E%22'],
    ['tab\there', '/tab%09here'],
    ['emoji-😀', '/emoji-%F0%9F%98%80'],
  ])('encodes %j as %s: non-ASCII, RFC 1738 unsafe characters and `?`, nothing else', (key, path) => {
    // Act
    const encoded = viewerPathOf(key);

    // Assess
    expect(encoded).toBe(path);
  });
});

describe('viewerPathsOf', () => {
  it('serves an index document at its directory, with and without the slash when the route rewrites it', () => {
    // Prepare
    const route = { originKeyPrefix: 'prod/', indexDocument: 'index.html', indexNoSlash: true };

    // Act
    const paths = viewerPathsOf(route, 'prod/my docs/index.html');

    // Assess
    expect(paths).toEqual(['/my%20docs/index.html', '/my%20docs/', '/my%20docs']);
  });

  it('serves the root index document at / and nothing outside the origin path', () => {
    // Prepare
    const route = { originKeyPrefix: 'prod/', indexDocument: 'index.html', indexNoSlash: false };

    // Act
    const root = viewerPathsOf(route, 'prod/index.html');
    const outside = viewerPathsOf(route, 'staging/index.html');

    // Assess
    expect(root).toEqual(['/index.html', '/']);
    expect(outside).toEqual([]);
  });
});
