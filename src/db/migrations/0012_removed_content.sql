CREATE TABLE "removed_content" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ad_id" bigint NOT NULL,
	"label" text NOT NULL,
	"decided_by" text NOT NULL,
	"moderator_id" bigint,
	"statement_puid" text,
	"review_item_id" bigint,
	"decided_at" timestamp with time zone NOT NULL,
	"signature" text,
	"photos" jsonb NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lifted_at" timestamp with time zone,
	"lifted_reason" text
);
--> statement-breakpoint
CREATE TABLE "removed_content_keys" (
	"key" text NOT NULL,
	"entry_id" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "removed_content_keys" ADD CONSTRAINT "removed_content_keys_entry_id_removed_content_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."removed_content"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "removed_content_ad" ON "removed_content" USING btree ("ad_id");--> statement-breakpoint
CREATE INDEX "removed_content_statement" ON "removed_content" USING btree ("statement_puid");--> statement-breakpoint
CREATE UNIQUE INDEX "removed_content_keys_key_entry" ON "removed_content_keys" USING btree ("key","entry_id");--> statement-breakpoint
CREATE INDEX "removed_content_keys_entry" ON "removed_content_keys" USING btree ("entry_id");