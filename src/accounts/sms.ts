/**
 * Text messages (phone verification codes). The default sender needs no provider: it writes each
 * message through the mailer to `sms+<number>@outbox.invalid`, so it lands in the outbox (or the
 * recording mailer in tests) next to the mail. A real provider implements the same interface.
 */
import type { Mailer } from '../mail/mailer.ts';

export interface SmsSender {
  /** `to` is E.164 (+14155550100). */
  send(to: string, text: string): Promise<void>;
}

export function outboxAddressFor(phone: string): string {
  return `sms+${phone.replace(/\D/g, '')}@outbox.invalid`;
}

export class OutboxSmsSender implements SmsSender {
  constructor(private mailer: Mailer) {}
  async send(to: string, text: string) {
    await this.mailer.send({ to: outboxAddressFor(to), subject: `SMS to ${to}`, text, headers: { 'X-Corkboard-Sms-To': to } });
  }
}
