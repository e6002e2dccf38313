-- Seeding: a record of every mock-data load, so the seeder can tell its own data from anyone else's.
-- The seeder replaces a database's data only when the row counts match its last recorded load.

CREATE TABLE meta.seed_loads (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seed       bigint      NOT NULL,
    scale      numeric     NOT NULL CHECK (scale > 0),
    row_counts jsonb       NOT NULL,
    manifest   jsonb       NOT NULL,
    loaded_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE meta.seed_loads IS 'One row per mock-data load by python -m masteryflow seed (row counts per table after the load).';
