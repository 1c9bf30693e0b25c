CREATE TABLE "screening_bank_hashes" (
	"bank" text NOT NULL,
	"hash" text NOT NULL,
	"quality" smallint
);
--> statement-breakpoint
CREATE TABLE "screening_entity_links" (
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"ad_id" bigint NOT NULL,
	"city" text,
	"seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "screening_hash_banks" (
	"name" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"action" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "screening_rescans" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"cursor" bigint DEFAULT 0 NOT NULL,
	"up_to" bigint NOT NULL,
	"scanned" integer DEFAULT 0 NOT NULL,
	"held" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "screening_template_buckets" (
	"band_key" text NOT NULL,
	"ad_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "screening_templates" (
	"ad_id" bigint PRIMARY KEY NOT NULL,
	"signature" "bytea" NOT NULL,
	"group_id" text NOT NULL,
	"city" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "screening_bank_hashes" ADD CONSTRAINT "screening_bank_hashes_bank_screening_hash_banks_name_fk" FOREIGN KEY ("bank") REFERENCES "public"."screening_hash_banks"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screening_entity_links" ADD CONSTRAINT "screening_entity_links_ad_id_ads_id_fk" FOREIGN KEY ("ad_id") REFERENCES "public"."ads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screening_template_buckets" ADD CONSTRAINT "screening_template_buckets_ad_id_ads_id_fk" FOREIGN KEY ("ad_id") REFERENCES "public"."ads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screening_templates" ADD CONSTRAINT "screening_templates_ad_id_ads_id_fk" FOREIGN KEY ("ad_id") REFERENCES "public"."ads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "screening_bank_hashes_bank_hash" ON "screening_bank_hashes" USING btree ("bank","hash");--> statement-breakpoint
CREATE UNIQUE INDEX "screening_entity_links_entity_ad" ON "screening_entity_links" USING btree ("kind","value","ad_id");--> statement-breakpoint
CREATE INDEX "screening_entity_links_entity_seen" ON "screening_entity_links" USING btree ("kind","value","seen_at","city");--> statement-breakpoint
CREATE INDEX "screening_entity_links_ad" ON "screening_entity_links" USING btree ("ad_id");--> statement-breakpoint
CREATE UNIQUE INDEX "screening_template_buckets_key_ad" ON "screening_template_buckets" USING btree ("band_key","ad_id");--> statement-breakpoint
CREATE INDEX "screening_template_buckets_ad" ON "screening_template_buckets" USING btree ("ad_id");--> statement-breakpoint
CREATE INDEX "screening_templates_group" ON "screening_templates" USING btree ("group_id","ad_id");