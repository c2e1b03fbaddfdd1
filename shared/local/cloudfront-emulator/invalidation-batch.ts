import { CloudFrontApiError, createInvalidArgument, XmlSyntaxError } from './errors.ts';
import { DEFAULT_REFUSED_CHARACTERS } from './types.ts';
import { parseXml, type XmlElement } from './xml-parse.ts';

/** CloudFront's per-request and per-path limits for invalidations. */
export const INVALIDATION_LIMITS = {
  /** https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-invalidations */
  maxPathsPerRequest: 3000,
  maxPathLength: 4000,
  maxExactPathsInProgress: 3000,
  maxWildcardPathsInProgress: 15,
} as const;

/** A parsed, validated `InvalidationBatch` request body. */
export interface InvalidationBatch {
  readonly callerReference: string;
  readonly paths: readonly string[];
}

/**
 * Parses and validates the body of CreateInvalidation.
 * @param refusedCharacters - characters refused anywhere in a path (see `DEFAULT_REFUSED_CHARACTERS`)
 * @throws CloudFrontApiError `MissingBody`, `MalformedInput`, `InconsistentQuantities`,
 *   `BatchTooLarge` or `InvalidArgument`, as CloudFront answers them.
 */
export function parseInvalidationBatch(
  body: string,
  refusedCharacters = DEFAULT_REFUSED_CHARACTERS,
): InvalidationBatch {
  if (body.trim() === '') {
    throw new CloudFrontApiError(
      'MissingBody',
      400,
      'This operation requires a body. Ensure that the body is present and the Content-Type header is set.',
    );
  }
  const root = parseBody(body);
  if (root.name !== 'InvalidationBatch') {
    throw new CloudFrontApiError('MalformedInput', 400, `expected root element InvalidationBatch, got ${root.name}`);
  }
  const callerReference = findChild(root, 'CallerReference')?.text ?? '';
  if (callerReference === '') throw createInvalidArgument('The CallerReference field is required.');
  const pathsElement = findChild(root, 'Paths');
  if (pathsElement === undefined) throw createInvalidArgument('The Paths field is required.');
  const paths = readPaths(pathsElement);
  validatePaths(paths, refusedCharacters);
  return { callerReference, paths };
}

/** True when `path` is a wildcard invalidation path (its last character is `*`). */
export function isWildcardPath(path: string): boolean {
  return path.endsWith('*');
}

function parseBody(body: string): XmlElement {
  try {
    return parseXml(body);
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      throw new CloudFrontApiError('MalformedInput', 400, error.message, { cause: error });
    }
    throw error;
  }
}

function readPaths(pathsElement: XmlElement): string[] {
  const quantityText = findChild(pathsElement, 'Quantity')?.text.trim() ?? '';
  if (!/^\d{1,9}$/.test(quantityText)) {
    throw createInvalidArgument(`Paths.Quantity must be a non-negative integer, got '${quantityText.slice(0, 20)}'.`);
  }
  const quantity = Number(quantityText);
  const items = findChild(pathsElement, 'Items')?.children ?? [];
  const paths = items.filter((item) => item.name === 'Path').map((item) => item.text);
  if (paths.length !== items.length) throw createInvalidArgument('Paths.Items may only contain Path elements.');
  if (quantity !== paths.length) {
    throw new CloudFrontApiError(
      'InconsistentQuantities',
      400,
      `Paths.Quantity does not match the number of Items: expected ${paths.length}, got ${quantity}.`,
    );
  }
  return paths;
}

function validatePaths(paths: readonly string[], refusedCharacters: string): void {
  if (paths.length === 0) throw createInvalidArgument('Your request must contain at least one invalidation path.');
  if (paths.length > INVALIDATION_LIMITS.maxPathsPerRequest) {
    throw new CloudFrontApiError(
      'BatchTooLarge',
      413,
      `Invalidation batch specified is too large: at most ${INVALIDATION_LIMITS.maxPathsPerRequest} paths, got ${paths.length}.`,
    );
  }
  paths.forEach((path, index) => {
    const problem = describePathProblem(path, refusedCharacters);
    if (problem !== null) throw createInvalidArgument(`Invalid invalidation path at index ${index}: ${problem}.`);
  });
}

function describePathProblem(path: string, refusedCharacters: string): string | null {
  const length = [...path].length;
  if (!path.startsWith('/')) return 'the path must begin with a slash (/)';
  if (length > INVALIDATION_LIMITS.maxPathLength) {
    return `the path is ${length} characters long, at most ${INVALIDATION_LIMITS.maxPathLength} are allowed`;
  }
  const star = path.indexOf('*');
  if (star >= 0 && star !== path.length - 1) return 'the * wildcard is only allowed as the last character';
  // Field reports: CloudFront refused a raw `~` (aws-sdk-js-v3#4042) and a `'` (s3_website#63) with
  // InvalidArgument for the whole request; the strictest reading is the emulator's.
  for (let i = 0; i < path.length; i++) {
    if (refusedCharacters.includes(path[i] as string)) return `the character ${path[i]} at offset ${i} is not allowed`;
  }
  return null;
}

function findChild(parent: XmlElement, name: string): XmlElement | undefined {
  return parent.children.find((child) => child.name === name);
}
