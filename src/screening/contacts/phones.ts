/**
 * Phone numbers written to dodge scrapers: "five5five o1 99", "5 5 5 . 0 1 9 9", "５５５-０１９９".
 * The normaliser has already folded fullwidth digits, look-alikes and split digits; here runs of
 * digit-like tokens are read as digits and parsed with libphonenumber. Whether the number had to be
 * decoded is kept: an obscured phone number is one of the few evidenced trafficking predictors.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { F } from '../normalise/flags.ts';
import type { Token } from '../normalise/tokens.ts';

export interface PhoneHit {
  /** E.164 when libphonenumber accepts it, otherwise "local:<digits>" for a decoded short number. */
  value: string;
  start: number;
  end: number;
  obscured: boolean;
}

const NUMBER_WORDS: [string, string][] = [
  ['zero', '0'], ['seven', '7'], ['three', '3'], ['eight', '8'], ['four', '4'], ['five', '5'],
  ['nine', '9'], ['one', '1'], ['two', '2'], ['six', '6'], ['oh', '0'],
];

/** Reads a token as digits, or returns null if it is not digit-like. `wordy` if letters were decoded. */
export function readDigits(raw: string): { digits: string; wordy: boolean } | null {
  let digits = '';
  let wordy = false;
  let realDigit = false;
  let i = 0;
  outer: while (i < raw.length) {
    const c = raw[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      realDigit = true;
      i++;
      continue;
    }
    for (const [word, d] of NUMBER_WORDS) {
      if (raw.startsWith(word, i)) {
        digits += d;
        wordy = true;
        i += word.length;
        continue outer;
      }
    }
    if (c === 'o') digits += '0';
    else if (c === 'l' || c === 'i') digits += '1';
    else return null;
    wordy = true;
    i++;
  }
  // A lone "i" or "l" is a word, not a digit; letters-as-digits need a real digit or number word nearby.
  if (!realDigit && /^[il]+$/.test(raw)) return null;
  if (!realDigit && /^[oil]+$/.test(raw) && raw.length > 1) return null;
  return digits ? { digits, wordy } : null;
}

const GAP = /^[\s.\-()/+*_~|,:]{0,4}$/;
const ODD_GAP = /[*_~|,:]/;
const SUSPICIOUS = F.SPACED | F.COMPAT | F.CONFUSABLE | F.EMOJI | F.INVISIBLE;

export function findPhones(tokens: readonly Token[], original: string, country: string | undefined): PhoneHit[] {
  const region = (country?.toUpperCase() ?? 'US') as CountryCode;
  const hits: PhoneHit[] = [];
  let i = 0;
  while (i < tokens.length) {
    const first = readDigits(tokens[i].raw);
    if (!first || tokens[i].special) {
      i++;
      continue;
    }
    let digits = first.digits;
    let obscured = first.wordy || (tokens[i].formFlags[tokens[i].forms.indexOf(tokens[i].raw)] & SUSPICIOUS) !== 0;
    let groups = 1;
    let j = i + 1;
    while (j < tokens.length && digits.length <= 15) {
      const gap = original.slice(tokens[j - 1].end, tokens[j].start);
      const next = tokens[j].special ? null : readDigits(tokens[j].raw);
      if (!next || !GAP.test(gap)) break;
      digits += next.digits;
      obscured ||= next.wordy || ODD_GAP.test(gap) || (tokens[j].formFlags[tokens[j].forms.indexOf(tokens[j].raw)] & SUSPICIOUS) !== 0;
      groups++;
      j++;
    }
    if (digits.length >= 7 && digits.length <= 15) {
      const plus = original.slice(Math.max(0, tokens[i].start - 2), tokens[i].start).includes('+');
      const parsed = parsePhoneNumberFromString(plus ? `+${digits}` : digits, region);
      obscured ||= groups > 5;
      const value = parsed?.isPossible() ? parsed.number : obscured ? `local:${digits}` : null;
      if (value) hits.push({ value, start: tokens[i].start, end: tokens[j - 1].end, obscured });
    }
    i = j;
  }
  return hits;
}

/** Normalises a phone number from a form field (no obfuscation expected). */
export function normalisePhoneField(phone: string, country: string | undefined): string | null {
  const parsed = parsePhoneNumberFromString(phone, (country?.toUpperCase() ?? 'US') as CountryCode);
  if (parsed?.isPossible()) return parsed.number;
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 7 ? `local:${digits}` : null;
}
