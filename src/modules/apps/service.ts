import { UnprocessableError } from '../../errors';

/**
 * WAHA's apps (its Chatwoot integration and app-managed MCP/calls settings) are not part of this
 * service: every app route answers as WAHA does with apps disabled, a 422 that says so.
 */
export class AppsService {
  unavailable(): never {
    throw new UnprocessableError(
      "Apps are not available in this service: WAHA's app integrations (Chatwoot) are not implemented. The MCP endpoint is POST /mcp, enabled without an app.",
    );
  }
}
