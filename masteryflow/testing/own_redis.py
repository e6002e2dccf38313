"""A private redis-server on a free loopback port: optionally TLS-only, password-protected,
persistent (append-only file) so it can be restarted like a real VPS Redis without losing data.

Tests that restart or break Redis use one of these, never the machine's shared Redis.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis

from masteryflow.services import free_port
from masteryflow.testing.tls import TlsFiles

REDIS_SERVER = shutil.which("redis-server") or "redis-server"


class OwnRedis:
    def __init__(self, workdir: Path, tls: TlsFiles | None = None, password: str | None = None,
                 persistent: bool = True):
        self.workdir = workdir
        self.persistent = persistent
        self.tls = tls
        self.password = password
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        workdir.mkdir(parents=True, exist_ok=True)

    # -- addresses -----------------------------------------------------------------------------
    def url(self, db: int = 0, scheme: str | None = None, password: str | None = None) -> str:
        scheme = scheme or ("rediss" if self.tls else "redis")
        secret = password if password is not None else self.password
        auth = f":{secret}@" if secret else ""
        return f"{scheme}://{auth}127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0, **options) -> redis.Redis:
        if self.tls:
            options.setdefault("ssl_ca_certs", str(self.tls.ca_cert))
        options.setdefault("socket_timeout", 2)
        options.setdefault("socket_connect_timeout", 2)
        return redis.Redis.from_url(self.url(db), **options)

    # -- life cycle ----------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> "OwnRedis":
        log = open(self.workdir / "redis.log", "ab")
        self.process = subprocess.Popen([REDIS_SERVER, *self._arguments()], stdout=log, stderr=subprocess.STDOUT,
                                        cwd=self.workdir)
        log.close()
        self._wait_until_answering(timeout)
        return self

    def stop(self) -> None:
        """SIGTERM: Redis flushes its append-only file and exits."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def restart(self, downtime: float = 0.0) -> float:
        """Stop, stay down for `downtime` seconds, start again on the same port; return seconds down."""
        went_down = time.monotonic()
        self.stop()
        time.sleep(downtime)
        self.start()
        return time.monotonic() - went_down

    def _arguments(self) -> list[str]:
        arguments = ["--bind", "127.0.0.1", "--dir", str(self.workdir), "--save", "", "--protected-mode", "no",
                     "--appendonly", "yes" if self.persistent else "no", "--appendfsync", "always"]
        if self.password:
            arguments += ["--requirepass", self.password]
        if self.tls:
            arguments += ["--port", "0", "--tls-port", str(self.port),
                          "--tls-cert-file", str(self.tls.server_cert), "--tls-key-file", str(self.tls.server_key),
                          "--tls-ca-cert-file", str(self.tls.ca_cert), "--tls-auth-clients", "no"]
        else:
            arguments += ["--port", str(self.port)]
        return arguments

    def _wait_until_answering(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: see {self.workdir / 'redis.log'}")
            try:
                if self.client(socket_timeout=0.5, socket_connect_timeout=0.5).ping():
                    return
            except redis.RedisError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"redis-server on port {self.port} did not answer within {timeout:.0f} s")
            time.sleep(0.05)
