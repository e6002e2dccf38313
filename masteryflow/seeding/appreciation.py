"""Ratings (C1: only by users who ran or bought the workflow) and favorites (C4: one per user),
with the activities rate_workflow, favorite_workflow and unfavorite_workflow (schema 021) log."""

from __future__ import annotations

from itertools import accumulate

from masteryflow.seeding.clock import AS_OF, DAY, HOUR, MINUTE, ts
from masteryflow.seeding.rules import NULL
from masteryflow.seeding.streams import stream
from masteryflow.seeding.world import Numbered, World


def rating_rights(world: World) -> dict[tuple[int, int], int]:
    """(user, workflow) -> the moment the user earned the right to rate it."""
    rights = dict(world.first_admitted_run)
    for pair, (paid_at, refunded_at) in world.purchases.items():
        if refunded_at is None:
            rights[pair] = min(paid_at, rights.get(pair, paid_at))
    authors = {w.id: w.author.id for w in world.workflows}
    return {pair: at for pair, at in rights.items() if authors[pair[1]] != pair[0] and at < AS_OF - HOUR}


def build_ratings(world: World) -> None:
    rng = stream(world.seed, "ratings")
    rights = sorted(rating_rights(world).items())
    chosen = rng.sample(rights, min(world.volume("ratings"), len(rights)))
    chosen.sort(key=lambda item: item[1])
    for number, ((user_id, workflow_id), earned_at) in enumerate(chosen, 1):
        workflow = world.workflows[workflow_id - 1]
        quality = 4.7 - 8 * workflow.error_rate
        first_stars = stars = max(1, min(5, round(rng.gauss(quality, 0.9))))
        created = rng.randrange(earned_at + MINUTE, AS_OF)
        updated = rng.randrange(created, AS_OF) if rng.random() < 0.1 else created
        rating, rater = Numbered(number), world.users[user_id - 1]
        log_rated(world, created, rater, rating, workflow, first_stars, None)
        if updated != created:
            stars = max(1, min(5, stars + rng.choice((-1, 1))))   # re-rating replaces the stars
            log_rated(world, updated, rater, rating, workflow, stars, first_stars)
            world.scenarios["C1_rerated"] += 1
        review = " ".join(rng.sample(world.pools.sentences, rng.randint(1, 2))) if rng.random() < 0.4 else NULL
        workflow.stars.append(stars)
        world.ratings.append((str(number), str(workflow_id), str(user_id), str(stars), review, ts(created), ts(updated)))
    world.scenarios["C1"] = len(world.ratings)


def log_rated(world: World, at: int, rater, rating: Numbered, workflow, stars: int, previous: int | None) -> None:
    world.log(at, rater, "workflow_rated", "rating", rating,
              f'{{"workflow_id": {workflow.id}, "stars": {stars}, '
              f'"previous_stars": {"null" if previous is None else previous}}}',
              workflow.author)


def build_favorites(world: World) -> None:
    rng = stream(world.seed, "favorites")
    workflows = [w for w in world.workflows if w.published_at is not None and w.published_at < AS_OF - 2 * DAY]
    cumulative = list(accumulate(w.popularity for w in workflows))
    people = [u for u in world.users if u.status == "active" and u.signed_up_at < AS_OF - 2 * DAY]
    wanted = world.volume("favorites")
    taken, picks = set(), []
    while len(picks) < wanted:
        user = rng.choice(people)
        workflow = rng.choices(workflows, cum_weights=cumulative)[0]
        if (user.id, workflow.id) in taken:
            continue                                  # favoriting twice is one favorite
        taken.add((user.id, workflow.id))
        picks.append((rng.randrange(max(user.signed_up_at, workflow.published_at) + HOUR, AS_OF), user, workflow))
    picks.sort(key=lambda pick: pick[0])
    for number, (at, user, workflow) in enumerate(picks, 1):
        opens = max(user.signed_up_at, workflow.published_at) + HOUR
        if rng.random() < 0.03 and opens + MINUTE < at < AS_OF - DAY:
            # an earlier favorite, removed, and given again later
            world.log(rng.randrange(opens, at), user, "workflow_favorited", "workflow", workflow)
            world.log(at, user, "workflow_unfavorited", "workflow", workflow)
            world.scenarios["C4_unfavorited"] += 1
            at = rng.randrange(at + HOUR, AS_OF)
        world.log(at, user, "workflow_favorited", "workflow", workflow)
        workflow.favorite_count += 1
        world.favorites.append((str(number), str(workflow.id), str(user.id), ts(at)))
    world.scenarios["C4"] = len(world.favorites)
