/** Chats of a WORKING session: the list, a chat's history (older on demand), sending text or a file, new messages live. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { enc } from '../api';
import { type ChatMessage, type ChatRow, chatOf, fileInput, loadChatOverview, loadMessages } from '../chats';
import { clock, ErrorLine, useLive, usePoll, useServices, useThrottled } from '../shared';
import type { SessionRow } from './sessions';

const PAGE = 25;

export function Chats({ session, chatId }: { session?: string; chatId?: string }) {
  const { api } = useServices();
  const [working, setWorking] = useState<string[] | null>(null);
  usePoll(
    async () => {
      const rows = await api.get<SessionRow[]>('/api/dashboard/sessions');
      setWorking(rows.filter((s) => s.status === 'WORKING').map((s) => s.name));
    },
    10_000,
    [api],
  );
  const current = session ?? working?.[0];

  return (
    <section aria-labelledby="chats-title" class={chatId ? 'chats has-chat' : 'chats'}>
      <div class="section-head">
        <h2 id="chats-title">Chats</h2>
        {working && working.length > 0 ? (
          <label class="inline">
            Session{' '}
            <select value={current} onChange={(e) => (location.hash = `#/chats/${enc(e.currentTarget.value)}`)}>
              {[...new Set([...(current ? [current] : []), ...working])].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      {working && !current ? <p class="empty">No session is WORKING. Pair one first.</p> : null}
      {current && working?.includes(current) ? <ChatPanes key={current} session={current} chatId={chatId} /> : null}
      {current && working && !working.includes(current) ? (
        <p class="empty">
          Session <code>{current}</code> is not WORKING. <a href={`#/sessions/${enc(current)}`}>Open it</a>.
        </p>
      ) : null}
    </section>
  );
}

function ChatPanes({ session, chatId }: { session: string; chatId?: string }) {
  const { api } = useServices();
  const [chats, setChats] = useState<ChatRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = usePoll(
    async () => {
      try {
        setChats(await loadChatOverview(api, session));
        setError(null);
      } catch (e) {
        setError(`Could not list the chats: ${(e as Error).message}`);
      }
    },
    30_000,
    [api, session],
  );
  const soon = useThrottled(refresh, 2000);
  useLive((e) => {
    if (e.session === session && e.event === 'message.any') soon();
  });

  return (
    <div class="panes">
      <nav class="chat-list" aria-label="Chats">
        <ErrorLine error={error} />
        {chats?.length === 0 ? <p class="empty">No chats.</p> : null}
        <ul>
          {chats?.map((c) => (
            <li key={c.id}>
              <a href={`#/chats/${enc(session)}/${enc(c.id)}`} aria-current={c.id === chatId ? 'page' : undefined}>
                <span class="chat-name">{c.name}</span>
                {c.unread > 0 ? <span class="unread">{c.unread}</span> : null}
                <span class="chat-last">{c.lastMessage ?? (c.isGroup ? 'group' : c.id)}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {chatId ? (
        <Conversation key={chatId} session={session} chatId={chatId} title={chats?.find((c) => c.id === chatId)?.name ?? chatId} />
      ) : null}
      {!chatId ? <p class="empty pick">Pick a chat.</p> : null}
    </div>
  );
}

function Conversation({ session, chatId, title }: { session: string; chatId: string; title: string }) {
  const { api, report } = useServices();
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [limit, setLimit] = useState(PAGE);
  const [more, setMore] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const stick = useRef(true);

  const load = async (n: number) => {
    try {
      const got = await loadMessages(api, session, chatId, n);
      setMore(got.length >= n);
      setMessages((prev) =>
        merge(
          got,
          prev.filter((m) => !got.some((g) => g.id === m.id) && m.timestamp >= (got[0]?.timestamp ?? 0)),
        ),
      );
      setError(null);
    } catch (e) {
      setError(`Could not load the messages: ${(e as Error).message}`);
    }
  };
  useEffect(() => {
    void load(PAGE);
  }, [session, chatId]);
  useLive((e) => {
    if (e.session !== session) return;
    if (e.event === 'message.ack') {
      const ack = e.payload as { id: string; ackName?: string };
      setMessages((prev) =>
        prev.some((m) => m.id === ack.id) ? prev.map((m) => (m.id === ack.id ? { ...m, ackName: ack.ackName } : m)) : prev,
      );
      return;
    }
    if (e.event !== 'message.any') return;
    const m = e.payload as ChatMessage;
    if (chatOf(m) !== chatId) return;
    stick.current = true;
    setMessages((prev) => merge(prev, [m]));
  });
  useEffect(() => {
    const el = listRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const older = async () => {
    stick.current = false;
    const n = limit + PAGE;
    setLimit(n);
    await load(n);
  };
  const sendText = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    const a = await api.request('POST', '/api/sendText', { session, chatId, text });
    report('sendText', a);
    if (a.ok) setText('');
    setBusy(false);
  };
  const sendFile = async () => {
    const file = fileRef.current?.files?.[0];
    if (!file) return;
    setBusy(true);
    const a = await api.request('POST', '/api/sendFile', { session, chatId, file: await fileInput(file), caption: text || undefined });
    report(`sendFile ${file.name}`, a);
    if (a.ok) {
      setText('');
      if (fileRef.current) fileRef.current.value = '';
    }
    setBusy(false);
  };

  return (
    <div class="conversation">
      <div class="conv-head">
        <a class="back" href={`#/chats/${enc(session)}`}>
          ← Chats
        </a>
        <h3>{title}</h3>
      </div>
      <ErrorLine error={error} />
      <ol class="messages" ref={listRef} aria-live="polite" aria-label={`Messages with ${title}`}>
        {more ? (
          <li class="older">
            <button type="button" class="small" onClick={older}>
              Load older messages
            </button>
          </li>
        ) : null}
        {messages.map((m) => (
          <li key={m.id} class={m.fromMe ? 'msg me' : 'msg them'} data-id={m.id}>
            <div class="bubble">
              {m.hasMedia ? (
                <div class="media">
                  <span class="tag">file</span> {m.media?.filename ?? m.media?.mimetype ?? 'media'}
                </div>
              ) : null}
              {m.body ? <div class="body">{m.body}</div> : null}
              <div class="meta">
                {clock(m.timestamp * 1000)}
                {m.fromMe && m.ackName ? ` · ${m.ackName.toLowerCase()}` : ''}
              </div>
            </div>
          </li>
        ))}
      </ol>
      <form class="composer" onSubmit={sendText}>
        <label class="sr-only" for="msg-text">
          Message
        </label>
        <textarea
          id="msg-text"
          rows={2}
          placeholder="Type a message"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <button type="submit" disabled={busy}>
          Send
        </button>
        <label class="file">
          <span class="sr-only">File to send</span>
          <input type="file" ref={fileRef} onChange={sendFile} disabled={busy} aria-label="Send a file" />
        </label>
      </form>
    </div>
  );
}

/** Messages by id, the later copy winning (acks update), in time order. */
function merge(a: ChatMessage[], b: ChatMessage[]): ChatMessage[] {
  const byId = new Map<string, ChatMessage>();
  for (const m of [...a, ...b]) byId.set(m.id, { ...byId.get(m.id), ...m });
  return [...byId.values()].sort((x, y) => x.timestamp - y.timestamp);
}
