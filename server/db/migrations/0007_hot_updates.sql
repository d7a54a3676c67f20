DROP INDEX "messages_client_idx";--> statement-breakpoint
DROP INDEX "conversations_status_idx";--> statement-breakpoint
CREATE INDEX "messages_first_client_idx" ON "messages" USING btree ("client_id") WHERE "messages"."seq" = 1;--> statement-breakpoint
CREATE INDEX "conversations_status_idx" ON "conversations" USING btree ("status");--> statement-breakpoint
-- Room on each page for a conversation's next version, so its frequent updates stay heap-only (HOT).
ALTER TABLE "conversations" SET (fillfactor = 80);
