ALTER TABLE "statements_of_reasons" ADD COLUMN "decision_provision" text;--> statement-breakpoint
ALTER TABLE "statements_of_reasons" ADD COLUMN "recipient_email" text;--> statement-breakpoint
ALTER TABLE "statements_of_reasons" ADD COLUMN "recipient_user_id" bigint;--> statement-breakpoint
CREATE INDEX "statements_of_reasons_recipient" ON "statements_of_reasons" USING btree ("recipient_email") WHERE recipient_email is not null;