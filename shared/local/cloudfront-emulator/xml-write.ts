const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Escapes text for XML content or attribute values.
 *
 * Besides the five markup characters, CR and the other C0 controls (except tab and LF) become
 * character references: a raw CR would be normalised to LF by any conforming parser.
 */
export function escapeXml(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching C0 controls is the point here.
  return text.replace(/[&<>"']|[\u0000-\u0008\u000B-\u001F]/g, (character) => {
    return ESCAPES[character] ?? `&#x${character.charCodeAt(0).toString(16).toUpperCase()};`;
  });
}

/** One element with escaped text content: `<Name>text</Name>`. */
export function textElement(name: string, value: string | number | boolean): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** One element around already-serialised children. */
export function element(name: string, ...children: readonly string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}

/** A CloudFront list wrapper: `<Name><Quantity>n</Quantity><Items>…</Items></Name>` (no `Items` when empty). */
export function quantityList(name: string, items: readonly string[], ...extra: readonly string[]): string {
  const itemsXml = items.length > 0 ? element('Items', ...items) : '';
  return element(name, ...extra, textElement('Quantity', items.length), itemsXml);
}

/** An XML document with CloudFront's declaration and namespace on the root element. */
export function document(rootName: string, ...children: readonly string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${rootName} xmlns="${CLOUDFRONT_XML_NAMESPACE}">${children.join('')}</${rootName}>`;
}

/** The namespace of the 2020-05-31 API. */
export const CLOUDFRONT_XML_NAMESPACE = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';
