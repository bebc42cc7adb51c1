/** Schemas of the webhook delivery routes: targets, dead letters, replay, prune. Types come from these. */
import { t } from 'elysia';
import { requestBody } from '../../model';

const time = (description: string) => t.String({ format: 'date-time', description });
const nullable = <T extends Parameters<typeof t.Union>[0][number]>(s: T, description?: string) =>
  t.Union([s, t.Null()], description ? { description } : {});

/** How a target delivers, without its secrets (HMAC key, header values). */
export const TargetSettingsBody = t.Object({
  policy: t.Union([t.Literal('constant'), t.Literal('linear'), t.Literal('exponential')]),
  delay_seconds: t.Integer(),
  attempts: t.Integer({ description: 'Retries after the first attempt; then the event goes to the dead letters' }),
  signed: t.Boolean({ description: 'Deliveries carry X-Webhook-Hmac (the key is never shown)' }),
  headers: t.Array(t.String(), { description: 'Names of the custom headers (their values are never shown)' }),
});

/** The row a target delivers next: every other pending row of the target waits behind it. */
export const OutboxHead = t.Object({
  seq: t.Integer(),
  event_id: t.String(),
  event: t.String(),
  session: t.String(),
  created_at: time('When the event happened'),
  attempts: t.Integer({ description: 'Failed attempts so far' }),
  next_at: time('Not before this time (the stored retry time)'),
  last_error: nullable(t.String(), 'Why the last attempt failed; null before the first attempt'),
});

export const LastAttempt = t.Object({
  at: time('When it ended'),
  ok: t.Boolean(),
  status: nullable(t.Integer(), 'HTTP status; null when no answer came'),
  error: nullable(t.String()),
  event_id: t.String(),
});

/** One webhook target (a URL of a session's config, or the global webhook) and what is happening on it. */
export const WebhookTarget = t.Object(
  {
    id: t.Integer(),
    scope: t.String({ description: "'*' for the global webhook (WHATSAPP_HOOK_URL), else the session whose config names it" }),
    url: t.String(),
    configured: t.Boolean({ description: 'Still in a session config or WHATSAPP_HOOK_URL; false: only its history is left (prunable)' }),
    state: t.Union([t.Literal('idle'), t.Literal('pending'), t.Literal('failing')], {
      description:
        'idle: nothing waiting; pending: rows waiting, none failed yet; failing: the head row has failed and waits for its retry',
    }),
    settings: nullable(TargetSettingsBody, 'null when the stored settings cannot be read'),
    pending: t.Integer({ description: 'Events waiting to be delivered' }),
    head: nullable(OutboxHead),
    dead_letters: t.Integer({ description: 'Events that ran out of retries (see /api/webhooks/dead-letters)' }),
    since_start: t.Object(
      {
        delivered: t.Integer(),
        failed_attempts: t.Integer(),
        dead_lettered: t.Integer(),
        last_attempt: nullable(LastAttempt),
      },
      { description: 'Counted by this process since it started' },
    ),
  },
  { $id: '#/components/schemas/WebhookTarget' },
);
export type WebhookTarget = typeof WebhookTarget.static;

export const DeadLetter = t.Object(
  {
    seq: t.Integer({ description: 'Its id (the outbox sequence number it had)' }),
    target_id: t.Integer(),
    url: t.String(),
    event_id: t.String({ description: 'The event id, sent again as X-Webhook-Request-Id on a replay' }),
    event: t.String(),
    session: t.String(),
    created_at: time('When the event happened'),
    dead_at: time('When the last retry failed'),
    attempts: t.Integer(),
    last_error: nullable(t.String()),
    size_bytes: t.Integer({ description: 'Size of the envelope JSON' }),
  },
  { $id: '#/components/schemas/DeadLetter' },
);
export type DeadLetter = typeof DeadLetter.static;

export const DeadLetterDetail = t.Object({
  ...DeadLetter.properties,
  envelope: t.Unknown({ description: 'The envelope exactly as it would be sent' }),
});
export type DeadLetterDetail = typeof DeadLetterDetail.static;

const SessionFilter = t.String({ pattern: '^(\\*|[A-Za-z0-9_-]{1,54})$', description: "A session name, or '*' for the global webhook" });

export const DeadLetterQuery = t.Object({
  session: t.Optional(SessionFilter),
  target: t.Optional(t.Integer({ minimum: 1, description: 'A target id' })),
  event: t.Optional(t.String({ maxLength: 64 })),
  before: t.Optional(t.Integer({ minimum: 1, description: "Page on: the previous page's next_before" })),
  limit: t.Integer({ minimum: 1, maximum: 500, default: 50 }),
});
export type DeadLetterQuery = typeof DeadLetterQuery.static;

export const DeadLetterPage = t.Object({
  items: t.Array(DeadLetter, { description: 'Newest first' }),
  total: t.Integer({ description: 'Dead letters matching the filter' }),
  next_before: nullable(t.Integer(), 'Pass as `before` for the next page; null on the last one'),
});

export const SeqParams = t.Object({ seq: t.Integer({ minimum: 1 }) });

export const ReplayRequest = t.Object(
  {
    seqs: t.Optional(t.Array(t.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000, description: 'Dead letters to replay' })),
    all: t.Optional(t.Boolean({ description: 'Replay every dead letter matching session/target/event instead of a list' })),
    session: t.Optional(SessionFilter),
    target: t.Optional(t.Integer({ minimum: 1 })),
    event: t.Optional(t.String({ maxLength: 64 })),
  },
  requestBody('WebhookReplayRequest', { all: true, session: 'default' }),
);
export type ReplayRequest = typeof ReplayRequest.static;

export const ReplayResult = t.Object({
  replayed: t.Array(t.Integer(), { description: 'Dead letters put back into the outbox, behind what is pending on their target' }),
  missing: t.Array(t.Integer(), { description: 'Asked for but not in the dead letters (already replayed, or pruned)' }),
  targets: t.Array(t.Integer(), { description: 'Targets that got rows back' }),
});
export type ReplayResult = typeof ReplayResult.static;

export const PruneRequest = t.Object(
  {
    dead_letters: t.Optional(
      t.Boolean({ default: false, description: 'Also prune targets that only have dead letters left, deleting those dead letters' }),
    ),
  },
  requestBody('WebhookPruneRequest', { dead_letters: false }),
);

export const PrunedTarget = t.Object({
  id: t.Integer(),
  scope: t.String(),
  url: t.String(),
  dead_letters_removed: t.Integer(),
});
export type PrunedTarget = typeof PrunedTarget.static;

export const PruneResult = t.Object({
  pruned: t.Array(PrunedTarget),
  kept: t.Integer({ description: 'Targets left: configured, or with pending events (or dead letters, unless dead_letters=true)' }),
});
