CREATE TYPE "public"."ended_by" AS ENUM('agent', 'customer', 'system');--> statement-breakpoint
CREATE TYPE "public"."media_channel" AS ENUM('chat', 'twitter');--> statement-breakpoint
CREATE TYPE "public"."offer_outcome" AS ENUM('pending', 'accepted', 'rejected', 'expired', 'revoked');--> statement-breakpoint
CREATE TYPE "public"."presence_state" AS ENUM('ready', 'not_ready', 'away', 'refused', 'offline');--> statement-breakpoint
CREATE TYPE "public"."routing_policy" AS ENUM('longest_idle', 'least_busy');--> statement-breakpoint
CREATE TYPE "public"."session_event_type" AS ENUM('queued', 'offered', 'offer_rejected', 'offer_expired', 'connected', 'transferred', 'ended_by_agent', 'ended_by_customer', 'abandoned', 'wrapped_up');--> statement-breakpoint
CREATE TYPE "public"."session_state" AS ENUM('bot', 'waiting', 'offered', 'active', 'wrap_up', 'closed', 'abandoned');--> statement-breakpoint
CREATE TYPE "public"."timer_kind" AS ENUM('offer_expiry', 'presence_lapse');--> statement-breakpoint
CREATE TABLE "agent_presence" (
	"agent_id" uuid NOT NULL,
	"channel" "media_channel" NOT NULL,
	"state" "presence_state" DEFAULT 'offline' NOT NULL,
	"reason" text,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	"idle_since" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_presence_agent_id_channel_pk" PRIMARY KEY("agent_id","channel")
);
--> statement-breakpoint
CREATE TABLE "agent_queues" (
	"agent_id" uuid NOT NULL,
	"queue_id" uuid NOT NULL,
	CONSTRAINT "agent_queues_agent_id_queue_id_pk" PRIMARY KEY("agent_id","queue_id")
);
--> statement-breakpoint
CREATE TABLE "offers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"offered_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"outcome" "offer_outcome" DEFAULT 'pending' NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "queues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"website_id" uuid NOT NULL,
	"name" text NOT NULL,
	"channel" "media_channel" DEFAULT 'chat' NOT NULL,
	"policy" "routing_policy" DEFAULT 'longest_idle' NOT NULL,
	"offer_timeout_sec" integer DEFAULT 45 NOT NULL,
	"business_hours" jsonb,
	"wrap_up_required" boolean DEFAULT false NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"type" "session_event_type" NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"agent_id" uuid,
	"queue_id" uuid,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid NOT NULL,
	"website_id" uuid NOT NULL,
	"channel" "media_channel" DEFAULT 'chat' NOT NULL,
	"queue_id" uuid,
	"state" "session_state" NOT NULL,
	"agent_id" uuid,
	"ended_by" "ended_by",
	"queued_at" timestamp with time zone NOT NULL,
	"offered_at" timestamp with time zone,
	"connected_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"wrap_up_code" text,
	"notes" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"follow_up_email" text,
	"transferred_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "team_members" (
	"team_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	CONSTRAINT "team_members_team_id_agent_id_pk" PRIMARY KEY("team_id","agent_id")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" timer_kind NOT NULL,
	"ref_id" uuid NOT NULL,
	"due_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "channels" text[] DEFAULT '{chat}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "current_session_id" uuid;--> statement-breakpoint
ALTER TABLE "agent_presence" ADD CONSTRAINT "agent_presence_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_queues" ADD CONSTRAINT "agent_queues_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_queues" ADD CONSTRAINT "agent_queues_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_events" ADD CONSTRAINT "session_events_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_queues_queue_idx" ON "agent_queues" USING btree ("queue_id");--> statement-breakpoint
CREATE UNIQUE INDEX "offers_session_pending_uq" ON "offers" USING btree ("session_id") WHERE "offers"."outcome" = 'pending';--> statement-breakpoint
CREATE INDEX "offers_agent_idx" ON "offers" USING btree ("agent_id","outcome");--> statement-breakpoint
CREATE UNIQUE INDEX "queues_website_name_uq" ON "queues" USING btree ("website_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "queues_website_default_uq" ON "queues" USING btree ("website_id") WHERE "queues"."is_default";--> statement-breakpoint
CREATE INDEX "session_events_session_idx" ON "session_events" USING btree ("session_id","at");--> statement-breakpoint
CREATE INDEX "sessions_queue_state_idx" ON "sessions" USING btree ("state","queue_id","queued_at");--> statement-breakpoint
CREATE INDEX "sessions_agent_state_idx" ON "sessions" USING btree ("agent_id","state");--> statement-breakpoint
CREATE INDEX "sessions_conversation_idx" ON "sessions" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "sessions_created_idx" ON "sessions" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_conversation_open_uq" ON "sessions" USING btree ("conversation_id") WHERE "sessions"."state" in ('bot', 'waiting', 'offered', 'active', 'wrap_up');--> statement-breakpoint
CREATE INDEX "team_members_agent_idx" ON "team_members" USING btree ("agent_id");--> statement-breakpoint
CREATE INDEX "timers_due_idx" ON "timers" USING btree ("due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "timers_kind_ref_uq" ON "timers" USING btree ("kind","ref_id");--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_max_concurrent_range" CHECK ("agents"."max_concurrent" between 1 and 12);