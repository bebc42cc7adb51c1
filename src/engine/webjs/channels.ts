/**
 * Channels (newsletters) over a ready whatsapp-web.js client. 1.34.7 hands out Channel objects
 * whose `channelMetadata` is WhatsApp Web's newsletter metadata, serialized (test/sim/README.md,
 * "What whatsapp-web.js 1.34.7 cannot do"); WAHA's channel shape is built from that.
 */
import type { Channel, Message } from 'whatsapp-web.js';
import type { ChannelCalls, ChannelInfo, ChannelSearch, WAMessage } from '../types';
import { CHANNEL_COUNTRIES } from './channels-page';
import { inlineMedia } from './chats';
import type { WebjsContext } from './context';
import { type LibMessage, mediaInfo, toWAMessage } from './mapping';

interface ChannelMetadata {
  membershipType?: string;
  inviteCode?: string;
  verified?: boolean;
  isVerified?: boolean;
  size?: number;
  subscribersCount?: number;
}

type LibChannel = Channel & { channelMetadata?: ChannelMetadata };

/** WAHA's roles: WhatsApp Web's membership type upper-cased, its "viewer" being WAHA's guest. */
function roleOf(membership: string | undefined): NonNullable<ChannelInfo['role']> {
  const role = (membership ?? 'guest').toUpperCase();
  return role === 'OWNER' || role === 'ADMIN' || role === 'SUBSCRIBER' ? role : 'GUEST';
}

export const channelInviteLink = (code: string | undefined) => (code ? `https://www.whatsapp.com/channel/${code}` : '');

export class WebjsChannels implements ChannelCalls {
  constructor(private readonly ctx: WebjsContext) {}

  async list(): Promise<ChannelInfo[]> {
    const channels = (await this.ctx.client.getChannels()) as LibChannel[];
    // WhatsApp Web keeps the channels it previewed or found by search as guests: not the account's.
    const own = channels.filter((c) => roleOf(c.channelMetadata?.membershipType) !== 'GUEST');
    const out: ChannelInfo[] = [];
    for (const c of own) out.push(await channelInfo(this.ctx, c, true));
    return out;
  }

  async get(idOrInvite: string): Promise<ChannelInfo | null> {
    const channel = await findChannel(this.ctx, idOrInvite);
    return channel ? await channelInfo(this.ctx, channel, true) : null;
  }

  async preview(idOrInvite: string, q: { limit: number; downloadMedia: boolean }) {
    const channel = await findChannel(this.ctx, idOrInvite);
    if (!channel) return null;
    const posts: Message[] = await channel.fetchMessages({ limit: q.limit });
    const out: { message: WAMessage; reactions: Record<string, number>; viewCount: number }[] = [];
    for (const m of posts) {
      const lm = m as unknown as LibMessage;
      const media = q.downloadMedia ? await inlineMedia(m) : mediaInfo(lm); // one download at a time
      const data = lm._data ?? {};
      out.push({
        message: toWAMessage(lm, this.ctx.events.source(m.id._serialized), media),
        reactions: reactionCounts(data.reactions),
        viewCount: typeof data.viewCount === 'number' ? data.viewCount : 0,
      });
    }
    return out;
  }

  async search(q: ChannelSearch): Promise<ChannelInfo[]> {
    const found = (await this.ctx.client.searchChannels({
      searchText: q.text ?? '',
      countryCodes: q.countries ?? [],
      view: q.view ?? 0,
      limit: q.limit,
    })) as LibChannel[];
    const out: ChannelInfo[] = [];
    for (const c of found) out.push(await channelInfo(this.ctx, c, false));
    return out;
  }

  async countries(): Promise<{ code: string; name: string }[]> {
    const page = this.ctx.client.pupPage;
    if (!page) return [];
    const list = await page.evaluate(CHANNEL_COUNTRIES);
    return list.sort((a, b) => a.name.localeCompare(b.name));
  }
}

// Helpers live outside the class: guarded() (client.ts) wraps every method of it as a call.
async function findChannel(ctx: WebjsContext, idOrInvite: string): Promise<LibChannel | null> {
  // WhatsApp Web's metadata query takes an invite code or a channel id; unknown → undefined.
  return ((await ctx.client.getChannelByInviteCode(idOrInvite)) as LibChannel | undefined) ?? null;
}

async function channelInfo(ctx: WebjsContext, c: LibChannel, withRole: boolean): Promise<ChannelInfo> {
  const meta = c.channelMetadata ?? {};
  const id = c.id._serialized;
  const picture = (await ctx.client.getProfilePicUrl(id).catch(() => undefined)) ?? null;
  const subscribers = meta.size ?? meta.subscribersCount;
  return {
    id,
    name: c.name ?? '',
    description: c.description ?? '',
    invite: channelInviteLink(meta.inviteCode),
    preview: picture,
    picture,
    verified: Boolean(meta.verified ?? meta.isVerified),
    subscribersCount: typeof subscribers === 'number' ? subscribers : null,
    ...(withRole ? { role: roleOf(meta.membershipType) } : {}),
  };
}

/** A post's reactions as `{ emoji: count }`, from whatever WhatsApp Web holds of them. */
function reactionCounts(raw: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (!Array.isArray(raw)) return out;
  for (const r of raw as { reaction?: unknown; aggregateEmoji?: unknown; count?: unknown }[]) {
    const emoji = typeof r.aggregateEmoji === 'string' ? r.aggregateEmoji : typeof r.reaction === 'string' ? r.reaction : null;
    if (emoji) out[emoji] = (out[emoji] ?? 0) + (typeof r.count === 'number' ? r.count : 1);
  }
  return out;
}
