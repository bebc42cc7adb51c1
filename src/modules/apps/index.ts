import { Elysia } from 'elysia';
import { errorResponses } from '../../model';
import { App, AppParams, AppsQuery } from './model';
import type { AppsService } from './service';

const errors = errorResponses(400, 401, 403, 422);
const doc = (operationId: string, summary: string) => ({
  detail: { operationId, summary, description: 'Not available here: always 422 (as WAHA answers with apps disabled).', tags: ['Apps'] },
});

/** WAHA's five app routes, each answering that apps are not available. */
export const appRoutes = (apps: AppsService) =>
  new Elysia({ tags: ['Apps'] })
    .get('/api/apps', () => apps.unavailable(), {
      query: AppsQuery,
      ...doc('AppsController_list', 'List all apps for a session'),
      response: errors,
    })
    .post('/api/apps', () => apps.unavailable(), { body: App, ...doc('AppsController_create', 'Create a new app'), response: errors })
    .get('/api/apps/:id', () => apps.unavailable(), { params: AppParams, ...doc('AppsController_get', 'Get app by ID'), response: errors })
    .put('/api/apps/:id', () => apps.unavailable(), {
      params: AppParams,
      body: App,
      ...doc('AppsController_update', 'Update an existing app'),
      response: errors,
    })
    .delete('/api/apps/:id', () => apps.unavailable(), {
      params: AppParams,
      ...doc('AppsController_delete', 'Delete an app'),
      response: errors,
    });
