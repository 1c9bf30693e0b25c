/**
 * Outgoing mail through nodemailer. With SMTP_URL set it goes to that server; without, each message
 * is written to DATA_DIR/outbox as an .eml file a developer can open in any mail client.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  /** Overrides the site's sender, e.g. the relay identity of the other side of a conversation. */
  from?: string;
  subject: string;
  text: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export class SmtpMailer implements Mailer {
  private transport: Transporter;
  constructor(
    smtpUrl: string,
    private from: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }
  async send(m: MailMessage) {
    await this.transport.sendMail({ from: m.from ?? this.from, to: m.to, subject: m.subject, text: m.text, headers: m.headers });
  }
}

export class OutboxMailer implements Mailer {
  private transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  private sequence = 0;
  /** The folder is created once, not on every mail (a syscall per message showed in the relay's profile). */
  private ready: Promise<unknown> | undefined;
  constructor(
    readonly outboxDir: string,
    private from: string,
  ) {}
  async send(m: MailMessage) {
    const info = await this.transport.sendMail({ from: m.from ?? this.from, to: m.to, subject: m.subject, text: m.text, headers: m.headers });
    this.ready ??= mkdir(this.outboxDir, { recursive: true }).catch((err: unknown) => {
      this.ready = undefined; // try again with the next mail
      throw err;
    });
    await this.ready;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const safeTo = m.to.replace(/[^a-zA-Z0-9@._-]/g, '_');
    const name = `${stamp}-${String(++this.sequence).padStart(4, '0')}-${safeTo}.eml`;
    await writeFile(path.join(this.outboxDir, name), info.message as Buffer);
  }
}

export function createMailer(opts: { smtpUrl?: string; from: string; dataDir: string }): Mailer {
  return opts.smtpUrl ? new SmtpMailer(opts.smtpUrl, opts.from) : new OutboxMailer(path.join(opts.dataDir, 'outbox'), opts.from);
}
