/**
 * The document's tags: WAHA's, with WAHA's exact names (emoji included) and in WAHA's order, so
 * that clients generated from either document group operations the same way; then the tags of
 * what only this service has, named in the same style. Routes name a tag by its plain name
 * (`tags: ['Chats']`); the document shows the full one.
 */
export interface Tag {
  name: string;
  description: string;
}

export const TAGS: readonly Tag[] = [
  { name: '🖥️ Sessions', description: 'Create, configure, start, stop and delete WhatsApp sessions' },
  { name: '📱 Pairing', description: "Link a session to a phone: QR code, pairing code, and what the session's browser shows" },
  { name: '🆔 Profile', description: "The account's own name, about text and picture" },
  { name: '📤 Chatting', description: 'Send messages and media, react, star, mark as seen, show typing' },
  { name: '✅ Presence', description: 'Online, typing and recording states: set ours, read and subscribe to others' },
  { name: '📢 Channels', description: "WhatsApp channels: the account's, previews of others, the directory search" },
  { name: '🟢 Status', description: 'Status posts (stories): text, image, voice, video' },
  { name: '💬 Chats', description: 'The chat list, chat history and what can be done to a chat or a message in it' },
  { name: '🔑 Api Keys', description: 'API keys beside the server key: admin keys, keys bound to one session, media-only keys' },
  { name: '👤 Contacts', description: 'Contacts, number lookup, profile pictures, blocking, and LID to phone number mapping' },
  { name: '👥 Groups', description: 'Groups: create, join, leave, settings, invite codes and participants' },
  { name: '📞 Calls', description: 'Incoming calls' },
  { name: '📅 Events', description: 'Live events over WebSocket: the same envelopes as webhooks' },
  { name: '🏷️ Labels', description: 'WhatsApp Business labels and the chats they are on' },
  { name: '🖼️ Media', description: 'Media files: incoming media linked from events, voice and video conversion' },
  { name: '🧩 Apps', description: "WAHA's app integrations (not available here) and the Model Context Protocol endpoint" },
  { name: '🔍 Observability', description: 'Health, version, status, memory, metrics and the server itself' },
  { name: '🗄️ Storage', description: 'Where sessions and their data are kept' },
  { name: '🪝 Webhooks', description: 'Webhook deliveries: each target, its queue and failures; dead letters and replay' },
  { name: '📊 Dashboard', description: 'What the built-in dashboard at /dashboard reads besides the routes above' },
];

/** A tag's name without its emoji: what routes write. */
export const plainName = (tag: Tag) => tag.name.slice(tag.name.indexOf(' ') + 1);

const byPlainName = new Map(TAGS.map((tag) => [plainName(tag), tag.name]));

/** The full tag for a route's plain tag name; undefined when no such tag exists. */
export const fullTagName = (plain: string): string | undefined => byPlainName.get(plain);
