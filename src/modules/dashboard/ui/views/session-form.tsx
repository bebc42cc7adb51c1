/** Create a session with its config: webhooks (events, HMAC key, retries, headers), proxy, ignore rules, metadata. */
import { useState } from 'preact/hooks';
import { EVENT_NAMES } from '../../../../events/envelope';
import { ErrorLine, useServices } from '../shared';

interface HookDraft {
  url: string;
  events: string[];
  hmac: string;
  policy: 'constant' | 'linear' | 'exponential';
  delaySeconds: string;
  attempts: string;
  headers: string;
}

const newHook = (): HookDraft => ({
  url: '',
  events: ['message', 'session.status'],
  hmac: '',
  policy: 'exponential',
  delaySeconds: '2',
  attempts: '15',
  headers: '',
});

const IGNORE = ['status', 'groups', 'channels', 'broadcast'] as const;

/** `Name: value` lines → header list; `key=value` lines → metadata. */
const lines = (text: string, sep: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const i = l.indexOf(sep);
      return i === -1 ? [l, ''] : [l.slice(0, i).trim(), l.slice(i + 1).trim()];
    });

export function buildConfig(f: {
  hooks: HookDraft[];
  proxy: { server: string; username: string; password: string };
  ignore: Record<string, boolean>;
  metadata: string;
  memoryLimitMb: string;
}): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (f.hooks.length)
    config.webhooks = f.hooks.map((h) => ({
      url: h.url.trim(),
      events: h.events.includes('*') ? ['*'] : h.events,
      hmac: h.hmac ? { key: h.hmac } : null,
      retries: { policy: h.policy, delaySeconds: Number(h.delaySeconds), attempts: Number(h.attempts) },
      customHeaders: lines(h.headers, ':').map(([name, value]) => ({ name, value })),
    }));
  if (f.proxy.server.trim())
    config.proxy = { server: f.proxy.server.trim(), username: f.proxy.username || null, password: f.proxy.password || null };
  if (IGNORE.some((k) => f.ignore[k])) config.ignore = Object.fromEntries(IGNORE.map((k) => [k, Boolean(f.ignore[k])]));
  const metadata = lines(f.metadata, '=');
  if (metadata.length) config.metadata = Object.fromEntries(metadata);
  if (f.memoryLimitMb.trim()) config.memoryLimitMb = Number(f.memoryLimitMb);
  return config;
}

export function SessionForm() {
  const { api, report } = useServices();
  const [name, setName] = useState('default');
  const [start, setStart] = useState(true);
  const [hooks, setHooks] = useState<HookDraft[]>([]);
  const [proxy, setProxy] = useState({ server: '', username: '', password: '' });
  const [ignore, setIgnore] = useState<Record<string, boolean>>({});
  const [metadata, setMetadata] = useState('');
  const [memoryLimitMb, setMemoryLimitMb] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const hook = (i: number, patch: Partial<HookDraft>) => setHooks(hooks.map((h, j) => (j === i ? { ...h, ...patch } : h)));
  const toggleEvent = (i: number, e: string, on: boolean) => {
    const cur = hooks[i]!.events;
    hook(i, { events: on ? [...cur, e] : cur.filter((x) => x !== e) });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const config = buildConfig({ hooks, proxy, ignore, metadata, memoryLimitMb });
    const a = await api.request('POST', '/api/sessions', { name: name.trim(), start, config });
    report(`Create ${name.trim()}`, a);
    setError(a.ok ? null : ((a.json as { message?: string } | null)?.message ?? `HTTP ${a.status}`));
    setBusy(false);
    if (a.ok) location.hash = `#/sessions/${encodeURIComponent(name.trim())}`;
  };

  return (
    <section aria-labelledby="new-title">
      <h2 id="new-title">New session</h2>
      <form class="card form" onSubmit={submit}>
        <div class="field">
          <label for="s-name">Name</label>
          <input
            id="s-name"
            required
            pattern="[A-Za-z0-9_\-]{1,54}"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            aria-describedby="s-name-hint"
          />
          <small id="s-name-hint">1–54 letters, digits, _ or -</small>
        </div>
        <label class="check">
          <input type="checkbox" checked={start} onChange={(e) => setStart(e.currentTarget.checked)} /> Start it now
        </label>

        <fieldset>
          <legend>Webhooks</legend>
          {hooks.map((h, i) => (
            <fieldset class="hook" key={i}>
              <legend>Webhook {i + 1}</legend>
              <div class="field">
                <label for={`h${i}-url`}>URL</label>
                <input
                  id={`h${i}-url`}
                  type="url"
                  required
                  placeholder="https://example.invalid/hook"
                  value={h.url}
                  onInput={(e) => hook(i, { url: e.currentTarget.value })}
                />
              </div>
              <fieldset class="events">
                <legend>Events</legend>
                {['*', ...EVENT_NAMES].map((ev) => (
                  <label class="check" key={ev}>
                    <input type="checkbox" checked={h.events.includes(ev)} onChange={(e) => toggleEvent(i, ev, e.currentTarget.checked)} />{' '}
                    {ev === '*' ? 'all (*)' : ev}
                  </label>
                ))}
              </fieldset>
              <div class="field">
                <label for={`h${i}-hmac`}>HMAC key (SHA-512 signature; empty: unsigned)</label>
                <input
                  id={`h${i}-hmac`}
                  type="password"
                  autocomplete="off"
                  value={h.hmac}
                  onInput={(e) => hook(i, { hmac: e.currentTarget.value })}
                />
              </div>
              <div class="row">
                <div class="field">
                  <label for={`h${i}-policy`}>Retry policy</label>
                  <select
                    id={`h${i}-policy`}
                    value={h.policy}
                    onChange={(e) => hook(i, { policy: e.currentTarget.value as HookDraft['policy'] })}
                  >
                    <option value="exponential">exponential</option>
                    <option value="linear">linear</option>
                    <option value="constant">constant</option>
                  </select>
                </div>
                <div class="field">
                  <label for={`h${i}-delay`}>Delay (s)</label>
                  <input
                    id={`h${i}-delay`}
                    type="number"
                    min="0"
                    max="3600"
                    value={h.delaySeconds}
                    onInput={(e) => hook(i, { delaySeconds: e.currentTarget.value })}
                  />
                </div>
                <div class="field">
                  <label for={`h${i}-attempts`}>Retries</label>
                  <input
                    id={`h${i}-attempts`}
                    type="number"
                    min="0"
                    max="100"
                    value={h.attempts}
                    onInput={(e) => hook(i, { attempts: e.currentTarget.value })}
                  />
                </div>
              </div>
              <div class="field">
                <label for={`h${i}-headers`}>Custom headers (one "Name: value" a line)</label>
                <textarea id={`h${i}-headers`} rows={2} value={h.headers} onInput={(e) => hook(i, { headers: e.currentTarget.value })} />
              </div>
              <button type="button" class="small" onClick={() => setHooks(hooks.filter((_, j) => j !== i))}>
                Remove webhook {i + 1}
              </button>
            </fieldset>
          ))}
          <button type="button" class="small" onClick={() => setHooks([...hooks, newHook()])}>
            Add a webhook
          </button>
        </fieldset>

        <fieldset>
          <legend>Proxy (optional)</legend>
          <div class="row">
            <div class="field">
              <label for="p-server">Server</label>
              <input
                id="p-server"
                placeholder="host:3128"
                value={proxy.server}
                onInput={(e) => setProxy({ ...proxy, server: e.currentTarget.value })}
              />
            </div>
            <div class="field">
              <label for="p-user">User</label>
              <input id="p-user" value={proxy.username} onInput={(e) => setProxy({ ...proxy, username: e.currentTarget.value })} />
            </div>
            <div class="field">
              <label for="p-pass">Password</label>
              <input
                id="p-pass"
                type="password"
                autocomplete="off"
                value={proxy.password}
                onInput={(e) => setProxy({ ...proxy, password: e.currentTarget.value })}
              />
            </div>
          </div>
        </fieldset>

        <fieldset>
          <legend>Ignore (no events from these)</legend>
          {IGNORE.map((k) => (
            <label class="check" key={k}>
              <input
                type="checkbox"
                checked={Boolean(ignore[k])}
                onChange={(e) => setIgnore({ ...ignore, [k]: e.currentTarget.checked })}
              />{' '}
              {k}
            </label>
          ))}
        </fieldset>

        <div class="row">
          <div class="field grow">
            <label for="s-meta">Metadata (one key=value a line, sent with every event)</label>
            <textarea id="s-meta" rows={2} value={metadata} onInput={(e) => setMetadata(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="s-mem">Memory budget (MB, optional)</label>
            <input
              id="s-mem"
              type="number"
              min="32"
              max="65536"
              value={memoryLimitMb}
              onInput={(e) => setMemoryLimitMb(e.currentTarget.value)}
            />
          </div>
        </div>

        <ErrorLine error={error} />
        <div class="buttons">
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create session'}
          </button>
          <a href="#/sessions">Cancel</a>
        </div>
      </form>
    </section>
  );
}
