/** Sending and acting on messages over a ready whatsapp-web.js client; results are the library's objects as JSON. */
import type { Client, Message, MessageSendOptions } from 'whatsapp-web.js';
import { UnprocessableError } from '../../errors';
import type { MediaInput, MessageCalls, Plain, SendOptions, WAMessage } from '../types';
import { chatNotFound, findChat, findMessage, type WebjsContext } from './context';
import { boundedData, toPlain } from './mapping';
import { MESSAGES_BY_ID, RECENT_INCOMING_IDS } from './page';

/**
 * The catch-up's bounds (recentIncoming): the most recently active chats, the messages looked at
 * per chat (ids and times only), and the messages serialized and published at most.
 */
export const CATCH_UP_CHATS = 20;
export const CATCH_UP_SCAN_PER_CHAT = 5000;
export const CATCH_UP_MAX = 2000;

export class WebjsMessages implements MessageCalls {
  constructor(private readonly ctx: WebjsContext) {}

  sendText(chatId: string, text: string, o: SendOptions = {}): Promise<Plain> {
    return this.send(chatId, text, { ...common(o), linkPreview: o.linkPreview ?? true });
  }

  sendMedia(chatId: string, m: MediaInput, o: SendOptions = {}): Promise<Plain> {
    const media = new this.ctx.lib.MessageMedia(m.mimetype, m.data, m.filename ?? null);
    return this.send(chatId, media, { ...common(o), caption: o.caption, sendAudioAsVoice: o.asVoice, sendMediaAsDocument: o.asDocument });
  }

  sendLocation(chatId: string, loc: { latitude: number; longitude: number; title?: string }, o: SendOptions = {}): Promise<Plain> {
    const location = new this.ctx.lib.Location(loc.latitude, loc.longitude, loc.title ? { name: loc.title } : {});
    return this.send(chatId, location, common(o));
  }

  /**
   * The library parses a vCard text into a contact card; several cards go as one multi-card
   * message through the library's `extra` fields, as WAHA's WEBJS sends them.
   */
  sendContactVcard(chatId: string, contacts: { vcard: string }[], o: SendOptions = {}): Promise<Plain> {
    if (contacts.length === 1) return this.send(chatId, contacts[0]!.vcard, { ...common(o), parseVCards: true });
    const extra = { type: 'multi_vcard', vcardList: contacts.map((c) => ({ vcard: c.vcard })), body: null };
    return this.send(chatId, '', { ...common(o), linkPreview: false, extra });
  }

  sendPoll(chatId: string, p: { name: string; options: string[]; multipleAnswers: boolean }, o: SendOptions = {}): Promise<Plain> {
    const poll = new this.ctx.lib.Poll(p.name, p.options, { allowMultipleAnswers: p.multipleAnswers, messageSecret: undefined });
    return this.send(chatId, poll, common(o));
  }

  /** Forwards, then returns the copy (our newest message in that chat; sends to one chat are queued in order). */
  async forward(chatId: string, messageId: string): Promise<Plain> {
    const original = await findMessage(this.ctx, messageId);
    const forward = async () => {
      await original.forward(chatId);
      const [copy] = await (await findChat(this.ctx, chatId)).fetchMessages({ limit: 1, fromMe: true });
      return copy;
    };
    const copy = await this.ctx.events.trackSend(forward());
    return sentMessage(copy ?? original);
  }

  async sendSeen(chatId: string): Promise<void> {
    await this.ctx.client.sendSeen(chatId);
  }

  async setTyping(chatId: string, typing: boolean): Promise<void> {
    const chat = await findChat(this.ctx, chatId);
    if (typing) await chat.sendStateTyping();
    else await chat.clearState();
  }

  async react(messageId: string, reaction: string): Promise<void> {
    await (await findMessage(this.ctx, messageId)).react(reaction);
  }

  async star(messageId: string, star: boolean): Promise<void> {
    const msg = await findMessage(this.ctx, messageId);
    if (star) await msg.star();
    else await msg.unstar();
  }

  async delete(messageId: string): Promise<void> {
    await (await findMessage(this.ctx, messageId)).delete(true);
  }

  async edit(messageId: string, text: string, o: { linkPreview?: boolean; mentions?: string[] } = {}): Promise<Plain | null> {
    const edited = await (await findMessage(this.ctx, messageId)).edit(text, { linkPreview: o.linkPreview, mentions: o.mentions });
    return edited ? toPlain(edited) : null;
  }

  async pin(messageId: string, durationSec: number): Promise<boolean> {
    return Boolean(await (await findMessage(this.ctx, messageId)).pin(durationSec));
  }

  async unpin(messageId: string): Promise<boolean> {
    return Boolean(await (await findMessage(this.ctx, messageId)).unpin());
  }

  /** The library drops option names its poll does not have without a word: they are refused here first. */
  async vote(pollMessageId: string, options: string[]): Promise<void> {
    const poll = await findMessage(this.ctx, pollMessageId);
    if (String(poll.type) !== 'poll_creation')
      throw new UnprocessableError(`Message '${pollMessageId}' is not a poll — pollMessageId must be the id of a poll message.`);
    const names = ((poll as unknown as { pollOptions?: { name: string }[] }).pollOptions ?? []).map((o) => o.name);
    const unknown = options.filter((o) => !names.includes(o));
    if (unknown.length)
      throw new UnprocessableError(
        `The poll has no option ${unknown.map((u) => `'${u}'`).join(', ')} — its options are: ${names.join(', ')}.`,
        {
          field: 'votes',
          options: names,
        },
      );
    await poll.vote(options);
  }

  async recentIncoming(sinceSec: number, known: (id: string) => boolean | Promise<boolean> = () => false): Promise<WAMessage[]> {
    const { client, lib, events } = this.ctx;
    const page = client.pupPage;
    if (!page) return [];
    const found = await page.evaluate(RECENT_INCOMING_IDS, sinceSec, CATCH_UP_CHATS, CATCH_UP_SCAN_PER_CHAT);
    // Beyond CATCH_UP_MAX, the oldest go now and the rest at the next `ready` (it starts after them).
    const missing: { id: string; t: number }[] = [];
    for (const m of found.sort((a, b) => a.t - b.t)) {
      if (missing.length >= CATCH_UP_MAX) break;
      if (!events.ignored(m.id.split('_')[1]) && !(await known(m.id))) missing.push(m);
    }
    const data = await page.evaluate(
      MESSAGES_BY_ID,
      missing.map((m) => m.id),
    );
    const { Message: MessageClass } = lib as unknown as { Message: new (client: Client, data: unknown) => Message };
    const out: WAMessage[] = [];
    for (const d of data) out.push(await events.incoming(new MessageClass(client, d))); // one media download at a time
    return out;
  }

  private async send(chatId: string, content: Parameters<Client['sendMessage']>[1], options: MessageSendOptions): Promise<Plain> {
    const msg = await this.ctx.events.trackSend(this.ctx.client.sendMessage(chatId, content, options) as Promise<Message | undefined>);
    if (!msg) throw chatNotFound(chatId);
    return sentMessage(msg);
  }
}

/** The library's message as JSON, as WAHA answers a send: its fields, `_data` bounded. */
function sentMessage(msg: Message): Plain {
  const plain = toPlain(msg);
  return { ...plain, _data: boundedData(plain._data) };
}

function common(o: SendOptions): MessageSendOptions {
  return { quotedMessageId: o.replyTo ?? undefined, mentions: o.mentions };
}
