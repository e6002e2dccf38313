-- Payments and refunds: the provider's answers (confirm_payment / decline_payment) and refund().
--
-- The provider reference is the idempotency key: the same answer delivered twice returns the first
-- payment's id and changes nothing; the reference reused for anything else is refused.
-- Every succeeded payment records one 'charge' transaction for the buyer (ledger sign convention: 003).
--
-- Decisions where domain.md is silent:
-- * Only VIP contracts are paid in installments; any other order takes one payment of its full amount.
-- * A declined attempt leaves the order open for a retry. A declined renewal makes the subscription
--   past_due (since the first decline); when the grace period ends the order fails (010).
-- * Refunds are for one-time purchases: a plan is left by a downgrade at its period end instead.
--   The window runs from the moment the order was fully paid; a refund on the window's last moment counts.

CREATE FUNCTION payment_methods() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY['card', 'bank_transfer', 'paypal', 'sepa_debit'] $$;  -- = payments.method CHECK

-- The refusals common to a succeeded and a declined attempt.
CREATE FUNCTION check_payment_attempt(target orders, provider text, provider_reference text, method text,
                                      amount_cents integer, at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    lapse_at timestamptz;
BEGIN
    IF target.status NOT IN ('pending', 'partially_paid') THEN
        PERFORM fail('order_not_payable', format('order %s is %s and takes no payment', target.id, target.status));
    ELSIF amount_cents IS NULL OR amount_cents <= 0 THEN
        PERFORM fail('invalid_amount',
                     format('%s is not a payment amount; an amount is a positive number of cents', amount_cents));
    ELSIF amount_cents > target.amount_due_cents - target.amount_paid_cents THEN
        PERFORM fail('overpayment', format('order %s has %s left to pay', target.id,
                                           format_money(target.amount_due_cents - target.amount_paid_cents, target.currency)));
    ELSIF provider IS NULL OR provider !~ '^[a-z][a-z0-9_]*$' THEN
        PERFORM fail('invalid_provider', format('%L is not a payment provider name', provider));
    ELSIF provider_reference IS NULL OR length(provider_reference) NOT BETWEEN 1 AND 200 THEN
        PERFORM fail('invalid_reference', 'a payment needs the provider''s reference (1 to 200 characters)');
    ELSIF method IS NULL OR NOT method = ANY (payment_methods()) THEN
        PERFORM fail('unknown_payment_method', format('%L is not a payment method; the methods are %s',
                                                      method, array_to_string(payment_methods(), ', ')));
    ELSIF at < target.created_at THEN
        PERFORM fail('payment_before_order', format('order %s was placed after %s', target.id, at));
    END IF;
    SELECT s.past_due_since + setting_interval('renewal_grace_period') INTO lapse_at
      FROM subscriptions s WHERE s.id = target.subscription_id AND s.status = 'past_due' AND target.purpose = 'renewal';
    IF at >= lapse_at THEN
        PERFORM fail('renewal_lapsed', format('the grace period for this renewal ended on %s', lapse_at));
    END IF;
END $$;

-- The earlier answer for this reference when it is the same answer again; refused if it is another.
CREATE FUNCTION repeated_answer(target orders, reference text, answer text, amount_cents integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    earlier payments;
BEGIN
    SELECT * INTO earlier FROM payments WHERE provider_reference = reference;
    IF NOT FOUND THEN
        RETURN NULL;
    ELSIF earlier.order_id = target.id AND earlier.amount_cents = repeated_answer.amount_cents
          AND (earlier.status = answer OR answer = 'succeeded' AND earlier.status = 'refunded') THEN
        RETURN earlier.id;
    END IF;
    PERFORM fail('reference_reused', format('payment reference %L already belongs to another payment (%s, order %s)',
                                            reference, earlier.status, earlier.order_id));
END $$;

CREATE FUNCTION record_attempt(target orders, provider text, provider_reference text, method text,
                               amount_cents integer, outcome text, failure_reason text, at timestamptz) RETURNS bigint
LANGUAGE sql AS $$
    INSERT INTO payments (order_id, provider, provider_reference, method, amount_cents, currency, status,
                          failure_reason, attempt_number, attempted_at)
    VALUES (target.id, provider, provider_reference, method, amount_cents, target.currency, outcome, failure_reason,
            (SELECT count(*) + 1 FROM payments p WHERE p.order_id = target.id), at)
    RETURNING id
$$;

-- A succeeded payment: the charge, the order (partially) paid, and when fully paid what the order does.
-- Returns the payment id.
CREATE FUNCTION confirm_payment(order_id bigint, provider text, provider_reference text, method text,
                                amount_cents integer, at timestamptz DEFAULT now()) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    target orders := lock_order(order_id);
    payment_id bigint := repeated_answer(target, provider_reference, 'succeeded', amount_cents);
BEGIN
    PERFORM require_moment(at);
    IF payment_id IS NOT NULL THEN
        RETURN payment_id;
    END IF;
    PERFORM check_payment_attempt(target, provider, provider_reference, method, amount_cents, at);
    IF target.kind <> 'vip_custom' AND amount_cents <> target.amount_due_cents THEN
        PERFORM fail('amount_mismatch', format('order %s is paid in one payment of %s', target.id,
                                               format_money(target.amount_due_cents, target.currency)));
    END IF;
    payment_id := record_attempt(target, provider, provider_reference, method, amount_cents, 'succeeded', NULL, at);
    INSERT INTO transactions (kind, user_id, order_id, payment_id, amount_cents, currency, description, created_at)
    VALUES ('charge', target.buyer_id, target.id, payment_id, amount_cents, target.currency,
            'payment for a ' || replace(target.purpose, '_', ' ') || ' order', at);
    UPDATE orders o
       SET amount_paid_cents = o.amount_paid_cents + amount_cents,
           status = CASE WHEN o.amount_paid_cents + amount_cents >= o.amount_due_cents THEN 'paid' ELSE 'partially_paid' END,
           paid_at = CASE WHEN o.amount_paid_cents + amount_cents >= o.amount_due_cents THEN at END
     WHERE o.id = target.id
    RETURNING * INTO target;
    IF target.status = 'paid' THEN
        PERFORM apply_paid_order(target, payment_id, at);
    ELSE
        PERFORM log_activity(target.buyer_id, 'installment_paid', 'order', target.id,
                             jsonb_build_object('amount_cents', amount_cents,
                                                'left_cents', target.amount_due_cents - target.amount_paid_cents), NULL, at);
    END IF;
    RETURN payment_id;
END $$;

-- A declined attempt: recorded with the provider's reason; a declined renewal makes the plan past_due.
-- Returns the payment id.
CREATE FUNCTION decline_payment(order_id bigint, provider text, provider_reference text, method text,
                                amount_cents integer, failure_reason text, at timestamptz DEFAULT now()) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    target orders := lock_order(order_id);
    payment_id bigint := repeated_answer(target, provider_reference, 'declined', amount_cents);
BEGIN
    PERFORM require_moment(at);
    IF payment_id IS NOT NULL THEN
        RETURN payment_id;
    END IF;
    PERFORM check_payment_attempt(target, provider, provider_reference, method, amount_cents, at);
    IF failure_reason IS NULL OR btrim(failure_reason) = '' THEN
        PERFORM fail('missing_failure_reason', 'a declined payment needs the reason the provider gave');
    END IF;
    payment_id := record_attempt(target, provider, provider_reference, method, amount_cents, 'declined', failure_reason, at);
    PERFORM log_activity(NULL, 'payment_declined', 'order', target.id,
                         jsonb_build_object('payment_id', payment_id, 'reason', failure_reason), target.buyer_id, at);
    IF target.purpose = 'renewal' THEN
        UPDATE subscriptions SET status = 'past_due', past_due_since = at
         WHERE id = target.subscription_id AND status IN ('trialing', 'active');
        IF FOUND THEN
            PERFORM log_activity(NULL, 'subscription_past_due', 'subscription', target.subscription_id,
                                 jsonb_build_object('order_id', target.id), target.buyer_id, at);
        END IF;
    END IF;
    RETURN payment_id;
END $$;

-- Refund a paid one-time purchase within the refund window: every succeeded payment refunded, a negative
-- refund transaction per payment, the payout and platform fee reversed, the buyer's access gone.
-- Returns the amount refunded in cents.
CREATE FUNCTION refund(order_id bigint, at timestamptz DEFAULT now()) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    target orders := lock_order(order_id);
    refund_window interval := setting_interval('refund_window');
BEGIN
    PERFORM require_moment(at);
    IF target.status = 'refunded' THEN
        PERFORM fail('already_refunded', format('order %s was already refunded on %s', target.id,
                                                to_char(target.refunded_at AT TIME ZONE 'UTC', 'FMDD Mon YYYY')));
    ELSIF target.status <> 'paid' THEN
        PERFORM fail('order_not_paid',
                     format('order %s is %s; only a paid order can be refunded', target.id, target.status));
    ELSIF target.kind <> 'one_time' THEN
        PERFORM fail('not_refundable', 'plan payments are not refunded; a plan can be canceled at the end of its period');
    ELSIF at < target.paid_at THEN
        PERFORM fail('refund_before_payment', format('order %s was paid after %s', target.id, at));
    ELSIF at > target.paid_at + refund_window THEN
        PERFORM fail('refund_window_closed',
                     format('a purchase can be refunded within %s of its payment; this one was paid on %s', refund_window,
                            to_char(target.paid_at AT TIME ZONE 'UTC', 'FMDD Mon YYYY')));
    END IF;
    INSERT INTO transactions (kind, user_id, order_id, payment_id, amount_cents, currency, description, created_at)
    SELECT 'refund', target.buyer_id, target.id, p.id, -p.amount_cents, p.currency, 'refund of a purchase', at
      FROM payments p WHERE p.order_id = target.id AND p.status = 'succeeded';
    INSERT INTO transactions (kind, user_id, order_id, payment_id, amount_cents, currency, description, created_at)
    SELECT t.kind, t.user_id, t.order_id, t.payment_id, -t.amount_cents, t.currency, 'reversed by a refund', at
      FROM transactions t WHERE t.order_id = target.id AND t.kind IN ('payout', 'platform_fee');
    UPDATE payments p SET status = 'refunded', refunded_at = at WHERE p.order_id = target.id AND p.status = 'succeeded';
    UPDATE orders SET status = 'refunded', refunded_at = at WHERE id = target.id;
    PERFORM log_activity(target.buyer_id, 'order_refunded', 'order', target.id,
                         jsonb_build_object('amount_cents', target.amount_paid_cents),
                         (SELECT w.author_id FROM workflows w WHERE w.id = target.workflow_id), at);
    RETURN target.amount_paid_cents;
END $$;
