CREATE TABLE "edition_publications" (
	"edition_id" integer PRIMARY KEY NOT NULL,
	"data" jsonb NOT NULL,
	"number" integer DEFAULT 1 NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "organization_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "parent_id" integer;--> statement-breakpoint
ALTER TABLE "edition_publications" ADD CONSTRAINT "edition_publications_edition_id_editions_id_fk" FOREIGN KEY ("edition_id") REFERENCES "public"."editions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_parent_id_departments_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."departments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "departments_parent" ON "departments" USING btree ("parent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_one_platform" ON "users" USING btree ("role") WHERE "users"."role" = 'platform';--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_platform_has_no_org" CHECK (("users"."role" = 'platform') = ("users"."organization_id" is null));