// Turns a demo price in US dollars into a plausible local price. Rates are rough
// mid-2020s values and price levels are three broad tiers: demo data only needs
// prices of the right order of magnitude, not live exchange rates.

const UNITS_PER_USD: Record<string, number> = {
  AED: 3.67, AFN: 70, ALL: 92, AMD: 390, AOA: 900, ARS: 1000, AUD: 1.5, AZN: 1.7, BAM: 1.8, BDT: 120, BHD: 0.376,
  BIF: 2900, BOB: 6.9, BRL: 5.5, BSD: 1, BWP: 13.5, BYN: 3.3, CAD: 1.37, CDF: 2800, CHF: 0.88, CLP: 940, CNY: 7.2,
  COP: 4000, CRC: 510, CUP: 24, CVE: 101, CZK: 23, DJF: 178, DKK: 6.9, DOP: 60, DZD: 135, EGP: 49, ERN: 15,
  ETB: 120, EUR: 0.92, GBP: 0.79, GEL: 2.7, GHS: 15, GMD: 70, GNF: 8600, GTQ: 7.7, GYD: 209, HKD: 7.8, HNL: 25,
  HTG: 132, HUF: 360, IDR: 16000, ILS: 3.7, INR: 84, IQD: 1310, IRR: 42000, ISK: 138, JMD: 157, JOD: 0.71, JPY: 150,
  KES: 129, KGS: 87, KHR: 4000, KPW: 900, KRW: 1380, KWD: 0.31, KZT: 480, LAK: 21800, LBP: 89500, LKR: 300,
  LRD: 190, LSL: 18, LYD: 4.8, MAD: 9.9, MDL: 17.5, MGA: 4500, MKD: 57, MMK: 2100, MNT: 3400, MOP: 8, MRU: 40,
  MUR: 46, MVR: 15.4, MWK: 1730, MXN: 19, MYR: 4.4, MZN: 64, NAD: 18, NGN: 1550, NIO: 36.8, NOK: 10.8, NPR: 134,
  NZD: 1.65, OMR: 0.385, PEN: 3.7, PGK: 3.9, PHP: 57, PKR: 280, PLN: 4, PYG: 7800, QAR: 3.64, RON: 4.6, RSD: 108,
  RUB: 90, RWF: 1350, SAR: 3.75, SDG: 600, SEK: 10.5, SGD: 1.34, SLE: 22.5, SOS: 571, SRD: 35, SSP: 4500, SYP: 13000,
  SZL: 18, THB: 34, TJS: 10.7, TMT: 3.5, TND: 3.1, TRY: 34, TWD: 32, TZS: 2600, UAH: 41, UGX: 3700, USD: 1, UYU: 40,
  UZS: 12700, VES: 40, VND: 25000, XAF: 600, XCG: 1.79, XOF: 600, YER: 250, ZAR: 18, ZMW: 27, ZWG: 27,
};

const HIGH_INCOME = new Set(
  'AE AT AU BE BH BS CA CH CL CW CY CZ DE DK EE ES FI FR GB GR HK HR HU IE IL IS IT JP KR KW LT LU LV MO NL NO NZ OM PA PL PR PT QA SA SE SG SI SK TW US UY'.split(' '),
);
const UPPER_MIDDLE = new Set(
  'AL AM AR AZ BA BG BR BW BY CN CO CR DO DZ EC GA GE GQ GT GY IQ IR JM JO KZ LB LY ME MK MU MV MX MY NA PE PY RO RS RU SR TH TR XK ZA'.split(' '),
);

/** Relative cost of second-hand goods, rent and wages compared with the US. */
export function priceLevel(countryCode: string): number {
  if (HIGH_INCOME.has(countryCode)) return 1;
  if (UPPER_MIDDLE.has(countryCode)) return 0.5;
  return 0.3;
}

/** Rounds to two significant figures, as people do when pricing things (1,234 -> 1,200). */
export function roundLikeAPerson(amount: number): number {
  if (amount < 1) return 1;
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(amount)) - 1);
  return Math.max(1, Math.round(amount / magnitude) * magnitude);
}

export function localPrice(usd: number, countryCode: string, currency: string): number {
  return roundLikeAPerson(usd * priceLevel(countryCode) * (UNITS_PER_USD[currency] ?? 1));
}
