"""Comments with replies on the same workflow (C2), reports and moderation (C3)."""

from __future__ import annotations

from itertools import accumulate

from masteryflow.seeding.clock import AS_OF, DAY, HOUR, MINUTE, ts
from masteryflow.seeding.rules import MODERATION_THRESHOLD, NULL
from masteryflow.seeding.streams import stream
from masteryflow.seeding.world import World, number_by_time

REPORT_REASONS = ("spam", "abuse", "off_topic", "misleading", "other")


class Comment:
    __slots__ = ("id", "workflow", "author", "parent", "body", "status", "created_at", "updated_at",
                 "moderated_at", "moderator")

    def __init__(self, workflow, author, parent, body: str, created_at: int) -> None:
        self.workflow, self.author, self.parent, self.body = workflow, author, parent, body
        self.status, self.created_at, self.updated_at = "visible", created_at, created_at
        self.moderated_at = self.moderator = None
        self.id = 0


def build_comments(world: World) -> None:
    rng = stream(world.seed, "comments")
    workflows = [w for w in world.workflows if w.published_at is not None and w.published_at < AS_OF - 3 * DAY]
    cumulative = list(accumulate(w.popularity for w in workflows))
    people = [u for u in world.users if u.status == "active"]
    for _ in range(world.volume("comments")):
        author = rng.choice(people)
        parent = rng.choice(world.comments) if world.comments and rng.random() < 0.3 else None
        workflow = parent.workflow if parent else rng.choices(workflows, cum_weights=cumulative)[0]
        opens = max(author.signed_up_at, parent.created_at if parent else workflow.published_at) + 10 * MINUTE
        if opens >= AS_OF - HOUR:
            parent, workflow = None, workflows[0]
            opens = max(author.signed_up_at, workflow.published_at) + 10 * MINUTE
        body = " ".join(rng.sample(world.pools.sentences, rng.randint(1, 3)))
        comment = Comment(workflow, author, parent, body, rng.randrange(opens, AS_OF - HOUR))
        if rng.random() < 0.05:
            comment.updated_at = rng.randrange(comment.created_at, AS_OF)
        world.comments.append(comment)
    number_by_time(world.comments, lambda c: c.created_at)
    for comment in world.comments:
        log_posted(world, comment)
    world.scenarios["C2"] = sum(1 for c in world.comments if c.parent)
    report_some(world, stream(world.seed, "comment_reports"), people)


def log_posted(world: World, comment: Comment) -> None:
    """As add_comment (schema 021) logs it: the workflow's author is told, and a reply's parent author too."""
    workflow_author, parent = comment.workflow.author, comment.parent
    details = f'{{"workflow_id": {comment.workflow.id}, "parent_id": {parent.id if parent else "null"}}}'
    world.log(comment.created_at, comment.author, "comment_posted", "comment", comment, details,
              None if workflow_author is comment.author else workflow_author)
    if parent is not None and parent.author is not comment.author and parent.author is not workflow_author:
        world.log(comment.created_at, comment.author, "comment_replied", "comment", comment, details, parent.author)


def report_some(world: World, rng, people: list) -> None:
    """About 6 % of comments are reported; 4 in 10 of those by enough people to be hidden."""
    moderators = [u for u in world.users if u.role == "moderator"]
    for comment in world.comments:
        if rng.random() >= 0.06 or comment.created_at > AS_OF - 2 * DAY:
            continue
        wanted = rng.randint(MODERATION_THRESHOLD, 5) if rng.random() < 0.4 else rng.randint(1, MODERATION_THRESHOLD - 1)
        reporters = [u for u in rng.sample(people, wanted + 3) if u is not comment.author][:wanted]
        reports = sorted(((rng.randrange(max(comment.created_at, u.signed_up_at) + MINUTE, AS_OF - DAY), u)
                          for u in reporters if u.signed_up_at < AS_OF - 2 * DAY), key=lambda report: report[0])
        times = [at for at, _ in reports]
        for at, reporter in reports:
            reason = rng.choice(REPORT_REASONS)
            world.comment_reports.append((comment, reporter, reason, at))
            world.log(at, reporter, "comment_reported", "comment", comment, f'{{"reason": "{reason}"}}')
        if len(reports) >= MODERATION_THRESHOLD:
            hide(world, rng, comment, times, moderators)


def hide(world: World, rng, comment: Comment, report_times: list[int], moderators: list) -> None:
    hidden_at = report_times[MODERATION_THRESHOLD - 1]
    comment.status = "hidden_pending_review"
    world.log(hidden_at, None, "comment_hidden", "comment", comment,
              f'{{"reports": {MODERATION_THRESHOLD}, "threshold": {MODERATION_THRESHOLD}}}', comment.author)
    world.scenarios["C3"] += 1
    if rng.random() < 0.5:
        return                                       # still waiting for a moderator
    comment.moderator = rng.choice(moderators)
    comment.moderated_at = rng.randrange(report_times[-1] + MINUTE, AS_OF)
    comment.status = rng.choice(("visible", "removed"))
    action = "comment_restored" if comment.status == "visible" else "comment_removed"
    world.log(comment.moderated_at, comment.moderator, action, "comment", comment,
              f'{{"reports": {len(report_times)}}}', comment.author)


def comment_rows(world: World) -> list[tuple]:
    return [
        (str(c.id), str(c.workflow.id), str(c.author.id), NULL if c.parent is None else str(c.parent.id), c.body,
         c.status, ts(c.created_at), ts(c.updated_at), NULL if c.moderated_at is None else ts(c.moderated_at),
         NULL if c.moderator is None else str(c.moderator.id))
        for c in world.comments
    ]


def report_rows(world: World) -> list[tuple]:
    reports = sorted(world.comment_reports, key=lambda r: r[3])
    return [(str(number), str(comment.id), str(reporter.id), reason, "", ts(at))
            for number, (comment, reporter, reason, at) in enumerate(reports, 1)]
