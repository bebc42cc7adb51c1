/**
 * whatsapp-web.js objects → WAHA's payload shapes (spec: "Events and webhooks"). Pure functions:
 * no browser, no library import, so they are tested on plain objects.
 */
import { ACK_NAMES, type GroupMember, type WAMessage } from '../types';

export { ACK_NAMES };

export function ackName(ack: number | null | undefined): string {
  return ACK_NAMES[ack ?? 0] ?? 'UNKNOWN';
}

type Raw = Record<string, unknown>;

/** The fields of a whatsapp-web.js Message read here (its class keeps the page's model in `_data`). */
export interface LibMessage {
  id: { fromMe: boolean; remote: string; id: string; _serialized: string };
  timestamp: number;
  from: string;
  to: string;
  author?: string | null;
  fromMe: boolean;
  body: string;
  hasMedia: boolean;
  ack: number;
  type: string;
  /** Set for `location` messages (the library's Location). */
  location?: { latitude: number; longitude: number; name?: string; address?: string; url?: string; description?: string } | null;
  /** The vCard texts of a contact card (empty for other messages). */
  vCards?: string[];
  _data?: Raw;
}

/**
 * A library object as JSON, the way WAHA returns it: its enumerable fields (the `client` back
 * reference is not one), Dates as strings, functions dropped.
 */
export function toPlain(o: unknown): Record<string, unknown> {
  return o == null ? {} : (JSON.parse(JSON.stringify(o)) as Record<string, unknown>);
}

/** A WhatsApp id given as a string or as a wid object `{_serialized}`. */
export function widString(x: unknown): string | null {
  if (typeof x === 'string') return x;
  if (x && typeof x === 'object' && typeof (x as Raw)._serialized === 'string') return (x as Raw)._serialized as string;
  return null;
}

const str = (x: unknown): string | null => (typeof x === 'string' && x ? x : null);

/** What is known of a message's media without downloading it. */
export function mediaInfo(m: LibMessage, url: string | null = null): WAMessage['media'] {
  if (!m.hasMedia) return null;
  const d = m._data ?? {};
  return { url, mimetype: str(d.mimetype) ?? 'application/octet-stream', filename: str(d.filename) };
}

/**
 * Strings in a message's `_data` above this length are left out: a media message can carry its
 * bytes or a large preview inline, and `_data` goes into every event and history answer. What
 * WhatsApp Web keeps beside a message (thumbnails of a few KB, ids, times) stays.
 */
export const DATA_STRING_MAX = 64 * 1024;

/** `_data` bounded: long strings (media bodies) left out, nesting cut at a few levels, functions dropped. */
export function boundedData(data: unknown, depth = 0): Raw {
  const out: Raw = {};
  if (!data || typeof data !== 'object') return out;
  for (const [k, v] of Object.entries(data as Raw)) {
    const b = boundedValue(v, depth + 1);
    if (b !== undefined) out[k] = b;
  }
  return out;
}

function boundedValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return v.length > DATA_STRING_MAX ? undefined : v;
  if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return undefined;
  if (!v || typeof v !== 'object') return v;
  if (depth > 6) return undefined;
  if (Array.isArray(v)) return v.slice(0, 1000).map((x) => boundedValue(x, depth + 1) ?? null);
  return boundedData(v, depth);
}

/** Message types that carry media (WhatsApp Web's names; the library's `hasMedia` needs a directPath). */
const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'ptt', 'document', 'sticker', 'ptv']);

function replyTo(d: Raw | undefined): WAMessage['replyTo'] {
  const id = str(d?.quotedStanzaID);
  if (!d || !id) return null;
  const quoted = (d.quotedMsg ?? {}) as Raw;
  const body = str(quoted.caption) ?? str(quoted.body) ?? undefined;
  const hasMedia = Boolean(quoted.directPath) || MEDIA_TYPES.has(String(quoted.type));
  return {
    id,
    participant: widString(d.quotedParticipant),
    ...(body !== undefined && !(hasMedia && body === quoted.body) ? { body } : {}),
    hasMedia,
    media: hasMedia ? { url: null, mimetype: str(quoted.mimetype) ?? 'application/octet-stream', filename: str(quoted.filename) } : null,
    _data: boundedData(quoted),
  };
}

/** WAHA's `location`: the library's Location with the live flag, null for other messages. */
function location(m: LibMessage): WAMessage['location'] {
  const l = m.location;
  if (!l || (l.latitude == null && l.longitude == null)) return null;
  const d = m._data ?? {};
  return {
    live: Boolean(d.isLive),
    latitude: l.latitude,
    longitude: l.longitude,
    name: l.name ?? null,
    address: l.address ?? null,
    description: str(d.comment) ?? l.description ?? null,
    url: l.url ?? null,
  };
}

/**
 * WAHA's message payload (`message`, `message.any`, `message.ack`, chat history): WAHA's WEBJS
 * fields, plus `author` for group members' messages and `mediaUrl` (the deprecated alias of
 * `media.url`), with `_data` bounded.
 */
export function toWAMessage(m: LibMessage, source: 'app' | 'api', media: WAMessage['media'] = mediaInfo(m)): WAMessage {
  return {
    id: m.id._serialized,
    timestamp: m.timestamp,
    from: m.from,
    fromMe: m.fromMe,
    source,
    to: m.to,
    participant: m.author ?? null,
    ...(m.author ? { author: m.author } : {}),
    body: m.body ?? '',
    hasMedia: Boolean(m.hasMedia),
    media,
    mediaUrl: media?.url ?? null,
    ack: m.ack ?? 0,
    ackName: ackName(m.ack),
    location: location(m),
    vCards: m.vCards ?? [],
    replyTo: replyTo(m._data),
    _data: boundedData(m._data),
  };
}

/** `message.reaction`: who reacted with what to which message (empty text = removed). */
export function toReaction(
  r: {
    id: { fromMe: boolean; remote: string; _serialized: string };
    msgId: { _serialized: string };
    senderId: string;
    reaction: string;
    timestamp: number;
  },
  me: string | null,
) {
  return {
    id: r.id._serialized,
    from: r.senderId,
    fromMe: r.id.fromMe,
    participant: r.senderId,
    to: r.id.fromMe ? r.id.remote : (me ?? r.id.remote),
    timestamp: r.timestamp,
    reaction: { text: r.reaction, messageId: r.msgId._serialized },
  };
}

/** `call.received`. */
export function toCall(c: { id: string; from?: string; timestamp: number; isVideo: boolean; isGroup: boolean }) {
  return { id: c.id, from: c.from ?? null, timestamp: c.timestamp, isVideo: Boolean(c.isVideo), isGroup: Boolean(c.isGroup) };
}

/** The fields of a whatsapp-web.js GroupNotification read here (its JSON is the events' `_data`). */
export interface LibGroupNotification {
  chatId: string;
  author: string;
  type: string;
  body: string;
  timestamp: number;
  /** Id strings, though typed as such only by the docs: the page's notification model carries strings. */
  recipientIds: string[];
}

/** A library group participant: `{ id: wid, isAdmin, isSuperAdmin }`. */
export interface LibParticipant {
  id: unknown;
  isAdmin?: boolean;
  isSuperAdmin?: boolean;
}

const pnOf = (id: string) => (id.endsWith('@c.us') ? id : null);

/** WAHA's v2 participant list: the id string, its phone-number id, and the role. */
export function groupMembers(participants: readonly LibParticipant[]): GroupMember[] {
  return participants.map((p) => {
    const id = widString(p.id) ?? '';
    return { id, pn: pnOf(id), role: p.isSuperAdmin ? 'superadmin' : p.isAdmin ? 'admin' : 'participant' };
  });
}

/** The fields of a library GroupChat that WAHA's GroupInfo is made of. */
export interface LibGroup {
  id: unknown;
  name?: string;
  description?: string;
  groupMetadata?: { announce?: boolean; memberAddMode?: string; membershipApprovalMode?: boolean | number };
}

/** WAHA's GroupInfo (group.v2.join, group.v2.update). `invite` is the invite link, present for admins only. */
export function toGroupInfo(g: LibGroup, inviteCode: string | null | undefined, participants?: GroupMember[]): Record<string, unknown> {
  const meta = g.groupMetadata ?? {};
  const info: Record<string, unknown> = {
    id: widString(g.id),
    subject: g.name ?? '',
    description: g.description ?? '',
    ...(inviteCode ? { invite: `https://chat.whatsapp.com/${inviteCode}` } : {}),
    membersCanAddNewMember: meta.memberAddMode === 'all_member_add',
    // The name says what it means: members may send unless the group is "admins only" (announce).
    membersCanSendMessages: !meta.announce,
    newMembersApprovalRequired: meta.membershipApprovalMode === true || meta.membershipApprovalMode === 1,
  };
  if (participants) info.participants = participants;
  return info;
}

const PARTICIPANT_CHANGE: Record<string, { type: 'join' | 'leave' | 'promote' | 'demote'; role: GroupMember['role'] }> = {
  add: { type: 'join', role: 'participant' },
  invite: { type: 'join', role: 'participant' },
  linked_group_join: { type: 'join', role: 'participant' },
  remove: { type: 'leave', role: 'left' },
  leave: { type: 'leave', role: 'left' },
  promote: { type: 'promote', role: 'admin' },
  demote: { type: 'demote', role: 'participant' },
};

type GroupEvent = { event: string; payload: Record<string, unknown> };

/**
 * A group notification as WAHA's group.v2.* events (what its WEBJS engine sends):
 * `group.v2.participants` for every member change, `group.v2.join` (with the group's info and
 * members) / `group.v2.leave` when the member is us, `group.v2.update` (the group's info as it is
 * now) for subject, description, settings and picture changes. `info` reads the group.
 */
export async function groupEvents(
  n: LibGroupNotification,
  me: string | null,
  info: (withParticipants: boolean) => Promise<Record<string, unknown> | null>,
): Promise<GroupEvent[]> {
  const _data = toPlain(n);
  const group = { id: n.chatId };
  const change = PARTICIPANT_CHANGE[n.type];
  if (!change) {
    const current = await info(false);
    return [{ event: 'group.v2.update', payload: { group: current ?? group, timestamp: n.timestamp, _data } }];
  }
  const ids = n.recipientIds?.length ? n.recipientIds : [n.author];
  const out: GroupEvent[] = [];
  const us = me !== null && ids.includes(me);
  if (us && change.type === 'join') {
    const current = await info(true);
    out.push({ event: 'group.v2.join', payload: { timestamp: n.timestamp, group: current ?? group, _data } });
  }
  if (us && change.type === 'leave') out.push({ event: 'group.v2.leave', payload: { timestamp: n.timestamp, group, _data } });
  const participants = ids.map((id) => ({ id, pn: pnOf(id), role: change.role }));
  out.push({ event: 'group.v2.participants', payload: { group, type: change.type, timestamp: n.timestamp, participants, _data } });
  return out;
}

/**
 * whatsapp-web.js's `disconnected` reason → DisconnectInfo. It emits 'LOGOUT' when WhatsApp Web
 * reloads after a logout command (the phone unlinked us) and otherwise the socket state it does
 * not accept: UNPAIRED / UNPAIRED_IDLE (unlinked too), or CONFLICT, DEPRECATED_VERSION,
 * PROXYBLOCK, TOS_BLOCK, SMB_TOS_BLOCK, UNLAUNCHED (TIMEOUT, OPENING, PAIRING and CONNECTED are
 * accepted and not reported). Only the unlinked ones are `loggedOut` (not retried).
 */
export function disconnectInfo(reason: unknown): { reason: string; loggedOut: boolean } {
  const r = String(reason);
  return { reason: r, loggedOut: ['LOGOUT', 'UNPAIRED', 'UNPAIRED_IDLE'].includes(r.toUpperCase()) };
}

/**
 * WAHA's `config.ignore` as a test on a chat id: `status@broadcast` (status), other
 * `…@broadcast` lists (broadcast), `…@newsletter` (channels), `…@g.us` (groups).
 */
export function ignoredChats(
  ignore: { status?: boolean | null; groups?: boolean | null; channels?: boolean | null; broadcast?: boolean | null } | null | undefined,
): (chatId: string | null | undefined) => boolean {
  if (!ignore || !(ignore.status || ignore.groups || ignore.channels || ignore.broadcast)) return () => false;
  return (chatId) => {
    if (!chatId) return false;
    if (chatId === 'status@broadcast') return Boolean(ignore.status);
    if (chatId.endsWith('@broadcast')) return Boolean(ignore.broadcast);
    if (chatId.endsWith('@newsletter')) return Boolean(ignore.channels);
    if (chatId.endsWith('@g.us')) return Boolean(ignore.groups);
    return false;
  };
}

/** WhatsApp Web's chat-state types → WAHA's presence names (anything else: offline, as WAHA maps it). */
export function presenceName(type: string | null | undefined): 'online' | 'offline' | 'typing' | 'recording' | 'paused' {
  if (type === 'available') return 'online';
  if (type === 'typing' || type === 'composing') return 'typing';
  if (type === 'recording_audio' || type === 'recording') return 'recording';
  if (type === 'paused') return 'paused';
  return 'offline';
}

/** `presence.update`: one chat state the page received, as WAHA's chat presences. */
export function toPresenceUpdate(s: { chatId: string; participant: string; type: string | null; t: number | null }) {
  return { id: s.chatId, presences: [{ participant: s.participant, lastKnownPresence: presenceName(s.type), lastSeen: s.t ?? null }] };
}

/** The fields of a whatsapp-web.js PollVote read here (`voter` is a wid object at run time, typed a string). */
export interface LibPollVote {
  voter: unknown;
  selectedOptions: { name?: string; localId: number }[];
  interractedAtTs: number;
  /** The poll as the page handed it over: `id.remote` may be a wid object. */
  parentMessage?: { id?: { fromMe: boolean; remote: unknown; id: string; _serialized: string }; author?: unknown } | null;
}

/**
 * `poll.vote` (or `poll.vote.failed` when the vote cannot be matched with its poll: the library
 * then knows no option names), as WAHA's WEBJS engine builds it: the poll and the vote, each with
 * who it is from and to. null when the vote names no poll.
 */
export function toPollVote(
  v: LibPollVote,
  me: string | null,
): { event: 'poll.vote' | 'poll.vote.failed'; payload: Record<string, unknown> } | null {
  const key = v.parentMessage?.id;
  const voter = widString(v.voter);
  const chat = widString(key?.remote);
  if (!key?._serialized || !voter || !chat) return null;
  const group = chat.endsWith('@g.us');
  const side = (fromMe: boolean, participant?: string | null) => ({
    from: fromMe ? (me ?? chat) : group ? (participant ?? chat) : chat,
    to: fromMe ? chat : (me ?? chat),
  });
  const poll = { id: key._serialized, ...side(key.fromMe, widString(v.parentMessage?.author)), fromMe: key.fromMe };
  const fromMe = voter === me;
  const names = v.selectedOptions.map((o) => o.name);
  const vote = {
    id: `${fromMe}_${chat}_${key.id}${group && !fromMe ? `_${voter}` : ''}`,
    ...side(fromMe, voter),
    fromMe,
    ...(group ? { participant: voter } : {}),
    selectedOptions: names.filter((n): n is string => typeof n === 'string'),
    timestamp: v.interractedAtTs,
  };
  const failed = names.some((n) => typeof n !== 'string');
  return { event: failed ? 'poll.vote.failed' : 'poll.vote', payload: { poll, vote, _data: toPlain({ ...v, voter }) } };
}

/** `call.rejected` for a call rejected through the API (the library reports no rejection itself). */
export function toRejectedCall(from: string, id: string, nowSec: number) {
  return { id, from, timestamp: nowSec, isVideo: false, isGroup: from.endsWith('@g.us'), _data: { id, from, status: 'reject', api: true } };
}
