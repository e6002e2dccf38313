"""COPY text: rows of strings (NULL = SQL NULL) to the text format PostgreSQL's COPY reads.

Values are made COPY-safe where they are created (pools.copy_safe), so rendering is a join.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from masteryflow.seeding.layout import COLUMNS, FILES
from masteryflow.seeding.rules import NULL, PLANS

PLAN_COLUMNS = ("tier", "display_name", "rank", "monthly_price_cents", "price_is_negotiated",
                "executions_per_month", "queue_priority", "run_timeout_seconds", "marketplace_discount_percent")


@dataclass(frozen=True)
class Block:
    """One table's data: a COPY statement (or, for plans, an upsert) and the setval that follows.

    A table drawn in parts comes as several blocks; only the last one is final (the table is full).
    """
    table: str
    statement: str
    data: bytes          # COPY payload (empty for an upsert)
    rows: int
    final: bool = True

    @property
    def setval(self) -> str | None:
        """Move the identity sequence past the loaded ids (plans has no identity)."""
        if self.table == "plans":
            return None
        return (f"SELECT setval(pg_get_serial_sequence('{self.table}', 'id'), coalesce(max(id), 0) + 1, false) "
                f"FROM {self.table};")


def copy_block(table: str, rows: list[tuple], final: bool = True) -> Block:
    """rows: tuples of strings (NULL for SQL NULL), or lines already joined."""
    lines = rows if rows and isinstance(rows[0], str) else map("\t".join, rows)
    data = ("\n".join(lines) + "\n").encode() if rows else b""
    columns = ", ".join(COLUMNS[table].split())
    return Block(table, f"COPY {table} ({columns}) FROM STDIN", data, len(rows), final)


def joined(parts: list[Block]) -> Block:
    """The parts of one table as the single block its file holds."""
    return replace(parts[-1], data=b"".join(part.data for part in parts), rows=sum(part.rows for part in parts),
                   final=True)


def plans_block() -> Block:
    def literal(value) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"

    values = ",\n       ".join(
        "(" + ", ".join(literal(getattr(plan, column)) for column in PLAN_COLUMNS) + ")" for plan in PLANS.values())
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in PLAN_COLUMNS[1:])
    statement = (f"INSERT INTO plans ({', '.join(PLAN_COLUMNS)})\nVALUES {values}\n"
                 f"ON CONFLICT (tier) DO UPDATE SET {updates}")
    return Block("plans", statement, b"", len(PLANS))


def file_text(name: str, blocks: list[Block], header: str) -> bytes:
    """A file psql -f can load on its own (after the files before it), in one transaction."""
    parts = [f"-- {name}: {', '.join(FILES[name])}\n-- {header}\n\\set ON_ERROR_STOP on\nBEGIN;\n".encode()]
    for block in blocks:
        if block.data or block.table != "plans":
            parts += [f"{block.statement.replace('STDIN', 'stdin')};\n".encode(), block.data, b"\\.\n"]
        else:
            parts.append(f"{block.statement};\n".encode())
    parts += [f"{block.setval}\n".encode() for block in blocks if block.setval]
    parts.append(b"COMMIT;\n")
    return b"".join(parts)
