ALTER TYPE "public"."message_kind" ADD VALUE 'structured';--> statement-breakpoint
ALTER TYPE "public"."timer_kind" ADD VALUE 'bot_reminder';--> statement-breakpoint
ALTER TYPE "public"."timer_kind" ADD VALUE 'bot_close';--> statement-breakpoint
CREATE TABLE "assistant_versions" (
	"assistant_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assistant_versions_assistant_id_number_pk" PRIMARY KEY("assistant_id","number")
);
--> statement-breakpoint
CREATE TABLE "assistants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"brand" text,
	"languages" text[] DEFAULT '{en}'::text[] NOT NULL,
	"draft" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bot_runs" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"conversation_id" uuid NOT NULL,
	"assistant_id" uuid NOT NULL,
	"version_number" integer NOT NULL,
	"locale" text,
	"cursor" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "website_assistants" (
	"website_id" uuid PRIMARY KEY NOT NULL,
	"assistant_id" uuid NOT NULL,
	"version_number" integer NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "assistant_versions" ADD CONSTRAINT "assistant_versions_assistant_id_assistants_id_fk" FOREIGN KEY ("assistant_id") REFERENCES "public"."assistants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_runs" ADD CONSTRAINT "bot_runs_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_runs" ADD CONSTRAINT "bot_runs_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_runs" ADD CONSTRAINT "bot_runs_assistant_id_assistants_id_fk" FOREIGN KEY ("assistant_id") REFERENCES "public"."assistants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "website_assistants" ADD CONSTRAINT "website_assistants_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "website_assistants" ADD CONSTRAINT "website_assistants_assistant_id_assistants_id_fk" FOREIGN KEY ("assistant_id") REFERENCES "public"."assistants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bot_runs_assistant_idx" ON "bot_runs" USING btree ("assistant_id","version_number");--> statement-breakpoint
CREATE INDEX "website_assistants_assistant_idx" ON "website_assistants" USING btree ("assistant_id");