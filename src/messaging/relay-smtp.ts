/**
 * The relay's inbound SMTP listener (smtp-server). Refuses as early as it can: unknown or closed
 * relay identities and senders who are not the thread's other side at RCPT (550), oversized mail
 * (552), more than MAX_ATTACHMENTS attachments (552) and unreadable MIME (554) at the end of DATA.
 * Accepted mail is parsed with mailparser and only its text is forwarded, in a new mail the relay
 * composes: no header of the original (From, Reply-To, Received, Message-ID, X-Originating-IP…)
 * reaches the other side, and attachments are dropped with a note.
 *
 * No AUTH and no STARTTLS: the listener is meant to sit behind the site's MX (Postfix, a cloud
 * inbound service), which terminates TLS and checks SPF/DMARC before handing mail over.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { AliasTarget } from './relay.repository.ts';
import type { RelayService } from './relay.service.ts';
import { RelayRefusal } from './relay.service.ts';

export const MAX_MESSAGE_BYTES = 1024 * 1024;
export const MAX_ATTACHMENTS = 10;
const MAX_RECIPIENTS = 5;

export interface RelaySmtpOptions {
  relay: RelayService;
  port: number;
  host?: string;
  /** Shown in the greeting. */
  name?: string;
  log?: { error(obj: object, msg: string): void; info?(obj: object, msg: string): void };
}

export interface RelaySmtpListener {
  port: number;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function refusal(err: unknown): Error {
  if (err instanceof RelayRefusal) return smtpError(err.responseCode, err.message);
  return smtpError(451, '4.3.0 Temporary failure in the relay; please try again later');
}

function isAutomated(headers: Map<string, unknown>): boolean {
  const auto = String(headers.get('auto-submitted') ?? 'no').toLowerCase();
  const precedence = String(headers.get('precedence') ?? '').toLowerCase();
  return auto !== 'no' || ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence) || headers.has('x-autoreply') || headers.has('x-autorespond');
}

/** Text to forward: the plain part, or the HTML converted to text by mailparser. */
export async function parseIncoming(raw: Buffer): Promise<{ text: string; attachments: number; automated: boolean }> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: MAX_MESSAGE_BYTES });
  // mailparser converts HTML only when it is the root or an alternative to text: an HTML body next
  // to attachments (multipart/mixed) is converted here.
  const fromHtml = !parsed.text?.trim() && typeof parsed.html === 'string' ? htmlToPlainText(parsed.html) : '';
  const text = (parsed.text?.trim() ? parsed.text : fromHtml).replace(/\r\n?/g, '\n').replace(/\u0000/g, '').trim();
  return { text, attachments: parsed.attachments.length, automated: isAutomated(parsed.headers) };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** A plain rendering of HTML: blocks become lines, tags and images go, entities are decoded. */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : '';
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}

export async function startRelaySmtp(opts: RelaySmtpOptions): Promise<RelaySmtpListener> {
  const targets = new Map<string, AliasTarget[]>();
  const server = new SMTPServer({
    name: opts.name ?? 'corkboard-relay',
    banner: 'Corkboard reply relay',
    size: MAX_MESSAGE_BYTES,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    maxClients: 200,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    onMailFrom(address, session, callback) {
      targets.set(session.id, []);
      opts.relay.acceptSender(address.address).then(
        () => callback(),
        (err: unknown) => callback(refusal(err)),
      );
    },
    onRcptTo(address, session, callback) {
      const list = targets.get(session.id) ?? [];
      if (list.length >= MAX_RECIPIENTS) return callback(smtpError(452, '4.5.3 Too many recipients'));
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      opts.relay.acceptRecipient(address.address, from).then(
        (target) => {
          list.push(target);
          targets.set(session.id, list);
          callback();
        },
        (err: unknown) => callback(refusal(err)),
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= MAX_MESSAGE_BYTES) chunks.push(chunk);
      });
      stream.on('error', () => callback(smtpError(451, '4.3.0 Could not read the message')));
      stream.on('end', () => {
        if (stream.sizeExceeded || bytes > MAX_MESSAGE_BYTES) {
          return callback(smtpError(552, `5.3.4 Message too big: the relay accepts at most ${MAX_MESSAGE_BYTES / 1024 / 1024} MB`));
        }
        void handleData(Buffer.concat(chunks), session).then(
          () => callback(),
          (err: unknown) => {
            if (!(err instanceof RelayRefusal)) opts.log?.error({ err }, 'relay delivery failed');
            callback(refusal(err));
          },
        );
      });
    },
    onClose(session) {
      targets.delete(session.id);
    },
  });

  async function handleData(raw: Buffer, session: SMTPServerSession) {
    const list = targets.get(session.id) ?? [];
    targets.set(session.id, []);
    if (list.length === 0) throw new RelayRefusal(554, '5.5.1 No valid recipients');
    let mail: Awaited<ReturnType<typeof parseIncoming>>;
    try {
      mail = await parseIncoming(raw);
    } catch {
      throw new RelayRefusal(554, '5.6.0 The message could not be read (malformed MIME); please send it again as plain text');
    }
    if (mail.attachments > MAX_ATTACHMENTS) {
      throw new RelayRefusal(552, `5.3.4 Too many attachments: the relay accepts at most ${MAX_ATTACHMENTS}, and forwards text only`);
    }
    if (!mail.text) throw new RelayRefusal(554, '5.6.0 The message has no readable text; the relay forwards text only');
    for (const target of list) await opts.relay.deliverIncoming(target, mail);
  }

  server.on('error', (err) => opts.log?.error({ err }, 'relay SMTP error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
