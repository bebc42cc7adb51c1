/**
 * One queue per key: operations on the same key run one after another, in call order; different
 * keys run in parallel. Sessions use it as their lock (WAHA's session manager does the same,
 * `withLock(name, fn)`: it keeps concurrent start/stop/logout from leaving a half-started browser
 * behind); sending uses it per chat, so messages to one chat leave in the order they were accepted.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` once every earlier operation on `key` has settled; resolves or rejects with it. */
  run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(() => fn());
    const tail = result.then(
      () => {},
      () => {},
    );
    this.tails.set(key, tail);
    // Forget idle keys, so a million names do not cost a million entries.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Whether an operation on `key` is queued or running. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Resolves once every operation queued on `key` so far has settled. */
  idle(key: string): Promise<void> {
    return this.tails.get(key) ?? Promise.resolve();
  }
}
