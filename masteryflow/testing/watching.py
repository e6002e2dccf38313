"""Watching something in the background while a scenario acts: a thread sampling it periodically."""

from __future__ import annotations

import threading


class BackgroundWatch:
    """Context manager calling `observe()` every `every_seconds` on a daemon thread until exit."""

    every_seconds: float = 0.25

    def observe(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.observe()
            self._stop.wait(self.every_seconds)
