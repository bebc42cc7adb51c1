import type { Clients } from '../../engine/types';
import { type MediaLimits, resolveMedia } from '../messages/media';

/** My own profile: push name, about, picture. */
export class ProfileService {
  constructor(
    private readonly clients: Clients,
    private readonly limits: MediaLimits,
  ) {}

  get(session: string) {
    return this.clients.client(session).profile.get();
  }

  async setName(session: string, name: string) {
    return { success: await this.clients.client(session).profile.setName(name) };
  }

  async setAbout(session: string, about: string) {
    await this.clients.client(session).profile.setAbout(about);
    return { success: true };
  }

  async setPicture(session: string, file: { mimetype: string; filename?: string | null; url?: string; data?: string }) {
    const profile = this.clients.client(session).profile;
    const picture = await resolveMedia(file, this.limits);
    return { success: await profile.setPicture(picture) };
  }

  async deletePicture(session: string) {
    return { success: await this.clients.client(session).profile.deletePicture() };
  }
}
