import { CloudFrontApiError, createInvalidArgument, XmlSyntaxError } from './errors.ts';
import type { EmulatorDistributionConfig } from './types.ts';
import { parseXml, type XmlElement } from './xml-parse.ts';

/** A parsed `DistributionConfig` body (CreateDistribution, UpdateDistribution). */
export interface ParsedDistributionConfig extends EmulatorDistributionConfig {
  readonly callerReference: string;
}

/**
 * Parses the `DistributionConfig` request body of CreateDistribution and UpdateDistribution: the members
 * the emulator serves (origins, behaviours' targets, aliases, comment, enabled, default root object).
 * CloudFront requires CallerReference, Origins, DefaultCacheBehavior, Comment and Enabled
 * (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html).
 *
 * @throws CloudFrontApiError `MissingBody`, `MalformedInput`, `InconsistentQuantities` or `InvalidArgument`
 */
export function parseDistributionConfig(body: string): ParsedDistributionConfig {
  if (body.trim() === '') {
    throw new CloudFrontApiError(
      'MissingBody',
      400,
      'This operation requires a body. Ensure that the body is present.',
    );
  }
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new CloudFrontApiError('MalformedInput', 400, error.message);
    throw error;
  }
  if (root.name !== 'DistributionConfig') {
    throw new CloudFrontApiError('MalformedInput', 400, `expected root element DistributionConfig, got ${root.name}`);
  }
  const callerReference = required(root, 'CallerReference').text;
  if (callerReference === '') throw createInvalidArgument('The CallerReference field is required.');
  const enabledText = required(root, 'Enabled').text.trim();
  if (enabledText !== 'true' && enabledText !== 'false') {
    throw createInvalidArgument(`Enabled: expected true or false, got '${enabledText.slice(0, 10)}'.`);
  }
  const origins = listItems(required(root, 'Origins'), 'Origins', 'Origin').map((origin) => ({
    id: required(origin, 'Id').text,
    domainName: required(origin, 'DomainName').text,
    originPath: child(origin, 'OriginPath')?.text ?? '',
  }));
  if (origins.length === 0) throw createInvalidArgument('Origins: expected at least one origin.');
  const behaviors = child(root, 'CacheBehaviors');
  return {
    callerReference,
    comment: required(root, 'Comment').text,
    enabled: enabledText === 'true',
    defaultRootObject: child(root, 'DefaultRootObject')?.text ?? '',
    aliases:
      child(root, 'Aliases') === undefined
        ? []
        : listItems(required(root, 'Aliases'), 'Aliases', 'CNAME').map((alias) => alias.text),
    origins,
    defaultTargetOriginId: required(required(root, 'DefaultCacheBehavior'), 'TargetOriginId').text,
    cacheBehaviors:
      behaviors === undefined
        ? []
        : listItems(behaviors, 'CacheBehaviors', 'CacheBehavior').map((behavior) => ({
            pathPattern: required(behavior, 'PathPattern').text,
            targetOriginId: required(behavior, 'TargetOriginId').text,
          })),
  };
}

function listItems(list: XmlElement, name: string, itemName: string): XmlElement[] {
  const quantityText = required(list, 'Quantity').text.trim();
  const items = (child(list, 'Items')?.children ?? []).filter((item) => item.name === itemName);
  if (!/^\d{1,6}$/.test(quantityText) || Number(quantityText) !== items.length) {
    throw new CloudFrontApiError(
      'InconsistentQuantities',
      400,
      `${name}.Quantity does not match the number of Items: expected ${items.length}, got ${quantityText.slice(0, 20)}.`,
    );
  }
  return items;
}

function required(parent: XmlElement, name: string): XmlElement {
  const found = child(parent, name);
  if (found === undefined) throw createInvalidArgument(`The parameter ${name} is required.`);
  return found;
}

function child(parent: XmlElement, name: string): XmlElement | undefined {
  return parent.children.find((candidate) => candidate.name === name);
}
