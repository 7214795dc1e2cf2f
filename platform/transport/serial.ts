/** Runs async work one at a time, in call order. */
export type Serial = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * A queue that runs async functions one after another: the warehouse has one connection whose transactions
 * must not interleave, so the node service and its in-process pushes share one `Serial`.
 */
export function createSerial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}
