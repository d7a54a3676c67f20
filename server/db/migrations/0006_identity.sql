ALTER TABLE "contacts" ADD COLUMN "external_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_website_external_uq" ON "contacts" USING btree ("website_id","external_id");