import type { Engine, SendOptions } from '../../engine/types';
import { type MediaLimits, resolveMedia } from './media';
import type { SendContactVcard, SendFile, SendLocation, SendPoll, SendSeen, SendText } from './model';

/** Gives the engine of a WORKING session, or throws 404 (unknown) / 422 (not WORKING, with its status). */
export interface WorkingEngines {
  working(session: string): Engine;
}

type Body<T extends { static: unknown }> = T['static'];
export type MediaKind = 'image' | 'file' | 'voice' | 'video';

/**
 * Sending, with one ordered queue per chat: sends to one chat leave in the order they were
 * accepted, whatever the size of each (a large image does not let the next text overtake it).
 */
export class MessagingService {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly engines: WorkingEngines,
    private readonly limits: MediaLimits,
  ) {}

  sendText(b: Body<typeof SendText>) {
    const engine = this.engines.working(b.session);
    return this.inOrder(b.session, b.chatId, () =>
      engine.sendText(b.chatId, b.text, { replyTo: b.reply_to ?? null, mentions: b.mentions, linkPreview: b.linkPreview }),
    );
  }

  async sendMedia(kind: MediaKind, b: Body<typeof SendFile>) {
    const engine = this.engines.working(b.session);
    const media = await resolveMedia(b.file, this.limits);
    const opts: SendOptions = { caption: b.caption, replyTo: b.reply_to ?? null, asVoice: kind === 'voice', asDocument: kind === 'file' };
    return this.inOrder(b.session, b.chatId, () => engine.sendMedia(b.chatId, media, opts));
  }

  sendLocation(b: Body<typeof SendLocation>) {
    const engine = this.engines.working(b.session);
    return this.inOrder(b.session, b.chatId, () =>
      engine.sendLocation(b.chatId, { latitude: b.latitude, longitude: b.longitude, title: b.title }),
    );
  }

  sendContactVcard(b: Body<typeof SendContactVcard>) {
    const engine = this.engines.working(b.session);
    const vcards = b.contacts.map((c) => ({ vcard: 'vcard' in c ? c.vcard : toVcard(c) }));
    return this.inOrder(b.session, b.chatId, () => engine.sendContactVcard(b.chatId, vcards));
  }

  sendPoll(b: Body<typeof SendPoll>) {
    const engine = this.engines.working(b.session);
    return this.inOrder(b.session, b.chatId, () => engine.sendPoll(b.chatId, b.poll));
  }

  forward(session: string, chatId: string, messageId: string) {
    const engine = this.engines.working(session);
    return this.inOrder(session, chatId, () => engine.forwardMessage(chatId, messageId));
  }

  async seen(b: Body<typeof SendSeen>) {
    await this.engines.working(b.session).sendSeen(b.chatId);
    return { ids: null };
  }

  async typing(session: string, chatId: string, typing: boolean) {
    await this.engines.working(session).setTyping(chatId, typing);
    return { result: true };
  }

  async react(session: string, messageId: string, reaction: string) {
    await this.engines.working(session).react(messageId, reaction);
    return { result: true };
  }

  async star(session: string, messageId: string, star: boolean) {
    await this.engines.working(session).star(messageId, star);
    return { result: true };
  }

  private inOrder<T>(session: string, chatId: string, send: () => Promise<T>): Promise<T> {
    const key = `${session}\u0000${chatId}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(send, send);
    const settled = next.then(
      () => {},
      () => {},
    );
    this.queues.set(key, settled);
    // Forget the queue once it is idle, so a million chats do not cost a million entries.
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
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
