/**
 * The WhatsApp engine seam. An `Engine` is one account's browser: its lifecycle, its events, a
 * screenshot and memory relief. Once the account is ready it hands out a `WhatsAppClient`, the
 * WhatsApp calls the API makes, grouped by feature. The whatsapp-web.js adapter (`webjs/`) is the
 * only production implementation and the only code that knows WhatsApp Web's internals or speaks
 * DevTools; tests drive it against the WhatsApp Web simulator in test/sim.
 */
import type { Logger } from '../log';
import type { Me, WAMessage } from '../model';

export type { Me, WAMessage };

/** WAHA's names for WhatsApp's ack numbers (whatsapp-web.js's MessageAck). */
export const ACK_NAMES: Readonly<Record<number, string>> = {
  [-1]: 'ERROR',
  0: 'PENDING',
  1: 'SERVER',
  2: 'DEVICE',
  3: 'READ',
  4: 'PLAYED',
};

/** A library object as JSON, the way WAHA returns it. */
export type Plain = Record<string, unknown>;

/** Why the engine left the WORKING state. `loggedOut` means the phone unlinked us: no retry. */
export interface DisconnectInfo {
  reason: string;
  loggedOut: boolean;
}

/** Events from one engine. Payloads of `wa_event`s are WAHA's shapes. */
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

/** WAHA's `config.ignore`: which kinds of chat produce no events. */
export interface EventIgnore {
  status?: boolean | null;
  groups?: boolean | null;
  channels?: boolean | null;
  broadcast?: boolean | null;
}

export interface MediaInput {
  mimetype: string;
  filename?: string | null;
  /** base64 */
  data: string;
}

/** Writes one incoming message's media; returns what the event's `media` says. */
export type MediaSaver = (m: MediaInput & { messageId: string }) => Promise<NonNullable<WAMessage['media']>>;

/** What one session's engine is built with; the factory adds what every session shares. */
export interface EngineOptions {
  session: string;
  /** The session's own folder: Chromium profile, HOME, XDG_* live under it. */
  dataDir: string;
  /** The session's own proxy; null: the service-wide one (WHATSAPP_PROXY_SERVER), if any. */
  proxy?: { server: string; username?: string; password?: string } | null;
  /** The device name WhatsApp shows under "Linked devices". */
  device?: { deviceName?: string; browserName?: string } | null;
  /** Chats whose events are dropped at the source, before they are mapped (session config.ignore). */
  ignore?: EventIgnore | null;
  /** Stores incoming media and returns its link (WHATSAPP_DOWNLOAD_MEDIA); null: not downloaded. */
  saveMedia?: MediaSaver | null;
  log: Logger;
}

/** What `browserTrace` records: WAHA's debug query, and a bound on the answer. */
export interface TraceOptions {
  seconds: number;
  /** Chromium trace categories; `-name` excludes one; `*` is every category enabled by default. */
  categories: readonly string[];
  /** A trace larger than this is abandoned with 413. */
  maxBytes: number;
}

/** How hard `relieveMemory` works: `cleanup` is cheap and safe; `aggressive` also signals memory pressure. */
export type ReliefLevel = 'cleanup' | 'aggressive';

/** One WhatsApp account driven through one browser. */
export interface Engine {
  readonly session: string;
  /** Launch the browser and load WhatsApp Web; `qr`/`ready` follow as events. */
  start(): Promise<void>;
  /**
   * Close the browser (the destroy time-out, then SIGKILL of the whole tree). Idempotent.
   * `kill`: no graceful close, the tree is SIGKILLed at once (a forced server stop).
   */
  stop(opts?: { kill?: boolean }): Promise<void>;
  /** Unlink the device, then stop. */
  logout(): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  me(): Me | null;
  /** PID of the browser process (for memory accounting), null when not running. */
  browserPid(): number | null;
  screenshot(): Promise<Uint8Array>;
  /** A Chrome DevTools trace (trace.json) of the page over `opts.seconds`. */
  browserTrace(opts: TraceOptions): Promise<Uint8Array>;
  /** Frees what the page can spare (old messages of idle chats, V8 garbage, caches); says what it did. */
  relieveMemory(level: ReliefLevel): Promise<Record<string, unknown>>;
  /** The WhatsApp calls, once the account is ready; null before. */
  client(): WhatsAppClient | null;
  on(listener: EngineListener): () => void;
}

/** Builds the engine of one session; the factory closes over the browser and page settings. */
export type EngineFactory = (opts: EngineOptions) => Engine;

export interface SendOptions {
  replyTo?: string | null;
  /** WAHA's pre-generated message id (see docs/chats-messages.md: not used with whatsapp-web.js 1.34.7). */
  id?: string;
  mentions?: string[];
  linkPreview?: boolean;
  caption?: string;
  asVoice?: boolean;
  asDocument?: boolean;
}

export interface MessageCalls {
  sendText(chatId: string, text: string, opts?: SendOptions): Promise<Plain>;
  sendMedia(chatId: string, media: MediaInput, opts?: SendOptions): Promise<Plain>;
  sendLocation(chatId: string, loc: { latitude: number; longitude: number; title?: string }, opts?: SendOptions): Promise<Plain>;
  /** One contact card message; several contacts go in one multi-card message (as WAHA's WEBJS sends them). */
  sendContactVcard(chatId: string, contacts: { vcard: string }[], opts?: SendOptions): Promise<Plain>;
  sendPoll(chatId: string, poll: { name: string; options: string[]; multipleAnswers: boolean }, opts?: SendOptions): Promise<Plain>;
  forward(chatId: string, messageId: string): Promise<Plain>;
  sendSeen(chatId: string): Promise<void>;
  setTyping(chatId: string, typing: boolean): Promise<void>;
  react(messageId: string, reaction: string): Promise<void>;
  star(messageId: string, star: boolean): Promise<void>;
  /** Deletes for everyone; the library falls back to "for me" when that is not allowed. */
  delete(messageId: string): Promise<void>;
  /** The edited message, or null when the library refuses (others' messages, non-text, too old). */
  edit(messageId: string, text: string, opts?: { linkPreview?: boolean; mentions?: string[] }): Promise<Plain | null>;
  /** Pins for `durationSec`; false when WhatsApp refused. */
  pin(messageId: string, durationSec: number): Promise<boolean>;
  unpin(messageId: string): Promise<boolean>;
  /** Votes on a poll with the options named (empty: takes the vote back). */
  vote(pollMessageId: string, options: string[]): Promise<void>;
  /**
   * Incoming messages WhatsApp Web holds from `sinceSec` on, in the chats active since then, that
   * `known` does not know, oldest first (bounded), as `message` events carry them, honouring
   * `ignore`: the catch-up after a restart publishes those that never went out.
   */
  recentIncoming(sinceSec: number, known?: (id: string) => boolean | Promise<boolean>): Promise<WAMessage[]>;
}

export interface ChatListQuery {
  limit?: number;
  offset?: number;
  /** No sortBy: WhatsApp Web's own order. */
  sortBy?: 'conversationTimestamp' | 'id' | 'name';
  /** asc unless given (WAHA's paginator). */
  sortOrder?: 'asc' | 'desc';
  /** Only these chats. */
  ids?: string[];
  /** A person's LID chat folded into their phone-number chat when both exist (WAHA's `merge`). */
  merge?: boolean;
}

/** WAHA's ChatSummary: what its dashboard's chat list shows of one chat. */
export interface ChatSummary {
  id: string;
  name: string | null;
  picture: string | null;
  lastMessage: WAMessage | null;
  /** The library's chat object. */
  _chat: Plain;
}

/** WAHA's chat history filters; timestamps in seconds, `ack` a number (-1 … 4). */
export interface MessageFilter {
  timestampGte?: number;
  timestampLte?: number;
  fromMe?: boolean;
  ack?: number;
}

export interface HistoryQuery {
  limit: number;
  /** Messages skipped, counted from the newest (the next page is `offset + limit`). */
  offset: number;
  downloadMedia: boolean;
  /** The order of the page: newest first (desc) or oldest first (asc). */
  sortOrder: 'asc' | 'desc';
  /** Also the messages of the person's other chat (LID ↔ phone number). */
  merge: boolean;
  filter: MessageFilter;
}

export interface ChatCalls {
  /** The library's chat objects, paged and sorted in the page (only the page is serialized). */
  list(q: ChatListQuery): Promise<Plain[]>;
  /** The most recently active chats first, with picture and last message. */
  overview(q: { limit: number; offset: number; ids?: string[]; merge: boolean }): Promise<ChatSummary[]>;
  /** A page of a chat's messages in WAHA's shape; 404 for a chat WhatsApp does not know. */
  messages(chatId: string, q: HistoryQuery): Promise<WAMessage[]>;
  /** One message in WAHA's shape (group and status messages with their receipts in `_data`), null when unknown. */
  message(messageId: string, q: { downloadMedia: boolean }): Promise<WAMessage | null>;
  /** Marks the chat read (what opening it on the phone does). */
  markRead(chatId: string): Promise<void>;
  /** Deletes the chat on this device; true when it went. */
  delete(chatId: string): Promise<boolean>;
  clearMessages(chatId: string): Promise<boolean>;
  /** Archives or unarchives; answers the library's value (true archived, false unarchived). */
  archive(chatId: string, archived: boolean): Promise<boolean>;
  markUnread(chatId: string): Promise<void>;
}

export interface ContactCalls {
  list(): Promise<Plain[]>;
  get(contactId: string): Promise<Plain | null>;
  /** The chat id of a phone number that is on WhatsApp, else null. */
  checkNumber(phone: string): Promise<string | null>;
  profilePictureUrl(contactId: string): Promise<string | null>;
  /** The contact's about text; null when hidden. */
  about(contactId: string): Promise<string | null>;
  block(contactId: string, blocked: boolean): Promise<void>;
  /** Saves a phone number to the phone's address book under this name. */
  save(phone: string, firstName: string, lastName: string): Promise<void>;
  /** LID and phone number of each id (a LID or a phone-number id), asking WhatsApp when the page does not know. */
  lidAndPhone(id: string): Promise<LidMapping>;
  /** The LID ↔ phone-number mappings WhatsApp Web holds, by LID. */
  knownLids(): Promise<{ lid: string; pn: string }[]>;
}

/** A LID and its phone-number id; either is null when unknown. */
export interface LidMapping {
  lid: string | null;
  pn: string | null;
}

/** WAHA's presence names. */
export type Presence = 'online' | 'offline' | 'typing' | 'recording' | 'paused';

/** A chat's presences as WAHA answers them (`presence.update` carries the same). */
export interface ChatPresences {
  id: string;
  presences: { participant: string; lastKnownPresence: Presence; lastSeen: number | null }[];
}

export interface PresenceCalls {
  /** online / offline for the account; typing / recording / paused in `chatId`. */
  set(presence: Presence, chatId?: string): Promise<void>;
  subscribe(chatId: string): Promise<void>;
  /** Subscribes (the current presence comes with the subscription), then reads it. */
  get(chatId: string): Promise<ChatPresences>;
}

export interface ProfileCalls {
  /** My id, push name and picture URL (null when none). */
  get(): Promise<{ id: string; name: string; picture: string | null }>;
  setName(name: string): Promise<boolean>;
  setAbout(about: string): Promise<void>;
  setPicture(picture: MediaInput): Promise<boolean>;
  deletePicture(): Promise<boolean>;
}

export interface StatusCalls {
  /** Posts a text status; answers the posted message. */
  text(s: { text: string; backgroundColor?: string; font?: number; linkPreview?: boolean }): Promise<Plain>;
  /** Posts an image, voice or video status; answers the posted message. */
  media(media: MediaInput, opts: { caption?: string; asVoice?: boolean }): Promise<Plain>;
  /** Revokes one of my status posts (its short or serialized id). */
  delete(id: string): Promise<void>;
}

export interface CallCalls {
  reject(from: string, callId: string): Promise<void>;
}

/** A group member as WAHA's v2 participant lists and group.v2.* events carry it. */
export interface GroupMember {
  id: string;
  /** The phone-number id when `id` is one (…@c.us), else null. */
  pn: string | null;
  role: 'left' | 'participant' | 'admin' | 'superadmin';
}

/** The two admin-only switches of a group. */
export type GroupSetting = 'info' | 'messages';

export interface GroupCalls {
  list(): Promise<Plain[]>;
  create(name: string, participants: string[]): Promise<Plain>;
  get(groupId: string): Promise<Plain | null>;
  /** The library's participant list: `{ id: { server, user, _serialized }, isAdmin, isSuperAdmin }`. */
  participants(groupId: string): Promise<Plain[]>;
  members(groupId: string): Promise<GroupMember[]>;
  /** The library's answer; a refusal it resolves with (no admin rights to add) is a 422. */
  updateParticipants(groupId: string, action: 'add' | 'remove' | 'promote' | 'demote', participants: string[]): Promise<Plain>;
  /** What WhatsApp says of the group behind an invite code (404 unknown or revoked). */
  inviteInfo(code: string): Promise<Plain>;
  /** Joins by invite code; the group's id. */
  join(code: string): Promise<string>;
  leave(groupId: string): Promise<void>;
  /** The invite code (admins only: 422 otherwise). */
  inviteCode(groupId: string): Promise<string>;
  /** Revokes the invite code; the new one. */
  revokeInvite(groupId: string): Promise<string>;
  /** false: WhatsApp refused (not allowed to edit the info). */
  setSubject(groupId: string, subject: string): Promise<boolean>;
  setDescription(groupId: string, description: string): Promise<boolean>;
  adminsOnly(groupId: string, setting: GroupSetting): Promise<boolean>;
  /** false: WhatsApp refused (not an admin). */
  setAdminsOnly(groupId: string, setting: GroupSetting, adminsOnly: boolean): Promise<boolean>;
  pictureUrl(groupId: string): Promise<string | null>;
  /** false: WhatsApp refused. */
  setPicture(groupId: string, picture: MediaInput): Promise<boolean>;
  deletePicture(groupId: string): Promise<boolean>;
  /** Deletes the chat on this device; the group itself stays on WhatsApp. */
  delete(groupId: string): Promise<boolean>;
}

/** WhatsApp's label palette: a label holds an index into it (WAHA's `color`), the app shows the colour. */
export const LABEL_COLORS: readonly string[] = [
  '#ff9485',
  '#64c4ff',
  '#ffd429',
  '#dfaef0',
  '#99b6c1',
  '#55ccb3',
  '#ff9dff',
  '#d3a91d',
  '#6d7cce',
  '#d7e752',
  '#00d0e2',
  '#ffc5c7',
  '#93ceac',
  '#f74848',
  '#00a0f2',
  '#83e422',
  '#ffaf04',
  '#b5ebff',
  '#9ba6ff',
  '#9368cf',
];

/** A WhatsApp Business label, as WAHA answers it. */
export interface Label {
  id: string;
  name: string;
  /** Index into WhatsApp's label palette. */
  color: number;
  colorHex: string;
}

export interface LabelCalls {
  /** Empty on a personal account. */
  list(): Promise<Label[]>;
  get(labelId: string): Promise<Label | null>;
  /** The editing calls need a WhatsApp Business account (422 otherwise). */
  create(name: string, color: number): Promise<Label>;
  update(label: Label): Promise<Label>;
  delete(label: Label): Promise<void>;
  chatLabels(chatId: string): Promise<Label[]>;
  /** Replaces the chat's labels with exactly these. */
  setChatLabels(chatId: string, labelIds: string[]): Promise<void>;
  /** The chats carrying the label (the library's chat objects), null for an unknown label. */
  chats(labelId: string): Promise<Plain[] | null>;
}

/** A channel as WAHA answers it; `role` only for channels the account has. */
export interface ChannelInfo {
  id: string;
  name: string;
  description: string;
  invite: string;
  preview: string | null;
  picture: string | null;
  verified: boolean;
  subscribersCount: number | null;
  role?: 'OWNER' | 'ADMIN' | 'SUBSCRIBER' | 'GUEST';
}

export interface ChannelSearch {
  text?: string;
  /** 0 recommended, 1 trending, 2 popular, 3 new. */
  view?: number;
  countries?: string[];
  limit: number;
}

export interface ChannelCalls {
  /** The channels the account owns, administers or follows (no guest previews). */
  list(): Promise<ChannelInfo[]>;
  /** By id (…@newsletter) or invite code; null when WhatsApp knows none. */
  get(idOrInvite: string): Promise<ChannelInfo | null>;
  /** The newest posts of a channel (followed or not), oldest first; null when WhatsApp knows none. */
  preview(
    idOrInvite: string,
    q: { limit: number; downloadMedia: boolean },
  ): Promise<{ message: WAMessage; reactions: Record<string, number>; viewCount: number }[] | null>;
  search(q: ChannelSearch): Promise<ChannelInfo[]>;
  /** ISO 3166 code → name, as WhatsApp Web lists them for the directory. */
  countries(): Promise<{ code: string; name: string }[]>;
}

/** The WhatsApp calls of a ready account, by feature. A failing call throws UpstreamError (502). */
export interface WhatsAppClient {
  readonly messages: MessageCalls;
  readonly chats: ChatCalls;
  readonly contacts: ContactCalls;
  readonly groups: GroupCalls;
  readonly labels: LabelCalls;
  readonly channels: ChannelCalls;
  readonly presence: PresenceCalls;
  readonly profile: ProfileCalls;
  readonly status: StatusCalls;
  readonly calls: CallCalls;
}

/** Gives the client of a WORKING session, or throws 404 (unknown) / 422 (not WORKING, with its status). */
export interface Clients {
  client(session: string): WhatsAppClient;
}
