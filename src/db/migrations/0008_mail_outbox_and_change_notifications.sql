CREATE TABLE "mail_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE INDEX "mail_outbox_pending" ON "mail_outbox" USING btree ("next_attempt_at") WHERE sent_at is null;--> statement-breakpoint
-- Every change to an ad or its photos is announced on the channel ad_changes once the transaction
-- commits, so every app node can drop its cached copy of the ad page and of the searches of that
-- city (src/db/change-feed.ts). A trigger rather than application calls: raw SQL, bulk updates and
-- future code paths are covered too. Payload: "<ad id>:<city id>"; inserts, which can come by the
-- million from a seed, send one ":<city id>" per city and statement.
CREATE FUNCTION corkboard_notify_ad_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('ad_changes', OLD.id || ':' || OLD.city_id);
  ELSE
    PERFORM pg_notify('ad_changes', NEW.id || ':' || NEW.city_id);
    IF OLD.city_id <> NEW.city_id THEN
      PERFORM pg_notify('ad_changes', OLD.id || ':' || OLD.city_id);
    END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION corkboard_notify_ad_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ad_changes', ':' || c.city_id) FROM (SELECT DISTINCT city_id FROM inserted_ads) c;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION corkboard_notify_ad_photo_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ad_changes', a.id || ':' || a.city_id) FROM ads a WHERE a.id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.ad_id ELSE NEW.ad_id END);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER ads_announce_change AFTER UPDATE OR DELETE ON ads FOR EACH ROW EXECUTE FUNCTION corkboard_notify_ad_row_change();
--> statement-breakpoint
CREATE TRIGGER ads_announce_inserts AFTER INSERT ON ads REFERENCING NEW TABLE AS inserted_ads FOR EACH STATEMENT EXECUTE FUNCTION corkboard_notify_ad_inserts();
--> statement-breakpoint
CREATE TRIGGER ad_photos_announce_change AFTER INSERT OR UPDATE OR DELETE ON ad_photos FOR EACH ROW EXECUTE FUNCTION corkboard_notify_ad_photo_change();
