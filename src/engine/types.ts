/**
 * The WhatsApp engine seam: what the API needs from WhatsApp, and the typed events it emits.
 * The whatsapp-web.js adapter (`webjs.ts`) is the only production implementation; tests drive
 * it against the WhatsApp Web simulator in test/sim.
 */
import type { Logger } from '../log';

/** The logged-in account. */
export interface Me {
  id: string; // "<number>@c.us"
  pushName: string;
}

/** Why the engine left the WORKING state. `loggedOut` means the phone unlinked us: no retry. */
export interface DisconnectInfo {
  reason: string;
  loggedOut: boolean;
}

/** WAHA's message payload (events, chat history). */
export interface WAMessage {
  id: string; // "true_<chat>_<id>" / "false_<chat>_<id>"
  timestamp: number; // seconds
  from: string;
  fromMe: boolean;
  source: 'app' | 'api';
  to: string;
  participant?: string | null;
  body: string;
  hasMedia: boolean;
  media: { url: string | null; mimetype: string; filename: string | null } | null;
  ack: number;
  ackName: string;
  replyTo?: { id: string; participant?: string | null; body?: string } | null;
  _data?: Record<string, unknown>;
}

/** Events from one engine. Payloads of message events are WAHA's shapes. */
export type EngineEvent =
  | { type: 'qr'; value: string }
  | { type: 'authenticated' }
  | { type: 'ready'; me: Me }
  | { type: 'auth_failure'; reason: string }
  | { type: 'disconnected'; info: DisconnectInfo }
  /** The browser process died or the page crashed. */
  | { type: 'browser_exit'; reason: string }
  | { type: 'wa_event'; event: string; payload: unknown };

export type EngineListener = (e: EngineEvent) => void;

/** Where WhatsApp Web's page comes from (WAHA_WEBJS_* variables). */
export interface WebVersionCache {
  type: 'none' | 'local' | 'remote';
  path: string;
  remotePath: string;
  version: string;
}

export interface EngineOptions {
  session: string;
  /** The session's own folder: Chromium profile, HOME, XDG_* live under it. */
  dataDir: string;
  chromiumPath: string;
  webCache: WebVersionCache;
  proxy?: { server: string; username?: string; password?: string } | null;
  client?: { deviceName?: string; browserName?: string } | null;
  initTimeoutMs: number;
  destroyTimeoutMs: number;
  log: Logger;
  /** Chats whose events are dropped at the source, before they are mapped (session config.ignore). */
  ignore?: EventIgnore | null;
  /** Stores incoming media and returns its link (WHATSAPP_DOWNLOAD_MEDIA); null: media is not downloaded. */
  saveMedia?: MediaSaver | null;
}

/** WAHA's `config.ignore`: which kinds of chat produce no events. */
export interface EventIgnore {
  status?: boolean | null;
  groups?: boolean | null;
  channels?: boolean | null;
  broadcast?: boolean | null;
}

/** Writes one incoming message's media; returns what the event's `media` says. */
export type MediaSaver = (m: MediaInput & { messageId: string }) => Promise<NonNullable<WAMessage['media']>>;

export interface MediaInput {
  mimetype: string;
  filename?: string | null;
  data: string; // base64
}

export interface SendOptions {
  replyTo?: string | null;
  mentions?: string[];
  linkPreview?: boolean;
  caption?: string;
  asVoice?: boolean;
  asDocument?: boolean;
}

/** One WhatsApp account driven through one browser. */
export interface Engine {
  readonly session: string;
  /** Launch the browser and load WhatsApp Web; `qr`/`ready` follow as events. */
  start(): Promise<void>;
  /** Close the browser (DESTROY_TIMEOUT_MS, then SIGKILL of the whole tree). Idempotent. */
  stop(): Promise<void>;
  /** Unlink the device, then stop. */
  logout(): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  me(): Me | null;
  /** PID of the browser process (for memory accounting), null when not running. */
  browserPid(): number | null;
  screenshot(): Promise<Uint8Array>;
  /** A DevTools call on the page (memory cleanup): method + params. */
  cdp(method: string, params?: Record<string, unknown>): Promise<unknown>;
  /** Run a function inside WhatsApp Web's page (e.g. trim in-page collections). */
  evaluate<T>(fn: string): Promise<T>;

  sendText(chatId: string, text: string, opts?: SendOptions): Promise<Record<string, unknown>>;
  sendMedia(chatId: string, media: MediaInput, opts?: SendOptions): Promise<Record<string, unknown>>;
  sendLocation(chatId: string, loc: { latitude: number; longitude: number; title?: string }): Promise<Record<string, unknown>>;
  sendContactVcard(chatId: string, contacts: { vcard: string }[]): Promise<Record<string, unknown>>;
  sendPoll(chatId: string, poll: { name: string; options: string[]; multipleAnswers: boolean }): Promise<Record<string, unknown>>;
  forwardMessage(chatId: string, messageId: string): Promise<Record<string, unknown>>;
  sendSeen(chatId: string): Promise<void>;
  setTyping(chatId: string, typing: boolean): Promise<void>;
  react(messageId: string, reaction: string): Promise<void>;
  star(messageId: string, star: boolean): Promise<void>;

  getChats(q: { limit?: number; offset?: number; sortBy?: string; sortOrder?: 'asc' | 'desc' }): Promise<Record<string, unknown>[]>;
  getMessages(chatId: string, q: { limit: number; downloadMedia: boolean }): Promise<WAMessage[]>;
  /**
   * Incoming messages WhatsApp Web holds from `sinceSec` on, in the chats active since then, that
   * `known` does not know, oldest first (bounded), as `message` events carry them, honouring
   * `ignore`: the catch-up after a restart publishes those that never went out.
   */
  recentIncoming(sinceSec: number, known?: (id: string) => boolean): Promise<WAMessage[]>;
  getContacts(): Promise<Record<string, unknown>[]>;
  getContact(contactId: string): Promise<Record<string, unknown> | null>;
  checkNumber(phone: string): Promise<string | null>;
  profilePictureUrl(contactId: string): Promise<string | null>;
  getGroups(): Promise<Record<string, unknown>[]>;
  createGroup(name: string, participants: string[]): Promise<Record<string, unknown>>;
  getGroup(groupId: string): Promise<Record<string, unknown> | null>;
  updateParticipants(groupId: string, action: 'add' | 'remove', participants: string[]): Promise<Record<string, unknown>>;

  on(listener: EngineListener): () => void;
}

/** Builds an engine for a session. The service is given one; tests may give another. */
export type EngineFactory = (opts: EngineOptions) => Engine;
