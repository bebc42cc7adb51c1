/** The production engine: whatsapp-web.js, one Chromium per session. */
import type { EngineFactory } from '../types';
import { WebjsEngine } from './engine';
import type { WebjsSettings } from './options';

export type { WebjsSettings, WebVersionCache } from './options';

/** Builds each session's whatsapp-web.js engine with the settings every session shares. */
export function createWebjsEngineFactory(settings: WebjsSettings): EngineFactory {
  return (opts) => new WebjsEngine(settings, opts);
}
