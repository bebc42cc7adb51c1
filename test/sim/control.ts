/**
 * Typed control of the WhatsApp Web simulator (page/control.js) over either transport:
 * - `simOnPage(page)`: page.evaluate on a puppeteer Page (in-process tests: `client.pupPage`);
 * - `SimControlServer` (./server.ts): a loopback WebSocket the page connects to, for a browser
 *   launched by another process (the compiled binary, a Node.js baseline).
 */
import type { ChannelSpec, GroupEvent, GroupSpec, LabelChange, SimChannel, SimGroup, SimLabel } from './control-areas';

export type * from './control-areas';

import type {
  SimBrowserView,
  SimCall,
  SimChatState,
  SimContactState,
  SimMedia,
  SimMessageState,
  SimPollVote,
  SimPresences,
  SimPresenceUpdate,
  SimProfile,
  SimStatusPost,
  SimVideoFrame,
} from './inspect';

export type * from './inspect';

export type SocketState =
  | 'OPENING'
  | 'PAIRING'
  | 'UNPAIRED'
  | 'UNPAIRED_IDLE'
  | 'CONNECTED'
  | 'TIMEOUT'
  | 'CONFLICT'
  | 'UNLAUNCHED'
  | 'PROXYBLOCK'
  | 'TOS_BLOCK'
  | 'SMB_TOS_BLOCK'
  | 'DEPRECATED_VERSION';

/** Modules and module properties the library asked for that the simulator lacks. */
export interface SimMissing {
  modules: string[];
  props: string[];
}

export interface SimStatus {
  version: string;
  /** Stable per Chromium profile (kept in the page's localStorage). */
  profileId: string;
  state: SocketState;
  hasSynced: boolean;
  paired: boolean;
  me: { id: string; pushName: string } | null;
  /** The QR string as whatsapp-web.js builds it (ref,noiseKey,identityKey,advSecret,platform), while unpaired. */
  qr: string | null;
  qrCount: number;
  pairingCode: string | null;
  counts: { chats: number; groups: number; messages: number; contacts: number };
  missing: SimMissing;
}

/** What the library sent, as the simulator recorded it. */
export interface OutboxEntry {
  id: string;
  chatId: string;
  // chat, image, video, audio, ptt, document, sticker, location, vcard, multi_vcard, poll_creation,
  // and the protocol messages: reaction, revoke, edit, pin, unpin, poll_vote
  type: string;
  subtype?: string;
  ack?: number;
  t: number;
  body?: string;
  caption?: string;
  quotedMsgId?: string;
  mentionedIds?: string[];
  media?: { mimetype: string; filename?: string; size: number; filehash: string; directPath: string };
  isViewOnce?: boolean;
  isGif?: boolean;
  isForwarded?: boolean;
  location?: { latitude: number; longitude: number; description?: string; url?: string };
  poll?: { name: string; options: string[]; selectableCount: number };
  vcards?: string[];
  reactionTo?: string;
  /** edit: the message edited (`body` is the new text). */
  editOf?: string;
  /** pin / unpin: the message, and for how long (seconds). */
  pinOf?: string;
  duration?: number;
  /** poll_vote: the poll and the options now chosen. */
  voteOf?: string;
  selectedOptions?: string[];
}

/** Non-message things the library did: seen, chatstate, presence, archive, group changes, ... */
export interface SimAction {
  kind: string;
  t: number;
  chatId?: string;
  [key: string]: unknown;
}

/** A message from a contact (`from` "<number>@c.us") or a group member (`from` "<id>@g.us", `author`). */
export interface IncomingMessage {
  from: string;
  author?: string;
  body?: string;
  type?: string;
  pushName?: string;
  /** Serialized id of the message this one replies to. */
  quotedId?: string;
  mentions?: string[];
  media?: { mimetype: string; data: string; filename?: string };
  caption?: string;
  ptt?: boolean;
  isViewOnce?: boolean;
  location?: { latitude: number; longitude: number; description?: string; url?: string };
  vcard?: string;
  id?: string;
  t?: number;
  isForwarded?: boolean;
  /** A poll: `selectableCount` 0 allows any number of answers (default 1). */
  poll?: { name: string; options: string[]; selectableCount?: number };
}

/** One way of calling `window.__sim[method](...args)` in the page. */
export interface SimTransport {
  call(method: string, args: unknown[]): Promise<unknown>;
}

/** The simulator's control API; the same over both transports. */
export class SimControl {
  constructor(readonly transport: SimTransport) {}

  private async call<T>(method: string, ...args: unknown[]): Promise<T> {
    // Both transports turn undefined into null, which would defeat the page's defaults.
    while (args.length && args[args.length - 1] === undefined) args.pop();
    const result = await this.transport.call(method, args);
    return result as T;
  }

  status() {
    return this.call<SimStatus>('status');
  }
  /** What the page can see of its browser: user agent, client hints, webdriver, screen, WebGL. */
  browser() {
    return this.call<SimBrowserView>('browser');
  }
  /** WhatsApp Web's video preparation done by the page's browser: decode, seek, a frame into a canvas, a JPEG of it. */
  videoFrame(video: { mimetype: string; data: string; atSec?: number }) {
    return this.call<SimVideoFrame>('videoFrame', video);
  }
  /** Resolves once whatsapp-web.js finished injecting into the current page load (e.g. after a logout reload). */
  waitForInjected(timeoutMs?: number) {
    return this.call<void>('waitForInjected', timeoutMs);
  }
  /** The phone scans the QR (waits for the QR page if the page is still opening). */
  scan(me?: { number?: string; pushName?: string }) {
    return this.call<void>('scan', me);
  }
  /** The phone enters the pairing code (`code` checked when given). */
  enterPairingCode(code?: string) {
    return this.call<void>('enterPairingCode', code);
  }
  /** A new QR ref now (the library emits `qr` again); returns the ref. */
  refreshQr() {
    return this.call<string>('refreshQr');
  }
  /** An incoming message; returns its serialized id. */
  receive(msg: IncomingMessage) {
    return this.call<string>('receive', msg);
  }
  /** Someone reacts to a message; returns the reaction's id. */
  react(msgId: string, emoji: string, from?: string) {
    return this.call<string>('react', msgId, emoji, from);
  }
  /** Moves a message's ack (-1 error, 0 pending, 1 server, 2 delivered, 3 read, 4 played). */
  ack(msgId: string, ack: number) {
    return this.call<void>('ack', msgId, ack);
  }
  setAckMode(mode: 'auto' | 'server' | 'manual', delayMs?: number) {
    return this.call<void>('setAckMode', mode, delayMs);
  }
  /** The next send fails: 'throw' rejects sendMessage; 'ack-error' adds the message, then ack -1. */
  failNextSend(opts?: { mode?: 'throw' | 'ack-error'; message?: string }) {
    return this.call<void>('failNextSend', opts);
  }
  /** A remote state change: CONFLICT, UNPAIRED, UNLAUNCHED, TIMEOUT (connection lost), ... */
  disconnect(state: SocketState = 'CONFLICT') {
    return this.call<void>('disconnect', state);
  }
  /** Back to CONNECTED (or to the QR page when no longer paired). */
  reconnect() {
    return this.call<void>('reconnect');
  }
  /** Unlinked from the phone: the page clears its pairing, fires Cmd 'logout' and reloads. */
  logoutFromPhone() {
    return this.call<void>('logoutFromPhone');
  }
  outbox() {
    return this.call<OutboxEntry[]>('outbox');
  }
  /** The first outbox entry whose fields equal `filter`'s, already sent or the next one. */
  waitForOutbox(filter: Partial<OutboxEntry>, timeoutMs = 10_000) {
    return this.call<OutboxEntry>('waitForOutbox', filter, timeoutMs);
  }
  actions() {
    return this.call<SimAction[]>('actions');
  }
  clearLogs() {
    return this.call<void>('clearLogs');
  }
  missing() {
    return this.call<SimMissing>('missing');
  }
  /** Numbers are on WhatsApp unless marked otherwise (getNumberId / isRegisteredUser). */
  setRegistered(id: string, registered: boolean) {
    return this.call<void>('setRegistered', id, registered);
  }
  /** A contact's profile picture URL, or null for "hidden" (getProfilePicUrl → undefined). */
  setProfilePic(id: string, url: string | null) {
    return this.call<void>('setProfilePic', id, url);
  }
  addContact(contact: { id: string; name?: string; pushname?: string; isMyContact?: boolean }) {
    return this.call<string>('addContact', contact);
  }
  /** A group we are in, or (`member: false`) one on the server we can join by invite code; returns its id. */
  addGroup(group: GroupSpec) {
    return this.call<string>('addGroup', group);
  }
  /** A group as the server sees it: subject, description, settings, roles, invite code, picture (null: unknown). */
  group(id: string) {
    return this.call<SimGroup | null>('group', id);
  }
  /** The group's invite code, made if it has none yet (as an admin's phone would). */
  groupInviteCode(id: string) {
    return this.call<string>('groupInviteCode', id);
  }
  /** Another member acts (add, remove, leave, promote, subject, ...); returns the notification id, null if the account sees none. */
  groupEvent(event: GroupEvent) {
    return this.call<string | null>('groupEvent', event);
  }
  /** The account's labels (business accounts), with the chats carrying each. */
  labels() {
    return this.call<SimLabel[]>('labels');
  }
  /** The label ids on a chat. */
  chatLabels(chatId: string) {
    return this.call<string[]>('chatLabels', chatId);
  }
  /** A label change made on the phone; returns the label's id. */
  labelChange(change: LabelChange) {
    return this.call<string>('labelChange', change);
  }
  /** The channels in the account: owned, followed, and guest previews it opened or found. */
  channels() {
    return this.call<SimChannel[]>('channels');
  }
  /** A channel by id or invite code as the directory knows it (role null: not in the account). */
  channel(idOrInvite: string) {
    return this.call<SimChannel | null>('channel', idOrInvite);
  }
  /** A channel on the server, in the account when `role` is given. */
  addChannel(channel: ChannelSpec) {
    return this.call<{ id: string; inviteCode: string }>('addChannel', channel);
  }
  /** A channel admin posts; followers get a new message. Returns its id. */
  channelPost(post: { channel: string; body: string }) {
    return this.call<string>('channelPost', post);
  }
  /** Someone calls (a group call lists its participants): the library emits `call`. Returns the call id. */
  incomingCall(call: { from: string; isVideo?: boolean; isGroup?: boolean; participants?: string[] }) {
    return this.call<string>('incomingCall', call);
  }
  /** The bytes (base64) stored under a media directPath (see OutboxEntry.media). */
  mediaData(directPath: string) {
    return this.call<string>('mediaData', directPath);
  }

  // ---- chats and messages (page/chats.js, message-actions.js, receipts.js, ciphertext.js) ----

  /** A chat's state: archived, pinned, muted, unread, how many messages; `exists: false` if not in the page. */
  chatState(chatId: string) {
    return this.call<SimChatState>('chatState', chatId);
  }
  /** One message: body, edits, revoked, pinned, starred, ack; null when it is not in the page. */
  message(id: string) {
    return this.call<SimMessageState | null>('message', id);
  }
  /** A message's media with its bytes (what the library uploaded, or what was received). */
  sentMedia(id: string) {
    return this.call<SimMedia>('sentMedia', id);
  }
  /** The sender edits their message: the library emits `message_edit`. */
  editIncoming(msgId: string, body: string) {
    return this.call<void>('editIncoming', msgId, body);
  }
  /** The sender deletes their message for everyone: the library emits `message_revoke_everyone`. */
  revokeIncoming(msgId: string) {
    return this.call<void>('revokeIncoming', msgId);
  }
  /** A recipient of my message (group member or contact) reached `ack`; the overall ack follows the slowest. */
  receipt(msgId: string, recipient: string, ack: 2 | 3 | 4) {
    return this.call<void>('receipt', msgId, recipient, ack);
  }
  /** A message that cannot be decrypted yet: the library emits `message_ciphertext`. Returns its id. */
  receiveWaiting(msg: IncomingMessage) {
    return this.call<string>('receiveWaiting', msg);
  }
  /** The waiting message decrypts: the library emits `message`. */
  decrypt(msgId: string) {
    return this.call<void>('decrypt', msgId);
  }

  // ---- polls (page/polls.js) ----

  /** Someone votes on a poll (`voter` defaults to the chat's contact / first other member): `vote_update`. */
  pollVote(pollId: string, vote: { options: string[]; voter?: string }) {
    return this.call<string>('pollVote', pollId, vote);
  }
  /** The current vote of each voter on a poll, mine included. */
  pollVotes(pollId: string) {
    return this.call<SimPollVote[]>('pollVotes', pollId);
  }

  // ---- contacts, LIDs, presence, profile (page/contacts.js, presence.js, profile.js) ----

  /** A contact as the page holds it; null when the page has no such contact. */
  contact(id: string) {
    return this.call<SimContactState | null>('contact', id);
  }
  /** Ids in the block list. */
  blocked() {
    return this.call<string[]>('blocked');
  }
  /** The LID ↔ phone-number mappings the page knows. */
  lids() {
    return this.call<{ lid: string; pn: string }[]>('lids');
  }
  /** A contact's about text; null hides it (Contact.getAbout → null). */
  setAbout(id: string, text: string | null) {
    return this.call<void>('setAbout', id, text);
  }
  /** A contact (or group member) changes presence; true when delivered (only to a subscribed chat). */
  presence(chatId: string, update: SimPresenceUpdate) {
    return this.call<boolean>('presence', chatId, update);
  }
  /** My presence, my presence subscriptions, my last chat state per chat. */
  presences() {
    return this.call<SimPresences>('presences');
  }
  /** My profile: push name, about, picture (with the bytes the library set). */
  profile() {
    return this.call<SimProfile | null>('profile');
  }

  // ---- status and calls (page/status.js, calls.js) ----

  /** My status posts, oldest first. */
  statusPosts() {
    return this.call<SimStatusPost[]>('statusPosts');
  }
  /** A contact posts a status: the library emits `message` from status@broadcast. Returns its id. */
  receiveStatus(status: { from: string; body?: string; media?: IncomingMessage['media']; caption?: string }) {
    return this.call<string>('receiveStatus', status);
  }
  /** Every incoming call: ringing or rejected. */
  calls() {
    return this.call<SimCall[]>('calls');
  }
}

/** The part of a puppeteer Page this needs. */
export interface EvaluatingPage {
  evaluate(fn: (method: string, args: unknown[]) => unknown, method: string, args: unknown[]): Promise<unknown>;
}

/** page.evaluate transport. Not usable across a reload (logoutFromPhone): take the page again. */
export function pageTransport(page: EvaluatingPage): SimTransport {
  return {
    async call(method, args) {
      const result = await page.evaluate(
        async (m: string, a: unknown[]) => {
          const sim = (window as unknown as { __sim?: Record<string, (...x: unknown[]) => unknown> }).__sim;
          if (!sim) throw new Error('window.__sim is missing: not the simulator page (yet)');
          const fn = sim[m];
          if (typeof fn !== 'function') throw new Error(`unknown simulator method ${m}`);
          return (await fn(...a)) ?? null;
        },
        method,
        args,
      );
      return result;
    },
  };
}

/** Control of the simulator in `page` (e.g. whatsapp-web.js's `client.pupPage`). */
export function simOnPage(page: EvaluatingPage): SimControl {
  return new SimControl(pageTransport(page));
}

export { SimControlServer, type SimPageInfo } from './server';
