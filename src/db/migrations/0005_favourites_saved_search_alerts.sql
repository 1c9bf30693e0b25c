CREATE TABLE "alert_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"frequency" text NOT NULL,
	"saved_search_id" bigint,
	"window_start" timestamp with time zone,
	"window_end" timestamp with time zone,
	"ad_ids" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"run_after" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "favourites" (
	"user_id" bigint NOT NULL,
	"ad_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "favourites_user_id_ad_id_pk" PRIMARY KEY("user_id","ad_id")
);
--> statement-breakpoint
CREATE TABLE "saved_searches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"user_id" bigint,
	"params" jsonb NOT NULL,
	"city_ids" integer[],
	"category_ids" integer[],
	"filters" jsonb NOT NULL,
	"frequency" text NOT NULL,
	"link_nonce" text NOT NULL,
	"confirmed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sent_alerts" (
	"saved_search_id" bigint NOT NULL,
	"ad_id" bigint NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sent_alerts_saved_search_id_ad_id_pk" PRIMARY KEY("saved_search_id","ad_id")
);
--> statement-breakpoint
ALTER TABLE "alert_jobs" ADD CONSTRAINT "alert_jobs_saved_search_id_saved_searches_id_fk" FOREIGN KEY ("saved_search_id") REFERENCES "public"."saved_searches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sent_alerts" ADD CONSTRAINT "sent_alerts_saved_search_id_saved_searches_id_fk" FOREIGN KEY ("saved_search_id") REFERENCES "public"."saved_searches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_jobs_runnable" ON "alert_jobs" USING btree ("kind","run_after","id") WHERE state = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "alert_jobs_one_pending_delivery" ON "alert_jobs" USING btree ("saved_search_id") WHERE kind = 'deliver' and state = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "alert_jobs_match_window" ON "alert_jobs" USING btree ("frequency","window_start") WHERE kind = 'match';--> statement-breakpoint
CREATE INDEX "alert_jobs_done" ON "alert_jobs" USING btree ("done_at") WHERE state = 'done';--> statement-breakpoint
CREATE INDEX "saved_searches_email" ON "saved_searches" USING btree ("email");--> statement-breakpoint
CREATE INDEX "saved_searches_city_ids" ON "saved_searches" USING gin ("city_ids") WHERE confirmed_at is not null;--> statement-breakpoint
CREATE INDEX "saved_searches_everywhere" ON "saved_searches" USING btree ("frequency") WHERE confirmed_at is not null and city_ids is null;