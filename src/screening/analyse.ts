/**
 * Text analysis of one ad: normalise title and body, run the policy's rules, and pull out contacts.
 * Title and body are matched as one token sequence (title first) so context windows can span both,
 * while every piece of evidence still points into the field the poster typed it in.
 */
import { normaliseText, type NormalisedText, type Token } from './normalise/index.ts';
import { evaluateRules, type RuleMatch } from './matching/evaluate.ts';
import { findPhones } from './contacts/phones.ts';
import { findHandles } from './contacts/handles.ts';
import type { Policy } from './policy/compile.ts';
import type { Evidence, ScreeningInput, TextField } from './types.ts';

export interface ContactHit {
  kind: 'phone' | 'email' | 'url' | 'handle';
  value: string;
  obscured: boolean;
  evidence: Evidence;
}

export interface TextAnalysis {
  fields: { field: TextField; norm: NormalisedText }[];
  tokens: Token[];
  titleTokens: number;
  matches: RuleMatch[];
  contacts: ContactHit[];
}

/** Evidence for a token range of the combined sequence, as the poster wrote it. */
export function evidenceFor(a: TextAnalysis, first: number, last: number): Evidence {
  const inTitle = first < a.titleTokens;
  const { field, norm } = a.fields[inTitle ? 0 : 1];
  const start = a.tokens[first].start;
  const lastTok = inTitle && last > a.titleTokens ? a.titleTokens - 1 : last - 1;
  const end = a.tokens[lastTok].end;
  return { field, text: norm.original.slice(start, end), start, end };
}

function hostOf(url: string): string {
  const noScheme = url.replace(/^[a-z]+:\/\//, '');
  return noScheme.split(/[/?#:]/)[0].replace(/^www\./, '');
}

export function analyseText(ad: ScreeningInput, policy: Policy): TextAnalysis {
  const title = normaliseText(ad.title ?? '');
  const body = normaliseText(ad.body ?? '');
  const tokens = [...title.tokens, ...body.tokens];
  const analysis: TextAnalysis = {
    fields: [
      { field: 'title', norm: title },
      { field: 'body', norm: body },
    ],
    tokens,
    titleTokens: title.tokens.length,
    matches: evaluateRules(policy, tokens, ad.category),
    contacts: [],
  };
  for (const { field, norm } of analysis.fields) {
    const ev = (start: number, end: number): Evidence => ({ field, text: norm.original.slice(start, end), start, end });
    for (const p of findPhones(norm.tokens, norm.original, ad.country)) {
      analysis.contacts.push({ kind: 'phone', value: p.value, obscured: p.obscured, evidence: ev(p.start, p.end) });
    }
    for (const l of norm.links) {
      const start = norm.stream.start[l.from];
      const end = norm.stream.end[l.to - 1];
      const value = l.kind === 'email' ? l.value : hostOf(l.value);
      analysis.contacts.push({ kind: l.kind, value, obscured: false, evidence: ev(start, end) });
    }
    for (const h of findHandles(norm.tokens, norm.stream)) {
      analysis.contacts.push({ kind: h.kind, value: h.value, obscured: h.obscured, evidence: ev(h.start, h.end) });
    }
  }
  return analysis;
}
