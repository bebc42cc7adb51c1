/** `POST /api/{session}/media/convert/{voice,video}`: a file given by url or base64, converted by ffmpeg. */
import type { Clients } from '../../engine/types';
import { UnprocessableError } from '../../errors';
import { type MediaLimits, resolveMedia } from '../messages/media';
import type { ConversionKind, MediaConverter } from './convert';

export class ConversionService {
  constructor(
    private readonly clients: Clients,
    private readonly converter: MediaConverter,
    private readonly limits: MediaLimits,
  ) {}

  /** WAHA converts for a WORKING session only (404 unknown, 422 not WORKING), though no browser is involved. */
  async convert(session: string, kind: ConversionKind, file: { url?: string; data?: string }) {
    this.clients.client(session);
    if (!file.url && !file.data) throw new UnprocessableError('Either "url" or "data" must be specified.', { field: 'url' });
    this.converter.ffmpeg();
    const media = await resolveMedia({ mimetype: 'application/octet-stream', url: file.url, data: file.data }, this.limits);
    return this.converter.convert(kind, Buffer.from(media.data, 'base64'));
  }
}
