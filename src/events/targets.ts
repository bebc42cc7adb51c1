/**
 * Webhook targets: a session's `config.webhooks` entries and the global `WHATSAPP_HOOK_*` one,
 * checked where they enter and reduced to the settings a delivery needs.
 */
import type { Config } from '../config';
import { BadRequestError } from '../errors';
import type { Webhook } from '../modules/sessions/model';

export type RetryPolicy = 'constant' | 'linear' | 'exponential';

/** A webhook as WAHA's session config spells it (`config.webhooks[]`). */
export type WebhookConfig = typeof Webhook.static;

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
 * What the schema cannot check about a webhook where configs enter (session create/update):
 * a URL that parses, and header names and values Fetch accepts. Throws a 400 naming the field.
 */
export function validateWebhook(w: WebhookConfig, where = 'webhooks[0]'): void {
  let url: URL | null = null;
  try {
    url = new URL(w.url);
  } catch {
    /* reported below */
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new BadRequestError(`${where}.url must be an http:// or https:// URL, got '${w.url}'.`, { field: `${where}.url` });
  for (const h of w.customHeaders ?? []) {
    try {
      new Headers([[h.name, h.value]]);
    } catch {
      throw new BadRequestError(`${where}.customHeaders: '${h.name}' is not a valid HTTP header name/value.`, {
        field: `${where}.customHeaders`,
      });
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

/** The global webhook from `WHATSAPP_HOOK_*`, or null when `WHATSAPP_HOOK_URL` is empty. */
export function globalWebhook(config: Config): WebhookConfig | null {
  if (!config.WHATSAPP_HOOK_URL) return null;
  return {
    url: config.WHATSAPP_HOOK_URL,
    events: config.WHATSAPP_HOOK_EVENTS.length ? [...config.WHATSAPP_HOOK_EVENTS] : ['*'],
    hmac: config.WHATSAPP_HOOK_HMAC_KEY ? { key: config.WHATSAPP_HOOK_HMAC_KEY } : null,
    retries: {
      policy: config.WHATSAPP_HOOK_RETRIES_POLICY,
      delaySeconds: config.WHATSAPP_HOOK_RETRIES_DELAY_SECONDS,
      attempts: config.WHATSAPP_HOOK_RETRIES_ATTEMPTS,
    },
    customHeaders: config.WHATSAPP_HOOK_CUSTOM_HEADERS.map((h) => ({ ...h })),
  };
}
