import { XmlSyntaxError } from './errors.ts';

/** One parsed element: local name (prefix dropped), child elements and its own text (entities decoded). */
export interface XmlElement {
  readonly name: string;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const MAX_DEPTH = 32;

/**
 * Decodes XML character data: the five predefined entities and numeric character references.
 * @throws XmlSyntaxError on a bare `&`, an unknown entity or an out-of-range code point.
 */
export function unescapeXml(raw: string): string {
  return raw.replace(/&([^&;<]*)(;?)/g, (_match, body: string, semicolon: string) => {
    if (semicolon !== ';') throw new XmlSyntaxError(`expected an entity after '&', got '&${body.slice(0, 10)}'`);
    const named = NAMED_ENTITIES[body];
    if (named !== undefined) return named;
    const numeric = /^#x([0-9a-fA-F]{1,6})$/.exec(body) ?? /^#([0-9]{1,7})$/.exec(body);
    const codePoint = numeric?.[1] === undefined ? Number.NaN : Number.parseInt(numeric[1], body[1] === 'x' ? 16 : 10);
    if (!(codePoint > 0 && codePoint <= 0x10ffff)) throw new XmlSyntaxError(`unknown XML entity '&${body};'`);
    return String.fromCodePoint(codePoint);
  });
}

/**
 * Parses a small, well-formed XML document (CloudFront request bodies) into an element tree.
 *
 * Handles the declaration, comments, processing instructions, CDATA, attributes (ignored) and
 * namespace prefixes. DTDs are refused: no entity expansion, no surprises.
 * @throws XmlSyntaxError when the document is not well-formed.
 */
export function parseXml(source: string): XmlElement {
  const parser = new XmlReader(source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
  parser.skipMisc();
  const root = parser.readElement(0);
  parser.skipMisc();
  parser.expectEnd();
  return root;
}

class XmlReader {
  private position = 0;

  constructor(private readonly source: string) {}

  skipMisc(): void {
    for (;;) {
      this.skipWhitespace();
      if (this.startsWith('<?')) this.skipPast('?>');
      else if (this.startsWith('<!--')) this.skipPast('-->');
      else if (this.startsWith('<!')) throw this.fail('DTDs and declarations are not accepted');
      else return;
    }
  }

  expectEnd(): void {
    if (this.position < this.source.length) throw this.fail('unexpected content after the root element');
  }

  readElement(depth: number): XmlElement {
    if (depth > MAX_DEPTH) throw this.fail(`elements nested deeper than ${MAX_DEPTH}`);
    if (!this.startsWith('<')) throw this.fail("expected '<'");
    this.position++;
    const qualifiedName = this.readName();
    if (this.readAttributes()) return { name: localName(qualifiedName), children: [], text: '' };
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (this.position >= this.source.length) throw this.fail(`element <${qualifiedName}> is not closed`);
      if (this.startsWith('</')) {
        this.position += 2;
        const closing = this.readName();
        this.skipWhitespace();
        this.expect('>');
        if (closing !== qualifiedName) throw this.fail(`expected </${qualifiedName}>, got </${closing}>`);
        return { name: localName(qualifiedName), children, text };
      }
      if (this.startsWith('<!--')) this.skipPast('-->');
      else if (this.startsWith('<![CDATA[')) text += this.readCdata();
      else if (this.startsWith('<?')) this.skipPast('?>');
      else if (this.startsWith('<')) children.push(this.readElement(depth + 1));
      else text += this.readText();
    }
  }

  /** Reads attributes up to the end of the start tag; true when the tag is self-closing. */
  private readAttributes(): boolean {
    for (;;) {
      this.skipWhitespace();
      if (this.startsWith('/>')) {
        this.position += 2;
        return true;
      }
      if (this.startsWith('>')) {
        this.position++;
        return false;
      }
      this.readName();
      this.skipWhitespace();
      this.expect('=');
      this.skipWhitespace();
      const quote = this.source[this.position];
      if (quote !== '"' && quote !== "'") throw this.fail('expected a quoted attribute value');
      const end = this.source.indexOf(quote, this.position + 1);
      if (end < 0) throw this.fail('attribute value is not closed');
      unescapeXml(this.source.slice(this.position + 1, end));
      this.position = end + 1;
    }
  }

  private readName(): string {
    const match = /^[A-Za-z_:][\w.:-]*/.exec(this.source.slice(this.position, this.position + 256));
    if (match === null) throw this.fail('expected an element or attribute name');
    this.position += match[0].length;
    return match[0];
  }

  private readText(): string {
    const end = this.source.indexOf('<', this.position);
    const stop = end < 0 ? this.source.length : end;
    const raw = this.source.slice(this.position, stop);
    if (raw.includes(']]>')) throw this.fail("']]>' is not allowed in text");
    this.position = stop;
    return unescapeXml(raw);
  }

  private readCdata(): string {
    const start = this.position + '<![CDATA['.length;
    const end = this.source.indexOf(']]>', start);
    if (end < 0) throw this.fail('CDATA section is not closed');
    this.position = end + 3;
    return this.source.slice(start, end);
  }

  private skipWhitespace(): void {
    while (/\s/.test(this.source[this.position] ?? '')) this.position++;
  }

  private skipPast(terminator: string): void {
    const end = this.source.indexOf(terminator, this.position);
    if (end < 0) throw this.fail(`expected '${terminator}'`);
    this.position = end + terminator.length;
  }

  private startsWith(token: string): boolean {
    return this.source.startsWith(token, this.position);
  }

  private expect(token: string): void {
    if (!this.startsWith(token)) throw this.fail(`expected '${token}'`);
    this.position += token.length;
  }

  private fail(reason: string): XmlSyntaxError {
    return new XmlSyntaxError(`malformed XML at offset ${this.position}: ${reason}`);
  }
}

function localName(qualifiedName: string): string {
  const colon = qualifiedName.indexOf(':');
  return colon < 0 ? qualifiedName : qualifiedName.slice(colon + 1);
}
