import type { ChannelInfo, Clients } from '../../engine/types';
import { NotFoundError, UnprocessableError } from '../../errors';
import type { ListQuery, SearchByText, SearchByView } from './model';

/** The directory's views as the search takes them, in whatsapp-web.js's numbering. */
export const CHANNEL_VIEWS = [
  { value: 'RECOMMENDED', name: 'Explore' },
  { value: 'TRENDING', name: 'Trending' },
  { value: 'POPULAR', name: 'Popular' },
  { value: 'NEW', name: 'New' },
] as const;

/** The categories WhatsApp's channel directory sorts channels into. */
export const CHANNEL_CATEGORIES = [
  { value: 'ENTERTAINMENT', name: 'Entertainment' },
  { value: 'SPORTS', name: 'Sports' },
  { value: 'LIFESTYLE', name: 'Lifestyle' },
  { value: 'NEWS', name: 'News' },
  { value: 'BUSINESS', name: 'Business' },
  { value: 'ORGANIZATIONS', name: 'Organizations' },
];

/** `https://www.whatsapp.com/channel/<code>` → `<code>`; an id or a bare code as it is. */
export const channelKey = (id: string) => (id.includes('/') ? (id.replace(/\/+$/, '').split('/').pop() ?? id) : id);

const notFound = (id: string) =>
  new NotFoundError(`No channel '${id}' — use a channel id (…@newsletter), an invite code or an invite link.`);

/** WhatsApp's library searches one page, without categories: say so rather than answer as if it had filtered. */
function oneUnfilteredPage(q: { categories: string[]; startCursor: string }): void {
  if (q.categories.length)
    throw new UnprocessableError('Searching channels by category is not supported with WEBJS: leave categories empty.', {
      field: 'categories',
    });
  if (q.startCursor)
    throw new UnprocessableError('Channel search has a single page with WEBJS: there is no cursor to continue from.', {
      field: 'startCursor',
    });
}

const page = (channels: ChannelInfo[]) => ({
  page: { startCursor: null, endCursor: null, hasNextPage: false, hasPreviousPage: false },
  channels: channels.map(({ role: _, ...info }) => info),
});

/** Channels the account has, any channel by id or invite, its posts, and the directory search. */
export class ChannelsService {
  constructor(private readonly clients: Clients) {}

  async list(session: string, q: typeof ListQuery.static = {}) {
    const channels = (await this.clients.client(session).channels.list()).map((c) => ({ ...c, role: c.role ?? 'GUEST' }));
    return q.role ? channels.filter((c) => c.role === q.role) : channels;
  }

  async get(session: string, id: string) {
    const channel = await this.clients.client(session).channels.get(channelKey(id));
    if (!channel) throw notFound(id);
    return { ...channel, role: channel.role ?? 'GUEST' };
  }

  async preview(session: string, id: string, q: { limit: number; downloadMedia: boolean }) {
    const posts = await this.clients.client(session).channels.preview(channelKey(id), q);
    if (!posts) throw notFound(id);
    return posts;
  }

  async searchByView(session: string, q: typeof SearchByView.static) {
    oneUnfilteredPage(q);
    const view = CHANNEL_VIEWS.findIndex((v) => v.value === q.view);
    return page(await this.clients.client(session).channels.search({ view, countries: q.countries, limit: q.limit }));
  }

  async searchByText(session: string, q: typeof SearchByText.static) {
    oneUnfilteredPage(q);
    return page(await this.clients.client(session).channels.search({ text: q.text, limit: q.limit }));
  }

  views(session: string) {
    this.clients.client(session);
    return CHANNEL_VIEWS.map((v) => ({ ...v }));
  }

  countries(session: string) {
    return this.clients.client(session).channels.countries();
  }

  categories(session: string) {
    this.clients.client(session);
    return CHANNEL_CATEGORIES;
  }
}
