/**
 * What every browser test shares: Debian's Chromium with the flags this sandbox needs (no browser
 * download, no background network), and reading the mails OutboxMailer writes as .eml files.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const STEP_TIMEOUT = 120_000;

/** The headers and plain-text body of an .eml written by OutboxMailer (quoted-printable or base64 decoded). */
export function emlText(raw: string): { headers: string; text: string } {
  const split = raw.indexOf('\n\n');
  const headers = raw.slice(0, split);
  let body = raw.slice(split + 2);
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'quoted-printable') {
    body = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
  } else if (encoding === 'base64') {
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { headers, text: body };
}
