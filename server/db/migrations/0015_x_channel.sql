CREATE TYPE "public"."conversation_channel" AS ENUM('web', 'x_dm', 'x_public');--> statement-breakpoint
CREATE TABLE "x_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"website_id" uuid NOT NULL,
	"x_user_id" text NOT NULL,
	"username" text NOT NULL,
	"name" text NOT NULL,
	"access_token" text NOT NULL,
	"refresh_token" text,
	"token_expires_at" timestamp with time zone NOT NULL,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"token_expired" boolean DEFAULT false NOT NULL,
	"rate_limited_until" timestamp with time zone,
	"webhook_id" text,
	"webhook_valid" boolean DEFAULT false NOT NULL,
	"webhook_checked_at" timestamp with time zone,
	"dm_cursor" text,
	"mentions_since_id" text,
	"capabilities" jsonb DEFAULT '{"likes":false,"unsummonedReplies":false}'::jsonb NOT NULL,
	"last_error" text,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "x_contacts" (
	"website_id" uuid NOT NULL,
	"x_user_id" text NOT NULL,
	"contact_id" uuid NOT NULL,
	"username" text NOT NULL,
	"name" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "x_contacts_website_id_x_user_id_pk" PRIMARY KEY("website_id","x_user_id")
);
--> statement-breakpoint
CREATE TABLE "x_events_seen" (
	"account_id" uuid NOT NULL,
	"event_uuid" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "x_events_seen_account_id_event_uuid_pk" PRIMARY KEY("account_id","event_uuid")
);
--> statement-breakpoint
CREATE TABLE "x_oauth_pending" (
	"state" text PRIMARY KEY NOT NULL,
	"website_id" uuid NOT NULL,
	"agent_id" uuid,
	"code_verifier" text NOT NULL,
	"redirect_uri" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "x_outbound" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"message_id" uuid,
	"kind" text NOT NULL,
	"target_post_id" text,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"x_id" text,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "x_outbound_attempts" CHECK ("x_outbound"."attempts" >= 0)
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "channel" "conversation_channel" DEFAULT 'web' NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "x_account_id" uuid;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "external_thread_id" text;--> statement-breakpoint
ALTER TABLE "x_accounts" ADD CONSTRAINT "x_accounts_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_contacts" ADD CONSTRAINT "x_contacts_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_contacts" ADD CONSTRAINT "x_contacts_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_events_seen" ADD CONSTRAINT "x_events_seen_account_id_x_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."x_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_oauth_pending" ADD CONSTRAINT "x_oauth_pending_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_oauth_pending" ADD CONSTRAINT "x_oauth_pending_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_outbound" ADD CONSTRAINT "x_outbound_account_id_x_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."x_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_outbound" ADD CONSTRAINT "x_outbound_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_outbound" ADD CONSTRAINT "x_outbound_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "x_accounts_x_user_uq" ON "x_accounts" USING btree ("x_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "x_accounts_website_uq" ON "x_accounts" USING btree ("website_id");--> statement-breakpoint
CREATE INDEX "x_contacts_contact_idx" ON "x_contacts" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "x_events_seen_received_idx" ON "x_events_seen" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "x_outbound_message_uq" ON "x_outbound" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "x_outbound_due_idx" ON "x_outbound" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "x_outbound_x_id_idx" ON "x_outbound" USING btree ("account_id","x_id");--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_x_thread_uq" ON "conversations" USING btree ("x_account_id","channel","external_thread_id") WHERE "conversations"."external_thread_id" is not null;