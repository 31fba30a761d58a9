CREATE TYPE "public"."role" AS ENUM('admin', 'researcher', 'volunteer');--> statement-breakpoint
CREATE TYPE "public"."host_status" AS ENUM('active', 'paused', 'banned');--> statement-breakpoint
CREATE TYPE "public"."intensity" AS ENUM('low', 'medium', 'high', 'inferno');--> statement-breakpoint
CREATE TYPE "public"."batch_state" AS ENUM('open', 'done', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."replica_state" AS ENUM('unsent', 'in_progress', 'reported', 'errored', 'timed_out', 'abandoned', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."validate_state" AS ENUM('pending', 'valid', 'invalid', 'inconclusive');--> statement-breakpoint
CREATE TYPE "public"."wu_state" AS ENUM('pending', 'running', 'validating', 'done', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."model_state" AS ENUM('candidate', 'production', 'archived');--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "enrollment_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"uses_left" integer DEFAULT 100 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "enrollment_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"role" "role" NOT NULL,
	"team" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "agreement_pairs" (
	"host_a" uuid NOT NULL,
	"host_b" uuid NOT NULL,
	"together" integer DEFAULT 0 NOT NULL,
	"against" integer DEFAULT 0 NOT NULL,
	"lost" integer DEFAULT 0 NOT NULL,
	"last_wu_id" bigint,
	"flagged_at" timestamp with time zone,
	"cleared_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agreement_pairs_host_a_host_b_pk" PRIMARY KEY("host_a","host_b"),
	CONSTRAINT "agreement_pairs_ordered" CHECK ("agreement_pairs"."host_a" < "agreement_pairs"."host_b")
);
--> statement-breakpoint
CREATE TABLE "host_reliability" (
	"host_id" uuid NOT NULL,
	"family" text NOT NULL,
	"consecutive_valid" integer DEFAULT 0 NOT NULL,
	"valid_count" integer DEFAULT 0 NOT NULL,
	"invalid_count" integer DEFAULT 0 NOT NULL,
	"error_rate" double precision DEFAULT 0.1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "host_reliability_host_id_family_pk" PRIMARY KEY("host_id","family")
);
--> statement-breakpoint
CREATE TABLE "host_samples" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "host_samples_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"host_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"intensity" "intensity" NOT NULL,
	"running" integer NOT NULL,
	"cpu_load" double precision,
	"cpu_temp" double precision,
	"gpu_temp" double precision
);
--> statement-breakpoint
CREATE TABLE "hosts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"public_key" jsonb NOT NULL,
	"hardware" jsonb,
	"gpu" boolean DEFAULT false NOT NULL,
	"memory_mb" integer DEFAULT 0 NOT NULL,
	"kernels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"backend" text,
	"agent_version" text,
	"benchmark_flops" double precision DEFAULT 1000000000 NOT NULL,
	"intensity" "intensity" DEFAULT 'medium' NOT NULL,
	"status" "host_status" DEFAULT 'active' NOT NULL,
	"consecutive_valid" integer DEFAULT 0 NOT NULL,
	"valid_count" integer DEFAULT 0 NOT NULL,
	"invalid_count" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"timeout_count" integer DEFAULT 0 NOT NULL,
	"error_rate" double precision DEFAULT 0.1 NOT NULL,
	"quota_scale" double precision DEFAULT 1 NOT NULL,
	"total_credit" double precision DEFAULT 0 NOT NULL,
	"rac" double precision DEFAULT 0 NOT NULL,
	"rac_time" timestamp with time zone,
	"online" boolean DEFAULT false NOT NULL,
	"last_contact" timestamp with time zone,
	"readings" jsonb,
	"progress" jsonb,
	"cpu_seconds" double precision DEFAULT 0 NOT NULL,
	"caught_at" timestamp with time zone,
	"reexamined_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kernel" text NOT NULL,
	"kernel_version" integer NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"state" "batch_state" DEFAULT 'open' NOT NULL,
	"spec" jsonb NOT NULL,
	"wu_count" integer NOT NULL,
	"estimated_hours" double precision DEFAULT 0 NOT NULL,
	"plan_state" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "checkpoints" (
	"wu_id" bigint PRIMARY KEY NOT NULL,
	"replica_id" bigint NOT NULL,
	"step" integer NOT NULL,
	"sha256" text NOT NULL,
	"data" text NOT NULL,
	"signature" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inputs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"bytes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kernels" (
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"gpu" text NOT NULL,
	"min_memory_mb" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "kernels_name_version_pk" PRIMARY KEY("name","version")
);
--> statement-breakpoint
CREATE TABLE "replicas" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "replicas_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"wu_id" bigint NOT NULL,
	"host_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"state" "replica_state" DEFAULT 'in_progress' NOT NULL,
	"validate_state" "validate_state" DEFAULT 'pending' NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"deadline" timestamp with time zone NOT NULL,
	"suspended_until" timestamp with time zone,
	"reported_at" timestamp with time zone,
	"output" jsonb,
	"output_sha256" text,
	"cpu_seconds" double precision,
	"cpu_seconds_claimed" double precision,
	"elapsed_seconds" double precision,
	"steps" integer,
	"backend" text,
	"claimed_credit" double precision,
	"granted_credit" double precision,
	"spot_check" boolean DEFAULT false NOT NULL,
	"solo" boolean DEFAULT false NOT NULL,
	"error_code" text,
	"error_message" text,
	"check" jsonb,
	"progress" double precision DEFAULT 0 NOT NULL,
	"resumed_from" bigint
);
--> statement-breakpoint
CREATE TABLE "work_units" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "work_units_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"batch_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"stage" integer DEFAULT 0 NOT NULL,
	"kernel" text NOT NULL,
	"kernel_version" integer NOT NULL,
	"kernel_ref" text NOT NULL,
	"params" jsonb NOT NULL,
	"seed" bigint NOT NULL,
	"inputs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cost_estimate" double precision NOT NULL,
	"total_steps" integer DEFAULT 1 NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"state" "wu_state" DEFAULT 'pending' NOT NULL,
	"needs_gpu" boolean DEFAULT false NOT NULL,
	"prefers_gpu" boolean DEFAULT false NOT NULL,
	"min_memory_mb" integer DEFAULT 0 NOT NULL,
	"min_quorum" integer DEFAULT 2 NOT NULL,
	"base_quorum" integer DEFAULT 2 NOT NULL,
	"target_replicas" integer DEFAULT 2 NOT NULL,
	"max_error_replicas" integer DEFAULT 3 NOT NULL,
	"max_total_replicas" integer DEFAULT 8 NOT NULL,
	"delay_bound_seconds" integer DEFAULT 3600 NOT NULL,
	"adaptive" boolean DEFAULT true NOT NULL,
	"needs_trusted" boolean DEFAULT false NOT NULL,
	"replicas_needed" integer NOT NULL,
	"replicas_sent" integer DEFAULT 0 NOT NULL,
	"replicas_reported" integer DEFAULT 0 NOT NULL,
	"error_replicas" integer DEFAULT 0 NOT NULL,
	"needs_validation" boolean DEFAULT false NOT NULL,
	"canonical_replica_id" bigint,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"assimilated_at" timestamp with time zone,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"reopened_at" timestamp with time zone,
	"reopen_reason" text
);
--> statement-breakpoint
CREATE TABLE "wu_reopenings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "wu_reopenings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"wu_id" bigint NOT NULL,
	"batch_id" uuid NOT NULL,
	"host_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"previous_replica_id" bigint,
	"previous_sha256" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_ledger" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "credit_ledger_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"host_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"replica_id" bigint NOT NULL,
	"wu_id" bigint NOT NULL,
	"claimed" double precision NOT NULL,
	"granted" double precision NOT NULL,
	"reverses_id" bigint,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_credit" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"total_credit" double precision DEFAULT 0 NOT NULL,
	"rac" double precision DEFAULT 0 NOT NULL,
	"rac_time" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "combined_results" (
	"batch_id" uuid NOT NULL,
	"resamples" integer NOT NULL,
	"level" double precision NOT NULL,
	"seed" bigint NOT NULL,
	"fingerprint" text NOT NULL,
	"figures" jsonb NOT NULL,
	"compute_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "combined_results_batch_id_resamples_level_seed_pk" PRIMARY KEY("batch_id","resamples","level","seed")
);
--> statement-breakpoint
CREATE TABLE "science_results" (
	"wu_id" bigint PRIMARY KEY NOT NULL,
	"batch_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"kernel" text NOT NULL,
	"params" jsonb NOT NULL,
	"output" jsonb NOT NULL,
	"output_sha256" text NOT NULL,
	"replica_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"withdrawn_reason" text
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"subject" text,
	"actor" text,
	"data" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "performance_follow_ups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_key" text NOT NULL,
	"kind" text NOT NULL,
	"state" text DEFAULT 'suggested' NOT NULL,
	"spec" jsonb NOT NULL,
	"spec_sha256" text NOT NULL,
	"reason" text NOT NULL,
	"source_wu_id" bigint NOT NULL,
	"source_batch_id" uuid NOT NULL,
	"batch_id" uuid,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "performance_milestones" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "performance_milestones_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"model_key" text NOT NULL,
	"kind" text NOT NULL,
	"wu_id" bigint NOT NULL,
	"value" double precision NOT NULL,
	"previous" double precision,
	"p_value" double precision,
	"adjusted_p" double precision,
	"detail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "performance_models" (
	"key" text PRIMARY KEY NOT NULL,
	"kernel" text NOT NULL,
	"sport" text DEFAULT 'nfl' NOT NULL,
	"family" jsonb NOT NULL,
	"metric" text NOT NULL,
	"lower_is_better" boolean NOT NULL,
	"importance" double precision DEFAULT 1 NOT NULL,
	"results" integer DEFAULT 0 NOT NULL,
	"compute_hours" double precision DEFAULT 0 NOT NULL,
	"baseline" double precision,
	"baseline_wu_id" bigint,
	"current" double precision,
	"current_wu_id" bigint,
	"best" double precision,
	"best_wu_id" bigint,
	"best_params" jsonb,
	"best_at" timestamp with time zone,
	"improvement" double precision DEFAULT 0 NOT NULL,
	"roi" double precision DEFAULT 0 NOT NULL,
	"trend" text DEFAULT 'new' NOT NULL,
	"trend_slope" double precision,
	"trend_lower" double precision,
	"trend_upper" double precision,
	"regression_p" double precision,
	"regression_test" text,
	"regression_wu_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "performance_points" (
	"wu_id" bigint PRIMARY KEY NOT NULL,
	"model_key" text NOT NULL,
	"batch_id" uuid NOT NULL,
	"ordinal" integer NOT NULL,
	"params" jsonb NOT NULL,
	"seed" bigint NOT NULL,
	"value" double precision NOT NULL,
	"samples" jsonb,
	"sample_labels" jsonb,
	"compute_hours" double precision NOT NULL,
	"gain" double precision DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "performance_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bandit_arms" (
	"arm" text PRIMARY KEY NOT NULL,
	"decisions" bigint DEFAULT 0 NOT NULL,
	"explorations" bigint DEFAULT 0 NOT NULL,
	"pulls" bigint DEFAULT 0 NOT NULL,
	"replicas" bigint DEFAULT 0 NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	"reward_sum" double precision DEFAULT 0 NOT NULL,
	"reward_sq_sum" double precision DEFAULT 0 NOT NULL,
	"successes" bigint DEFAULT 0 NOT NULL,
	"iw_loss_sum" double precision DEFAULT 0 NOT NULL,
	"validated" bigint DEFAULT 0 NOT NULL,
	"failed" bigint DEFAULT 0 NOT NULL,
	"dropped" bigint DEFAULT 0 NOT NULL,
	"cap_share" double precision,
	"cap_reason" text,
	"capped_by" text,
	"capped_at" timestamp with time zone,
	"uncapped_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bandit_decisions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bandit_decisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"host_id" uuid NOT NULL,
	"strategy" text NOT NULL,
	"strategy_version" integer NOT NULL,
	"params" jsonb NOT NULL,
	"arm" text NOT NULL,
	"propensity" double precision NOT NULL,
	"probabilities" jsonb NOT NULL,
	"candidates" jsonb NOT NULL,
	"fallback" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"explore" boolean NOT NULL,
	"seed" bigint NOT NULL,
	"wu_ids" jsonb NOT NULL,
	"replicas" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bandit_pending" (
	"wu_id" bigint PRIMARY KEY NOT NULL,
	"decision_id" bigint NOT NULL,
	"arm" text NOT NULL,
	"propensity" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bandit_rewards" (
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "bandit_rewards_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"wu_id" bigint PRIMARY KEY NOT NULL,
	"arm" text NOT NULL,
	"decision_id" bigint NOT NULL,
	"propensity" double precision NOT NULL,
	"reward" double precision NOT NULL,
	"outcome" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bandit_rewards_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "bandit_state" (
	"id" text PRIMARY KEY NOT NULL,
	"strategy" text NOT NULL,
	"params" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changed_by" text,
	"change_reason" text,
	"previous_strategy" text,
	"previous_params" jsonb,
	"guardrails" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_guardrail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_artifacts" (
	"sha256" text PRIMARY KEY NOT NULL,
	"format" text NOT NULL,
	"body" text NOT NULL,
	"bytes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_predictions" (
	"model_id" uuid NOT NULL,
	"game_id" text NOT NULL,
	"season" integer NOT NULL,
	"date" text NOT NULL,
	"p" double precision NOT NULL,
	"home_win" double precision NOT NULL,
	"market" double precision,
	"home_odds" double precision,
	"away_odds" double precision,
	"home_result" double precision,
	CONSTRAINT "model_predictions_model_id_game_id_pk" PRIMARY KEY("model_id","game_id")
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"kernel" text NOT NULL,
	"sport" text DEFAULT 'nfl' NOT NULL,
	"model_type" text DEFAULT 'mlp' NOT NULL,
	"params" jsonb NOT NULL,
	"data_hashes" jsonb NOT NULL,
	"batch_id" uuid,
	"wu_ids" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"metrics" jsonb NOT NULL,
	"held_out_seasons" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"artifact_sha256" text NOT NULL,
	"state" "model_state" DEFAULT 'candidate' NOT NULL,
	"replaces_id" uuid,
	"decision" jsonb,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"promoted_at" timestamp with time zone,
	"archived_at" timestamp with time zone,
	"withdrawn_reason" text
);
--> statement-breakpoint
CREATE TABLE "pipeline_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"state" text DEFAULT 'running' NOT NULL,
	"config" jsonb NOT NULL,
	"data_hashes" jsonb,
	"report" jsonb,
	"error" text,
	"duration_ms" integer,
	"started_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "preprocessing_configs" (
	"name" text PRIMARY KEY NOT NULL,
	"config" jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollment_tokens" ADD CONSTRAINT "enrollment_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreement_pairs" ADD CONSTRAINT "agreement_pairs_host_a_hosts_id_fk" FOREIGN KEY ("host_a") REFERENCES "public"."hosts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreement_pairs" ADD CONSTRAINT "agreement_pairs_host_b_hosts_id_fk" FOREIGN KEY ("host_b") REFERENCES "public"."hosts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "host_reliability" ADD CONSTRAINT "host_reliability_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "host_samples" ADD CONSTRAINT "host_samples_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosts" ADD CONSTRAINT "hosts_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batches" ADD CONSTRAINT "batches_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_wu_id_work_units_id_fk" FOREIGN KEY ("wu_id") REFERENCES "public"."work_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replicas" ADD CONSTRAINT "replicas_wu_id_work_units_id_fk" FOREIGN KEY ("wu_id") REFERENCES "public"."work_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replicas" ADD CONSTRAINT "replicas_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replicas" ADD CONSTRAINT "replicas_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_units" ADD CONSTRAINT "work_units_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wu_reopenings" ADD CONSTRAINT "wu_reopenings_wu_id_work_units_id_fk" FOREIGN KEY ("wu_id") REFERENCES "public"."work_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wu_reopenings" ADD CONSTRAINT "wu_reopenings_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wu_reopenings" ADD CONSTRAINT "wu_reopenings_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_ledger" ADD CONSTRAINT "credit_ledger_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_ledger" ADD CONSTRAINT "credit_ledger_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_credit" ADD CONSTRAINT "user_credit_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "combined_results" ADD CONSTRAINT "combined_results_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "science_results" ADD CONSTRAINT "science_results_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "performance_follow_ups" ADD CONSTRAINT "performance_follow_ups_model_key_performance_models_key_fk" FOREIGN KEY ("model_key") REFERENCES "public"."performance_models"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "performance_milestones" ADD CONSTRAINT "performance_milestones_model_key_performance_models_key_fk" FOREIGN KEY ("model_key") REFERENCES "public"."performance_models"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "performance_points" ADD CONSTRAINT "performance_points_model_key_performance_models_key_fk" FOREIGN KEY ("model_key") REFERENCES "public"."performance_models"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_predictions" ADD CONSTRAINT "model_predictions_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_artifact_sha256_model_artifacts_sha256_fk" FOREIGN KEY ("artifact_sha256") REFERENCES "public"."model_artifacts"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD CONSTRAINT "pipeline_runs_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "preprocessing_configs" ADD CONSTRAINT "preprocessing_configs_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_user_idx" ON "api_keys" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "agreement_pairs_flagged_idx" ON "agreement_pairs" USING btree ("flagged_at") WHERE "agreement_pairs"."flagged_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "host_samples_host_at_idx" ON "host_samples" USING btree ("host_id","at");--> statement-breakpoint
CREATE INDEX "host_samples_at_idx" ON "host_samples" USING btree ("at");--> statement-breakpoint
CREATE INDEX "hosts_owner_idx" ON "hosts" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "batches_owner_idx" ON "batches" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "replicas_wu_host_uq" ON "replicas" USING btree ("wu_id","host_id");--> statement-breakpoint
CREATE UNIQUE INDEX "replicas_resumed_from_uq" ON "replicas" USING btree ("resumed_from") WHERE "replicas"."resumed_from" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "replicas_wu_owner_uq" ON "replicas" USING btree ("wu_id","owner_id");--> statement-breakpoint
CREATE INDEX "replicas_host_state_idx" ON "replicas" USING btree ("host_id","state");--> statement-breakpoint
CREATE INDEX "replicas_host_sent_idx" ON "replicas" USING btree ("host_id","sent_at");--> statement-breakpoint
CREATE INDEX "replicas_solo_idx" ON "replicas" USING btree ("host_id") WHERE "replicas"."solo" AND "replicas"."state" = 'in_progress';--> statement-breakpoint
CREATE INDEX "replicas_deadline_idx" ON "replicas" USING btree ("deadline") WHERE "replicas"."state" = 'in_progress';--> statement-breakpoint
CREATE INDEX "replicas_undelivered_idx" ON "replicas" USING btree ("sent_at") WHERE "replicas"."state" = 'in_progress' AND "replicas"."delivered_at" IS NULL;--> statement-breakpoint
CREATE INDEX "work_units_batch_idx" ON "work_units" USING btree ("batch_id","seq");--> statement-breakpoint
CREATE INDEX "work_units_claim_idx" ON "work_units" USING btree ("priority" DESC NULLS LAST,"id") WHERE "work_units"."replicas_needed" > 0;--> statement-breakpoint
CREATE INDEX "work_units_claim_kernel_idx" ON "work_units" USING btree ("kernel_ref","priority" DESC NULLS LAST,"id") WHERE "work_units"."replicas_needed" > 0;--> statement-breakpoint
CREATE INDEX "work_units_validate_idx" ON "work_units" USING btree ("id") WHERE "work_units"."needs_validation";--> statement-breakpoint
CREATE INDEX "work_units_assimilate_idx" ON "work_units" USING btree ("id") WHERE "work_units"."state" IN ('done', 'failed') AND "work_units"."assimilated_at" IS NULL;--> statement-breakpoint
CREATE INDEX "work_units_state_idx" ON "work_units" USING btree ("state");--> statement-breakpoint
CREATE INDEX "wu_reopenings_batch_idx" ON "wu_reopenings" USING btree ("batch_id","created_at");--> statement-breakpoint
CREATE INDEX "wu_reopenings_wu_idx" ON "wu_reopenings" USING btree ("wu_id");--> statement-breakpoint
CREATE INDEX "credit_ledger_host_idx" ON "credit_ledger" USING btree ("host_id","created_at");--> statement-breakpoint
CREATE INDEX "credit_ledger_user_idx" ON "credit_ledger" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_ledger_grant_uq" ON "credit_ledger" USING btree ("replica_id") WHERE "credit_ledger"."reverses_id" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "credit_ledger_reversal_uq" ON "credit_ledger" USING btree ("reverses_id") WHERE "credit_ledger"."reverses_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "science_results_batch_idx" ON "science_results" USING btree ("batch_id","seq");--> statement-breakpoint
CREATE INDEX "events_created_idx" ON "events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "events_kind_idx" ON "events" USING btree ("kind","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "performance_follow_ups_spec_uq" ON "performance_follow_ups" USING btree ("model_key","spec_sha256");--> statement-breakpoint
CREATE INDEX "performance_follow_ups_state_idx" ON "performance_follow_ups" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "performance_milestones_created_idx" ON "performance_milestones" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "performance_milestones_model_idx" ON "performance_milestones" USING btree ("model_key","created_at");--> statement-breakpoint
CREATE INDEX "performance_models_kernel_idx" ON "performance_models" USING btree ("kernel");--> statement-breakpoint
CREATE UNIQUE INDEX "performance_points_model_ordinal_uq" ON "performance_points" USING btree ("model_key","ordinal");--> statement-breakpoint
CREATE INDEX "bandit_decisions_created_idx" ON "bandit_decisions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "bandit_decisions_arm_idx" ON "bandit_decisions" USING btree ("arm","id");--> statement-breakpoint
CREATE INDEX "bandit_rewards_arm_idx" ON "bandit_rewards" USING btree ("arm","id");--> statement-breakpoint
CREATE INDEX "model_predictions_date_idx" ON "model_predictions" USING btree ("model_id","date");--> statement-breakpoint
CREATE UNIQUE INDEX "models_name_version_idx" ON "models" USING btree ("name","version");--> statement-breakpoint
CREATE UNIQUE INDEX "models_one_production_idx" ON "models" USING btree ("name") WHERE state = 'production';--> statement-breakpoint
CREATE INDEX "models_created_idx" ON "models" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "models_sport_type_idx" ON "models" USING btree ("sport","model_type");--> statement-breakpoint
CREATE UNIQUE INDEX "pipeline_runs_one_running_idx" ON "pipeline_runs" USING btree ("state") WHERE state = 'running';--> statement-breakpoint
CREATE INDEX "pipeline_runs_created_idx" ON "pipeline_runs" USING btree ("created_at");