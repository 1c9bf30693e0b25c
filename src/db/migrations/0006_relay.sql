CREATE TABLE "message_reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"thread_id" bigint NOT NULL,
	"message_id" bigint,
	"reporter_side" text NOT NULL,
	"reason" text NOT NULL,
	"details" text,
	"state" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "relay_blocks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"poster_email" text NOT NULL,
	"poster_user_id" bigint,
	"replier_email" text NOT NULL,
	"replier_user_id" bigint,
	"thread_id" bigint,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relay_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"thread_id" bigint NOT NULL,
	"from_side" text NOT NULL,
	"via" text NOT NULL,
	"body" text NOT NULL,
	"attachments_dropped" smallint DEFAULT 0 NOT NULL,
	"state" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "relay_threads" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ad_id" bigint NOT NULL,
	"poster_email" text NOT NULL,
	"poster_user_id" bigint,
	"replier_email" text NOT NULL,
	"replier_user_id" bigint,
	"poster_alias" text NOT NULL,
	"replier_alias" text NOT NULL,
	"link_nonce" text NOT NULL,
	"confirmed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"last_message_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"purged_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "message_reports" ADD CONSTRAINT "message_reports_thread_id_relay_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."relay_threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_messages" ADD CONSTRAINT "relay_messages_thread_id_relay_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."relay_threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_threads" ADD CONSTRAINT "relay_threads_ad_id_ads_id_fk" FOREIGN KEY ("ad_id") REFERENCES "public"."ads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "message_reports_open" ON "message_reports" USING btree ("created_at") WHERE state = 'open';--> statement-breakpoint
CREATE INDEX "message_reports_thread" ON "message_reports" USING btree ("thread_id");--> statement-breakpoint
CREATE UNIQUE INDEX "relay_blocks_poster_replier" ON "relay_blocks" USING btree ("poster_email","replier_email");--> statement-breakpoint
CREATE INDEX "relay_blocks_replier" ON "relay_blocks" USING btree ("replier_email");--> statement-breakpoint
CREATE INDEX "relay_blocks_replier_user" ON "relay_blocks" USING btree ("replier_user_id") WHERE replier_user_id is not null;--> statement-breakpoint
CREATE INDEX "relay_messages_thread" ON "relay_messages" USING btree ("thread_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "relay_threads_ad_replier" ON "relay_threads" USING btree ("ad_id","replier_email");--> statement-breakpoint
CREATE UNIQUE INDEX "relay_threads_poster_alias" ON "relay_threads" USING btree ("poster_alias");--> statement-breakpoint
CREATE UNIQUE INDEX "relay_threads_replier_alias" ON "relay_threads" USING btree ("replier_alias");--> statement-breakpoint
CREATE INDEX "relay_threads_replier_created" ON "relay_threads" USING btree ("replier_email","created_at");--> statement-breakpoint
CREATE INDEX "relay_threads_replier_user" ON "relay_threads" USING btree ("replier_user_id","created_at") WHERE replier_user_id is not null;--> statement-breakpoint
CREATE INDEX "relay_threads_closed" ON "relay_threads" USING btree ("closed_at") WHERE purged_at is null;