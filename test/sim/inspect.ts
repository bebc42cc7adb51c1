/**
 * What the simulator's area pages (page/chats.js, contacts.js, presence.js, ...) answer through
 * SimControl: plain JSON snapshots of the page's state, and the shapes tests pass in.
 */

/** page/chats.js `chatState(id)`. */
export interface SimChatState {
  id: string;
  exists: boolean;
  archived?: boolean;
  pinned?: boolean;
  muted?: boolean;
  muteExpiration?: number;
  unreadCount?: number;
  /** markChatUnread: WhatsApp Web keeps -1 as the unread count. */
  markedUnread?: boolean;
  /** Loaded and older history. */
  messages?: number;
  lastMessageId?: string;
}

/** page/message-actions.js `message(id)`. */
export interface SimMessageState {
  id: string;
  chatId: string;
  type: string;
  fromMe: boolean;
  body?: string;
  caption?: string;
  ack: number;
  starred: boolean;
  edited: boolean;
  /** The bodies (or captions) before each edit, oldest first. */
  previousBodies?: string[];
  revoked: boolean;
  pinned: { expiresAt: number } | null;
  hasMedia: boolean;
}

/** page/message-actions.js `sentMedia(id)`: a message's media with its bytes. */
export interface SimMedia {
  type: string;
  mimetype: string;
  filename?: string;
  size: number;
  isGif?: boolean;
  isViewOnce?: boolean;
  /** The library drew a waveform (voice notes whose audio Chromium could decode). */
  hasWaveform: boolean;
  /** base64 */
  data: string;
}

/** page/contacts.js `contact(id)`. */
export interface SimContactState {
  id: string;
  name?: string;
  shortName?: string;
  pushname?: string;
  isMyContact: boolean;
  isBlocked: boolean;
  phoneNumber?: string;
  lid?: string;
  about?: string | null;
}

/** page/presence.js: what a contact does, from the phone's side. */
export interface SimPresenceUpdate {
  state: 'available' | 'unavailable' | 'typing' | 'recording' | 'paused';
  /** In a group: who (default: the first other member). */
  participant?: string;
  /** For 'unavailable': last seen, seconds (default: now). */
  lastSeen?: number;
}

/** page/presence.js `presences()`: what I sent. */
export interface SimPresences {
  presence: 'available' | 'unavailable' | null;
  subscribed: string[];
  chatstates: Record<string, { state: 'typing' | 'recording' | 'paused'; t: number }>;
}

/** page/profile.js `profile()`. */
export interface SimProfile {
  id: string;
  lid?: string;
  pushName: string;
  about: string | null;
  /** `mimetype` and `data` (base64) only for a picture the library set. */
  picture: { url: string; tag?: string; mimetype?: string; data?: string } | null;
}

/** page/status.js `statusPosts()`: an outbox entry plus the text status' colour and font. */
export interface SimStatusPost {
  id: string;
  chatId: string;
  type: string;
  body?: string;
  caption?: string;
  media?: { mimetype: string; filename?: string; size: number; filehash: string; directPath: string };
  backgroundColor?: number;
  font?: number;
  revoked?: boolean;
  t: number;
}

/** page/calls.js `calls()`. */
export interface SimCall {
  id: string;
  from: string;
  isVideo: boolean;
  isGroup: boolean;
  participants: string[];
  offerTime: number;
  state: 'ringing' | 'rejected';
  rejectedAt?: number;
}

/** page/polls.js `pollVotes(id)`. */
export interface SimPollVote {
  voter: string;
  selectedOptions: string[];
  t: number;
}

/** page/control.js `browser()`: what WhatsApp Web's code could read about the browser it runs in. */
export interface SimBrowserView {
  userAgent: string;
  appVersion: string;
  /** navigator.userAgentData.brands ("Brand version"); null without client hints. */
  brands: string[] | null;
  fullVersionList: string[] | null;
  platform: string | null;
  navigatorPlatform: string;
  mobile: boolean | null;
  webdriver: boolean;
  languages: string[];
  hardwareConcurrency: number;
  plugins: number;
  pdfViewerEnabled: boolean;
  serviceWorker: boolean;
  notification: string | null;
  screen: { width: number; height: number; colorDepth: number };
  viewport: { width: number; height: number; devicePixelRatio: number };
  webgl: string | null;
  chromeObject: boolean;
}

/** page/control.js `videoFrame()`: a video as the page's browser decoded it. */
export interface SimVideoFrame {
  canPlay: string;
  durationSec: number;
  width: number;
  height: number;
  /** Distinct colours in the frame drawn: a blank or black frame has one. */
  colours: number;
  /** drawImage calls until the frame was there (1: at once). */
  draws: number;
  /** Size of the JPEG thumbnail made of the frame. */
  thumbnailBytes: number;
}
