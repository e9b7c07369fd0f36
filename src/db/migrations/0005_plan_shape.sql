ALTER TABLE "initiative_years" ADD COLUMN "fields" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "initiative_years" ADD COLUMN "indicators" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "initiative_years" ADD COLUMN "grade" jsonb;--> statement-breakpoint
ALTER TABLE "initiative_years" ADD COLUMN "schedule" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "initiative_years" ADD COLUMN "milestones" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "sub_areas" ADD COLUMN "parent_id" integer;--> statement-breakpoint
ALTER TABLE "sub_areas" ADD CONSTRAINT "sub_areas_parent_id_sub_areas_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."sub_areas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sub_areas_parent" ON "sub_areas" USING btree ("parent_id");