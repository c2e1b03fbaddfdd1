import { CollectorError } from './errors.ts';

/** Base class of the watcher's own failures; `retryable` decides whether the check message comes back. */
export class WatchError extends CollectorError {
  override name = 'WatchError';
}

/** A watch message body is not a check this service sent (acknowledged and logged, never retried). */
export class WatchMessageError extends WatchError {
  override name = 'WatchMessageError';

  constructor(message: string) {
    super(message, { retryable: false });
  }
}
