/** Messaging handles ("telegram: rosie22", "@rosie_22") and e-mails spelled out ("x at gmail dot com"). */
import type { Token } from '../normalise/tokens.ts';
import type { CharStream } from '../normalise/chars.ts';

const PLATFORMS = new Set(['telegram', 'tg', 'snap', 'snapchat', 'kik', 'whatsapp', 'wickr', 'signal', 'insta', 'instagram', 'ig', 'threema', 'session', 'onlyfans']);
const NOT_HANDLES = new Set(['me', 'only', 'or', 'and', 'at', 'is', 'on', 'to', 'for', 'me', 'us', 'id', 'handle', 'name', 'user', 'username', 'app', 'the', 'my', 'or']);
const TLDS = new Set(['com', 'net', 'org', 'io', 'me', 'co', 'uk', 'de', 'fr', 'ru', 'info']);

export interface HandleHit {
  kind: 'handle' | 'email';
  value: string;
  start: number;
  end: number;
  obscured: boolean;
}

export function findHandles(tokens: readonly Token[], stream: CharStream): HandleHit[] {
  const streamText = stream.text;
  const hits: HandleHit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i].forms[0];
    if (PLATFORMS.has(t)) {
      for (let j = i + 1; j < Math.min(tokens.length, i + 3); j++) {
        const cand = tokens[j];
        if (cand.special || cand.numeric || NOT_HANDLES.has(cand.forms[0]) || PLATFORMS.has(cand.forms[0])) continue;
        if (cand.raw.length >= 3) hits.push({ kind: 'handle', value: `${t === 'tg' ? 'telegram' : t}:${cand.raw}`, start: tokens[i].start, end: cand.end, obscured: false });
        break;
      }
    }
    // "name at gmail dot com", "name (at) gmail (dot) com"
    if (i + 4 < tokens.length && tokens[i + 1].forms[0] === 'at' && tokens[i + 3].forms[0] === 'dot' && TLDS.has(tokens[i + 4].forms[0])) {
      const value = `${tokens[i].raw}@${tokens[i + 2].raw}.${tokens[i + 4].raw}`;
      hits.push({ kind: 'email', value, start: tokens[i].start, end: tokens[i + 4].end, obscured: true });
    }
  }
  // "@handle" in the text itself (e-mails were already masked out as <email> tokens).
  for (let at = streamText.indexOf('@'); at !== -1; at = streamText.indexOf('@', at + 1)) {
    const prev = at > 0 ? streamText[at - 1] : ' ';
    if (/[a-z0-9._]/.test(prev)) continue;
    let j = at + 1;
    while (j < streamText.length && j - at <= 32 && /[a-z0-9_.]/.test(streamText[j])) j++;
    const name = streamText.slice(at + 1, j).replace(/\.+$/, '');
    if (name.length >= 3 && /[a-z]/.test(name)) {
      hits.push({ kind: 'handle', value: `@${name}`, start: stream.start[at], end: stream.end[at + name.length], obscured: false });
    }
  }
  return hits;
}
