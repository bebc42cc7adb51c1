/** Status updates (status@broadcast) over a ready whatsapp-web.js client. */
import type { Client, Message } from 'whatsapp-web.js';
import { UpstreamError } from '../../errors';
import type { MediaInput, Plain, StatusCalls } from '../types';
import type { WebjsContext } from './context';
import { toPlain } from './mapping';
import { MY_LATEST_STATUS } from './page';

const STATUS = 'status@broadcast';

export class WebjsStatus implements StatusCalls {
  constructor(private readonly ctx: WebjsContext) {}

  /**
   * The library hands back a message WhatsApp Web never posted (it builds its own from the text),
   * so the posted one is read from my status: its id is the one a delete needs.
   */
  async text(s: { text: string; backgroundColor?: string; font?: number; linkPreview?: boolean }): Promise<Plain> {
    const extra: Record<string, unknown> = {};
    if (s.backgroundColor) extra.backgroundColor = s.backgroundColor;
    if (s.font !== undefined) extra.fontStyle = s.font;
    const { client, lib, events } = this.ctx;
    const returned = await events.trackSend(client.sendMessage(STATUS, s.text, { extra, linkPreview: s.linkPreview }) as Promise<Message>);
    const page = client.pupPage!;
    const posted = await page.evaluate(MY_LATEST_STATUS, s.text);
    if (!posted) return toPlain(returned);
    const { Message: MessageClass } = lib as unknown as { Message: new (c: Client, d: unknown) => Message };
    return toPlain(new MessageClass(client, posted));
  }

  async media(m: MediaInput, o: { caption?: string; asVoice?: boolean }): Promise<Plain> {
    const media = new this.ctx.lib.MessageMedia(m.mimetype, m.data, m.filename ?? null);
    const sent = await this.ctx.events.trackSend(
      this.ctx.client.sendMessage(STATUS, media, { caption: o.caption, sendAudioAsVoice: o.asVoice }) as Promise<Message | undefined>,
    );
    if (!sent) throw new UpstreamError('WhatsApp Web did not post the status (the library returned nothing).');
    return toPlain(sent);
  }

  /** A short id is completed the way WhatsApp Web keys my status posts: `true_status@broadcast_<id>_<me>`. */
  async delete(id: string): Promise<void> {
    const me = this.ctx.client.info.wid._serialized;
    const full = id.includes('_') ? id : `true_${STATUS}_${id}_${me}`;
    await this.ctx.client.revokeStatusMessage(full);
  }
}
