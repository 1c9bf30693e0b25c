CREATE TABLE "audit_chain_head" (
	"id" smallint PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"details" jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "blocked_contacts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"reason" text NOT NULL,
	"until" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flagger_stats" (
	"flagger_key" text PRIMARY KEY NOT NULL,
	"upheld" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flags" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ad_id" bigint NOT NULL,
	"reason" text NOT NULL,
	"flagger_key" text NOT NULL,
	"user_id" bigint,
	"ip_hash" text NOT NULL,
	"weight" double precision NOT NULL,
	"outcome" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ad_id" bigint NOT NULL,
	"category" text NOT NULL,
	"explanation" text NOT NULL,
	"url" text NOT NULL,
	"name" text,
	"email" text,
	"good_faith" boolean NOT NULL,
	"user_id" bigint,
	"trusted_flagger_id" bigint,
	"outcome" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ad_id" bigint NOT NULL,
	"source" text NOT NULL,
	"priority" smallint NOT NULL,
	"trusted" boolean DEFAULT false NOT NULL,
	"label" text,
	"state" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"sla_due_at" timestamp with time zone NOT NULL,
	"claimed_by" bigint,
	"claimed_until" timestamp with time zone,
	"decision" text,
	"decided_by" bigint,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "statements_of_reasons" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"puid" text NOT NULL,
	"ad_id" bigint NOT NULL,
	"review_item_id" bigint,
	"decision_ground" text NOT NULL,
	"illegal_content_legal_ground" text,
	"illegal_content_explanation" text,
	"incompatible_content_ground" text,
	"incompatible_content_explanation" text,
	"content_type" text[] NOT NULL,
	"category" text NOT NULL,
	"category_specification" text[],
	"decision_visibility" text,
	"decision_account" text,
	"source_type" text NOT NULL,
	"automated_detection" boolean NOT NULL,
	"automated_decision" text NOT NULL,
	"content_date" text NOT NULL,
	"application_date" text NOT NULL,
	"decision_facts" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trusted_flaggers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"organisation" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_ad_id_ads_id_fk" FOREIGN KEY ("ad_id") REFERENCES "public"."ads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_ad_id_ads_id_fk" FOREIGN KEY ("ad_id") REFERENCES "public"."ads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_ad_id_ads_id_fk" FOREIGN KEY ("ad_id") REFERENCES "public"."ads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_seq" ON "audit_log" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "audit_log_subject" ON "audit_log" USING btree ("subject_type","subject_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "blocked_contacts_kind_value" ON "blocked_contacts" USING btree ("kind","value");--> statement-breakpoint
CREATE UNIQUE INDEX "flags_ad_flagger" ON "flags" USING btree ("ad_id","flagger_key");--> statement-breakpoint
CREATE INDEX "flags_ad_ip" ON "flags" USING btree ("ad_id","ip_hash");--> statement-breakpoint
CREATE INDEX "notices_ad" ON "notices" USING btree ("ad_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_items_open_ad_source" ON "review_items" USING btree ("ad_id","source") WHERE state = 'open';--> statement-breakpoint
CREATE INDEX "review_items_queue" ON "review_items" USING btree ("priority","trusted" DESC NULLS LAST,"created_at","id") WHERE state = 'open';--> statement-breakpoint
CREATE INDEX "review_items_ad" ON "review_items" USING btree ("ad_id");--> statement-breakpoint
CREATE UNIQUE INDEX "statements_of_reasons_puid" ON "statements_of_reasons" USING btree ("puid");--> statement-breakpoint
CREATE INDEX "statements_of_reasons_ad" ON "statements_of_reasons" USING btree ("ad_id");--> statement-breakpoint
CREATE UNIQUE INDEX "trusted_flaggers_kind_value" ON "trusted_flaggers" USING btree ("kind","value");