/**
 * What happened to every webhook: each target's queue (pending, failing with its last error and
 * next attempt), what it delivered since start, its dead letters, and putting dead letters back.
 * The rows live in the store (`WebhookDeliveries`, src/store/types.ts);
 * the counts since start come from the dispatcher's attempts. No HTTP here.
 */
import { BadRequestError, NotFoundError } from '../../errors';
import type { Attempt } from '../../events/dispatcher';
import type { WebhookDeliveries } from '../../store/types';
import type { DeadLetterDetail, DeadLetterQuery, ReplayRequest, ReplayResult, WebhookTarget } from './model';

export interface WebhookDeliveryDeps {
  store: WebhookDeliveries;
  /** Whether a target is still in a session's config (or is WHATSAPP_HOOK_URL, scope '*'). */
  configured: (scope: string, url: string) => boolean;
  /** Rows went back into the outbox for these targets: the dispatcher must pick them up. */
  onRequeued?: (targetIds: number[]) => void;
  /** Targets were deleted: whoever caches them must forget them. */
  onPruned?: () => void;
  now?: () => number;
}

type SinceStart = WebhookTarget['since_start'];

const iso = (ms: number) => new Date(ms).toISOString();

/** The routes' logic over the store and the attempts seen since start. */
export class WebhookDeliveryService {
  private readonly since = new Map<number, SinceStart>();
  private readonly now: () => number;

  constructor(private readonly deps: WebhookDeliveryDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The dispatcher's outcome of one POST (wired to its `onAttempt`). */
  attempted(a: Attempt): void {
    let s = this.since.get(a.targetId);
    if (!s) this.since.set(a.targetId, (s = { delivered: 0, failed_attempts: 0, dead_lettered: 0, last_attempt: null }));
    if (a.ok) s.delivered++;
    else s.failed_attempts++;
    if (a.dead) s.dead_lettered++;
    s.last_attempt = { at: iso(this.now()), ok: a.ok, status: a.status, error: a.error, event_id: a.eventId };
  }

  async targets(): Promise<WebhookTarget[]> {
    return (await this.deps.store.targets()).map((t) => ({
      id: t.id,
      scope: t.scope,
      url: t.url,
      configured: this.deps.configured(t.scope, t.url),
      state: t.pending === 0 ? 'idle' : t.head && t.head.attempts > 0 ? 'failing' : 'pending',
      settings: t.settings && {
        policy: t.settings.policy,
        delay_seconds: t.settings.delaySeconds,
        attempts: t.settings.attempts,
        signed: t.settings.hmacKey !== null,
        headers: t.settings.headers.map(([name]) => name),
      },
      pending: t.pending,
      head: t.head,
      dead_letters: t.deadLetters,
      since_start: this.since.get(t.id) ?? { delivered: 0, failed_attempts: 0, dead_lettered: 0, last_attempt: null },
    }));
  }

  async deadLetters(q: DeadLetterQuery) {
    const { items, total } = await this.deps.store.deadLetters(q);
    const last = items.at(-1);
    // A full page may have more behind it; the next page starts below its last seq.
    return { items, total, next_before: items.length === q.limit && last ? last.seq : null };
  }

  async deadLetter(seq: number): Promise<DeadLetterDetail> {
    const d = await this.deps.store.deadLetter(seq);
    if (!d)
      throw new NotFoundError(`No dead letter ${seq} — list them with GET /api/webhooks/dead-letters (a replayed one leaves the list).`);
    return d;
  }

  async replay(req: ReplayRequest): Promise<ReplayResult> {
    const filtered = req.session !== undefined || req.target !== undefined || req.event !== undefined;
    if (req.seqs && (req.all || filtered))
      throw new BadRequestError('Give either seqs, or all=true with optional session/target/event filters — not both.');
    if (!req.seqs && req.all !== true)
      throw new BadRequestError('Nothing to replay: give seqs (dead-letter ids) or all=true (with optional session/target/event filters).');
    const result = await (req.seqs
      ? this.deps.store.replay({ seqs: [...new Set(req.seqs)] })
      : this.deps.store.replay({ filter: { session: req.session, target: req.target, event: req.event } }));
    if (result.targets.length > 0) this.deps.onRequeued?.(result.targets);
    return result;
  }

  /** Deletes targets no config names any more and that have nothing pending. */
  async prune(req: { dead_letters?: boolean }) {
    const all = await this.deps.store.targets();
    const candidates = all.filter((t) => !this.deps.configured(t.scope, t.url)).map((t) => t.id);
    const pruned = candidates.length ? await this.deps.store.prune(candidates, req.dead_letters ?? false) : [];
    for (const p of pruned) this.since.delete(p.id);
    if (pruned.length > 0) this.deps.onPruned?.();
    return { pruned, kept: all.length - pruned.length };
  }
}
