"""A private PostgreSQL cluster in a temporary directory on a free loopback port.

With TLS files it accepts only TLS connections from TCP clients (plain ones are rejected by
pg_hba.conf), so tests can prove sslmode=require / verify-full work and plaintext does not.
The machine's shared PostgreSQL is never touched. initdb refuses to run as root, so as root
the cluster runs as the `postgres` system user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from masteryflow.services import free_port
from masteryflow.testing.tls import TlsFiles


def postgres_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not candidates:
        raise FileNotFoundError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    return Path(candidates[-1])


class OwnPostgres:
    def __init__(self, password: str, tls: TlsFiles | None = None):
        # its own directory directly under /tmp: the server's user cannot enter root's 0700 temp trees
        self.workdir = Path(tempfile.mkdtemp(prefix="mf-res-pg-"))
        os.chmod(self.workdir, 0o711)
        self.data_dir = self.workdir / "data"
        self.password = password
        self.tls = tls
        self.port = free_port()
        self.bin_dir = postgres_bin_dir()
        self.run_as = "postgres" if os.geteuid() == 0 else None

    def url(self, dbname: str = "postgres", sslmode: str | None = None, password: str | None = None,
            sslrootcert: Path | None = None) -> str:
        secret = self.password if password is None else password
        query = [f"sslmode={sslmode}"] if sslmode else []
        if sslrootcert:
            query.append(f"sslrootcert={sslrootcert}")
        suffix = "?" + "&".join(query) if query else ""
        return f"postgresql://postgres:{secret}@127.0.0.1:{self.port}/{dbname}{suffix}"

    def start(self) -> "OwnPostgres":
        self._hand_over(self.workdir)
        password_file = self.workdir / "pwfile"
        password_file.write_text(self.password)
        self._hand_over(password_file)
        self._run("initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth-local=trust",
                  "--auth-host=scram-sha-256", f"--pwfile={password_file}", "-E", "UTF8", "--no-sync")
        password_file.unlink()
        self._configure()
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.workdir / "postgres.log"), "-w", "-t", "30",
                  "start")
        return self

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _configure(self) -> None:
        settings = [f"port = {self.port}", "listen_addresses = '127.0.0.1'",
                    f"unix_socket_directories = '{self.workdir}'", "fsync = off", "max_connections = 100"]
        hba = ["local all all trust"]
        if self.tls:
            for name in ("server.crt", "server.key"):
                target = self.data_dir / name
                shutil.copy(getattr(self.tls, name.replace(".crt", "_cert").replace(".key", "_key")), target)
                os.chmod(target, 0o600)
                self._hand_over(target)
            settings += ["ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'"]
            hba += ["hostssl all all 127.0.0.1/32 scram-sha-256", "hostnossl all all 127.0.0.1/32 reject"]
        else:
            hba += ["host all all 127.0.0.1/32 scram-sha-256"]
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.write("\n".join(settings) + "\n")
        (self.data_dir / "pg_hba.conf").write_text("\n".join(hba) + "\n")

    def _hand_over(self, path: Path) -> None:
        if self.run_as:
            entry = pwd.getpwnam(self.run_as)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _run(self, program: str, *arguments: str, check: bool = True) -> None:
        command = [str(self.bin_dir / program), *arguments]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.workdir)
        if check and result.returncode != 0:
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr.strip()[-500:]}")
