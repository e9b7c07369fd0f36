CREATE TABLE "edition_archives" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"fiscal_year" integer NOT NULL,
	"data" jsonb NOT NULL,
	"source" jsonb,
	"publication" jsonb,
	"replaced_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "edition_archives" ADD CONSTRAINT "edition_archives_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "edition_archives_plan_year" ON "edition_archives" USING btree ("plan_id","fiscal_year");