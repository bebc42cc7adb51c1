/** The account's own profile (push name, about, picture) over a ready whatsapp-web.js client. */
import type { MediaInput, ProfileCalls } from '../types';
import type { WebjsContext } from './context';

export class WebjsProfile implements ProfileCalls {
  constructor(private readonly ctx: WebjsContext) {}

  async get(): Promise<{ id: string; name: string; picture: string | null }> {
    const { client } = this.ctx;
    const id = client.info.wid._serialized;
    return { id, name: client.info.pushname ?? '', picture: (await client.getProfilePicUrl(id)) ?? null };
  }

  /** false when WhatsApp Web does not let this account set a push name. */
  async setName(name: string): Promise<boolean> {
    const ok = await this.ctx.client.setDisplayName(name);
    // The library keeps the push name it read at start until the next one.
    if (ok) this.ctx.client.info.pushname = name;
    return ok;
  }

  async setAbout(about: string): Promise<void> {
    await this.ctx.client.setStatus(about);
  }

  async setPicture(p: MediaInput): Promise<boolean> {
    return await this.ctx.client.setProfilePicture(new this.ctx.lib.MessageMedia(p.mimetype, p.data, p.filename ?? null));
  }

  async deletePicture(): Promise<boolean> {
    return await this.ctx.client.deleteProfilePicture();
  }
}
