import type { CloudFrontApiError } from './errors.ts';
import { document, element, textElement } from './xml-write.ts';

/** CloudFront's `ErrorResponse` document for an API error. */
export function renderError(error: CloudFrontApiError, requestId: string): string {
  return document(
    'ErrorResponse',
    element(
      'Error',
      textElement('Type', error.type),
      textElement('Code', error.code),
      textElement('Message', error.message),
    ),
    textElement('RequestId', requestId),
  );
}
