"""Trying a business operation that the platform may refuse, and proving a refusal changed nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import psycopg

from masteryflow.testing.snapshots import fingerprint

REFUSAL_SQLSTATE = "MF000"  # schema/007: fail(code, sentence)


@dataclass(frozen=True)
class Refusal:
    code: str
    sentence: str


def attempt(operation: Callable[[], object]) -> Refusal | None:
    """Run the operation; return the platform's refusal, or None when it was accepted."""
    try:
        operation()
    except psycopg.Error as error:
        if error.sqlstate != REFUSAL_SQLSTATE:
            raise
        code, _, sentence = error.diag.message_primary.partition(": ")
        return Refusal(code, sentence)
    return None


def try_on(context, operation: Callable[[], object]) -> None:
    """Attempt the operation in the scenario's database; keep the refusal and the state before it."""
    context.state_before = fingerprint(context.db)
    context.refusal = attempt(operation)
