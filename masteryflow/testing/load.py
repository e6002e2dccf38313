"""Many simultaneous calls of one business function over a pool of separate connections, to
show that the rules hold under concurrency (nothing on this side serializes the calls)."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
from psycopg.rows import dict_row

from masteryflow.testing.rules import rule_call


def call_concurrently(database_url: str, function_name: str, calls: list[tuple], *,
                      connections: int) -> list[dict]:
    """Calls function_name once per argument tuple in `calls`, from `connections` threads each with
    its own autocommit connection, all released at once; returns the result rows in call order."""
    query = rule_call(function_name, len(calls[0]))
    idle: queue.Queue = queue.Queue()
    opened = [psycopg.connect(database_url, autocommit=True, row_factory=dict_row) for _ in range(connections)]
    for connection in opened:
        idle.put(connection)
    starting_gun = threading.Event()

    def one_call(args: tuple) -> dict:
        starting_gun.wait()
        connection = idle.get()
        try:
            return connection.execute(query, args).fetchone()
        finally:
            idle.put(connection)

    try:
        with ThreadPoolExecutor(max_workers=connections) as pool:
            pending = [pool.submit(one_call, args) for args in calls]
            starting_gun.set()
            return [call.result() for call in pending]
    finally:
        for connection in opened:
            connection.close()
