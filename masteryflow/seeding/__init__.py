"""Phase 1 mock data: a deterministic, consistent platform history rendered as COPY files.

Recipes (one per table group) build the history in memory from per-table random streams;
render.py turns rows into COPY blocks, writer.py writes the seven files and the manifest,
loader.py loads them into PostgreSQL in one transaction behind the safety guard.
"""
