CREATE TABLE "fold_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"coordinator_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"job" jsonb NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"worker_id" text,
	"claimed_at" timestamp with time zone,
	"outcome" "bytea",
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workers" ADD COLUMN "threads" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "workers" ADD COLUMN "busy_run_id" uuid;--> statement-breakpoint
ALTER TABLE "fold_tasks" ADD CONSTRAINT "fold_tasks_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fold_tasks_status_created_idx" ON "fold_tasks" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "fold_tasks_run_idx" ON "fold_tasks" USING btree ("run_id","attempt");