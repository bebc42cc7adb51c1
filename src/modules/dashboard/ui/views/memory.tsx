/**
 * Memory as a picture: the service, each browser and the total over time against the governor's
 * thresholds (70/80/90/120 % of MEMORY_THRESHOLD_MB), with the governor's actions on the same
 * time axis and the megabytes before and after each.
 */
import { useRef, useState } from 'preact/hooks';
import { clock, ErrorLine, mb, usePoll, useServices } from '../shared';

interface Sample {
  at: number;
  total_mb: number;
  service_mb: number;
  heap_mb: number;
  percent: number;
  browsers: { session: string; private_mb: number; pss_mb: number }[];
}
interface Action {
  step: string;
  at: string;
  before_mb: number;
  after_mb: number;
  session?: string;
}
interface History {
  limit_mb: number;
  thresholds: { percent: number; step: string; mb: number }[];
  interval_ms: number;
  capacity: number;
  samples: Sample[];
  actions: Action[];
}

const COLORS = ['#7c3aed', '#0891b2', '#c2410c', '#15803d', '#be185d', '#4d7c0f', '#1d4ed8', '#a16207'];

export function Memory() {
  const { api } = useServices();
  const [h, setH] = useState<History | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showGc, setShowGc] = useState(false);
  const last = useRef(-1);

  usePoll(
    async () => {
      try {
        const next = await api.get<History>(`/api/server/memory/history?since=${Math.max(0, last.current)}`);
        setH((prev) => {
          const samples = [...(prev?.samples ?? []), ...next.samples].slice(-next.capacity);
          const seen = new Set((prev?.actions ?? []).map((a) => a.at + a.step));
          const actions = [...(prev?.actions ?? []), ...next.actions.filter((a) => !seen.has(a.at + a.step))];
          return { ...next, samples, actions };
        });
        const newest = next.samples.at(-1);
        if (newest) last.current = newest.at;
        setError(null);
      } catch (e) {
        setError(`Could not read the memory history: ${(e as Error).message}`);
      }
    },
    Math.max(2000, h?.interval_ms ?? 5000),
    [api],
  );

  const now = h?.samples.at(-1);
  const actions = (h?.actions ?? []).filter((a) => showGc || a.step !== 'gc');
  return (
    <section aria-labelledby="mem-title">
      <h2 id="mem-title">Memory</h2>
      <ErrorLine error={error} />
      {now && h ? (
        <p class="summary" data-testid="memory-now">
          Now <strong>{mb(now.total_mb)}</strong> of {mb(h.limit_mb)} ({now.percent.toFixed(0)} %): service {mb(now.service_mb)} (heap{' '}
          {mb(now.heap_mb)}){now.browsers.map((b) => `, ${b.session} ${mb(b.private_mb)}`).join('')}.
        </p>
      ) : null}
      {h && h.samples.length > 0 ? <Chart h={h} actions={actions} /> : <p class="empty">Waiting for the first samples…</p>}
      <label class="check">
        <input type="checkbox" checked={showGc} onChange={(e) => setShowGc(e.currentTarget.checked)} /> Show periodic collections (gc)
      </label>
      <h3>Governor actions</h3>
      {actions.length === 0 ? (
        <p class="empty">None yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Step</th>
                <th scope="col">Session</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
                <th scope="col">Freed</th>
              </tr>
            </thead>
            <tbody>
              {[...actions].reverse().map((a) => (
                <tr key={a.at + a.step}>
                  <td data-label="Time">{clock(Date.parse(a.at))}</td>
                  <td data-label="Step">{a.step}</td>
                  <td data-label="Session">{a.session ?? '—'}</td>
                  <td data-label="Before">{mb(a.before_mb)}</td>
                  <td data-label="After">{mb(a.after_mb)}</td>
                  <td data-label="Freed">{mb(a.before_mb - a.after_mb)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const W = 800;
const H = 320;
const PAD = { left: 52, right: 112, top: 12, bottom: 28 };

function Chart({ h, actions }: { h: History; actions: Action[] }) {
  const samples = h.samples;
  const t0 = samples[0]!.at;
  const t1 = Math.max(samples.at(-1)!.at, t0 + 60_000);
  const top = Math.max(...samples.map((s) => s.total_mb), ...h.thresholds.map((t) => t.mb)) * 1.08;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const line = (pick: (s: Sample) => number | undefined) =>
    samples
      .map((s) => [s.at, pick(s)] as const)
      .filter(([, v]) => v !== undefined)
      .map(([t, v], i) => `${i === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y(v!).toFixed(1)}`)
      .join(' ');
  const sessions = [...new Set(samples.flatMap((s) => s.browsers.map((b) => b.session)))];
  const series = [
    { name: 'total', color: '#111827', width: 2.5, d: line((s) => s.total_mb) },
    { name: 'service', color: '#2563eb', width: 1.5, d: line((s) => s.service_mb) },
    ...sessions.map((name, i) => ({
      name: `browser ${name}`,
      color: COLORS[i % COLORS.length]!,
      width: 1.5,
      d: line((s) => s.browsers.find((b) => b.session === name)?.private_mb),
    })),
  ];
  const ticks = Array.from({ length: 5 }, (_, i) => Math.round((top / 5) * (i + 1)));
  const times = Array.from({ length: 4 }, (_, i) => t0 + ((t1 - t0) * i) / 3);
  const visible = actions.filter((a) => Date.parse(a.at) >= t0);

  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title chart-desc" data-testid="memory-chart">
        <title id="chart-title">Memory over time</title>
        <desc id="chart-desc">
          Total, service and each browser in MB from {clock(t0)} to {clock(t1)}, with the governor's thresholds and {visible.length}{' '}
          actions.
        </desc>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} stroke="#e5e7eb" />
            <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end" class="axis">
              {v}
            </text>
          </g>
        ))}
        {times.map((t) => (
          <text key={t} x={x(t)} y={H - 8} text-anchor="middle" class="axis">
            {clock(t)}
          </text>
        ))}
        {h.thresholds.map((t) => (
          <g key={t.step} class="threshold">
            <line
              x1={PAD.left}
              x2={W - PAD.right}
              y1={y(t.mb)}
              y2={y(t.mb)}
              stroke="#dc2626"
              stroke-dasharray="6 4"
              stroke-opacity={0.35 + t.percent / 400}
            />
            <text x={W - PAD.right + 4} y={y(t.mb) + 4} class="axis threshold-label">
              {t.percent} % {t.step}
            </text>
          </g>
        ))}
        {visible.map((a) => (
          <g key={a.at + a.step} class={`action action-${a.step}`}>
            <line
              x1={x(Date.parse(a.at))}
              x2={x(Date.parse(a.at))}
              y1={PAD.top}
              y2={H - PAD.bottom}
              stroke={a.step === 'gc' ? '#9ca3af' : '#f59e0b'}
              stroke-width={a.step === 'gc' ? 1 : 2}
            />
            <circle cx={x(Date.parse(a.at))} cy={y(a.before_mb)} r={3.5} fill="#f59e0b" />
            <circle cx={x(Date.parse(a.at))} cy={y(a.after_mb)} r={3.5} fill="#16a34a" />
            <title>{`${a.step}${a.session ? ` (${a.session})` : ''} at ${clock(Date.parse(a.at))}: ${mb(a.before_mb)} → ${mb(a.after_mb)}`}</title>
          </g>
        ))}
        {series.map((s) => (
          <path key={s.name} d={s.d} fill="none" stroke={s.color} stroke-width={s.width} stroke-linejoin="round" />
        ))}
        <text x={PAD.left} y={PAD.top + 2} class="axis">
          MB
        </text>
      </svg>
      <figcaption class="legend">
        {series.map((s) => (
          <span key={s.name}>
            <i class="swatch" data-color={s.color} ref={(el) => el?.style.setProperty('background', s.color)} /> {s.name}
          </span>
        ))}
        <span>
          <i class="swatch dashed" /> thresholds
        </span>
        <span>
          <i class="swatch action" /> governor action (orange: before, green: after)
        </span>
      </figcaption>
    </figure>
  );
}
