/** Reading stored webhook rows the same way in every binding. */
import type { TargetSettings } from '../events/targets';

/** ms since epoch as the routes show times. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** `scope + LF + url`, as WebhookOutbox writes target keys. */
export function splitKey(key: string): { scope: string; url: string } {
  const nl = key.indexOf('\n');
  return nl === -1 ? { scope: '', url: key } : { scope: key.slice(0, nl), url: key.slice(nl + 1) };
}

/** A target's stored settings; null when the JSON cannot be read. */
export function parseSettings(json: string): TargetSettings | null {
  try {
    return JSON.parse(json) as TargetSettings;
  } catch {
    return null;
  }
}

const decoder = new TextDecoder();

/** A stored envelope, parsed; the text itself when it is not JSON. */
export function parseEnvelope(body: Uint8Array): unknown {
  const text = decoder.decode(body);
  try {
    return JSON.parse(text);
  } catch {
    return text; // shown as the text it is
  }
}
