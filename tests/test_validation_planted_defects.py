"""The validator catches defects planted one at a time in generated data, naming each one."""

from hamcrest import assert_that, contains_string, empty, has_entries, has_item

from masteryflow.testing import damage
from validation_support import damaged, seeded  # noqa: F401


def test_generated_data_passes_every_check(seeded):
    assert_that(seeded.failing_as_generated, empty())


def test_orphan_foreign_key_is_found_without_its_constraint(damaged):
    damage.drop_foreign_key(damaged.connection, "executions", "user_id")
    damage.point_at_nothing(damaged.connection, "executions", "user_id")
    assert_that(damaged.newly_failing(), has_entries({
        "foreign key executions(user_id) -> users(id)": has_item(
            contains_string("1 executions row(s) point at a users row that does not exist")),
        "live schema matches a fresh migration": has_item(contains_string("missing executions constraint FOREIGN KEY")),
    }))


def test_duplicate_email_differing_in_case_is_found(damaged):
    damaged.execute("DROP INDEX users_email_lower_key")
    damaged.execute("""UPDATE users SET email = upper((SELECT email FROM users ORDER BY id LIMIT 1))
                       WHERE id = (SELECT id FROM users ORDER BY id OFFSET 1 LIMIT 1)""")
    assert_that(damaged.newly_failing(), has_entries({
        "unique users(lower(email))": has_item(contains_string("emails are unique, ignoring case"))}))


def test_payment_before_its_order_is_found(damaged):
    damaged.execute("""UPDATE payments p SET attempted_at = o.created_at - interval '1 hour'
                       FROM orders o WHERE o.id = p.order_id AND p.id = (SELECT min(id) FROM payments)""")
    assert_that(damaged.newly_failing(), has_entries({
        "a payment is attempted after its order was placed": has_item(contains_string("1 time(s) out of order"))}))


def test_ledger_imbalance_is_found(damaged):
    damaged.execute("""UPDATE transactions SET amount_cents = amount_cents + 1
                       WHERE id = (SELECT min(t.id) FROM transactions t JOIN orders o ON o.id = t.order_id
                                   WHERE t.kind = 'charge' AND o.kind = 'subscription')""")
    assert_that(damaged.newly_failing(), has_entries({
        "user ledger balances": has_item(contains_string("1 user(s) whose ledger does not balance"))}))


def test_usage_not_matching_runs_is_found(damaged):
    damaged.execute("""UPDATE usage_logs SET quantity = quantity + 1
                       WHERE id = (SELECT min(id) FROM usage_logs WHERE metric = 'executions')""")
    assert_that(damaged.newly_failing(), has_entries({
        "usage counts admitted runs": has_item(contains_string("differs from the runs admitted"))}))


def test_hidden_comment_with_two_reporters_is_found(damaged):
    comment_id, author_id = damaged.row("""SELECT c.id, c.author_id FROM comments c WHERE c.moderation_status = 'visible'
                                             AND NOT EXISTS (SELECT 1 FROM comment_reports r WHERE r.comment_id = c.id)
                                           ORDER BY c.id LIMIT 1""")
    damaged.execute(f"""INSERT INTO comment_reports (comment_id, reporter_id, reason, created_at)
                        SELECT {comment_id}, id, 'spam', now() FROM users WHERE id <> {author_id} ORDER BY id LIMIT 2""")
    damaged.execute(f"UPDATE comments SET moderation_status = 'hidden_pending_review' WHERE id = {comment_id}")
    assert_that(damaged.newly_failing(), has_entries({
        "hidden comments reached the threshold": has_item(
            contains_string("1 hidden comment(s) with fewer than 3 distinct reporters"))}))


def test_missing_scenario_is_found(damaged):
    damaged.execute("UPDATE subscriptions SET scheduled_tier = NULL WHERE scheduled_tier = 'pro'")
    assert_that(damaged.newly_failing(), has_entries({
        "T5 Scheduled downgrade": has_item(contains_string("0 histories, expected at least 2"))}))


def test_dropped_column_is_schema_drift(damaged):
    damaged.execute("ALTER TABLE workflows DROP COLUMN description")
    assert_that(damaged.newly_failing(), has_entries({
        "live schema matches a fresh migration": has_item(contains_string("missing column workflows.description"))}))


def test_wrong_tier_split_is_found(damaged):
    damaged.execute("""UPDATE users SET tier = 'premium'
                       WHERE id = (SELECT min(id) FROM users u WHERE tier = 'free'
                                   AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = u.id))""")
    assert_that(damaged.newly_failing(), has_entries({
        "users per tier": has_item(contains_string("premium 121")),
        "tier follows live subscription": has_item(contains_string("1 user(s) whose tier differs")),
    }))


def test_favorite_missing_from_the_activity_feed_is_found(damaged):
    damaged.execute("""DELETE FROM activities a USING favorites f
                       WHERE f.id = (SELECT min(id) FROM favorites) AND a.action = 'workflow_favorited'
                         AND a.actor_id = f.user_id AND a.subject_id = f.workflow_id AND a.created_at = f.created_at""")
    assert_that(damaged.newly_failing(), has_entries({
        "favorites were logged": has_item(contains_string("1 favorite(s) without a workflow_favorited activity"))}))


def test_declined_payment_logged_about_another_payment_is_found(damaged):
    damaged.execute("""UPDATE activities SET details = jsonb_set(details, '{payment_id}', '0')
                       WHERE id = (SELECT min(id) FROM activities WHERE action = 'payment_declined')""")
    assert_that(damaged.newly_failing(), has_entries({
        "declined payments were logged": has_item(contains_string("1 declined payment(s) without"))}))
