/**
 * Reconnect delay before attempt `n` (0-based): INITIAL_RECONNECT_DELAY × 1.5ⁿ, spread by ±20 %
 * jitter so sessions that fell together (one network blip) do not all relaunch Chromium at once.
 */
export function reconnectDelay(attempt: number, initialMs: number, random: () => number = Math.random): number {
  const base = initialMs * 1.5 ** attempt;
  const jitter = 0.8 + 0.4 * random();
  return Math.round(base * jitter);
}
