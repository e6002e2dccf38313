"""Users: the exact tier split, roles, sign-up times and the journey each user's history follows.

A journey names the scenario history (domain.md T1-T6, O1, O3, O6, E2, E6) the billing and
execution recipes build for the user; its final tier is the user's tier in the snapshot.
"""

from __future__ import annotations

import re

from masteryflow.seeding.clock import AS_OF, DAY, SIGNUPS_FROM, epoch, ts
from masteryflow.seeding.streams import stream
from masteryflow.seeding.world import User, World

# final tier -> (journey, users at scale 1); the first journey of a tier takes the remaining users
JOURNEYS = {
    "free": (("free", 0), ("lapsed", 5), ("quota_hitter", 3), ("suspended", 15), ("deleted", 8)),
    "pro": (("pro_new", 0), ("pro_renewed", 10), ("pro_retried", 4), ("pro_in_grace", 3),
            ("pro_downgraded", 3), ("pro_cancel_pending", 4), ("pro_heavy", 2)),
    "premium": (("premium_new", 0), ("premium_upgraded", 8), ("premium_downgrade_pending", 4),
                ("premium_vip_pending", 3)),
    "vip": (("vip_new", 0), ("vip_from_premium", 5), ("vip_installments", 5)),
}
EARLY_SIGNUP_END = epoch(2026, 9, 20)      # journeys with months of history sign up before this
AUTHOR_SIGNUP_END = SIGNUPS_FROM + 40 * DAY  # authors are there before the first workflow
GENERIC = {"free", "pro_new", "premium_new", "vip_new"}
NOT_LETTERS = re.compile(r"[^a-z]")


def build_users(world: World) -> None:
    rng = stream(world.seed, "users")
    pools = world.pools
    journeys = journeys_for(world)
    rng.shuffle(journeys)
    for user_id, (final_tier, journey) in enumerate(journeys, 1):
        first, last = rng.choice(pools.first_names), rng.choice(pools.last_names)
        local = f"{NOT_LETTERS.sub('', first.lower())}.{NOT_LETTERS.sub('', last.lower())}{user_id}"
        latest = EARLY_SIGNUP_END if journey not in GENERIC else AS_OF - 3 * DAY
        user = User(
            id=user_id, email=f"{local}@{rng.choice(pools.email_domains)}", display_name=f"{first} {last}",
            role="customer", status=status_of(journey), country=rng.choice(pools.countries),
            signed_up_at=rng.randrange(SIGNUPS_FROM, latest), project_id=f"{rng.getrandbits(44):011x}{user_id:05x}",
            final_tier=final_tier, journey=journey,
        )
        user.become("free", user.signed_up_at)
        world.users.append(user)
    assign_roles(world, rng)
    for user in world.users:
        world.log(user.signed_up_at, user, "signed_up", "user", user,
                  f'{{"tier": "free", "country": "{user.country}"}}')
    world.scenarios["T1"] = len(world.users)


def journeys_for(world: World) -> list[tuple[str, str]]:
    planned = []
    for tier, count in world.tier_split().items():
        kinds = JOURNEYS[tier]
        special = [(name, round(at_scale_1 * world.scale)) for name, at_scale_1 in kinds[1:]]
        remaining = count - sum(n for _, n in special)
        planned += [(tier, kinds[0][0])] * remaining
        planned += [(tier, name) for name, n in special for _ in range(n)]
    return planned


def status_of(journey: str) -> str:
    return {"suspended": "suspended", "deleted": "deleted"}.get(journey, "active")


def assign_roles(world: World, rng) -> None:
    """Authors (about 4 workflows each), a few moderators and admins, among ordinary accounts."""
    candidates = [user for user in world.users if user.journey in GENERIC]
    authors = max(2, world.volume("workflows") // 4)
    moderators = max(2, round(5 * world.scale))
    chosen = rng.sample(candidates, authors + moderators + 2)
    for position, user in enumerate(chosen):
        user.role = "author" if position < authors else "moderator" if position < authors + moderators else "admin"
        user.signed_up_at = rng.randrange(SIGNUPS_FROM, AUTHOR_SIGNUP_END)
        user.tier_starts[0] = user.signed_up_at


def user_rows(world: World) -> list[tuple]:
    return [
        (str(u.id), u.email, u.display_name, u.role, u.tier, u.status, u.country, ts(u.signed_up_at), u.project_id)
        for u in world.users
    ]
