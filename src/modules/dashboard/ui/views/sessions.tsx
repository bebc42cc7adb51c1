/** The sessions table: status, account, its browser's memory, last event; and every lifecycle action with its answer. */
import { useState } from 'preact/hooks';
import { enc } from '../api';
import { ago, ErrorLine, mb, StatusBadge, useLive, useNow, usePoll, useServices, useThrottled } from '../shared';

/** A row of GET /api/dashboard/sessions. */
export interface SessionRow {
  name: string;
  status: string;
  reason?: string;
  me: { id: string; pushName: string } | null;
  browser: { pid: number; processes: number; private_mb: number; pss_mb: number } | null;
  last_event: { event: string; at: number } | null;
  webhooks: number;
}

const ACTIONS = ['start', 'stop', 'restart', 'logout'] as const;

export function Sessions() {
  const { api, report } = useServices();
  const now = useNow();
  const [rows, setRows] = useState<SessionRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const refresh = usePoll(
    async () => {
      try {
        setRows(await api.get<SessionRow[]>('/api/dashboard/sessions'));
        setError(null);
      } catch (e) {
        setError(`Could not list the sessions: ${(e as Error).message}`);
      }
    },
    5000,
    [api],
  );
  const soon = useThrottled(refresh, 500);
  useLive((e) => {
    if (e.event === 'session.status') soon();
  });

  const act = async (name: string, action: string) => {
    setConfirming(null);
    const a =
      action === 'delete'
        ? await api.request('DELETE', `/api/sessions/${enc(name)}`)
        : await api.request('POST', `/api/sessions/${enc(name)}/${action}`);
    report(`${action} ${name}`, a);
    refresh();
  };

  return (
    <section aria-labelledby="sessions-title">
      <div class="section-head">
        <h2 id="sessions-title">Sessions</h2>
        <a class="button" href="#/new">
          New session
        </a>
      </div>
      <ErrorLine error={error} />
      {rows && rows.length === 0 ? <p class="empty">No sessions yet. Create one to pair a phone.</p> : null}
      {rows && rows.length > 0 ? (
        <div class="table-wrap">
          <table class="sessions">
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Status</th>
                <th scope="col">Account</th>
                <th scope="col">Browser memory</th>
                <th scope="col">Last event</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.name} data-session={s.name}>
                  <td data-label="Session">
                    <a href={`#/sessions/${enc(s.name)}`}>{s.name}</a>
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={s.status} />
                    {s.reason ? <div class="reason">{s.reason}</div> : null}
                  </td>
                  <td data-label="Account">{s.me ? `${s.me.pushName} (+${s.me.id.split('@')[0]})` : '—'}</td>
                  <td data-label="Browser memory">
                    {s.browser ? (
                      <span title={`PSS ${mb(s.browser.pss_mb)}, ${s.browser.processes} processes, pid ${s.browser.pid}`}>
                        {mb(s.browser.private_mb)}
                      </span>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-label="Last event">{s.last_event ? `${s.last_event.event}, ${ago(s.last_event.at, now)}` : '—'}</td>
                  <td data-label="Actions" class="actions">
                    {ACTIONS.map((a) => (
                      <button key={a} type="button" class="small" onClick={() => act(s.name, a)} aria-label={`${a} ${s.name}`}>
                        {a}
                      </button>
                    ))}
                    {confirming === s.name ? (
                      <button
                        type="button"
                        class="small danger"
                        onClick={() => act(s.name, 'delete')}
                        aria-label={`Really delete ${s.name}`}
                      >
                        really delete?
                      </button>
                    ) : (
                      <button type="button" class="small" onClick={() => setConfirming(s.name)} aria-label={`delete ${s.name}`}>
                        delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
