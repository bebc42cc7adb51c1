import type { Clients } from '../../engine/types';
import { NotImplementedError, ServiceUnavailableError, UnprocessableError } from '../../errors';
import { FFMPEG_MISSING, type MediaConverter } from '../media/convert';
import { type MediaLimits, resolveMedia } from '../messages/media';

type File = { mimetype: string; filename?: string | null; url?: string; data?: string };

/** My status (stories): text, image, voice and video posts, and deleting one. */
export class StatusService {
  constructor(
    private readonly clients: Clients,
    private readonly limits: MediaLimits,
    private readonly converter: MediaConverter | null = null,
  ) {}

  text(session: string, b: { text: string; backgroundColor?: string; font?: number; linkPreview?: boolean; contacts?: string[] | null }) {
    const status = this.clients.client(session).status;
    audience(b.contacts);
    return status.text(b);
  }

  async image(session: string, b: { file: File; caption?: string; contacts?: string[] | null }) {
    const status = this.clients.client(session).status;
    audience(b.contacts);
    return status.media(await resolveMedia(b.file, this.limits), { caption: b.caption });
  }

  async voice(session: string, b: { file: File; convert?: boolean; contacts?: string[] | null }) {
    const status = this.clients.client(session).status;
    audience(b.contacts);
    return status.media(await this.media(b.file, b.convert ? 'voice' : null), { asVoice: true });
  }

  async video(session: string, b: { file: File; convert?: boolean; caption?: string; contacts?: string[] | null }) {
    const status = this.clients.client(session).status;
    audience(b.contacts);
    return status.media(await this.media(b.file, b.convert ? 'video' : null), { caption: b.caption });
  }

  async delete(session: string, b: { id: string; contacts?: string[] | null }) {
    const status = this.clients.client(session).status;
    audience(b.contacts);
    await status.delete(b.id);
    return { success: true };
  }

  /** WAHA's WEBJS engine has no message ids to hand out in advance either. */
  newMessageId(session: string): never {
    this.clients.client(session);
    throw new NotImplementedError(
      "The method is not implemented by the 'WEBJS' engine: whatsapp-web.js picks a message's id when it sends it, so none can be made in advance.",
    );
  }

  private async media(file: File, convert: 'voice' | 'video' | null) {
    if (convert && !this.converter) throw new ServiceUnavailableError(FFMPEG_MISSING, { package: 'ffmpeg' });
    if (convert) this.converter!.ffmpeg();
    const media = await resolveMedia(file, this.limits);
    if (!convert) return media;
    const out = await this.converter!.convert(convert, Buffer.from(media.data, 'base64'));
    return {
      mimetype: out.mimetype,
      filename: `${convert}.${convert === 'voice' ? 'ogg' : 'mp4'}`,
      data: Buffer.from(out.data).toString('base64'),
    };
  }
}

/** whatsapp-web.js posts to WhatsApp's default audience only: WAHA's WEBJS answer to a chosen one. */
function audience(contacts: string[] | null | undefined): void {
  if (contacts?.length)
    throw new UnprocessableError("WEBJS doesn't accept 'contacts'. Remove the field to send status to all contacts.", {
      field: 'contacts',
    });
}
