/** Schemas of the channel routes (WAHA's ChannelsController). Types come from these, never in parallel. */
import { t } from 'elysia';
import { requestBody, WAMessage } from '../../model';
import { SessionName } from '../sessions/model';

export const ChannelsParams = t.Object({ session: SessionName });
/** A channel id, an invite code, or the invite link (URL-encoded in the path). */
export const ChannelParams = t.Object({
  session: SessionName,
  id: t.String({
    pattern: '^(\\d{5,30}@newsletter|[0-9A-Za-z]{8,64}|https?://(www\\.)?whatsapp\\.com/channel/[0-9A-Za-z]{8,64}/?)$',
    description: 'Channel id (…@newsletter), invite code, or invite link https://www.whatsapp.com/channel/<code>',
    examples: ['120363880000000001@newsletter'],
    error: 'id must be a channel id like 120363000000000000@newsletter, an invite code, or an invite link',
  }),
});

export const ListQuery = t.Object({
  role: t.Optional(
    t.Union([t.Literal('OWNER'), t.Literal('ADMIN'), t.Literal('SUBSCRIBER')], {
      description: "Only the channels with this role of the account's",
    }),
  ),
});
export const PreviewQuery = t.Object({
  downloadMedia: t.Boolean({ default: false, description: 'Media inline as data: URLs (up to 2 MB each)' }),
  limit: t.Integer({ minimum: 1, maximum: 100, default: 10 }),
});

const Role = t.Union([t.Literal('OWNER'), t.Literal('ADMIN'), t.Literal('SUBSCRIBER'), t.Literal('GUEST')]);
const publicInfo = {
  id: t.String({ description: 'Newsletter id', examples: ['120363880000000001@newsletter'] }),
  name: t.String(),
  invite: t.String({ description: 'Invite link', examples: ['https://www.whatsapp.com/channel/0029Va0000000000000000'] }),
  preview: t.Union([t.String(), t.Null()], { description: "The channel's picture" }),
  picture: t.Union([t.String(), t.Null()]),
  description: t.String(),
  verified: t.Boolean(),
  subscribersCount: t.Union([t.Number(), t.Null()]),
};
export const Channel = t.Object({ ...publicInfo, role: Role }, { $id: '#/components/schemas/Channel' });
export const ChannelPublicInfo = t.Object(publicInfo, { $id: '#/components/schemas/ChannelPublicInfo' });
export const ChannelListResult = t.Object({
  page: t.Object({
    startCursor: t.Union([t.String(), t.Null()]),
    endCursor: t.Union([t.String(), t.Null()]),
    hasNextPage: t.Boolean(),
    hasPreviousPage: t.Boolean(),
  }),
  channels: t.Array(ChannelPublicInfo),
});
export const ChannelMessage = t.Object({
  reactions: t.Record(t.String(), t.Number(), { examples: [{ '👍': 10 }] }),
  message: WAMessage,
  viewCount: t.Number(),
});

const Limit = t.Integer({ minimum: 1, maximum: 100, default: 50 });
const Categories = t.Array(t.String({ maxLength: 40 }), {
  default: [],
  maxItems: 20,
  description: 'Not supported with WEBJS: whatsapp-web.js searches without categories (a non-empty list is refused with 422)',
});
const StartCursor = t.String({
  default: '',
  maxLength: 500,
  description: 'Not supported with WEBJS: one page only (a cursor is refused with 422)',
});
export const SearchByView = t.Object(
  {
    view: t.Union([t.Literal('RECOMMENDED'), t.Literal('TRENDING'), t.Literal('POPULAR'), t.Literal('NEW')], { default: 'RECOMMENDED' }),
    countries: t.Array(t.String({ pattern: '^[A-Z]{2}$', error: 'countries must be ISO 3166 codes like US' }), {
      default: ['US'],
      maxItems: 300,
    }),
    categories: Categories,
    limit: Limit,
    startCursor: StartCursor,
  },
  requestBody('ChannelSearchByView', { view: 'RECOMMENDED', countries: ['US'], categories: [], limit: 50, startCursor: '' }),
);
export const SearchByText = t.Object(
  { text: t.String({ minLength: 1, maxLength: 200 }), categories: Categories, limit: Limit, startCursor: StartCursor },
  requestBody('ChannelSearchByText', { text: 'news', categories: [], limit: 50, startCursor: '' }),
);

export const ValueName = t.Object({ value: t.String(), name: t.String() });
export const Country = t.Object({ code: t.String(), name: t.String() });
