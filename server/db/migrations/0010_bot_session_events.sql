ALTER TYPE "public"."session_event_type" ADD VALUE 'bot_started';--> statement-breakpoint
ALTER TYPE "public"."session_event_type" ADD VALUE 'bot_ended';