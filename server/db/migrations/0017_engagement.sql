CREATE TYPE "public"."journey_entry_kind" AS ENUM('page_view', 'custom_event', 'conversation_event', 'offer_accepted', 'outcome');--> statement-breakpoint
CREATE TYPE "public"."session_origin" AS ENUM('visitor', 'proactive_offer');--> statement-breakpoint
CREATE TABLE "action_maps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"website_id" uuid NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"priority" integer DEFAULT 100 NOT NULL,
	"conditions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"action" jsonb NOT NULL,
	"cap" jsonb NOT NULL,
	"queue_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engagement_counters" (
	"rule_id" uuid NOT NULL,
	"day" date NOT NULL,
	"shown" integer DEFAULT 0 NOT NULL,
	"dismissed" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"started" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "engagement_counters_rule_id_day_pk" PRIMARY KEY("rule_id","day")
);
--> statement-breakpoint
CREATE TABLE "journey_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"website_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"web_session_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" "journey_entry_kind" NOT NULL,
	"name" text,
	"url" text,
	"data" jsonb,
	"session_id" uuid,
	"rule_id" uuid
);
--> statement-breakpoint
CREATE TABLE "outcome_hits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"outcome_id" uuid NOT NULL,
	"website_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"web_session_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"rule_id" uuid,
	"session_id" uuid
);
--> statement-breakpoint
CREATE TABLE "outcomes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"website_id" uuid NOT NULL,
	"name" text NOT NULL,
	"match" jsonb NOT NULL,
	"attribution_window_hours" integer DEFAULT 72 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "page_views" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"website_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"web_session_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"url" text NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"referrer" text,
	"time_on_page_sec" integer
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"website_id" uuid NOT NULL,
	"name" text NOT NULL,
	"conditions" jsonb NOT NULL,
	"queue_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "web_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"website_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"visitor_id" uuid,
	"started_at" timestamp with time zone NOT NULL,
	"last_activity_at" timestamp with time zone NOT NULL,
	"entry_url" text,
	"referrer" text,
	"page_views" integer DEFAULT 0 NOT NULL,
	"events" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "journey_retention_days" integer DEFAULT 90 NOT NULL;--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "track_pages" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "origin" "session_origin" DEFAULT 'visitor' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "action_map_id" uuid;--> statement-breakpoint
ALTER TABLE "action_maps" ADD CONSTRAINT "action_maps_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "engagement_counters" ADD CONSTRAINT "engagement_counters_rule_id_action_maps_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."action_maps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_events" ADD CONSTRAINT "journey_events_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_events" ADD CONSTRAINT "journey_events_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_events" ADD CONSTRAINT "journey_events_web_session_id_web_sessions_id_fk" FOREIGN KEY ("web_session_id") REFERENCES "public"."web_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_events" ADD CONSTRAINT "journey_events_rule_id_action_maps_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."action_maps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcome_hits" ADD CONSTRAINT "outcome_hits_outcome_id_outcomes_id_fk" FOREIGN KEY ("outcome_id") REFERENCES "public"."outcomes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcome_hits" ADD CONSTRAINT "outcome_hits_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcome_hits" ADD CONSTRAINT "outcome_hits_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcome_hits" ADD CONSTRAINT "outcome_hits_web_session_id_web_sessions_id_fk" FOREIGN KEY ("web_session_id") REFERENCES "public"."web_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcome_hits" ADD CONSTRAINT "outcome_hits_rule_id_action_maps_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."action_maps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcomes" ADD CONSTRAINT "outcomes_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "page_views" ADD CONSTRAINT "page_views_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "page_views" ADD CONSTRAINT "page_views_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "page_views" ADD CONSTRAINT "page_views_web_session_id_web_sessions_id_fk" FOREIGN KEY ("web_session_id") REFERENCES "public"."web_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_sessions" ADD CONSTRAINT "web_sessions_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_sessions" ADD CONSTRAINT "web_sessions_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_sessions" ADD CONSTRAINT "web_sessions_visitor_id_visitors_id_fk" FOREIGN KEY ("visitor_id") REFERENCES "public"."visitors"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "action_maps_website_idx" ON "action_maps" USING btree ("website_id","enabled");--> statement-breakpoint
CREATE INDEX "journey_events_contact_at_idx" ON "journey_events" USING btree ("contact_id","at");--> statement-breakpoint
CREATE INDEX "journey_events_web_session_idx" ON "journey_events" USING btree ("web_session_id","at");--> statement-breakpoint
CREATE INDEX "journey_events_website_at_idx" ON "journey_events" USING btree ("website_id","at");--> statement-breakpoint
CREATE INDEX "journey_events_rule_at_idx" ON "journey_events" USING btree ("rule_id","at") WHERE "journey_events"."rule_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "outcome_hits_once_uq" ON "outcome_hits" USING btree ("outcome_id","web_session_id");--> statement-breakpoint
CREATE INDEX "outcome_hits_rule_at_idx" ON "outcome_hits" USING btree ("rule_id","at");--> statement-breakpoint
CREATE INDEX "outcome_hits_website_at_idx" ON "outcome_hits" USING btree ("website_id","at");--> statement-breakpoint
CREATE INDEX "outcomes_website_idx" ON "outcomes" USING btree ("website_id");--> statement-breakpoint
CREATE INDEX "page_views_contact_at_idx" ON "page_views" USING btree ("contact_id","at");--> statement-breakpoint
CREATE INDEX "page_views_web_session_idx" ON "page_views" USING btree ("web_session_id","at");--> statement-breakpoint
CREATE INDEX "page_views_website_at_idx" ON "page_views" USING btree ("website_id","at");--> statement-breakpoint
CREATE INDEX "segments_website_idx" ON "segments" USING btree ("website_id");--> statement-breakpoint
CREATE INDEX "web_sessions_contact_idx" ON "web_sessions" USING btree ("contact_id","last_activity_at");--> statement-breakpoint
CREATE INDEX "web_sessions_website_idx" ON "web_sessions" USING btree ("website_id","last_activity_at");--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_action_map_id_action_maps_id_fk" FOREIGN KEY ("action_map_id") REFERENCES "public"."action_maps"("id") ON DELETE set null ON UPDATE no action;