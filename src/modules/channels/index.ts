import { Elysia, t } from 'elysia';
import { errorResponses } from '../../model';
import {
  Channel,
  ChannelListResult,
  ChannelMessage,
  ChannelParams,
  ChannelsParams,
  Country,
  ListQuery,
  PreviewQuery,
  SearchByText,
  SearchByView,
  ValueName,
} from './model';
import type { ChannelsService } from './service';

const errors = errorResponses(400, 401, 403, 404, 422, 502);
const doc = (operationId: string, summary: string, description?: string) => ({
  detail: { operationId, summary, ...(description ? { description } : {}), tags: ['Channels'] },
});

/** Channels (WhatsApp newsletters): the account's, one by id or invite, its posts, the directory search. */
export const channelRoutes = (channels: ChannelsService) =>
  new Elysia({ tags: ['Channels'] })
    .get('/api/:session/channels', ({ params, query }) => channels.list(params.session, query), {
      params: ChannelsParams,
      query: ListQuery,
      ...doc('ChannelsController_list', 'Get list of know channels', 'The channels the account owns, administers or follows.'),
      response: { 200: t.Array(Channel), ...errors },
    })
    .post('/api/:session/channels/search/by-view', ({ params, body }) => channels.searchByView(params.session, body), {
      params: ChannelsParams,
      body: SearchByView,
      ...doc('ChannelsController_searchByView', 'Search for channels (by view)'),
      response: { 200: ChannelListResult, ...errors },
    })
    .post('/api/:session/channels/search/by-text', ({ params, body }) => channels.searchByText(params.session, body), {
      params: ChannelsParams,
      body: SearchByText,
      ...doc(
        'ChannelsController_searchByText',
        'Search for channels (by text)',
        "In the account's own country, as WhatsApp Web searches by text.",
      ),
      response: { 200: ChannelListResult, ...errors },
    })
    .get('/api/:session/channels/search/views', ({ params }) => channels.views(params.session), {
      params: ChannelsParams,
      ...doc('ChannelsController_getSearchViews', 'Get list of views for channel search'),
      response: { 200: t.Array(ValueName), ...errors },
    })
    .get('/api/:session/channels/search/countries', ({ params }) => channels.countries(params.session), {
      params: ChannelsParams,
      ...doc('ChannelsController_getSearchCountries', 'Get list of countries for channel search'),
      response: { 200: t.Array(Country), ...errors },
    })
    .get('/api/:session/channels/search/categories', ({ params }) => channels.categories(params.session), {
      params: ChannelsParams,
      ...doc('ChannelsController_getSearchCategories', 'Get list of categories for channel search'),
      response: { 200: t.Array(ValueName), ...errors },
    })
    .get('/api/:session/channels/:id', ({ params }) => channels.get(params.session, params.id), {
      params: ChannelParams,
      ...doc(
        'ChannelsController_get',
        'Get the channel info',
        'By id (123@newsletter) or invite code or link (https://www.whatsapp.com/channel/123).',
      ),
      response: { 200: Channel, ...errors },
    })
    .get('/api/:session/channels/:id/messages/preview', ({ params, query }) => channels.preview(params.session, params.id, query), {
      params: ChannelParams,
      query: PreviewQuery,
      ...doc(
        'ChannelsController_previewChannelMessages',
        'Preview channel messages',
        'The newest posts of any channel, followed or not (by id, invite code or link).',
      ),
      response: { 200: t.Array(ChannelMessage), ...errors },
    });
