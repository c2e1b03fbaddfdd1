import type { InvalidationPage } from './invalidation-store.ts';
import type { RecordedInvalidation } from './types.ts';
import { document, element, quantityList, textElement } from './xml-write.ts';

/** The `Invalidation` document of CreateInvalidation and GetInvalidation. */
export function renderInvalidation(invalidation: RecordedInvalidation): string {
  return document(
    'Invalidation',
    textElement('Id', invalidation.id),
    textElement('Status', invalidation.status),
    textElement('CreateTime', invalidation.createTime.toISOString()),
    element(
      'InvalidationBatch',
      quantityList(
        'Paths',
        invalidation.paths.map((path) => textElement('Path', path)),
      ),
      textElement('CallerReference', invalidation.callerReference),
    ),
  );
}

/** The `InvalidationList` document of ListInvalidations. */
export function renderInvalidationList(page: InvalidationPage, marker: string, maxItems: number): string {
  const summaries = page.items.map((invalidation) =>
    element(
      'InvalidationSummary',
      textElement('Id', invalidation.id),
      textElement('CreateTime', invalidation.createTime.toISOString()),
      textElement('Status', invalidation.status),
    ),
  );
  return document(
    'InvalidationList',
    textElement('Marker', marker),
    page.nextMarker === null ? '' : textElement('NextMarker', page.nextMarker),
    textElement('MaxItems', maxItems),
    textElement('IsTruncated', page.isTruncated),
    textElement('Quantity', summaries.length),
    summaries.length > 0 ? element('Items', ...summaries) : '',
  );
}
