/** Schemas of the dashboard's own API routes (the page itself has none). Types come from these. */
import { t } from 'elysia';
import { Me } from '../../model';
import { SessionParams, SessionStatus } from '../sessions/model';

export const DashboardParams = SessionParams;

export const BrowserUse = t.Object({
  pid: t.Integer({ description: 'The browser process' }),
  processes: t.Integer(),
  private_mb: t.Number({ description: 'Anon + shmem, proportional: what the governor counts' }),
  pss_mb: t.Number(),
});

export const LastEvent = t.Object({
  event: t.String({ examples: ['message'] }),
  at: t.Integer({ description: 'ms since epoch' }),
});

/** One row of the dashboard's sessions table. */
export const DashboardSession = t.Object(
  {
    name: t.String(),
    status: SessionStatus,
    reason: t.Optional(t.String({ description: 'Why it is FAILED (only then)' })),
    me: t.Union([Me, t.Null()]),
    browser: t.Union([BrowserUse, t.Null()], { description: "Its browser's memory in the latest sample; null without a browser" }),
    last_event: t.Union([LastEvent, t.Null()], { description: 'The last event it published since the service started' }),
    webhooks: t.Integer({ description: 'Webhooks in its config' }),
  },
  { $id: '#/components/schemas/DashboardSession' },
);
export type DashboardSession = typeof DashboardSession.static;

export const PairingState = t.Object({
  status: SessionStatus,
  qr: t.Union(
    [
      t.Object({
        value: t.String({ description: 'The QR string; it changes each time WhatsApp rotates the QR' }),
        image: t.String({ description: 'The QR as a data: URL of a PNG' }),
      }),
      t.Null(),
    ],
    { description: 'null unless the session is SCAN_QR_CODE (never an error: the page polls it)' },
  ),
  me: t.Union([Me, t.Null()]),
});
export type PairingState = typeof PairingState.static;
