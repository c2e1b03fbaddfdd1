import { element, escapeXml, textElement } from '../cloudfront-emulator/xml-write.ts';
import { effectiveMaxKeys, type ListVersionsPage, type ListVersionsQuery } from './list-versions.ts';
import type { VersioningStatus } from './version-store.ts';

const S3_XML_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
/** fauxqs has no accounts; every version is owned by this one. */
const OWNER = element('Owner', textElement('ID', '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a'));

function s3Document(rootName: string, ...children: readonly string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${rootName} xmlns="${S3_XML_NAMESPACE}">${children.join('')}</${rootName}>`;
}

/** GetBucketVersioning's answer: no `Status` for a bucket that was never versioned. */
export function renderVersioningConfiguration(status: VersioningStatus | undefined): string {
  return s3Document('VersioningConfiguration', ...(status === undefined ? [] : [textElement('Status', status)]));
}

/**
 * ListObjectVersions' `ListVersionsResult`: versions and delete markers interleaved in listing order,
 * then common prefixes. With `encoding-type=url`, keys, prefixes, markers and the delimiter are
 * percent-encoded (UTF-8).
 */
export function renderListVersions(
  bucket: string,
  query: ListVersionsQuery & { readonly encodingType: 'url' | undefined },
  page: ListVersionsPage,
): string {
  const encode = query.encodingType === 'url' ? encodeURIComponent : (text: string) => text;
  const optional = (name: string, value: string | undefined) => (value === undefined ? '' : textElement(name, value));
  const entries = page.entries.map((entry) => {
    const common = [
      textElement('Key', encode(entry.key)),
      textElement('VersionId', entry.versionId),
      textElement('IsLatest', entry.isLatest),
      textElement('LastModified', entry.lastModified.toISOString()),
    ];
    if (entry.deleteMarker) return element('DeleteMarker', ...common, OWNER);
    return element(
      'Version',
      ...common,
      textElement('ETag', entry.etag),
      textElement('Size', entry.size),
      OWNER,
      textElement('StorageClass', 'STANDARD'),
    );
  });
  return s3Document(
    'ListVersionsResult',
    textElement('Name', bucket),
    textElement('Prefix', encode(query.prefix)),
    textElement('KeyMarker', encode(query.keyMarker ?? '')),
    textElement('VersionIdMarker', query.versionIdMarker ?? ''),
    optional('NextKeyMarker', page.nextKeyMarker === undefined ? undefined : encode(page.nextKeyMarker)),
    optional('NextVersionIdMarker', page.nextVersionIdMarker),
    textElement('MaxKeys', effectiveMaxKeys(query.maxKeys)),
    optional('Delimiter', query.delimiter === undefined ? undefined : encode(query.delimiter)),
    textElement('IsTruncated', page.isTruncated),
    ...entries,
    ...page.commonPrefixes.map((prefix) => element('CommonPrefixes', textElement('Prefix', encode(prefix)))),
    optional('EncodingType', query.encodingType),
  );
}

/** An S3 error document. */
export function renderS3Error(code: string, message: string, resource: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><Resource>${escapeXml(resource)}</Resource></Error>`;
}
