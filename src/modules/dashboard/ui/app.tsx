/** The shell: sign-in gate, navigation, the hash router, the live-connection state and the answer panel. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { type Answer, Api, forgetKey, keyRequired, storedKey, storeKey } from './api';
import { LiveEvents, type LiveState } from './live';
import { AnswerView, ServicesContext } from './shared';
import { Chats } from './views/chats';
import { Events } from './views/events';
import { Login } from './views/login';
import { Memory } from './views/memory';
import { PairingView } from './views/pairing';
import { SessionForm } from './views/session-form';
import { Sessions } from './views/sessions';
import { Webhooks } from './views/webhooks';

const NAV = [
  ['sessions', 'Sessions'],
  ['chats', 'Chats'],
  ['memory', 'Memory'],
  ['webhooks', 'Webhooks'],
  ['events', 'Events'],
] as const;

/** `#/a/b` → ['a', 'b'], decoded. */
const route = () =>
  location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));

function useRoute(): string[] {
  const [r, setR] = useState(route());
  useEffect(() => {
    const on = () => setR(route());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return r;
}

export function App() {
  const needsKey = keyRequired();
  const [key, setKey] = useState<string | null>(needsKey ? storedKey() || null : '');
  if (key === null)
    return (
      <Login
        onKey={(k) => {
          storeKey(k);
          setKey(k);
        }}
      />
    );
  return (
    <SignedIn
      apiKey={key}
      canSignOut={needsKey}
      onSignOut={() => {
        forgetKey();
        setKey(null);
      }}
    />
  );
}

function SignedIn({ apiKey, canSignOut, onSignOut }: { apiKey: string; canSignOut: boolean; onSignOut: () => void }) {
  const [answers, setAnswers] = useState<{ n: number; title: string; answer: Answer }[]>([]);
  const [liveState, setLiveState] = useState<LiveState>('connecting');
  const services = useMemo(() => {
    const api = new Api(apiKey);
    const live = new LiveEvents(api);
    let n = 0;
    const report = (title: string, answer: Answer) => setAnswers((prev) => [{ n: ++n, title, answer }, ...prev].slice(0, 5));
    return { api, live, report };
  }, [apiKey]);
  useEffect(() => {
    const off = services.live.onState(setLiveState);
    services.live.start();
    return () => {
      off();
      services.live.stop();
    };
  }, [services]);

  const [page = 'sessions', a, b] = useRoute();
  let view = <Sessions />;
  if (page === 'new') view = <SessionForm />;
  else if (page === 'sessions' && a) view = <PairingView key={a} name={a} />;
  else if (page === 'chats') view = <Chats session={a} chatId={b} />;
  else if (page === 'memory') view = <Memory />;
  else if (page === 'webhooks') view = <Webhooks />;
  else if (page === 'events') view = <Events />;

  return (
    <ServicesContext.Provider value={services}>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">wabun</span>
        <nav aria-label="Sections">
          {NAV.map(([id, label]) => (
            <a key={id} href={`#/${id}`} aria-current={page === id ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class={`live live-${liveState}`} title="The live event connection (/ws)">
          {liveState === 'open' ? 'live' : liveState}
        </span>
        {canSignOut ? (
          <button type="button" class="small" onClick={onSignOut}>
            Sign out
          </button>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {view}
      </main>
      <aside class="answers" aria-label="Answers of the API" aria-live="polite">
        {answers.length > 0 ? (
          <>
            <div class="answers-head">
              <h2>Last answer</h2>
              <button type="button" class="small" onClick={() => setAnswers([])}>
                Clear
              </button>
            </div>
            <AnswerView key={answers[0]!.n} title={answers[0]!.title} answer={answers[0]!.answer} />
            {answers.length > 1 ? (
              <details>
                <summary>Earlier answers</summary>
                {answers.slice(1).map((x) => (
                  <AnswerView key={x.n} title={x.title} answer={x.answer} />
                ))}
              </details>
            ) : null}
          </>
        ) : null}
      </aside>
    </ServicesContext.Provider>
  );
}
