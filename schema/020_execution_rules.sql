-- Execution rules (scenarios E1-E6): admitting a run request against entitlement and the month's
-- quota, then recording the run's life as the workers report it.
--
-- Decisions where the product definition is silent:
-- * A refused request is still recorded (status 'refused' + refusal_reason) so the customer and
--   support can see it; it is not usage: it counts in the 'refused_executions' metric, never in
--   'executions', and it logs an 'execution_refused' activity. Admitted runs log no activity
--   (the executions table is their record).
-- * Refusal reasons are checked in this order: account_inactive (the user is suspended or
--   deleted), workflow_unavailable (draft or archived), not_entitled, quota_exceeded.
-- * A workflow's author may run it without buying it. Tiers listed in the setting
--   'catalog_included_tiers' (VIP) run every published workflow without buying it.
-- * The quota is the requester's tier at request time (users.tier) against the runs admitted in
--   the calendar month (UTC) of the request; usage is the 'executions' metric of usage_logs.
-- * Run time ('execution_seconds') is whole seconds rounded up, booked to the month the run was
--   requested in, so a run's usage never straddles two months.
-- * A success or error reported after the tier's run timeout (strictly longer than
--   plans.run_timeout_seconds of the tier at request time) is recorded as 'timeout'. Exactly the
--   limit is still in time.
-- * workflows.error_count counts runs that ended in 'error' or 'timeout' (the workflow failed or
--   ran too long); 'crashed' means the platform lost the worker and is not held against the
--   workflow.
-- * Only a crash can end a run that never started (a worker lost it while queued); success,
--   error and timeout need a started run. A finished run cannot be finished again.

INSERT INTO meta.settings (name, value, description) VALUES
    ('catalog_included_tiers', 'vip',
     'Comma-separated tiers that run every published workflow without buying it.');

-- The workflow row; an unknown workflow is a clear error.
CREATE FUNCTION existing_workflow(wanted_workflow_id bigint) RETURNS workflows
LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_workflow workflows;
BEGIN
    SELECT * INTO found_workflow FROM workflows WHERE id = wanted_workflow_id;
    IF NOT FOUND THEN
        PERFORM fail('unknown_workflow', format('there is no workflow with id %s', wanted_workflow_id));
    END IF;
    RETURN found_workflow;
END $$;

-- The workflow row, locked for the rest of the transaction (counters recomputed under it).
CREATE FUNCTION lock_workflow(wanted_workflow_id bigint) RETURNS workflows
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM workflows WHERE id = wanted_workflow_id FOR UPDATE;
    RETURN existing_workflow(wanted_workflow_id);
END $$;

CREATE FUNCTION lock_execution(wanted_execution_id bigint) RETURNS executions
LANGUAGE plpgsql AS $$
DECLARE
    found_execution executions;
BEGIN
    SELECT * INTO found_execution FROM executions WHERE id = wanted_execution_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM fail('unknown_execution', format('there is no execution with id %s', wanted_execution_id));
    END IF;
    RETURN found_execution;
END $$;

CREATE FUNCTION monthly_usage(of_user_id bigint, of_month date, of_metric text) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT quantity FROM usage_logs
                     WHERE user_id = of_user_id AND period_month = of_month AND metric = of_metric), 0)
$$;

CREATE FUNCTION add_monthly_usage(of_user_id bigint, of_month date, of_metric text, amount bigint,
                                  at timestamptz) RETURNS bigint
LANGUAGE sql AS $$
    INSERT INTO usage_logs AS usage (user_id, period_month, metric, quantity, updated_at)
    VALUES (of_user_id, of_month, of_metric, amount, at)
    ON CONFLICT (user_id, period_month, metric) DO UPDATE
        SET quantity = usage.quantity + EXCLUDED.quantity,
            updated_at = greatest(usage.updated_at, EXCLUDED.updated_at)
    RETURNING quantity
$$;

-- May this user run this workflow at all (quota aside)? holds_purchase comes from 011_order_rules.
CREATE FUNCTION is_entitled(runner users, listing workflows) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT listing.price_cents = 0
        OR listing.author_id = runner.id
        OR runner.tier = ANY (string_to_array(setting_text('catalog_included_tiers'), ','))
        OR holds_purchase(runner.id, listing.id)
$$;

-- Why a run request must be refused, or NULL when it is admitted.
CREATE FUNCTION admission_refusal(runner users, listing workflows, runner_plan plans, in_month date)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN runner.status <> 'active' THEN 'account_inactive'
        WHEN listing.status <> 'published' THEN 'workflow_unavailable'
        WHEN NOT is_entitled(runner, listing) THEN 'not_entitled'
        WHEN runner_plan.executions_per_month IS NOT NULL
             AND monthly_usage(runner.id, in_month, 'executions') >= runner_plan.executions_per_month
            THEN 'quota_exceeded'
    END
$$;

-- E1-E3, E6: admit or refuse a run request; returns the recorded executions row.
CREATE FUNCTION request_execution(requesting_user_id bigint, wanted_workflow_id bigint,
                                  run_mode text DEFAULT 'webhook', at timestamptz DEFAULT now())
RETURNS executions
LANGUAGE plpgsql AS $$
DECLARE
    runner users;
    listing workflows;
    runner_plan plans;
    refusal text;
    run executions;
BEGIN
    IF at IS NULL THEN
        PERFORM fail('missing_time', 'a run request needs the time it was made');
    END IF;
    IF run_mode IS NULL OR run_mode NOT IN ('webhook', 'trigger', 'manual') THEN
        PERFORM fail('invalid_mode', format('%L is not a run mode; a run is started by webhook, trigger or manual',
                                            run_mode));
    END IF;
    -- Every request of one user waits here for the previous one to commit, so the quota count
    -- below is never read by two requests at once (no over-admission under concurrency, E6).
    runner := lock_user(requesting_user_id);
    listing := existing_workflow(wanted_workflow_id);
    IF at < runner.signed_up_at THEN
        PERFORM fail('invalid_time', format('a run cannot be requested at %s, before the user signed up at %s',
                                            at, runner.signed_up_at));
    END IF;
    runner_plan := plan_of(runner.tier);
    refusal := admission_refusal(runner, listing, runner_plan, month_of(at));

    INSERT INTO executions (user_id, workflow_id, tier, queue_priority, mode, status, refusal_reason, requested_at)
    VALUES (runner.id, listing.id, runner.tier, runner_plan.queue_priority, run_mode,
            CASE WHEN refusal IS NULL THEN 'queued' ELSE 'refused' END, refusal, at)
    RETURNING * INTO run;

    IF refusal IS NULL THEN
        PERFORM add_monthly_usage(runner.id, month_of(at), 'executions', 1, at);
        UPDATE workflows SET execution_count = execution_count + 1 WHERE id = listing.id;
    ELSE
        PERFORM add_monthly_usage(runner.id, month_of(at), 'refused_executions', 1, at);
        PERFORM log_activity(runner.id, 'execution_refused', 'execution', run.id,
                             jsonb_build_object('reason', refusal, 'workflow_id', listing.id, 'tier', runner.tier,
                                                'used_this_month', monthly_usage(runner.id, month_of(at), 'executions'),
                                                'monthly_limit', runner_plan.executions_per_month),
                             NULL, at);
    END IF;
    RETURN run;
END $$;

-- A worker picked the run up.
CREATE FUNCTION start_execution(started_execution_id bigint, n8n_id text, worker text,
                                at timestamptz DEFAULT now())
RETURNS executions
LANGUAGE plpgsql AS $$
DECLARE
    run executions := lock_execution(started_execution_id);
BEGIN
    IF run.status <> 'queued' THEN
        PERFORM fail('not_queued', format('execution %s is %s; only a queued run can start', run.id, run.status));
    END IF;
    IF coalesce(btrim(n8n_id), '') = '' OR coalesce(btrim(worker), '') = '' THEN
        PERFORM fail('missing_worker_details', 'a started run needs the n8n execution id and the worker that runs it');
    END IF;
    IF at IS NULL OR at < run.requested_at THEN
        PERFORM fail('invalid_time', format('execution %s was requested at %s; it cannot start at %s',
                                            run.id, run.requested_at, coalesce(at::text, 'no time')));
    END IF;
    IF EXISTS (SELECT 1 FROM executions WHERE n8n_execution_id = n8n_id) THEN
        PERFORM fail('duplicate_n8n_execution', format('n8n execution %L is already recorded for another run', n8n_id));
    END IF;
    UPDATE executions SET status = 'running', started_at = at, n8n_execution_id = n8n_id, worker_id = worker
    WHERE id = run.id
    RETURNING * INTO run;
    RETURN run;
END $$;

-- Checks a finish report against the run; raises on bad input.
CREATE FUNCTION check_finish_report(run executions, outcome text, at timestamptz, message text, node text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF outcome IS NULL OR outcome NOT IN ('success', 'error', 'timeout', 'crashed') THEN
        PERFORM fail('invalid_outcome', format('%L is not how a run ends; it ends in success, error, timeout or crashed',
                                               outcome));
    END IF;
    IF run.status NOT IN ('queued', 'running') THEN
        PERFORM fail('not_running', format('execution %s is %s; only a queued or running run can finish',
                                           run.id, run.status));
    END IF;
    IF run.status = 'queued' AND outcome <> 'crashed' THEN
        PERFORM fail('not_started', format('execution %s never started; only a crash can end it', run.id));
    END IF;
    IF at IS NULL OR at < coalesce(run.started_at, run.requested_at) THEN
        PERFORM fail('invalid_time', format('execution %s cannot finish at %s, before it started',
                                            run.id, coalesce(at::text, 'no time')));
    END IF;
    IF at - run.started_at > interval '1 millisecond' * 2147483647 THEN  -- durations are int4 milliseconds
        PERFORM fail('invalid_time', format('execution %s started at %s; a finish at %s would make it run for %s',
                                            run.id, run.started_at, at, at - run.started_at));
    END IF;
    IF outcome = 'error' AND coalesce(btrim(message), '') = '' THEN
        PERFORM fail('missing_error_message', 'a run that ended in error needs its error message');
    END IF;
    IF node IS NOT NULL AND outcome <> 'error' THEN
        PERFORM fail('unexpected_failed_node', format('only a run that ended in error has a failed node, not one that ended in %s',
                                                      outcome));
    END IF;
END $$;

-- E4, E5: a worker reports how the run ended.
CREATE FUNCTION finish_execution(finished_execution_id bigint, outcome text, at timestamptz DEFAULT now(),
                                 message text DEFAULT NULL, node text DEFAULT NULL)
RETURNS executions
LANGUAGE plpgsql AS $$
DECLARE
    run executions := lock_execution(finished_execution_id);
    time_limit interval := make_interval(secs => (plan_of(run.tier)).run_timeout_seconds);
    final_status text := outcome;
    run_seconds bigint;
BEGIN
    PERFORM check_finish_report(run, outcome, at, message, node);
    IF outcome IN ('success', 'error') AND at - run.started_at > time_limit THEN
        final_status := 'timeout';
        message := format('the run took %s, longer than the %s tier''s limit of %s', at - run.started_at, run.tier,
                          time_limit) || coalesce('; reported error: ' || message, '');
        node := NULL;
    ELSIF outcome = 'timeout' THEN
        message := coalesce(message, format('the run exceeded the %s tier''s limit of %s', run.tier, time_limit));
    END IF;

    UPDATE executions
    SET status = final_status, finished_at = at, error_message = message, failed_node = node,
        duration_ms = round(extract(epoch FROM at - started_at) * 1000)
    WHERE id = run.id
    RETURNING * INTO run;

    run_seconds := ceil(run.duration_ms / 1000.0);
    IF run_seconds > 0 THEN
        PERFORM add_monthly_usage(run.user_id, month_of(run.requested_at), 'execution_seconds', run_seconds, at);
    END IF;
    IF final_status IN ('error', 'timeout') THEN
        UPDATE workflows SET error_count = error_count + 1 WHERE id = run.workflow_id;
    END IF;
    RETURN run;
END $$;
