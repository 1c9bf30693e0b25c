/**
 * Finds e-mail addresses and URLs in normalised text with hand-written scanners. A regex such as
 * /[\w.]+@[\w.]+\.\w+/g is quadratic on long runs without "@", which a hostile poster can send; these
 * loops look at each character a bounded number of times.
 */
import type { Mask } from '../normalise/tokens.ts';

export interface LinkHit extends Mask {
  value: string;
}

const TLDS = new Set(
  'com net org info biz io co me ly xyz app link site online club top shop store live vip to gg us uk ca de fr es it nl ru cn au in be ch at pl se no dk fi pt ie nz br mx ar tk ml ga cf gq ws cc tv fm'.split(' '),
);

const isLocal = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 45 || c === 43 || c === 37;
const isHost = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 45;
const isPath = (c: number): boolean => c > 32 && c < 127 && c !== 34 && c !== 60 && c !== 62 && c !== 41 && c !== 93;

function trimDots(text: string, from: number, to: number): number {
  while (to > from && (text.charCodeAt(to - 1) === 46 || text.charCodeAt(to - 1) === 45)) to--;
  return to;
}

function hostEnd(text: string, from: number): number {
  let j = from;
  while (j < text.length && j - from < 253 && isHost(text.charCodeAt(j))) j++;
  return trimDots(text, from, j);
}

function endsWithTld(host: string): boolean {
  const dot = host.lastIndexOf('.');
  return dot > 0 && TLDS.has(host.slice(dot + 1));
}

function scanEmails(text: string, hits: LinkHit[]): void {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let a = at;
    while (a > 0 && at - a < 64 && isLocal(text.charCodeAt(a - 1))) a--;
    if (a === at) continue;
    const b = hostEnd(text, at + 1);
    const host = text.slice(at + 1, b);
    if (!host.includes('.') || !/\.[a-z]{2,24}$/.test(host)) continue;
    hits.push({ from: a, to: b, kind: 'email', value: text.slice(a, b) });
  }
}

function scanUrls(text: string, hits: LinkHit[]): void {
  const push = (from: number, hostFrom: number): number => {
    const h = hostEnd(text, hostFrom);
    if (h <= hostFrom || !text.slice(hostFrom, h).includes('.')) return hostFrom;
    let j = h;
    if (text[j] === '/' || text[j] === ':' || text[j] === '?') while (j < text.length && j - h < 2048 && isPath(text.charCodeAt(j))) j++;
    while (j > h && /[.,;:!?]/.test(text[j - 1])) j--;
    hits.push({ from, to: j, kind: 'url', value: text.slice(from, j) });
    return j;
  };
  let i = 0;
  while (i < text.length) {
    const dot = text.indexOf('.', i);
    const scheme = text.indexOf('://', i);
    if (scheme !== -1 && (dot === -1 || scheme < dot)) {
      let a = scheme;
      while (a > 0 && scheme - a < 10 && /[a-z]/.test(text[a - 1])) a--;
      i = a < scheme ? Math.max(push(a, scheme + 3), scheme + 3) : scheme + 3;
      continue;
    }
    if (dot === -1) break;
    // Bare domain: walk back over host characters, check the label after the dot is a known TLD.
    let a = dot;
    while (a > 0 && dot - a < 63 && isHost(text.charCodeAt(a - 1))) a--;
    let t = dot + 1;
    while (t < text.length && t - dot <= 24 && text.charCodeAt(t) >= 97 && text.charCodeAt(t) <= 122) t++;
    const before = a > 0 ? text[a - 1] : ' ';
    if (a < dot && before !== '@' && TLDS.has(text.slice(dot + 1, t)) && endsWithTld(text.slice(a, hostEnd(text, a)))) {
      i = Math.max(push(a, a), dot + 1);
      continue;
    }
    i = dot + 1;
  }
}

/** Non-overlapping e-mail and URL hits in text order (e-mails win over the domain inside them). */
export function scanLinks(text: string): LinkHit[] {
  const hits: LinkHit[] = [];
  scanEmails(text, hits);
  scanUrls(text, hits);
  hits.sort((x, y) => x.from - y.from || (x.kind === 'email' ? -1 : 1));
  const out: LinkHit[] = [];
  let last = -1;
  for (const h of hits) {
    if (h.from < last) continue;
    out.push(h);
    last = h.to;
  }
  return out;
}
