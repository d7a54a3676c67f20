CREATE TABLE "attachment_blob_chunks" (
	"blob_key" text NOT NULL,
	"index" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "attachment_blob_chunks_blob_key_index_pk" PRIMARY KEY("blob_key","index")
);
--> statement-breakpoint
CREATE TABLE "attachment_blobs" (
	"key" text PRIMARY KEY NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"chunk_count" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attachment_blobs_size" CHECK ("attachment_blobs"."size" >= 0)
);
--> statement-breakpoint
ALTER TABLE "attachment_blob_chunks" ADD CONSTRAINT "attachment_blob_chunks_blob_key_attachment_blobs_key_fk" FOREIGN KEY ("blob_key") REFERENCES "public"."attachment_blobs"("key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Images are compressed already: store chunks out of line without trying to compress them again.
ALTER TABLE "attachment_blob_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;
