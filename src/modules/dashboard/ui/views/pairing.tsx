/**
 * One session: its status live from /ws, the QR while it waits for a scan (asked again every
 * 2 s so a rotated QR replaces the old one), the pairing-code alternative, and the moment it
 * turns WORKING.
 */
import { useState } from 'preact/hooks';
import { enc } from '../api';
import { ErrorLine, StatusBadge, useLive, usePoll, useServices } from '../shared';

interface Pairing {
  status: string;
  qr: { value: string; image: string } | null;
  me: { id: string; pushName: string } | null;
}

/** How often the QR is asked for while one is shown: WhatsApp rotates it every 20 s or so. */
const QR_POLL_MS = 2000;

export function PairingView({ name }: { name: string }) {
  const { api, report } = useServices();
  const [state, setState] = useState<Pairing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState<string | null>(null);
  const [rotations, setRotations] = useState(0);

  const waiting = state?.status === 'SCAN_QR_CODE' || state?.status === 'STARTING';
  const refresh = usePoll(
    async () => {
      try {
        const next = await api.get<Pairing>(`/api/dashboard/sessions/${enc(name)}/pairing`);
        setState((prev) => {
          if (prev?.qr && next.qr && prev.qr.value !== next.qr.value) setRotations((n) => n + 1);
          // The same QR: keep the old object so the image is not redrawn.
          return prev?.qr && next.qr?.value === prev.qr.value ? { ...next, qr: prev.qr } : next;
        });
        setError(null);
      } catch (e) {
        setError((e as Error).message);
      }
    },
    waiting ? QR_POLL_MS : 10_000,
    [api, name, waiting],
  );
  useLive((e) => {
    if (e.session === name && e.event === 'session.status') refresh();
  });

  const requestCode = async (e: Event) => {
    e.preventDefault();
    const a = await api.request<{ code: string }>('POST', `/api/${enc(name)}/auth/request-code`, { phoneNumber: phone.trim() });
    report(`Pairing code for ${name}`, a);
    setCode(a.ok ? a.json.code : null);
  };
  const start = async () => {
    report(`start ${name}`, await api.request('POST', `/api/sessions/${enc(name)}/start`));
    refresh();
  };

  return (
    <section aria-labelledby="pair-title">
      <p>
        <a href="#/sessions">← Sessions</a>
      </p>
      <h2 id="pair-title">
        Session <code>{name}</code> {state ? <StatusBadge status={state.status} /> : null}
      </h2>
      <ErrorLine error={error} />
      <div aria-live="polite">
        {state?.status === 'WORKING' && state.me ? (
          <div class="card success" data-testid="working">
            <h3>Connected</h3>
            <p>
              WORKING as <strong>{state.me.pushName}</strong> (+{state.me.id.split('@')[0]}).
            </p>
            <p>
              <a class="button" href={`#/chats/${enc(name)}`}>
                Open its chats
              </a>
            </p>
          </div>
        ) : null}
        {state?.status === 'STARTING' ? <p class="card">Starting its browser and WhatsApp Web…</p> : null}
        {state && (state.status === 'STOPPED' || state.status === 'FAILED') ? (
          <div class="card">
            <p>The session is {state.status}.</p>
            <button type="button" onClick={start}>
              Start it
            </button>
          </div>
        ) : null}
      </div>
      {state?.status === 'SCAN_QR_CODE' ? (
        <div class="pairing">
          <div class="card qr">
            <h3>Scan with WhatsApp</h3>
            <p class="hint">On the phone: Settings → Linked devices → Link a device.</p>
            {state.qr ? (
              <img src={state.qr.image} alt="QR code to link this session" width={300} height={300} data-qr={state.qr.value.slice(0, 16)} />
            ) : (
              <p>Waiting for the QR…</p>
            )}
            <p class="hint" data-testid="rotations">
              {rotations === 0 ? 'WhatsApp replaces the QR every 20 s or so; this one follows.' : `Replaced ${rotations}× so far.`}
            </p>
          </div>
          <form class="card" onSubmit={requestCode}>
            <h3>Or link with a code</h3>
            <label for="phone">Phone number, international, digits only</label>
            <input
              id="phone"
              inputMode="tel"
              required
              placeholder="14155550123"
              value={phone}
              onInput={(e) => setPhone(e.currentTarget.value)}
            />
            <button type="submit">Get a pairing code</button>
            {code ? (
              <p class="code" aria-live="polite">
                Enter <strong>{code}</strong> on the phone (Linked devices → Link with phone number).
              </p>
            ) : null}
          </form>
        </div>
      ) : null}
    </section>
  );
}
