"""Schema drift: the live database against a fresh migration of schema/ (tables, columns, types,
constraints, indexes, functions). One finding per kind of object, naming every difference."""

from __future__ import annotations

from masteryflow import db
from masteryflow.validation.catalog import Catalog, read_catalog
from masteryflow.validation.findings import Check, Finding, Probe

CONCERN = "schema drift"


def compare(kind: str, expected: set, live: set, show) -> Finding:
    missing = sorted(expected - live)
    extra = sorted(live - expected)
    if not missing and not extra:
        return Finding(True, f"{kind}: as migrated ({len(expected)})")
    differences = tuple([f"missing {show(item)}" for item in missing] + [f"unexpected {show(item)}" for item in extra])
    return Finding(False, f"{kind}: {len(missing)} missing, {len(extra)} unexpected compared with schema/",
                   len(differences), differences)


def column_differences(expected: Catalog, live: Catalog) -> Finding:
    shared = expected.columns.keys() & live.columns.keys()
    changed = tuple(
        f"{table}.{column} is {live.columns[(table, column)][0]}{' not null' if live.columns[(table, column)][1] else ''},"
        f" expected {expected.columns[(table, column)][0]}{' not null' if expected.columns[(table, column)][1] else ''}"
        for table, column in sorted(shared) if expected.columns[(table, column)] != live.columns[(table, column)])
    if not changed:
        return Finding(True, f"column types and nullability: as migrated ({len(shared)} columns)")
    return Finding(False, f"column types and nullability: {len(changed)} column(s) differ from schema/",
                   len(changed), changed)


def migrations_applied(probe: Probe) -> Finding:
    """The migration files of schema/ against those the database recorded (name and checksum)."""
    files = {migration.version: migration.checksum for migration in db.migrations()}
    applied = dict(probe.rows("SELECT version, checksum FROM meta.schema_migrations"))
    differences = tuple(
        [f"{version} not applied" for version in sorted(files.keys() - applied.keys())]
        + [f"{version} applied from another version of the file" for version in sorted(files.keys() & applied.keys())
           if files[version] != applied[version]]
        + [f"{version} applied but not in schema/" for version in sorted(applied.keys() - files.keys())])
    if not differences:
        return Finding(True, f"migrations applied: all {len(files)} files of schema/, unchanged")
    return Finding(False, f"migrations applied: {len(differences)} differ from the files in schema/",
                   len(differences), differences)


def schema_matches_migrations(probe: Probe) -> list[Finding]:
    if probe.expected is None:
        return [Finding(False, "could not compare: no reference schema (see the first message)", skipped=True)]
    expected, live = probe.expected, read_catalog(probe.connection)
    return [
        migrations_applied(probe),
        compare("tables", set(expected.tables), set(live.tables), str),
        compare("columns", set(expected.columns), set(live.columns), lambda c: f"column {c[0]}.{c[1]}"),
        column_differences(expected, live),
        compare("constraints", set(expected.constraints), set(live.constraints),
                lambda c: f"{c[0]} constraint {c[2]}"),
        compare("indexes", set(expected.indexes), set(live.indexes), lambda i: f"{i[0]}: {i[1]}"),
        compare("functions", set(expected.functions), set(live.functions), lambda f: f"function {f}"),
    ]


def checks() -> list[Check]:
    return [Check(CONCERN, "live schema matches a fresh migration", schema_matches_migrations)]
