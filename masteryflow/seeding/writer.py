"""Write the seven COPY files and manifest.json into the output directory."""

from __future__ import annotations

from pathlib import Path

from masteryflow.seeding.generate import Dataset
from masteryflow.seeding.manifest import build_manifest, manifest_text
from masteryflow.seeding.render import file_text


class OutputError(RuntimeError):
    """The output directory cannot be written; the message says which and why."""


def render_files(dataset: Dataset) -> dict[str, bytes]:
    header = f"MasteryFlow mock data, seed {dataset.seed}, scale {dataset.scale:g}; data only (the schema must exist)"
    return {name: file_text(name, blocks, header) for name, blocks in dataset.files.items()}


def write_files(dataset: Dataset, out_dir: Path, force: bool = False) -> dict:
    """Write the files; refuse a directory holding other seeding files unless forced. Returns the manifest."""
    contents = render_files(dataset)
    manifest = build_manifest(dataset, contents)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        existing = [name for name in (*contents, "manifest.json") if (out_dir / name).exists()]
        if existing and not force and not (out_dir / "manifest.json").exists():
            raise OutputError(f"{out_dir} already holds {existing[0]} not written by the seeder; use --force to replace it")
        for name, data in contents.items():
            (out_dir / name).write_bytes(data)
        (out_dir / "manifest.json").write_text(manifest_text(manifest), encoding="utf-8")
    except OSError as error:
        raise OutputError(f"cannot write to {out_dir}: {error.strerror or error}") from None
    return manifest
