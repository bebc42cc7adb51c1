import { Elysia } from 'elysia';
import { errorResponses } from '../../model';
import { Success } from '../chats/model';
import { MyProfile, ProfileName, ProfileParams, ProfilePicture, ProfileStatus } from './model';
import type { ProfileService } from './service';

const errors = errorResponses(400, 401, 404, 422, 502);

/** My profile: read it, set the name and the about text, set and delete the picture. */
export const profileRoutes = (profile: ProfileService) =>
  new Elysia({ tags: ['Profile'] })
    .get('/api/:session/profile', ({ params }) => profile.get(params.session), {
      params: ProfileParams,
      detail: { summary: 'My profile: id, push name, picture', operationId: 'ProfileController_getMyProfile' },
      response: { 200: MyProfile, ...errors },
    })
    .put('/api/:session/profile/name', ({ params, body }) => profile.setName(params.session, body.name), {
      params: ProfileParams,
      body: ProfileName,
      detail: { summary: 'Set my push name', operationId: 'ProfileController_setProfileName' },
      response: { 200: Success, ...errors },
    })
    .put('/api/:session/profile/status', ({ params, body }) => profile.setAbout(params.session, body.status), {
      params: ProfileParams,
      body: ProfileStatus,
      detail: { summary: 'Set my about text', operationId: 'ProfileController_setProfileStatus' },
      response: { 200: Success, ...errors },
    })
    .put('/api/:session/profile/picture', ({ params, body }) => profile.setPicture(params.session, body.file), {
      params: ProfileParams,
      body: ProfilePicture,
      detail: { summary: 'Set my profile picture (an image by url or base64)', operationId: 'ProfileController_setProfilePicture' },
      response: { 200: Success, ...errors, ...errorResponses(413) },
    })
    .delete('/api/:session/profile/picture', ({ params }) => profile.deletePicture(params.session), {
      params: ProfileParams,
      detail: { summary: 'Delete my profile picture', operationId: 'ProfileController_deleteProfilePicture' },
      response: { 200: Success, ...errors },
    });
