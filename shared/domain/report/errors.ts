import { DomainError } from '../errors.ts';

/** The report's input is outside its contract (a negative counter, a day outside the month). */
export class ReportInputError extends DomainError {
  override name = 'ReportInputError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}

/** A report format name is not one of table, json, csv, md, html. */
export class ReportFormatError extends DomainError {
  override name = 'ReportFormatError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}
