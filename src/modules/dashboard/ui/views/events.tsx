/** The event monitor: the live /ws stream, newest first, filterable by session and event. */
import { useEffect, useState } from 'preact/hooks';
import { EVENT_NAMES } from '../../../../events/envelope';
import type { Envelope } from '../live';
import { clock, useLive, useServices } from '../shared';

/** One line of what an event says. */
function summary(e: Envelope): string {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  if (e.event === 'session.status') return String(p.status ?? '');
  if (typeof p.body === 'string') return `${p.fromMe ? '→' : '←'} ${String(p.fromMe ? p.to : p.from)}: ${p.body}`.slice(0, 160);
  if (typeof p.ackName === 'string') return `${p.ackName} ${String(p.id ?? '')}`;
  return JSON.stringify(p).slice(0, 160);
}

export function Events() {
  const { live } = useServices();
  const [events, setEvents] = useState<Envelope[]>(live.recent);
  const [session, setSession] = useState('');
  const [event, setEvent] = useState('');
  const [paused, setPaused] = useState(false);
  const [state, setState] = useState(live.state);
  useLive(() => {
    if (!paused) setEvents(live.recent);
  });
  useEffect(() => live.onState(setState), [live]);

  const sessions = [...new Set(events.map((e) => e.session))];
  const shown = events.filter((e) => (!session || e.session === session) && (!event || e.event === event));
  return (
    <section aria-labelledby="events-title">
      <div class="section-head">
        <h2 id="events-title">Events</h2>
        <span class="hint">live from /ws · {state}</span>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label class="inline">
          Session{' '}
          <input
            list="event-sessions"
            value={session}
            placeholder="all"
            onInput={(e) => setSession(e.currentTarget.value.trim())}
            size={12}
          />
          <datalist id="event-sessions">
            {sessions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </label>
        <label class="inline">
          Event{' '}
          <select value={event} onChange={(e) => setEvent(e.currentTarget.value)}>
            <option value="">all</option>
            {EVENT_NAMES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="small" onClick={() => setPaused(!paused)} aria-pressed={paused}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          class="small"
          onClick={() => {
            live.recent = [];
            setEvents([]);
          }}
        >
          Clear
        </button>
      </form>
      <p class="hint">
        {shown.length} shown of the last {events.length} received since this page was opened.
      </p>
      <ol class="events" aria-label="Events, newest first">
        {shown.map((e) => (
          <li key={e.id} data-event={e.event} data-session={e.session}>
            <details>
              <summary>
                <time>{clock(e.timestamp)}</time> <code class="ev">{e.event}</code> <span class="sess">{e.session}</span>{' '}
                <span class="sum">{summary(e)}</span>
              </summary>
              <pre>{JSON.stringify(e, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}
