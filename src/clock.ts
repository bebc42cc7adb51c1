/**
 * The one clock: time and timers for everything whose behaviour depends on time (QR windows,
 * reconnect delays, the memory governor, media expiry, webhook retries). Production binds the
 * system clock; unit tests bind a manual one and move it forward instead of waiting.
 */

/** What a timer returns; only ever handed back to `clearTimeout`. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

export interface Clock {
  /** ms since epoch. */
  now(): number;
  /** Runs `fn` once after `ms`. A real timer does not keep the process alive (unref). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t as unknown as TimerHandle;
  },
  clearTimeout: (h) => clearTimeout(h as unknown as ReturnType<typeof setTimeout>),
};

/** Runs `fn` every `ms` on `clock` until the returned function is called. */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let handle: TimerHandle | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    handle = clock.setTimeout(tick, ms);
    fn();
  };
  handle = clock.setTimeout(tick, ms);
  return () => {
    stopped = true;
    if (handle) clock.clearTimeout(handle);
  };
}
