"""Fixtures of the server tests: an Oxigraph SPARQL server (`oxigraph serve` on 127.0.0.1
at a free port) loaded with the shipped kb and synthetic clusters.

The binary comes from the pip package `oxigraph` (in the `test` extra). The server is
started in a context manager and always stopped: terminate, wait, kill if it does not end."""

from __future__ import annotations

import contextlib
import io
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from policykb.cli import main
from policykb.graph.synthetic import write_synthetic_folder
from policykb.net import check_bind

HOST = check_bind("127.0.0.1")  # never anything but this machine's loopback


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"  # installed with this Python's packages
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the `oxigraph` command is missing: pip install '.[test]' installs it")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class OxigraphServer:
    def __init__(self, location: Path, start_timeout: float = 60.0) -> None:
        self.location, self.start_timeout = location, start_timeout
        self.process: subprocess.Popen | None = None
        self.url = ""
        self._log = None

    def __enter__(self) -> "OxigraphServer":
        self.location.mkdir(parents=True, exist_ok=True)
        for attempt in range(3):  # a free port may be taken between probing and binding
            port = free_port()
            self.url = f"http://{HOST}:{port}"
            self._log = open(self.location.parent / f"oxigraph-{port}.log", "wb")
            self.process = subprocess.Popen(
                [oxigraph_binary(), "serve", "--location", str(self.location), "--bind", f"{HOST}:{port}"],
                stdout=self._log, stderr=subprocess.STDOUT)
            if self._wait_ready():
                return self
            self._stop()
        raise RuntimeError(f"oxigraph serve did not start; see {self.location.parent}/oxigraph-*.log")

    def _wait_ready(self) -> bool:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for loopback
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:  # type: ignore[union-attr]
                return False
            try:
                with opener.open(self.url + "/query?query=ASK%7B%7D", timeout=5) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        return False

    def _stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __exit__(self, *exc: object) -> None:
        self._stop()


SEED = 20240601


@pytest.fixture(scope="session")
def loaded(tmp_path_factory):
    """(server URL, synthetic folder): a server holding the shipped kb, the description of
    the shipped policies and 100 synthetic clusters, loaded through the command line."""
    root = tmp_path_factory.mktemp("oxigraph")
    data = write_synthetic_folder(root / "synthetic", 100, SEED).folder
    with OxigraphServer(root / "store") as server:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            status = main(["import", str(data), "--endpoint", server.url])
        assert status == 0, out.getvalue()
        assert "sent to" in out.getvalue()
        yield server.url, data


@pytest.fixture
def empty_server(tmp_path):
    """The URL of an Oxigraph server holding nothing."""
    with OxigraphServer(tmp_path / "empty") as server:
        yield server.url
