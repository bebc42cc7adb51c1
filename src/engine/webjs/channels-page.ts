/** In WhatsApp Web's page: what its channel directory offers beyond whatsapp-web.js 1.34.7's calls. */

type Page = { require(m: 'WAWebCountriesNativeCountryNames'): { countryCodesIso: Record<string, string> } };

/** The countries the directory can be searched by (ISO 3166 code → name), as the library's searchChannels reads them. */
export const CHANNEL_COUNTRIES = (): { code: string; name: string }[] => {
  const iso = (window as unknown as Page).require('WAWebCountriesNativeCountryNames').countryCodesIso;
  return Object.entries(iso).map(([code, name]) => ({ code, name: String(name) }));
};
