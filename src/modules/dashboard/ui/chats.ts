/**
 * Chat data for the chats view: the list from GET /api/{session}/chats/overview (as WAHA's own
 * dashboard reads it), the messages from the history route.
 */
import { type Api, enc } from './api';

/** One row of the chat list. */
export interface ChatRow {
  id: string;
  name: string;
  isGroup: boolean;
  unread: number;
  /** Seconds (WhatsApp's time), 0 when unknown. */
  timestamp: number;
  lastMessage: string | null;
}

/** A message as the history route and the message events carry it (WAHA's shape). */
export interface ChatMessage {
  id: string;
  timestamp: number;
  from: string;
  to: string;
  fromMe: boolean;
  body: string;
  hasMedia: boolean;
  media?: { url: string | null; mimetype: string; filename: string | null } | null;
  ackName?: string;
  participant?: string | null;
}

/** WAHA's ChatSummary, the fields read here. */
interface ChatSummary {
  id: string;
  name: string | null;
  lastMessage: { body?: string } | null;
  _chat?: { isGroup?: boolean; unreadCount?: number; timestamp?: number };
}

/** The newest chats first. The one place that knows which route lists chats. */
export async function loadChatOverview(api: Api, session: string, limit = 50): Promise<ChatRow[]> {
  const chats = await api.get<ChatSummary[]>(`/api/${enc(session)}/chats/overview?limit=${limit}`);
  return chats.map((c) => ({
    id: c.id,
    name: c.name || c.id,
    isGroup: Boolean(c._chat?.isGroup),
    unread: Math.max(0, c._chat?.unreadCount ?? 0),
    timestamp: c._chat?.timestamp ?? 0,
    lastMessage: c.lastMessage?.body ?? null,
  }));
}

/**
 * The newest `limit` messages of a chat, oldest first ("older" means asking for more, and the
 * view keeps its scroll position).
 */
export function loadMessages(api: Api, session: string, chatId: string, limit: number): Promise<ChatMessage[]> {
  return api.get<ChatMessage[]>(`/api/${enc(session)}/chats/${enc(chatId)}/messages?limit=${limit}&sortOrder=asc&downloadMedia=false`);
}

/** The chat a message belongs to: the other side of a private chat, the group of a group message. */
export const chatOf = (m: Pick<ChatMessage, 'from' | 'to' | 'fromMe'>) => (m.fromMe ? m.to : m.from);

/** A file read in the browser, as POST /api/sendFile takes it. */
export async function fileInput(file: File): Promise<{ mimetype: string; filename: string; data: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { mimetype: file.type || 'application/octet-stream', filename: file.name, data: btoa(binary) };
}
