// Long official forms read oddly in a site's location picker ("Russian Federation",
// "United States of America"); when i18n-iso-countries offers a shorter alias we use it.
const OFFICIAL_FORM = /Republic of|Federation|Province of|State of|of America|People's/;

// i18n-iso-countries gives only the ISO list form for these (no alias to pick).
const COMMON_NAMES: Record<string, string> = { LA: 'Laos', MD: 'Moldova', SY: 'Syria', CI: "Côte d'Ivoire" };

/**
 * English display name from i18n-iso-countries' entry (a name or a list of
 * names). An alias is used only if it is not an abbreviation, has no comma and
 * is not shared with another country ("Congo").
 */
export function pickCountryName(code: string, names: Record<string, string | string[]>, fallback: string): string {
  if (COMMON_NAMES[code]) return COMMON_NAMES[code];
  const entry = names[code];
  if (!entry) return fallback;
  if (typeof entry === 'string') return entry;
  const [first, ...aliases] = entry;
  if (!OFFICIAL_FORM.test(first)) return first;
  const usable = aliases.filter((alias) => !alias.includes(',') && alias !== alias.toUpperCase() && !isSharedName(code, alias, names));
  usable.sort((a, b) => a.length - b.length);
  return usable[0] ?? first;
}

function isSharedName(code: string, name: string, names: Record<string, string | string[]>): boolean {
  return Object.entries(names).some(([other, entry]) => other !== code && (Array.isArray(entry) ? entry.includes(name) : entry === name));
}

// Where the first ISO 4217 code in countries-list is not what shop prices use:
// Panama's balboa circulates only as coins, prices are quoted in US dollars.
const PRICE_CURRENCY_OVERRIDES: Record<string, string> = { PA: 'USD' };

export function pickCurrency(code: string, currencies: readonly string[] | undefined): string {
  return PRICE_CURRENCY_OVERRIDES[code] ?? currencies?.[0] ?? 'USD';
}
