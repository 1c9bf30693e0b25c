/** The mails of saved-search alerts: confirm a subscription, and the alert or digest itself. */
import type { MailMessage } from '../mail/mailer.ts';
import type { AlertFrequency } from '../db/schema.ts';

export interface AlertMailLinks {
  confirmUrl?: string;
  manageUrl: string;
  unsubscribeUrl: string;
  searchUrl: string;
}

export function confirmSubscriptionMail(to: string, description: string, frequency: AlertFrequency, links: AlertMailLinks & { confirmUrl: string }): MailMessage {
  return {
    to,
    subject: `Confirm your Corkboard alert: ${description}`,
    text: `Someone (we hope you) asked for ${frequency === 'instant' ? 'instant' : frequency} e-mail alerts of new ads for:

  ${description}

To start the alerts, open this link and press the button:
${links.confirmUrl}

If you did not ask for this, ignore this mail: nothing will be sent without confirmation.

See the search now: ${links.searchUrl}
`,
  };
}

export interface AlertMailAd {
  title: string;
  price: string;
  where: string;
  url: string;
}

export const MAX_ADS_PER_MAIL = 50;

/** `ads` may be only the first MAX_ADS_PER_MAIL of `total` new ads (the rest are counted, not listed). */
export function alertMail(to: string, description: string, frequency: AlertFrequency, ads: AlertMailAd[], links: AlertMailLinks, total = ads.length): MailMessage {
  const n = Math.max(total, ads.length);
  const subject =
    frequency === 'instant'
      ? `${n === 1 ? `New ad: ${ads[0]!.title}` : `${n} new ads`} — ${description}`
      : `Your ${frequency} digest: ${n} new ad${n === 1 ? '' : 's'} — ${description}`;
  const shown = ads.slice(0, MAX_ADS_PER_MAIL);
  const lines = shown.map((a) => `* ${a.title}${a.price ? ` — ${a.price}` : ''}\n  ${a.where}\n  ${a.url}`);
  const more = n > shown.length ? `\n…and ${n - shown.length} more: ${links.searchUrl}\n` : '';
  return {
    to,
    subject,
    text: `New on Corkboard for ${description}:

${lines.join('\n\n')}
${more}
See the whole search: ${links.searchUrl}

Change how often you get these, or stop them: ${links.manageUrl}
Unsubscribe from this alert with one click: ${links.unsubscribeUrl}
`,
    // RFC 2369 + RFC 8058: mail providers show an unsubscribe button that POSTs to the link.
    headers: {
      'List-Unsubscribe': `<${links.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

/** "$350", "Free", or nothing: as the site shows prices. */
export function mailPrice(price: number | null, currency: string | null): string {
  if (price === null) return '';
  if (price === 0) return 'Free';
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency ?? 'USD', maximumFractionDigits: 0 }).format(price);
  } catch {
    return price.toLocaleString('en');
  }
}
