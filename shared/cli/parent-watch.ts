/**
 * Calls `onGone` once when this process's parent exits, whatever the way: a shell that `npm` killed
 * with SIGTERM, an `npm` killed with SIGKILL, a closed terminal. The kernel then re-parents this
 * process (to init or a subreaper), which changes `process.ppid`; there is no signal for it, so it
 * is polled. The timer does not keep the process alive.
 *
 * @returns a function that stops watching
 */
export function watchParent(onGone: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
