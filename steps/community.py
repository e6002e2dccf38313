"""Steps about the community: ratings, comments and replies, reports and moderation, favorites."""

import re
from decimal import Decimal

from parameter_types import one_of
from behave import given, register_type, then, when
from hamcrest import assert_that, contains_exactly, contains_inanyorder, equal_to, has_entries

from masteryflow.testing.builders.community import create_comment
from masteryflow.testing.cast import meet
from masteryflow.testing.refusals import try_on
from masteryflow.testing.rules import call
from masteryflow.testing.scene import current_listing, listing, name_of, next_moment, title_of

MODERATION_STATES = {"visible": "visible", "hidden pending review": "hidden_pending_review", "removed": "removed"}
FEED_WORDING = {"comment_posted": "posted it", "comment_hidden": "hid it pending review",
                "comment_restored": "restored it", "comment_removed": "removed it"}
NOTIFICATION_WORDING = {"comment_posted": 'a comment on "{title}"', "comment_replied": 'a reply on "{title}"',
                        "workflow_rated": 'a rating of "{title}"'}


def parse_stars(text: str) -> int:
    return int(text)


parse_stars.pattern = r"-?\d+"


def parse_average(text: str) -> Decimal:
    return Decimal(text)


parse_average.pattern = r"\d\.\d\d"


def parse_people(text: str) -> list[str]:
    """'Ana, Ben and Cleo' -> ['Ana', 'Ben', 'Cleo']."""
    return re.split(r", | and ", text)


parse_people.pattern = r"[A-Z][a-z]+(?:(?:, | and )[A-Z][a-z]+)*"


def parse_report_reason(text: str) -> str:
    return text.replace(" ", "_")


parse_report_reason.pattern = "spam|abuse|off topic|misleading|other"


def parse_decision(text: str) -> str:
    """'restores' or 'restore' -> 'restore'."""
    return text.removesuffix("s")


parse_decision.pattern = "restores?|removes?"

register_type(Stars=parse_stars, Average=parse_average, People=parse_people, ReportReason=parse_report_reason,
              Decision=parse_decision, ModerationState=one_of(*MODERATION_STATES))


def latest_comment(context, author: str) -> dict:
    return context.db.execute("SELECT * FROM comments WHERE author_id = %s ORDER BY id DESC LIMIT 1",
                              (meet(context, author)["id"],)).fetchone()


# Each action is (business function, arguments); the people and workflows it names are met
# before a refusal is tried, so meeting them is not taken for a change made by the action.

def rating(context, person, title, stars, review=None) -> tuple:
    return ("rate_workflow", meet(context, person)["id"], listing(context, title)["id"], stars, review,
            next_moment(context))


def posting(context, person, workflow_id, body, answered=None) -> tuple:
    return ("add_comment", workflow_id, meet(context, person)["id"], body, answered["id"] if answered else None,
            next_moment(context))


def reporting(context, person, author, reason) -> tuple:
    return ("report_comment", latest_comment(context, author)["id"], meet(context, person)["id"], reason,
            next_moment(context))


def moderation(context, person, author, decision) -> tuple:
    return ("moderate_comment", latest_comment(context, author)["id"], meet(context, person)["id"], decision,
            next_moment(context))


def try_to(context, function_name, *args) -> None:
    try_on(context, lambda: call(context.db, function_name, *args))


# --- setting the scene ---------------------------------------------------------------------------

@given("{person:Person} is a moderator")
def step_moderator(context, person):
    meet(context, person, role="moderator")


@given("{person:Person} commented on {title:Title}")
def step_commented(context, person, title):
    create_comment(context.db, listing(context, title)["id"], meet(context, person)["id"], context.faker.sentence(),
                   at=next_moment(context))


# --- ratings -------------------------------------------------------------------------------------

@when("{person:Person} rates {title:Title} {stars:Stars} stars")
def step_rate(context, person, title, stars):
    call(context.db, *rating(context, person, title, stars))


@when("{person:Person} rates {title:Title} {stars:Stars} stars with the review {review:Text}")
def step_rate_with_review(context, person, title, stars, review):
    call(context.db, *rating(context, person, title, stars, review))


@when("{person:Person} tries to rate {title:Title} {stars:Stars} stars")
def step_try_rate(context, person, title, stars):
    try_to(context, *rating(context, person, title, stars))


@then("{title:Title} is rated {average:Average} from {count:Count} ratings")
def step_average(context, title, average, count):
    assert_that(current_listing(context, title), has_entries(average_rating=average, rating_count=count))


@then("{person:Person}'s rating of {title:Title} is {stars:Stars} stars")
@then("{person:Person}'s rating of {title:Title} is {stars:Stars} stars with the review {review:Text}")
def step_rating(context, person, title, stars, review=None):
    ratings = context.db.execute("SELECT * FROM ratings WHERE user_id = %s AND workflow_id = %s",
                                 (meet(context, person)["id"], listing(context, title)["id"])).fetchall()
    assert_that(ratings, contains_exactly(has_entries(stars=stars, review=review)))


# --- comments and notifications ------------------------------------------------------------------

@when("{person:Person} comments on {title:Title}: {body:Text}")
def step_comment(context, person, title, body):
    call(context.db, *posting(context, person, listing(context, title)["id"], body))


@when("{person:Person} tries to comment on {title:Title}: {body:Text}")
def step_try_comment(context, person, title, body):
    try_to(context, *posting(context, person, listing(context, title)["id"], body))


@when("{person:Person} replies to {author:Person}'s comment: {body:Text}")
def step_reply(context, person, author, body):
    answered = latest_comment(context, author)
    call(context.db, *posting(context, person, answered["workflow_id"], body, answered))


@when("{person:Person} tries to reply on {title:Title} to {author:Person}'s comment: {body:Text}")
def step_try_reply_elsewhere(context, person, title, author, body):
    try_to(context, *posting(context, person, listing(context, title)["id"], body, latest_comment(context, author)))


@then("the discussion of {title:Title} reads:")
def step_discussion(context, title):
    comments = context.db.execute(
        """SELECT c.author_id, c.body, parent.author_id AS answering_id FROM comments c
           LEFT JOIN comments parent ON parent.id = c.parent_id WHERE c.workflow_id = %s ORDER BY c.id""",
        (listing(context, title)["id"],)).fetchall()
    shown = [(name_of(context, row["author_id"]), row["body"],
              name_of(context, row["answering_id"]) if row["answering_id"] else "") for row in comments]
    assert_that(shown, equal_to([(row["author"], row["comment"], row["answering"]) for row in context.table]))


@then("{person:Person}'s notifications read:")
def step_notifications(context, person):
    notifications = context.db.execute("SELECT * FROM activities WHERE recipient_id = %s ORDER BY id",
                                       (meet(context, person)["id"],)).fetchall()
    shown = [(name_of(context, row["actor_id"]), notification_text(context, row)) for row in notifications]
    assert_that(shown, equal_to([(row["from"], row["about"]) for row in context.table]))


def notification_text(context, activity) -> str:
    title = title_of(context, activity["details"].get("workflow_id"))
    return NOTIFICATION_WORDING.get(activity["action"], activity["action"]).format(title=title)


# --- reports and moderation ----------------------------------------------------------------------

@when("{person:Person} reports {author:Person}'s comment as {reason:ReportReason}")
@when("{person:Person} reports {author:Person}'s comment as {reason:ReportReason} again")
def step_report(context, person, author, reason):
    call(context.db, *reporting(context, person, author, reason))


@when("{person:Person} tries to report {author:Person}'s comment as {reason:ReportReason}")
def step_try_report(context, person, author, reason):
    try_to(context, *reporting(context, person, author, reason))


@when("{person:Person} {decision:Decision} {author:Person}'s comment")
def step_moderate(context, person, decision, author):
    call(context.db, *moderation(context, person, author, decision))


@when("{person:Person} tries to {decision:Decision} {author:Person}'s comment")
def step_try_moderate(context, person, decision, author):
    try_to(context, *moderation(context, person, author, decision))


@then("{author:Person}'s comment is {state:ModerationState}, reported by {count:Count} people")
def step_moderation_state(context, author, state, count):
    reported = latest_comment(context, author)
    reporters = context.db.execute("SELECT count(DISTINCT reporter_id) AS n FROM comment_reports WHERE comment_id = %s",
                                   (reported["id"],)).fetchone()["n"]
    assert_that((reported["moderation_status"], reporters), equal_to((MODERATION_STATES[state], count)))


@then("the activity feed for {author:Person}'s comment reads:")
def step_comment_feed(context, author):
    feed = context.db.execute("SELECT * FROM activities WHERE subject_type = 'comment' AND subject_id = %s "
                              "ORDER BY created_at, id", (latest_comment(context, author)["id"],)).fetchall()
    shown = [(name_of(context, row["actor_id"]), feed_text(row)) for row in feed]
    assert_that(shown, equal_to([(row["who"], row["what"]) for row in context.table]))


def feed_text(activity) -> str:
    if activity["action"] == "comment_reported":
        return "reported it as " + activity["details"]["reason"].replace("_", " ")
    return FEED_WORDING.get(activity["action"], activity["action"])


# --- favorites -----------------------------------------------------------------------------------

@when("{person:Person} favorites {title:Title}")
@when("{person:Person} favorites {title:Title} again")
def step_favorite(context, person, title):
    call(context.db, "favorite_workflow", meet(context, person)["id"], listing(context, title)["id"],
         next_moment(context))


@when("{person:Person} unfavorites {title:Title}")
@when("{person:Person} unfavorites {title:Title} again")
def step_unfavorite(context, person, title):
    call(context.db, "unfavorite_workflow", meet(context, person)["id"], listing(context, title)["id"],
         next_moment(context))


@then("{title:Title} is a favorite of {count:Count} people: {people:People}")
@then("{title:Title} is a favorite of {count:Count} person: {people:People}")
def step_favorites(context, title, count, people):
    fans = context.db.execute("SELECT user_id FROM favorites WHERE workflow_id = %s",
                              (listing(context, title)["id"],)).fetchall()
    assert_that([name_of(context, row["user_id"]) for row in fans], contains_inanyorder(*people))
    assert_that(current_listing(context, title), has_entries(favorite_count=count))
