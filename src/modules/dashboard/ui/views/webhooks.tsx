/** Webhook deliveries: each target's queue and failures, and the dead letters with a replay button. */
import { useState } from 'preact/hooks';
import { ago, ErrorLine, StatusBadge, until, useLive, useNow, usePoll, useServices, useThrottled } from '../shared';

interface Target {
  id: number;
  scope: string;
  url: string;
  configured: boolean;
  state: 'idle' | 'pending' | 'failing';
  settings: { policy: string; delay_seconds: number; attempts: number; signed: boolean; headers: string[] } | null;
  pending: number;
  head: { event_id: string; event: string; attempts: number; next_at: string; last_error: string | null } | null;
  dead_letters: number;
  since_start: {
    delivered: number;
    failed_attempts: number;
    dead_lettered: number;
    last_attempt: { at: string; ok: boolean; status: number | null; error: string | null } | null;
  };
}
interface Dead {
  seq: number;
  target_id: number;
  url: string;
  event_id: string;
  event: string;
  session: string;
  created_at: string;
  dead_at: string;
  attempts: number;
  last_error: string | null;
  size_bytes: number;
}
interface DeadPage {
  items: Dead[];
  total: number;
  next_before: number | null;
}

export function Webhooks() {
  const { api, report } = useServices();
  const now = useNow();
  const [targets, setTargets] = useState<Target[] | null>(null);
  const [dead, setDead] = useState<DeadPage | null>(null);
  const [session, setSession] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [withDead, setWithDead] = useState(false);
  const [open, setOpen] = useState<Record<number, unknown>>({});

  const refresh = usePoll(
    async () => {
      try {
        const q = session ? `&session=${encodeURIComponent(session)}` : '';
        const [t, d] = await Promise.all([
          api.get<Target[]>('/api/webhooks/targets'),
          api.get<DeadPage>(`/api/webhooks/dead-letters?limit=100${q}`),
        ]);
        setTargets(t);
        setDead(d);
        setError(null);
      } catch (e) {
        setError(`Could not read the deliveries: ${(e as Error).message}`);
      }
    },
    5000,
    [api, session],
  );
  // Each event may have added a row to a target's queue.
  const soon = useThrottled(refresh);
  useLive(() => soon());

  const replay = async (body: Record<string, unknown>, title: string) => {
    report(title, await api.request('POST', '/api/webhooks/dead-letters/replay', body));
    refresh();
  };
  const prune = async () => {
    report('Prune targets', await api.request('POST', '/api/webhooks/targets/prune', { dead_letters: withDead }));
    refresh();
  };
  const toggle = async (seq: number) => {
    if (open[seq] !== undefined) {
      const { [seq]: _, ...rest } = open;
      setOpen(rest);
      return;
    }
    const one = await api.get<{ envelope: unknown }>(`/api/webhooks/dead-letters/${seq}`);
    setOpen({ ...open, [seq]: one.envelope });
  };
  const scopes = [...new Set((targets ?? []).map((t) => t.scope))];

  return (
    <section aria-labelledby="hooks-title">
      <h2 id="hooks-title">Webhook deliveries</h2>
      <ErrorLine error={error} />
      <h3>Targets</h3>
      {targets?.length === 0 ? <p class="empty">No webhook has received an event yet.</p> : null}
      {targets && targets.length > 0 ? (
        <div class="table-wrap">
          <table class="targets">
            <thead>
              <tr>
                <th scope="col">Target</th>
                <th scope="col">State</th>
                <th scope="col">Pending</th>
                <th scope="col">Next attempt / last error</th>
                <th scope="col">Since start</th>
                <th scope="col">Dead letters</th>
              </tr>
            </thead>
            <tbody>
              {targets.map((t) => (
                <tr key={t.id} data-target={t.id}>
                  <td data-label="Target">
                    <div class="url">{t.url}</div>
                    <small>
                      {t.scope === '*' ? 'global (WHATSAPP_HOOK_URL)' : `session ${t.scope}`}
                      {t.configured ? '' : ' · no longer configured'}
                      {t.settings
                        ? ` · ${t.settings.attempts === 0 ? 'no retries' : `${t.settings.attempts} ${t.settings.policy} retries`}${t.settings.signed ? ' · signed' : ''}`
                        : ''}
                    </small>
                  </td>
                  <td data-label="State">
                    <StatusBadge status={t.state} />
                  </td>
                  <td data-label="Pending">{t.pending}</td>
                  <td data-label="Next attempt">
                    {t.head && t.head.attempts > 0 ? (
                      <span>
                        {until(Date.parse(t.head.next_at), now)} after {t.head.attempts} failed: <code>{t.head.last_error}</code>
                      </span>
                    ) : t.since_start.last_attempt && !t.since_start.last_attempt.ok ? (
                      <span>
                        last failed {ago(Date.parse(t.since_start.last_attempt.at), now)}: <code>{t.since_start.last_attempt.error}</code>
                      </span>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-label="Since start">
                    {t.since_start.delivered} delivered, {t.since_start.failed_attempts} failed, {t.since_start.dead_lettered} dead
                  </td>
                  <td data-label="Dead letters">{t.dead_letters}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div class="buttons">
        <button type="button" class="small" onClick={prune}>
          Prune unused targets
        </button>
        <label class="check">
          <input type="checkbox" checked={withDead} onChange={(e) => setWithDead(e.currentTarget.checked)} /> with their dead letters
        </label>
      </div>

      <div class="section-head">
        <h3>Dead letters {dead ? <small>({dead.total})</small> : null}</h3>
        <label class="inline">
          Session{' '}
          <select value={session} onChange={(e) => setSession(e.currentTarget.value)}>
            <option value="">all</option>
            {scopes.map((s) => (
              <option key={s} value={s}>
                {s === '*' ? 'global' : s}
              </option>
            ))}
          </select>
        </label>
        {dead && dead.total > 0 ? (
          <button type="button" class="small" onClick={() => replay(session ? { all: true, session } : { all: true }, 'Replay all')}>
            Replay all {dead.total}
          </button>
        ) : null}
      </div>
      {dead?.items.length === 0 ? <p class="empty">No dead letters.</p> : null}
      {dead && dead.items.length > 0 ? (
        <ul class="dead">
          {dead.items.map((d) => (
            <li key={d.seq} class="card" data-seq={d.seq}>
              <div class="dead-head">
                <strong>{d.event}</strong> · {d.session} · <code>{d.event_id}</code>
                <button
                  type="button"
                  class="small"
                  onClick={() => replay({ seqs: [d.seq] }, `Replay ${d.event_id}`)}
                  aria-label={`Replay ${d.event_id}`}
                >
                  Replay
                </button>
              </div>
              <div class="hint">
                to {d.url} · {d.attempts} attempt{d.attempts === 1 ? '' : 's'}, last: <code>{d.last_error}</code> · dead{' '}
                {ago(Date.parse(d.dead_at), now)} · {d.size_bytes} bytes
              </div>
              <button type="button" class="link" aria-expanded={open[d.seq] !== undefined} onClick={() => toggle(d.seq)}>
                {open[d.seq] !== undefined ? 'Hide the envelope' : 'Show the envelope'}
              </button>
              {open[d.seq] !== undefined ? <pre>{JSON.stringify(open[d.seq], null, 2)}</pre> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
