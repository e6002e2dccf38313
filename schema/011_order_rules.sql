-- Orders: one-time workflow purchases, VIP contracts, cancellation, and what a fully paid order does
-- (start or change a plan, renew a period, split a purchase between author and platform).
-- Plan orders (new plan, upgrade) are placed by order_plan() in 010; payments are in 012.
--
-- Decisions where domain.md is silent:
-- * A purchase costs the list price minus the buyer's tier discount, the AMOUNT rounded half up to the cent
--   (discount = list price - amount). The discount is the buyer's tier when the order is placed.
-- * The author's payout is taken from the amount paid; a share of 0 cents records no ledger row.
-- * A VIP contract's negotiated price is its monthly price; the order pays the first month, no tier discount.
--   VIP replaces whatever plan the user holds (that subscription ends as 'upgraded') once fully paid.
-- * orders.subscription_id: for a new plan or VIP the subscription the payment created (set when paid),
--   for an upgrade the one it upgraded, for a renewal the one it renews.
-- * Only pending orders without any succeeded payment can be canceled; renewals cannot (they lapse).

-- Does the buyer hold a paid, unrefunded purchase of the workflow?
CREATE FUNCTION holds_purchase(buyer bigint, workflow bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM orders
                    WHERE buyer_id = buyer AND workflow_id = workflow AND kind = 'one_time' AND status = 'paid')
$$;

CREATE FUNCTION order_workflow(buyer bigint, workflow bigint, at timestamptz DEFAULT now()) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    buyer_row users := lock_active_user(buyer);
    listing workflows;
    open_order_id bigint;
    amount integer;
    new_order_id bigint;
BEGIN
    PERFORM require_moment(at);
    SELECT * INTO listing FROM workflows WHERE id = workflow;
    IF NOT FOUND THEN
        PERFORM fail('unknown_workflow', format('there is no workflow %s', workflow));
    ELSIF listing.status <> 'published' THEN
        PERFORM fail('workflow_unavailable', format('%L is not on sale', listing.title));
    ELSIF listing.price_cents = 0 THEN
        PERFORM fail('workflow_is_free', format('%L is free to run; it needs no purchase', listing.title));
    ELSIF listing.author_id = buyer THEN
        PERFORM fail('own_workflow', 'authors do not buy their own workflows');
    ELSIF holds_purchase(buyer, workflow) THEN
        PERFORM fail('already_purchased', format('the buyer already owns %L', listing.title));
    END IF;
    SELECT id INTO open_order_id FROM orders
     WHERE buyer_id = buyer AND workflow_id = workflow AND status IN ('pending', 'partially_paid');
    IF FOUND THEN
        PERFORM fail('order_already_open', format('order %s for %L is still open', open_order_id, listing.title));
    END IF;
    amount := round_half_up_div(
        listing.price_cents::bigint * (100 - (plan_of(buyer_row.tier)).marketplace_discount_percent), 100);
    INSERT INTO orders (kind, purpose, buyer_id, workflow_id, list_price_cents, discount_cents, amount_due_cents,
                        currency, created_at)
    VALUES ('one_time', 'purchase', buyer, workflow, listing.price_cents, listing.price_cents - amount, amount,
            listing.currency, at)
    RETURNING id INTO new_order_id;
    PERFORM log_activity(buyer, 'order_placed', 'order', new_order_id,
                         jsonb_build_object('purpose', 'purchase', 'workflow_id', workflow, 'amount_cents', amount),
                         NULL, at);
    RETURN new_order_id;
END $$;

CREATE FUNCTION order_vip_contract(buyer bigint, monthly_price_cents integer, at timestamptz DEFAULT now())
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    buyer_row users := lock_active_user(buyer);
    vip plans := plan_of('vip');
    current subscriptions := live_subscription_of(buyer);
    new_order_id bigint;
BEGIN
    PERFORM require_moment(at);
    IF monthly_price_cents IS NULL OR monthly_price_cents < vip.monthly_price_cents THEN
        PERFORM fail('below_vip_minimum', format('a VIP contract costs at least %s a month',
                                                 format_money(vip.monthly_price_cents, vip.currency)));
    ELSIF buyer_row.tier = vip.tier THEN
        PERFORM fail('already_on_tier', format('the user is already on %s', vip.display_name));
    ELSIF current.status = 'past_due' THEN
        PERFORM fail('subscription_past_due', 'the current plan has an unpaid renewal; it must be paid first');
    END IF;
    PERFORM refuse_open_plan_order(buyer);
    INSERT INTO orders (kind, purpose, buyer_id, tier, list_price_cents, amount_due_cents, currency, created_at)
    VALUES ('vip_custom', 'vip_contract', buyer, vip.tier, monthly_price_cents, monthly_price_cents, vip.currency, at)
    RETURNING id INTO new_order_id;
    PERFORM log_activity(buyer, 'order_placed', 'order', new_order_id,
                         jsonb_build_object('purpose', 'vip_contract', 'tier', vip.tier, 'amount_cents', monthly_price_cents),
                         NULL, at);
    RETURN new_order_id;
END $$;

-- The order locked after its buyer (the lock order every function follows: user, then order).
CREATE FUNCTION lock_order(wanted_order_id bigint) RETURNS orders
LANGUAGE plpgsql AS $$
DECLARE
    found_order orders;
BEGIN
    SELECT * INTO found_order FROM orders WHERE id = wanted_order_id;
    IF NOT FOUND THEN
        PERFORM fail('unknown_order', format('there is no order %s', wanted_order_id));
    END IF;
    PERFORM lock_user(found_order.buyer_id);
    SELECT * INTO found_order FROM orders WHERE id = wanted_order_id FOR UPDATE;
    RETURN found_order;
END $$;

CREATE FUNCTION cancel_order(order_id bigint, at timestamptz DEFAULT now()) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    target orders := lock_order(order_id);
BEGIN
    PERFORM require_moment(at);
    IF target.status <> 'pending' THEN
        PERFORM fail('order_not_cancelable',
                     format('order %s is %s; only an unpaid order can be canceled', target.id, target.status));
    ELSIF target.purpose = 'renewal' THEN
        PERFORM fail('order_not_cancelable', 'a renewal is paid or lapses at the end of the grace period');
    END IF;
    UPDATE orders SET status = 'canceled' WHERE id = target.id;
    PERFORM log_activity(target.buyer_id, 'order_canceled', 'order', target.id, '{}'::jsonb, NULL, at);
END $$;

-- New plan, upgrade or VIP: the previous plan (if any) ends as upgraded, the new one starts now.
CREATE FUNCTION start_paid_plan(paid orders, at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    current subscriptions := live_subscription_of(paid.buyer_id);
    new_plan plans := plan_of(paid.tier);
    period_end timestamptz := at + setting_interval('subscription_period');
    new_subscription_id bigint;
BEGIN
    IF paid.purpose = 'new_subscription' AND current.id IS NOT NULL
       OR paid.purpose = 'upgrade'
          AND (current.id IS DISTINCT FROM paid.subscription_id OR at >= current.current_period_end) THEN
        PERFORM fail('order_outdated', format('the plan changed since order %s was placed; a new order is needed', paid.id));
    END IF;
    IF paid.purpose = 'upgrade' THEN
        period_end := current.current_period_end;  -- the upgrade keeps the period's end
    END IF;
    IF current.id IS NOT NULL THEN
        UPDATE subscriptions SET status = 'upgraded', ended_at = at, past_due_since = NULL WHERE id = current.id;
        UPDATE orders SET status = 'canceled'
         WHERE subscription_id = current.id AND purpose = 'renewal' AND status = 'pending';
    END IF;
    INSERT INTO subscriptions (user_id, tier, status, monthly_price_cents, currency, current_period_start,
                               current_period_end, started_at)
    VALUES (paid.buyer_id, new_plan.tier, 'active',
            CASE WHEN new_plan.price_is_negotiated THEN paid.amount_due_cents ELSE new_plan.monthly_price_cents END,
            new_plan.currency, at, period_end, at)
    RETURNING id INTO new_subscription_id;
    IF paid.purpose <> 'upgrade' THEN
        UPDATE orders SET subscription_id = new_subscription_id WHERE id = paid.id;
    END IF;
    PERFORM set_user_tier(paid.buyer_id, new_plan.tier, paid.purpose, paid.buyer_id, at);
END $$;

-- A paid renewal: active again, and the period advances from its old end if it has ended.
CREATE FUNCTION extend_paid_period(paid orders, at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    sub subscriptions;
BEGIN
    SELECT * INTO sub FROM subscriptions WHERE id = paid.subscription_id FOR UPDATE;
    IF sub.status NOT IN ('trialing', 'active', 'past_due') THEN
        PERFORM fail('order_outdated', format('subscription %s has ended; its renewal cannot be paid', sub.id));
    END IF;
    IF sub.current_period_end <= at THEN
        sub.current_period_start := sub.current_period_end;
        sub.current_period_end := sub.current_period_end + setting_interval('subscription_period');
    END IF;
    UPDATE subscriptions
       SET status = 'active', past_due_since = NULL,
           current_period_start = sub.current_period_start, current_period_end = sub.current_period_end
     WHERE id = sub.id;
    PERFORM log_activity(NULL, 'subscription_renewed', 'subscription', sub.id,
                         jsonb_build_object('period_end', sub.current_period_end), paid.buyer_id, at);
END $$;

-- A paid purchase: the author's payout (percent rounded down) and the platform's fee (the rest).
CREATE FUNCTION split_purchase(paid orders, payment_id bigint, at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    author_id bigint := (SELECT w.author_id FROM workflows w WHERE w.id = paid.workflow_id);
    payout integer := (paid.amount_due_cents::bigint * setting_int('author_payout_percent')) / 100;
    platform_fee integer := paid.amount_due_cents - payout;
BEGIN
    INSERT INTO transactions (kind, user_id, order_id, payment_id, amount_cents, currency, description, created_at)
    SELECT share.kind, share.user_id, paid.id, split_purchase.payment_id, share.cents, paid.currency, share.description, at
      FROM (VALUES ('payout', author_id, payout, 'author share of a workflow sale'),
                   ('platform_fee', NULL::bigint, platform_fee, 'platform share of a workflow sale'))
           AS share (kind, user_id, cents, description)
     WHERE share.cents <> 0;
    PERFORM log_activity(paid.buyer_id, 'workflow_purchased', 'workflow', paid.workflow_id,
                         jsonb_build_object('order_id', paid.id, 'payout_cents', payout), author_id, at);
END $$;

-- Everything a fully paid order does (the order row is already marked paid).
CREATE FUNCTION apply_paid_order(paid orders, payment_id bigint, at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    CASE paid.purpose
        WHEN 'new_subscription', 'upgrade', 'vip_contract' THEN PERFORM start_paid_plan(paid, at);
        WHEN 'renewal' THEN PERFORM extend_paid_period(paid, at);
        WHEN 'purchase' THEN PERFORM split_purchase(paid, payment_id, at);
    END CASE;
    PERFORM log_activity(paid.buyer_id, 'order_paid', 'order', paid.id,
                         jsonb_build_object('purpose', paid.purpose, 'amount_cents', paid.amount_due_cents), NULL, at);
END $$;

-- An order with nothing to pay (an upgrade between equally priced tiers) is paid at once.
CREATE FUNCTION settle_order_without_payment(order_id bigint, at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    settled orders;
BEGIN
    UPDATE orders SET status = 'paid', paid_at = at WHERE id = order_id AND amount_due_cents = 0
    RETURNING * INTO settled;
    PERFORM apply_paid_order(settled, NULL, at);
END $$;
