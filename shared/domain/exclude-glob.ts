/**
 * Exclude globs without picomatch. Each function carried picomatch (24 KB minified) only to compile a
 * route's exclude globs once per cold start, which with its module load cost about 5 ms of every cold
 * start (docs/benchmarks.md). This builds, for the globs it accepts, the regular expression picomatch
 * 4's `makeRe(glob, { dot: true })` builds, step by step as picomatch does (its two fast paths and the
 * tokenizer), so the matching is the same to the key: test/unit/exclude-glob.test.ts compares both on
 * generated globs and keys. picomatch is a devDependency for that test only.
 *
 * Accepted: any characters but `\ ( ) | { } ! + " ,`, with `*` (within a segment), `**` (any number of
 * segments), `?` (one character) and classes `[a-z0-9_-]` of letters, digits, `_` and `-` ranges.
 * Not accepted (picomatch would read them as braces, extglobs, negation, escapes or POSIX classes):
 * those characters, `***`, a class of anything else, an unclosed `[`, a stray `]`, a leading `./`.
 */

const SLASH = '\\/';
const DOT = '\\.';
const QMARK = '[^/]';
const STAR = '[^/]*?';
const ONE_CHAR = '(?=.)';
/** No `.` or `..` segment starts here (picomatch's dot option still refuses those). */
const NO_DOTS_SLASH = '(?!\\.{1,2}(?:\\/|$))';
const NO_DOT_SLASH = '(?!\\.{0,1}(?:\\/|$))';
const NO_DOTS = '(?!(?:^|\\/)\\.{1,2}(?:\\/|$))';
const GLOBSTAR = '(?:(?:(?!(?:^|\\/)\\.{1,2}(?:\\/|$)).)*?)';
const REJECTED = /[\\()|{}!+",]|\*\*\*|^\.\//;
const CLASS = /^\[([A-Za-z0-9_-]+)\]/;
/** Whole globs picomatch rewrites before anything else. */
const REPLACEMENTS: Readonly<Record<string, string>> = { '**/**': '**', '**/**/**': '**' };

/** A compiled exclude glob, or what was expected instead. */
export type ExcludeGlob =
  | { readonly ok: true; readonly regex: RegExp }
  | { readonly ok: false; readonly expected: string };

/** Compiles `glob` to the regular expression `picomatch.makeRe(glob, { dot: true })` gives, if accepted. */
export function compileExcludeGlob(glob: string): ExcludeGlob {
  const refused = refusal(glob);
  if (refused !== null) return { ok: false, expected: refused };
  const input = REPLACEMENTS[glob] ?? glob;
  const fast = input[0] === '.' || input[0] === '*' ? fastPath(input) : undefined;
  const source = fast === undefined ? parse(input) : `${fast}${SLASH}?`;
  try {
    return { ok: true, regex: new RegExp(`^(?:${source})$`) };
  } catch {
    return { ok: false, expected: 'character classes with ranges in order (`[0-9a-f]`, not `[f-a]`)' };
  }
}

function refusal(glob: string): string | null {
  if (glob === '') return 'a non-empty glob';
  if (REJECTED.test(glob)) {
    return 'a glob without `\\ ( ) | { } ! + " ,`, `***` or a leading `./` (braces, extglobs, negation and escapes are not supported; write one glob per alternative)';
  }
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === ']') return 'a `]` only at the end of a character class';
    if (glob[i] !== '[') continue;
    const match = CLASS.exec(glob.slice(i));
    if (match === null) return 'character classes of letters, digits, `_` and `-` ranges (`[0-9a-f]`), closed by `]`';
    i += match[0].length - 1;
  }
  return null;
}

/** picomatch's `parse.fastpaths`: a few whole shapes, and `<shape>.<word>`. */
function fastPath(input: string): string | undefined {
  switch (input) {
    case '*':
      return `${NO_DOTS}${ONE_CHAR}${STAR}`;
    case '.*':
      return `${DOT}${ONE_CHAR}${STAR}`;
    case '*.*':
      return `${NO_DOTS}${STAR}${DOT}${ONE_CHAR}${STAR}`;
    case '*/*':
      return `${NO_DOTS}${STAR}${SLASH}${ONE_CHAR}${NO_DOTS_SLASH}${STAR}`;
    case '**':
      return `${NO_DOTS}${GLOBSTAR}`;
    case '**/*':
      return `(?:${NO_DOTS}${GLOBSTAR}${SLASH})?${NO_DOTS_SLASH}${ONE_CHAR}${STAR}`;
    case '**/*.*':
      return `(?:${NO_DOTS}${GLOBSTAR}${SLASH})?${NO_DOTS_SLASH}${STAR}${DOT}${ONE_CHAR}${STAR}`;
    case '**/.*':
      return `(?:${NO_DOTS}${GLOBSTAR}${SLASH})?${DOT}${ONE_CHAR}${STAR}`;
    default: {
      const match = /^(.*?)\.(\w+)$/.exec(input);
      const head = match === null ? undefined : fastPath(match[1] as string);
      return head === undefined ? undefined : `${head}${DOT}${match?.[2]}`;
    }
  }
}

function parse(input: string): string {
  // picomatch's second fast path: no slash, class or leading star; each run of one character.
  if (!/^\*|[/[\]]/.test(input)) {
    return input.replace(/(\W)\1*/g, (run, first: string) => {
      if (first === '?') return QMARK.repeat(run.length);
      if (first === '.') return DOT.repeat(run.length);
      if (first === '*') return STAR;
      return `\\${run}`;
    });
  }
  return tokenize(input);
}

interface Token {
  type: 'bos' | 'slash' | 'dot' | 'text' | 'qmark' | 'star' | 'globstar' | 'bracket' | 'maybe_slash';
  output: string;
  prev?: Token;
}

/** picomatch's tokenizer, for the accepted characters (the same outputs, in the same order). */
function tokenize(input: string): string {
  let output = '';
  let prev: Token = { type: 'bos', output: '' };
  let index = -1;
  const eos = () => index === input.length - 1;
  const push = (token: Token) => {
    if (prev.type === 'globstar' && token.type !== 'slash') {
      output = output.slice(0, -prev.output.length);
      prev.type = 'star';
      prev.output = STAR;
      output += STAR;
    }
    output += token.output;
    token.prev = prev;
    prev = token;
  };
  while (!eos()) {
    const value = input[++index] as string;
    const rest = input.slice(index + 1);
    if (value === '/') push({ type: 'slash', output: SLASH });
    else if (value === '.') push({ type: prev.type === 'bos' || prev.type === 'slash' ? 'dot' : 'text', output: DOT });
    else if (value === '?') push({ type: 'qmark', output: QMARK });
    else if (value === '[') {
      const inner = (CLASS.exec(input.slice(index)) as RegExpExecArray)[1] as string;
      index += inner.length + 1;
      const regexClass = `[${inner.endsWith('-') ? `${inner.slice(0, -1)}\\-` : inner}]`;
      // Without a `-`, picomatch also matches the class's own text (`[ab]` matches "a", "b" and "[ab]").
      push({ type: 'bracket', output: inner.includes('-') ? regexClass : `(?:\\[${inner}\\]|${regexClass})` });
    } else if (value !== '*') push({ type: 'text', output: value === '$' || value === '^' ? `\\${value}` : value });
    else if (prev.type === 'star') index = globstar(prev, rest, index);
    else {
      if (index === 0 || prev.type === 'slash' || prev.type === 'dot') {
        const guard = (prev.type === 'dot' ? NO_DOT_SLASH : NO_DOTS_SLASH) + (rest[0] === '*' ? '' : ONE_CHAR);
        output += guard;
        prev.output += guard;
      }
      push({ type: 'star', output: STAR });
    }
  }
  if (prev.type === 'star' || prev.type === 'bracket') push({ type: 'maybe_slash', output: `${SLASH}?` });
  return output;

  /** A second `*` right after a first: a globstar where it spans whole segments, else nothing more. */
  function globstar(star: Token, after: string, at: number): number {
    const prior = star.prev as Token;
    const afterStar = prior.prev?.type === 'star' || prior.prev?.type === 'globstar';
    if (prior.type !== 'slash' && prior.type !== 'bos') {
      push({ type: 'star', output: '' });
      return at;
    }
    let rest = after;
    let next = at;
    while (rest.startsWith('/**') && (input[next + 4] === undefined || input[next + 4] === '/')) {
      rest = rest.slice(3);
      next += 3;
    }
    const end = next === input.length - 1;
    star.type = 'globstar';
    if (prior.type === 'bos' && end) {
      star.output = GLOBSTAR;
      output = GLOBSTAR;
    } else if (
      prior.type === 'slash' &&
      prior.prev?.type !== 'bos' &&
      (end || rest[0] === '/') &&
      !(end && afterStar)
    ) {
      output = output.slice(0, -(prior.output + star.output).length);
      prior.output = `(?:${prior.output}`;
      star.output = end ? `${GLOBSTAR}|$)` : `${GLOBSTAR}${SLASH}|${SLASH}${rest[1] === undefined ? '' : '|$'})`;
      output += prior.output + star.output;
      if (!end) next = slashAfterGlobstar(next);
    } else if (prior.type === 'bos' && rest[0] === '/') {
      star.output = `(?:^|${SLASH}|${GLOBSTAR}${SLASH})`;
      output = star.output;
      next = slashAfterGlobstar(next);
    } else {
      output = output.slice(0, -star.output.length) + GLOBSTAR;
      star.output = GLOBSTAR;
    }
    return next;
  }

  function slashAfterGlobstar(at: number): number {
    push({ type: 'slash', output: '' });
    return at + 1;
  }
}
