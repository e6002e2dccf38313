-- Tier journeys: sign-up, plan orders (new plan, upgrade with proration), scheduled downgrades,
-- the end of a billing period (renewal order, downgrade, cancellation) and the lapse of an unpaid
-- renewal after the grace period. Payments themselves are in 012_payment_rules.sql.
--
-- Every function takes the moment it acts at (`at`, default now()) so histories can be replayed,
-- locks the user it changes first (lock_user), and refuses bad input with fail() changing nothing.
--
-- Decisions where domain.md is silent:
-- * Proration counts days: a started day counts as a day left, days_left = ceil((period_end - at) / 1 day),
--   days_in_period = ceil((period_end - period_start) / 1 day). An upgrade never costs 0 while time is left.
-- * A subscription renews at its own monthly price (locked when it started; the negotiated one for VIP).
-- * A paid renewal advances the period from the old end: the billing date does not move during grace.
-- * The grace period starts at the first declined renewal; a payment or decline after it ended is refused.
-- * A scheduled downgrade takes effect at the period end, before its first payment: the old subscription
--   ends as 'expired', one of the lower tier starts at the old end, and a renewal order bills its period.
--   A downgrade to Free is cancel-at-period-end (the subscription ends as 'canceled').
-- * A user has at most one open (pending or partially paid) plan order; cancel_order() closes one.

-- numerator / denominator rounded half up, for numerator >= 0 and denominator > 0 (integer cents, no floats).
CREATE FUNCTION round_half_up_div(numerator bigint, denominator bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT (2 * numerator + denominator) / (2 * denominator) $$;

-- Days from one moment to another, a started day counting as a whole one.
CREATE FUNCTION started_days(from_moment timestamptz, to_moment timestamptz) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT ceil(extract(epoch FROM to_moment - from_moment) / 86400)::bigint $$;

-- (new price - old price) x days left / days in period, half up to the cent.
CREATE FUNCTION prorated_upgrade_cents(old_price_cents integer, new_price_cents integer, period_start timestamptz,
                                       period_end timestamptz, at timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT round_half_up_div((new_price_cents - old_price_cents)::bigint * started_days(at, period_end),
                             started_days(period_start, period_end))::integer
$$;

-- '199.00 USD': money as people read it, for error messages.
CREATE FUNCTION format_money(cents bigint, currency text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT to_char(cents / 100.0, 'FM999999990.00') || ' ' || currency $$;

-- The tier every user has without a paid plan (the cheapest, lowest-ranked plan: Free).
CREATE FUNCTION entry_tier() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT tier FROM plans ORDER BY rank LIMIT 1 $$;

-- Every operation happens at a stated moment.
CREATE FUNCTION require_moment(at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF at IS NULL THEN
        PERFORM fail('missing_time', 'the moment of the operation is required');
    END IF;
END $$;

-- The user locked (lock_user), refused unless the account is active.
CREATE FUNCTION lock_active_user(wanted_user_id bigint) RETURNS users
LANGUAGE plpgsql AS $$
DECLARE
    found_user users := lock_user(wanted_user_id);
BEGIN
    IF found_user.status <> 'active' THEN
        PERFORM fail('account_inactive', format('the account of user %s is %s', wanted_user_id, found_user.status));
    END IF;
    RETURN found_user;
END $$;

-- The user's live subscription, locked; a row of NULLs when the user is on Free.
CREATE FUNCTION live_subscription_of(owner_id bigint) RETURNS subscriptions
LANGUAGE sql AS $$
    SELECT * FROM subscriptions WHERE user_id = owner_id AND status IN ('trialing', 'active', 'past_due') FOR UPDATE
$$;

-- Sets the user's tier and logs tier_changed when it really changes.
CREATE FUNCTION set_user_tier(target_user bigint, new_tier text, reason text, actor bigint, at timestamptz)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    old_tier text;
BEGIN
    SELECT tier INTO old_tier FROM users WHERE id = target_user;
    IF old_tier IS DISTINCT FROM new_tier THEN
        UPDATE users SET tier = new_tier WHERE id = target_user;
        PERFORM log_activity(actor, 'tier_changed', 'user', target_user,
                             jsonb_build_object('from', old_tier, 'to', new_tier, 'reason', reason), target_user, at);
    END IF;
END $$;

CREATE FUNCTION refuse_open_plan_order(buyer bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    open_order_id bigint;
BEGIN
    SELECT id INTO open_order_id FROM orders
     WHERE buyer_id = buyer AND kind IN ('subscription', 'vip_custom') AND status IN ('pending', 'partially_paid')
     LIMIT 1;
    IF FOUND THEN
        PERFORM fail('order_already_open',
                     format('order %s for a plan is still open; it must be paid or canceled first', open_order_id));
    END IF;
END $$;

CREATE FUNCTION sign_up(email text, display_name text, country text, at timestamptz DEFAULT now())
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    new_user_id bigint;
BEGIN
    PERFORM require_moment(at);
    IF sign_up.email IS NULL OR sign_up.email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' THEN
        PERFORM fail('invalid_email', format('%L is not an email address', sign_up.email));
    END IF;
    IF sign_up.display_name IS NULL OR length(btrim(sign_up.display_name)) NOT BETWEEN 1 AND 120 THEN
        PERFORM fail('invalid_display_name', 'a display name has 1 to 120 characters');
    END IF;
    IF sign_up.country IS NULL OR sign_up.country !~ '^[A-Z]{2}$' THEN
        PERFORM fail('invalid_country', format('%L is not a two-letter country code such as DE or US', sign_up.country));
    END IF;
    IF EXISTS (SELECT 1 FROM users u WHERE lower(u.email) = lower(sign_up.email)) THEN
        PERFORM fail('email_taken', format('an account with the email %s already exists', sign_up.email));
    END IF;
    INSERT INTO users (email, display_name, country, tier, signed_up_at)
    VALUES (sign_up.email, btrim(sign_up.display_name), sign_up.country, entry_tier(), at)
    RETURNING id INTO new_user_id;
    PERFORM log_activity(new_user_id, 'signed_up', 'user', new_user_id,
                         jsonb_build_object('tier', entry_tier(), 'country', sign_up.country), NULL, at);
    RETURN new_user_id;
EXCEPTION WHEN unique_violation THEN  -- a concurrent sign-up with the same email won the race
    PERFORM fail('email_taken', format('an account with the email %s already exists', sign_up.email));
END $$;

-- Subscribe to a paid tier or upgrade to a higher one: creates the order to pay (returns its id).
-- The plan starts or changes when the order is paid (confirm_payment).
CREATE FUNCTION order_plan(buyer bigint, tier text, at timestamptz DEFAULT now()) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    wanted plans := plan_of(order_plan.tier);
    current subscriptions;
    current_plan plans;
    order_purpose text := 'new_subscription';
    price integer := wanted.monthly_price_cents;
    new_order_id bigint;
BEGIN
    PERFORM require_moment(at);
    PERFORM lock_active_user(buyer);
    IF wanted.price_is_negotiated THEN
        PERFORM fail('negotiated_tier',
                     format('%s is sold as a negotiated contract, not at a list price', wanted.display_name));
    END IF;
    IF wanted.tier = entry_tier() THEN
        PERFORM fail('not_a_paid_tier', format('%s needs no order; leaving a paid plan is a downgrade at the end '
                                               'of its period', wanted.display_name));
    END IF;
    current := live_subscription_of(buyer);
    IF current.status = 'past_due' THEN
        PERFORM fail('subscription_past_due', 'the current plan has an unpaid renewal; it must be paid first');
    END IF;
    PERFORM refuse_open_plan_order(buyer);
    IF current.id IS NOT NULL THEN
        current_plan := plan_of(current.tier);
        IF wanted.rank = current_plan.rank THEN
            PERFORM fail('already_on_tier', format('the user is already on %s', wanted.display_name));
        ELSIF wanted.rank < current_plan.rank THEN
            PERFORM fail('downgrade_not_immediate', format('%s is below %s; a downgrade is scheduled and takes effect '
                                                          'at the end of the period',
                                                          wanted.display_name, current_plan.display_name));
        ELSIF at >= current.current_period_end THEN
            PERFORM fail('renewal_due', 'the current period has ended; the plan renews before it can be upgraded');
        END IF;
        order_purpose := 'upgrade';
        price := prorated_upgrade_cents(current.monthly_price_cents, wanted.monthly_price_cents,
                                        current.current_period_start, current.current_period_end, at);
    END IF;
    INSERT INTO orders (kind, purpose, buyer_id, tier, subscription_id, list_price_cents, discount_cents,
                        amount_due_cents, currency, created_at)
    VALUES ('subscription', order_purpose, buyer, wanted.tier, current.id, price, 0, price, wanted.currency, at)
    RETURNING id INTO new_order_id;
    PERFORM log_activity(buyer, 'order_placed', 'order', new_order_id,
                         jsonb_build_object('purpose', order_purpose, 'tier', wanted.tier, 'amount_cents', price), NULL, at);
    IF price = 0 THEN  -- equal prices: nothing to pay, the change applies at once
        PERFORM settle_order_without_payment(new_order_id, at);
    END IF;
    RETURN new_order_id;
END $$;

-- A lower tier from the end of the current period (Free: the plan ends then). Returns the subscription id.
CREATE FUNCTION schedule_downgrade(subscriber bigint, tier text, at timestamptz DEFAULT now()) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    target plans := plan_of(schedule_downgrade.tier);
    current subscriptions;
    current_plan plans;
BEGIN
    PERFORM require_moment(at);
    PERFORM lock_active_user(subscriber);
    current := live_subscription_of(subscriber);
    IF current.id IS NULL THEN
        PERFORM fail('no_paid_plan', 'the user is on Free and has no plan to downgrade');
    ELSIF current.status = 'past_due' THEN
        PERFORM fail('subscription_past_due', 'the current plan has an unpaid renewal; it must be paid first');
    END IF;
    current_plan := plan_of(current.tier);
    IF target.rank >= current_plan.rank THEN
        PERFORM fail('not_a_downgrade', format('%s is not below %s', target.display_name, current_plan.display_name));
    END IF;
    UPDATE subscriptions
       SET cancel_at_period_end = (target.tier = entry_tier()),
           scheduled_tier = CASE WHEN target.tier = entry_tier() THEN NULL ELSE target.tier END
     WHERE id = current.id;
    PERFORM log_activity(subscriber, 'downgrade_scheduled', 'subscription', current.id,
                         jsonb_build_object('from', current.tier, 'to', target.tier,
                                            'effective_at', current.current_period_end), NULL, at);
    RETURN current.id;
END $$;

-- The end of a subscription's period: cancel (downgrade to Free), or switch to the scheduled tier,
-- and open the renewal order. Returns the renewal order id (NULL when the plan ended). Calling it
-- again while the renewal is open returns the same order.
CREATE FUNCTION renew_subscription(subscription_id bigint, at timestamptz DEFAULT now()) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    sub subscriptions;
    period_end timestamptz;
    next_plan plans;
    renewal_order_id bigint;
BEGIN
    PERFORM require_moment(at);
    SELECT * INTO sub FROM subscriptions WHERE id = renew_subscription.subscription_id;
    IF NOT FOUND THEN
        PERFORM fail('unknown_subscription', format('there is no subscription %s', renew_subscription.subscription_id));
    END IF;
    PERFORM lock_user(sub.user_id);
    SELECT * INTO sub FROM subscriptions WHERE id = sub.id FOR UPDATE;
    SELECT id INTO renewal_order_id FROM orders o
     WHERE o.subscription_id = sub.id AND o.purpose = 'renewal' AND o.status IN ('pending', 'partially_paid');
    IF FOUND THEN
        RETURN renewal_order_id;
    ELSIF sub.status NOT IN ('trialing', 'active') THEN
        PERFORM fail('not_renewable', format('subscription %s is %s', sub.id, sub.status));
    ELSIF sub.current_period_end > at THEN
        PERFORM fail('renewal_not_due',
                     format('the period of subscription %s runs until %s', sub.id, sub.current_period_end));
    END IF;
    period_end := sub.current_period_end;
    IF sub.cancel_at_period_end THEN
        UPDATE subscriptions SET status = 'canceled', ended_at = period_end WHERE id = sub.id;
        PERFORM set_user_tier(sub.user_id, entry_tier(), 'canceled_at_period_end', NULL, period_end);
        RETURN NULL;
    END IF;
    IF sub.scheduled_tier IS NOT NULL THEN
        next_plan := plan_of(sub.scheduled_tier);
        UPDATE subscriptions SET status = 'expired', ended_at = period_end WHERE id = sub.id;
        INSERT INTO subscriptions (user_id, tier, status, monthly_price_cents, currency, current_period_start,
                                   current_period_end, started_at)
        VALUES (sub.user_id, next_plan.tier, 'active', next_plan.monthly_price_cents, next_plan.currency, period_end,
                period_end + setting_interval('subscription_period'), period_end)
        RETURNING * INTO sub;
        PERFORM set_user_tier(sub.user_id, next_plan.tier, 'scheduled_downgrade', NULL, period_end);
    END IF;
    INSERT INTO orders (kind, purpose, buyer_id, tier, subscription_id, list_price_cents, amount_due_cents,
                        currency, created_at)
    VALUES ('subscription', 'renewal', sub.user_id, sub.tier, sub.id, sub.monthly_price_cents,
            sub.monthly_price_cents, sub.currency, at)
    RETURNING id INTO renewal_order_id;
    PERFORM log_activity(NULL, 'order_placed', 'order', renewal_order_id,
                         jsonb_build_object('purpose', 'renewal', 'tier', sub.tier, 'amount_cents', sub.monthly_price_cents),
                         sub.user_id, at);
    RETURN renewal_order_id;
END $$;

-- Past-due subscriptions whose grace period ended by `at`: canceled, the user back on Free,
-- the open renewal order failed. Returns how many lapsed.
CREATE FUNCTION expire_lapsed_subscriptions(at timestamptz DEFAULT now()) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    grace interval := setting_interval('renewal_grace_period');
    candidate record;
    sub subscriptions;
    lapsed_at timestamptz;
    lapsed integer := 0;
BEGIN
    PERFORM require_moment(at);
    FOR candidate IN SELECT id, user_id FROM subscriptions
                      WHERE status = 'past_due' AND past_due_since + grace <= at ORDER BY id LOOP
        PERFORM lock_user(candidate.user_id);
        SELECT * INTO sub FROM subscriptions WHERE id = candidate.id FOR UPDATE;
        CONTINUE WHEN sub.status <> 'past_due' OR sub.past_due_since + grace > at;
        lapsed_at := sub.past_due_since + grace;
        UPDATE subscriptions SET status = 'canceled', ended_at = lapsed_at, past_due_since = NULL WHERE id = sub.id;
        UPDATE orders SET status = 'failed'
         WHERE subscription_id = sub.id AND purpose = 'renewal' AND status IN ('pending', 'partially_paid');
        PERFORM set_user_tier(sub.user_id, entry_tier(), 'renewal_lapsed', NULL, lapsed_at);
        PERFORM log_activity(NULL, 'subscription_canceled', 'subscription', sub.id,
                             jsonb_build_object('reason', 'renewal_lapsed', 'past_due_since', sub.past_due_since),
                             sub.user_id, lapsed_at);
        lapsed := lapsed + 1;
    END LOOP;
    RETURN lapsed;
END $$;

-- The platform clock: lapses, then every period that ended by `at` (renew_subscription).
-- Returns how many subscriptions it acted on. Safe to call repeatedly.
CREATE FUNCTION advance_subscriptions(at timestamptz DEFAULT now()) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    acted integer := expire_lapsed_subscriptions(at);
    due record;
BEGIN
    PERFORM require_moment(at);
    FOR due IN SELECT s.id FROM subscriptions s
                WHERE s.status IN ('trialing', 'active') AND s.current_period_end <= at
                  AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.subscription_id = s.id AND o.purpose = 'renewal'
                                                           AND o.status IN ('pending', 'partially_paid'))
                ORDER BY s.id LOOP
        PERFORM renew_subscription(due.id, at);
        acted := acted + 1;
    END LOOP;
    RETURN acted;
END $$;
