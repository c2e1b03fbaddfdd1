import {
  GetBucketVersioningCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { NewKeyEvidenceError } from '../../shared/adapters/errors.ts';
import { S3VersionHistory } from '../../shared/adapters/s3-version-history.ts';
import { s3Failure } from '../helpers/s3-failure.ts';

/**
 * A client that answers GetBucketVersioning and ListObjectVersions from a list of entries, in S3's
 * order, `pageSize` entries a page: small pages and request caps, with no server in the unit project
 * (test/integration/new-key-evidence.test.ts runs the adapter against the local S3's versioning).
 */
function versionedClient(
  status: string | undefined,
  entries: readonly { key: string; deleteMarker?: boolean }[],
  pageSize = 2,
) {
  const calls: { prefix: string | undefined; delimiter: string | undefined; keyMarker: string | undefined }[] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof GetBucketVersioningCommand) return status === undefined ? {} : { Status: status };
      if (!(command instanceof ListObjectVersionsCommand)) throw new Error('unexpected command');
      const { Prefix = '', Delimiter, KeyMarker } = command.input;
      calls.push({ prefix: Prefix, delimiter: Delimiter, keyMarker: KeyMarker });
      const inFolder = entries.filter(
        (entry) => entry.key.startsWith(Prefix) && !entry.key.slice(Prefix.length).includes('/'),
      );
      const start = KeyMarker === undefined ? 0 : Number(KeyMarker);
      const page = inFolder.slice(start, start + pageSize);
      const truncated = start + pageSize < inFolder.length;
      const output: Partial<ListObjectVersionsCommandOutput> = {
        Versions: page.filter((entry) => entry.deleteMarker !== true).map((entry) => ({ Key: entry.key })),
        DeleteMarkers: page.filter((entry) => entry.deleteMarker === true).map((entry) => ({ Key: entry.key })),
        IsTruncated: truncated,
        ...(truncated ? { NextKeyMarker: String(start + pageSize), NextVersionIdMarker: 'v' } : {}),
      };
      return output;
    },
  };
  return { client: client as unknown as S3Client, calls };
}

const ENTRIES = [
  { key: 'assets/a.js' },
  { key: 'assets/b.js' },
  { key: 'assets/b.js' },
  { key: 'assets/c.js', deleteMarker: true },
  { key: 'assets/c.js' },
  { key: 'assets/sub/d.js' },
  { key: 'index.html' },
];

describe('S3VersionHistory', () => {
  it('counts versions and delete markers per key, one listing per folder, page by page', async () => {
    // Prepare
    const { client, calls } = versionedClient('Enabled', ENTRIES);
    const reader = new S3VersionHistory(client, { maxRequests: 10, versioningCacheMs: 60_000, now: () => 0 });
    // Act
    const { histories, requests } = await reader.histories('site', [
      'assets/a.js',
      'assets/b.js',
      'assets/c.js',
      'index.html',
    ]);
    // Assess: every page is a LIST request, the versioning check a GET-tier one
    expect(requests).toEqual({ list: calls.length, get: 1 });
    expect(Object.fromEntries(histories ?? [])).toEqual({
      'assets/a.js': { versions: 1, deleteMarkers: 0 },
      'assets/b.js': { versions: 2, deleteMarkers: 0 },
      'assets/c.js': { versions: 1, deleteMarkers: 1 },
      'index.html': { versions: 1, deleteMarkers: 0 },
    });
    expect(calls.map((call) => [call.prefix, call.delimiter])).toEqual([
      ['', '/'],
      ['assets/', '/'],
      ['assets/', '/'],
      ['assets/', '/'],
    ]);
  });

  it('leaves out the keys of a folder it could not list in full within the request cap', async () => {
    // Prepare
    const { client } = versionedClient('Enabled', ENTRIES);
    const reader = new S3VersionHistory(client, { maxRequests: 2, versioningCacheMs: 60_000, now: () => 0 });
    // Act
    const { histories, requests } = await reader.histories('site', ['assets/a.js', 'index.html']);
    // Assess: '' is listed first (1 call), then assets/ needs 3 pages but only 1 is left
    expect([...(histories?.keys() ?? [])]).toEqual(['index.html']);
    expect(requests).toEqual({ list: 2, get: 1 });
  });

  it('answers undefined unless versioning is Enabled (a suspended bucket overwrites in place)', async () => {
    // Prepare
    const suspended = versionedClient('Suspended', ENTRIES);
    const never = versionedClient(undefined, ENTRIES);
    const options = { maxRequests: 10, versioningCacheMs: 60_000, now: () => 0 };
    // Act
    const answers = await Promise.all(
      [suspended, never].map(({ client }) => new S3VersionHistory(client, options).histories('site', ['index.html'])),
    );
    // Assess
    expect(answers.map((answer) => answer.histories)).toEqual([undefined, undefined]);
    expect(answers.map((answer) => answer.requests)).toEqual([
      { list: 0, get: 1 },
      { list: 0, get: 1 },
    ]);
    expect([suspended.calls, never.calls]).toEqual([[], []]);
  });

  it('asks for the versioning status again only after its cache expires (a cached answer costs nothing)', async () => {
    // Prepare
    const { client } = versionedClient('Enabled', ENTRIES);
    let now = 0;
    const reader = new S3VersionHistory(client, { maxRequests: 10, versioningCacheMs: 60_000, now: () => now });
    // Act
    const first = await reader.histories('site', ['index.html']);
    now = 59_999;
    const cached = await reader.histories('site', ['index.html']);
    now = 60_000;
    const expired = await reader.histories('site', ['index.html']);
    // Assess
    expect([first, cached, expired].map((answer) => answer.requests)).toEqual([
      { list: 1, get: 1 },
      { list: 1, get: 0 },
      { list: 1, get: 1 },
    ]);
  });

  // S3 bills 2xx and 4xx answers, not 5xx ones (AWS, "Billing for Amazon S3 error responses").
  it.each([
    { answer: 'no answer (connection reset)', status: undefined, name: 'ECONNRESET', list: 3 },
    { answer: '500 InternalError', status: 500, name: 'InternalError', list: 2 },
    { answer: '503 SlowDown', status: 503, name: 'SlowDown', list: 2 },
    { answer: '403 AccessDenied', status: 403, name: 'AccessDenied', list: 3 },
  ])('says on its error the billed requests up to a failed third page: $answer', async ({ status, name, list }) => {
    // Prepare: the third ListObjectVersions call fails as the SDK reports it
    const { client } = versionedClient('Enabled', ENTRIES);
    let listed = 0;
    const failing = {
      send: (command: unknown) => {
        if (command instanceof ListObjectVersionsCommand && ++listed === 3)
          return Promise.reject(s3Failure(name, status));
        return client.send(command as ListObjectVersionsCommand);
      },
    } as unknown as S3Client;
    const reader = new S3VersionHistory(failing, { maxRequests: 10, versioningCacheMs: 60_000, now: () => 0 });
    // Act
    const error = await reader.histories('site', ['assets/a.js', 'index.html']).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(NewKeyEvidenceError);
    expect((error as NewKeyEvidenceError).message).toBe(`ListObjectVersions on s3://site failed: ${name}`);
    expect((error as NewKeyEvidenceError).requests).toEqual({ list, get: 1 });
  });

  it('does not count a GetBucketVersioning that S3 answered with 503', async () => {
    // Prepare
    const failing = { send: () => Promise.reject(s3Failure('SlowDown', 503)) } as unknown as S3Client;
    const reader = new S3VersionHistory(failing, { maxRequests: 10, versioningCacheMs: 60_000, now: () => 0 });
    // Act
    const error = await reader.histories('site', ['index.html']).catch((caught: unknown) => caught);
    // Assess
    expect((error as NewKeyEvidenceError).message).toBe('GetBucketVersioning on s3://site failed: SlowDown');
    expect((error as NewKeyEvidenceError).requests).toEqual({ list: 0, get: 0 });
  });
});
