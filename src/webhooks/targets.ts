/**
 * Webhook targets: a session's `config.webhooks` entries and the global `WHATSAPP_HOOK_*` one,
 * checked where they enter and reduced to the settings a delivery needs.
 */
import { type Config, ConfigError } from '../config';
import { BadRequestError } from '../errors';
import { validateEventNames } from './envelope';

export type RetryPolicy = 'constant' | 'linear' | 'exponential';

/** A webhook as WAHA's session config spells it (`config.webhooks[]`). */
export interface WebhookConfig {
  url: string;
  events: readonly string[];
  hmac?: { key?: string | null } | null;
  retries?: { policy?: RetryPolicy | null; delaySeconds?: number | null; attempts?: number | null } | null;
  customHeaders?: readonly { name: string; value: string }[] | null;
}

/** What one delivery needs to know about its target; stored with the outbox rows. */
export interface TargetSettings {
  url: string;
  hmacKey: string | null;
  policy: RetryPolicy;
  delaySeconds: number;
  /** Retries after the first attempt; then the row goes to the dead-letter table. */
  attempts: number;
  headers: [string, string][];
}

/** Used when a webhook gives no `retries` (the same as the global webhook's defaults). */
export const DEFAULT_RETRIES = { policy: 'exponential', delaySeconds: 2, attempts: 15 } as const;

/** Scope of the global webhook in target keys: it is one target for every session. */
export const GLOBAL_SCOPE = '*';

/**
 * Checks one webhook where configs enter (session create/update): http(s) URL, known events,
 * retry numbers in range, header names Fetch accepts. Throws a 400 that names the field.
 */
export function validateWebhook(w: WebhookConfig, where = 'webhooks[0]'): void {
  let url: URL | null = null;
  try {
    url = new URL(w.url);
  } catch {
    /* reported below */
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new BadRequestError(`${where}.url must be an http:// or https:// URL, got '${w.url}'.`);
  validateEventNames(w.events, `${where}.events`);
  const r = w.retries;
  if (r?.policy != null && !['constant', 'linear', 'exponential'].includes(r.policy))
    throw new BadRequestError(`${where}.retries.policy must be constant, linear or exponential.`);
  if (r?.delaySeconds != null && !(Number.isInteger(r.delaySeconds) && r.delaySeconds >= 0 && r.delaySeconds <= 3600))
    throw new BadRequestError(`${where}.retries.delaySeconds must be a whole number from 0 to 3600.`);
  if (r?.attempts != null && !(Number.isInteger(r.attempts) && r.attempts >= 0 && r.attempts <= 100))
    throw new BadRequestError(`${where}.retries.attempts must be a whole number from 0 to 100.`);
  for (const h of w.customHeaders ?? []) {
    try {
      new Headers([[h.name, h.value]]);
    } catch {
      throw new BadRequestError(`${where}.customHeaders: '${h.name}' is not a valid HTTP header name/value.`);
    }
  }
}

/** The settings a delivery uses, with defaults filled in. */
export function settingsOf(w: WebhookConfig): TargetSettings {
  return {
    url: w.url,
    hmacKey: w.hmac?.key ? w.hmac.key : null,
    policy: w.retries?.policy ?? DEFAULT_RETRIES.policy,
    delaySeconds: w.retries?.delaySeconds ?? DEFAULT_RETRIES.delaySeconds,
    attempts: w.retries?.attempts ?? DEFAULT_RETRIES.attempts,
    headers: (w.customHeaders ?? []).map((h) => [h.name, h.value]),
  };
}

/** `Name:value;Name2:value2` (WHATSAPP_HOOK_CUSTOM_HEADERS) → header list. */
export function parseCustomHeaders(raw: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const part of raw.split(';')) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    if (colon <= 0) throw new ConfigError('WHATSAPP_HOOK_CUSTOM_HEADERS', '[redacted]', '`Name:value` pairs separated by `;`');
    out.push({ name: part.slice(0, colon).trim(), value: part.slice(colon + 1).trim() });
  }
  return out;
}

/** The global webhook from `WHATSAPP_HOOK_*`, or null when `WHATSAPP_HOOK_URL` is empty. Throws ConfigError. */
export function globalWebhook(config: Config): WebhookConfig | null {
  if (!config.WHATSAPP_HOOK_URL) return null;
  const hook: WebhookConfig = {
    url: config.WHATSAPP_HOOK_URL,
    events: config.WHATSAPP_HOOK_EVENTS.length ? config.WHATSAPP_HOOK_EVENTS : ['*'],
    hmac: config.WHATSAPP_HOOK_HMAC_KEY ? { key: config.WHATSAPP_HOOK_HMAC_KEY } : null,
    retries: {
      policy: config.WHATSAPP_HOOK_RETRIES_POLICY,
      delaySeconds: config.WHATSAPP_HOOK_RETRIES_DELAY_SECONDS,
      attempts: config.WHATSAPP_HOOK_RETRIES_ATTEMPTS,
    },
    customHeaders: parseCustomHeaders(config.WHATSAPP_HOOK_CUSTOM_HEADERS),
  };
  try {
    validateWebhook(hook, 'WHATSAPP_HOOK');
  } catch (e) {
    const variable = /events/.test((e as Error).message) ? 'WHATSAPP_HOOK_EVENTS' : 'WHATSAPP_HOOK_CUSTOM_HEADERS';
    throw new ConfigError(
      variable,
      variable === 'WHATSAPP_HOOK_EVENTS' ? hook.events.join(',') : '[redacted]',
      (e as Error).message.replace(/\.$/, ''),
    );
  }
  return hook;
}
