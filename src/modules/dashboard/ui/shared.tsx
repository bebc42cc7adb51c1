/** What every view uses: the API and live events from context, polling, time, and small parts. */
import { type ComponentChildren, createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Answer, Api } from './api';
import type { Envelope, LiveEvents } from './live';

export interface Services {
  api: Api;
  live: LiveEvents;
  /** Shows what the API answered to an action, in the page's answer panel. */
  report: (title: string, answer: Answer) => void;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('useServices outside the signed-in app');
  return s;
}

/** Calls `fn` with every envelope while mounted (the latest `fn`, without re-subscribing). */
export function useLive(fn: (e: Envelope) => void): void {
  const { live } = useServices();
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => live.on((e) => ref.current(e)), [live]);
}

/**
 * Runs `load` now and every `ms` while mounted and the tab is visible; `deps` restart it.
 * Returns a function to run it again at once (after an action, on an event).
 */
export function usePoll(load: () => Promise<void>, ms: number, deps: unknown[]): () => void {
  const ref = useRef(load);
  ref.current = load;
  const [kick, setKick] = useState(0);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const tick = async () => {
      if (stopped) return;
      if (document.visibilityState !== 'hidden') {
        try {
          await ref.current();
        } catch {
          /* the view shows its own error state */
        }
      }
      if (!stopped) timer = setTimeout(tick, ms);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [...deps, kick, ms]);
  return () => setKick((k) => k + 1);
}

/** `fn` at most once per `ms`, the last call of a burst included (a busy event stream must not flood the API). */
export function useThrottled(fn: () => void, ms = 1000): () => void {
  const ref = useRef(fn);
  ref.current = fn;
  const state = useRef<{ last: number; timer: ReturnType<typeof setTimeout> | null }>({ last: 0, timer: null });
  useEffect(
    () => () => {
      if (state.current.timer) clearTimeout(state.current.timer);
    },
    [],
  );
  return () => {
    const s = state.current;
    if (s.timer) return;
    const wait = s.last + ms - Date.now();
    const run = () => {
      s.timer = null;
      s.last = Date.now();
      ref.current();
    };
    if (wait <= 0) run();
    else s.timer = setTimeout(run, wait);
  };
}

/** The time now, refreshed every `ms` (for "12 s ago"). */
export function useNow(ms = 5000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function ago(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(at).toLocaleString();
}

export function until(at: number, now: number): string {
  const s = Math.round((at - now) / 1000);
  if (s <= 0) return 'due now';
  if (s < 60) return `in ${s} s`;
  if (s < 3600) return `in ${Math.floor(s / 60)} min`;
  return `at ${new Date(at).toLocaleTimeString()}`;
}

export const mb = (n: number | null | undefined) => (n == null ? '—' : `${n.toFixed(n < 10 ? 1 : 0)} MB`);
export const clock = (at: number) => new Date(at).toLocaleTimeString([], { hour12: false });

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status.toLowerCase()}`}>{status}</span>;
}

/** What the API answered to an action: method, path, status, and the body. */
export function AnswerView({ answer, title }: { answer: Answer | null; title?: string }) {
  if (!answer) return null;
  const body = answer.json === null || answer.json === '' ? '(empty body)' : JSON.stringify(answer.json, null, 2);
  return (
    <div class={`answer ${answer.ok ? 'ok' : 'err'}`} data-testid="answer">
      <div class="answer-head">
        {title ? <strong>{title}: </strong> : null}
        <code>
          {answer.method} {answer.path}
        </code>{' '}
        → <strong>{answer.status}</strong>
      </div>
      <pre>{body.length > 4000 ? `${body.slice(0, 4000)}\n…` : body}</pre>
    </div>
  );
}

/** A live region: screen readers announce what is put in it. */
export function Live({ children }: { children: ComponentChildren }) {
  return (
    <div aria-live="polite" class="live-region">
      {children}
    </div>
  );
}

export function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}
