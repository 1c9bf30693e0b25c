import type { Mailer, MailMessage } from './mailer.ts';

/** Keeps sent mail in memory: for tests, and for anything that wants to read what went out. */
export class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage) {
    this.sent.push(message);
  }
  lastTo(address: string): MailMessage | undefined {
    return [...this.sent].reverse().find((m) => m.to === address);
  }
}
