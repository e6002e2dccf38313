-- Helpers every business function uses: named settings, plans, clear errors, the activity feed.
--
-- Error convention: a refused business operation raises SQLSTATE 'MF000' (class MF = MasteryFlow)
-- with a message "<reason_code>: <sentence a user can read>", so clients can switch on the code
-- and show the sentence. Nothing is changed when an error is raised (the statement rolls back).

CREATE FUNCTION fail(reason_code text, message text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'MF000', MESSAGE = reason_code || ': ' || message;
END $$;

CREATE FUNCTION setting_text(setting_name text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_value text;
BEGIN
    SELECT value INTO found_value FROM meta.settings WHERE name = setting_name;
    IF NOT FOUND THEN
        PERFORM fail('unknown_setting', format('there is no platform setting named %L', setting_name));
    END IF;
    RETURN found_value;
END $$;

CREATE FUNCTION setting_interval(setting_name text) RETURNS interval
LANGUAGE sql STABLE AS $$ SELECT setting_text(setting_name)::interval $$;

CREATE FUNCTION setting_int(setting_name text) RETURNS integer
LANGUAGE sql STABLE AS $$ SELECT setting_text(setting_name)::integer $$;

-- The plan row of a tier; an unknown tier is a clear error.
CREATE FUNCTION plan_of(wanted_tier text) RETURNS plans
LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_plan plans;
BEGIN
    SELECT * INTO found_plan FROM plans WHERE tier = wanted_tier;
    IF NOT FOUND THEN
        PERFORM fail('unknown_tier', format('%L is not a tier; the tiers are %s', wanted_tier,
                     (SELECT string_agg(tier, ', ' ORDER BY rank) FROM plans)));
    END IF;
    RETURN found_plan;
END $$;

-- The user row, locked for the rest of the transaction (operations on one user serialize on it).
CREATE FUNCTION lock_user(wanted_user_id bigint) RETURNS users
LANGUAGE plpgsql AS $$
DECLARE
    found_user users;
BEGIN
    SELECT * INTO found_user FROM users WHERE id = wanted_user_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM fail('unknown_user', format('there is no user with id %s', wanted_user_id));
    END IF;
    RETURN found_user;
END $$;

CREATE FUNCTION log_activity(actor bigint, action_name text, subject_kind text, subject bigint,
                             details jsonb DEFAULT '{}'::jsonb, recipient bigint DEFAULT NULL,
                             at timestamptz DEFAULT now()) RETURNS bigint
LANGUAGE sql AS $$
    INSERT INTO activities (actor_id, recipient_id, action, subject_type, subject_id, details, created_at)
    VALUES (actor, recipient, action_name, subject_kind, subject, details, at)
    RETURNING id
$$;

-- First day (UTC) of the calendar month containing a moment.
CREATE FUNCTION month_of(moment timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE AS $$ SELECT date_trunc('month', moment AT TIME ZONE 'UTC')::date $$;
