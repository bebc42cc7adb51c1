import type { Clients, SendOptions } from '../../engine/types';
import { ServiceUnavailableError, UnprocessableError } from '../../errors';
import { KeyedLock } from '../../lock';
import { FFMPEG_MISSING, type MediaConverter } from '../media/convert';
import { type MediaLimits, resolveMedia } from './media';
import type { SendContactVcard, SendFile, SendLocation, SendPoll, SendPollVote, SendSeen, SendText } from './model';

type Body<T extends { static: unknown }> = T['static'];
export type MediaKind = 'image' | 'file' | 'voice' | 'video';

/**
 * Sending, with one ordered queue per chat: sends to one chat leave in the order they were
 * accepted, whatever the size of each (a large image does not let the next text overtake it).
 */
export class MessagingService {
  private readonly chats = new KeyedLock();

  constructor(
    private readonly clients: Clients,
    private readonly limits: MediaLimits,
    /** ffmpeg, for `convert: true` on sendVoice / sendVideo; null: not available (503 when asked). */
    private readonly converter: MediaConverter | null = null,
  ) {}

  sendText(b: Body<typeof SendText>) {
    const m = this.clients.client(b.session).messages;
    return this.inOrder(b.session, b.chatId, () =>
      m.sendText(b.chatId, b.text, { replyTo: b.reply_to ?? null, mentions: b.mentions, linkPreview: b.linkPreview, id: b.id }),
    );
  }

  async sendMedia(kind: MediaKind, b: SendFile) {
    const m = this.clients.client(b.session).messages;
    const convert = b.convert && (kind === 'voice' || kind === 'video') ? this.need() : null;
    let media = await resolveMedia(b.file, this.limits);
    if (convert) {
      const out = await convert.convert(kind as 'voice' | 'video', Buffer.from(media.data, 'base64'));
      const name = media.filename?.replace(/\.[^.]*$/, '') ?? kind;
      media = {
        mimetype: out.mimetype,
        filename: `${name}.${kind === 'voice' ? 'ogg' : 'mp4'}`,
        data: Buffer.from(out.data).toString('base64'),
      };
    }
    const opts: SendOptions = { caption: b.caption, replyTo: b.reply_to ?? null, asVoice: kind === 'voice', asDocument: kind === 'file' };
    return this.inOrder(b.session, b.chatId, () => m.sendMedia(b.chatId, media, opts));
  }

  sendLocation(b: Body<typeof SendLocation>) {
    const m = this.clients.client(b.session).messages;
    return this.inOrder(b.session, b.chatId, () =>
      m.sendLocation(b.chatId, { latitude: b.latitude, longitude: b.longitude, title: b.title }, { replyTo: b.reply_to ?? null, id: b.id }),
    );
  }

  sendContactVcard(b: Body<typeof SendContactVcard>) {
    const m = this.clients.client(b.session).messages;
    const vcards = b.contacts.map((c) => ({ vcard: 'vcard' in c ? c.vcard : toVcard(c) }));
    return this.inOrder(b.session, b.chatId, () => m.sendContactVcard(b.chatId, vcards, { replyTo: b.reply_to ?? null, id: b.id }));
  }

  sendPoll(b: Body<typeof SendPoll>) {
    const m = this.clients.client(b.session).messages;
    return this.inOrder(b.session, b.chatId, () => m.sendPoll(b.chatId, b.poll, { replyTo: b.reply_to ?? null, id: b.id }));
  }

  forward(session: string, chatId: string, messageId: string) {
    const m = this.clients.client(session).messages;
    return this.inOrder(session, chatId, () => m.forward(chatId, messageId));
  }

  async seen(b: Body<typeof SendSeen>) {
    await this.clients.client(b.session).messages.sendSeen(b.chatId);
    return { ids: null };
  }

  async typing(session: string, chatId: string, typing: boolean) {
    await this.clients.client(session).messages.setTyping(chatId, typing);
    return { result: true };
  }

  async react(session: string, messageId: string, reaction: string) {
    await this.clients.client(session).messages.react(messageId, reaction);
    return { result: true };
  }

  async star(session: string, messageId: string, star: boolean) {
    await this.clients.client(session).messages.star(messageId, star);
    return { result: true };
  }

  async pollVote(b: Body<typeof SendPollVote>) {
    const m = this.clients.client(b.session).messages;
    await this.inOrder(b.session, b.chatId, () => m.vote(b.pollMessageId, b.votes));
    return { success: true };
  }

  /** WhatsApp Web (whatsapp-web.js 1.34.7) can only send buttons, not reply to them: WAHA's WEBJS answer. */
  buttonsReply(session: string) {
    this.clients.client(session);
    throw new UnprocessableError(
      "Replying to buttons is available only in WAHA's Plus version for the 'WEBJS' engine — whatsapp-web.js has no way to send a buttons reply.",
    );
  }

  private need(): MediaConverter {
    if (!this.converter) throw new ServiceUnavailableError(FFMPEG_MISSING, { package: 'ffmpeg' });
    this.converter.ffmpeg();
    return this.converter;
  }

  private inOrder<T>(session: string, chatId: string, send: () => Promise<T>): Promise<T> {
    return this.chats.run(`${session}\u0000${chatId}`, send);
  }
}

function toVcard(c: { fullName: string; organization?: string; phoneNumber: string; whatsappId?: string }): string {
  const wa = (c.whatsappId ?? c.phoneNumber).replace(/\D/g, '');
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${c.fullName}`,
    ...(c.organization ? [`ORG:${c.organization};`] : []),
    `TEL;type=CELL;type=VOICE;waid=${wa}:${c.phoneNumber}`,
    'END:VCARD',
  ].join('\n');
}
