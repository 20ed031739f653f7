"""What rdflib says on its own: its log records and its Python warnings.

rdflib logs a warning *with a full traceback* for every literal it cannot convert
("abc"^^xsd:decimal), warns about odd booleans, and logs IRIs it finds suspicious. Left
alone, that reaches the user as a traceback on stderr. Inside `rdflib_said()` nothing of it
is printed: it is collected, and the code that knows what happened reports it its own way
(load_turtle and query turn ill-typed literals into located errors). The command line
wraps every command in `rdflib_warnings()`, which prints what is left as one-line warnings.

Blocks nest: a record goes to the innermost block only. A block may `forward` what it does
not report itself; it then goes to the block around it, or (outside every block) to
logging as usual. Like Python's own warnings.catch_warnings, a block is process-wide: what
another thread's rdflib says meanwhile is collected too.
"""

from __future__ import annotations

import logging
import sys
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, TextIO

_LOGGER = "rdflib"
_LITERAL_CONVERSION = "Failed to convert Literal lexical form"
_ODD_BOOLEAN = "Parsing weird boolean"
_MAX_WARNING_CHARS = 300


class _Innermost(logging.Handler):
    """Hands each record of rdflib's loggers to the innermost open block."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[list[logging.LogRecord]] = []
        self.saved_propagate = True  # rdflib's logger's own setting, restored when the last block closes

    def emit(self, record: logging.LogRecord) -> None:
        if self.blocks:
            self.blocks[-1].append(record)


_HANDLER = _Innermost()
_LOCK = threading.Lock()


@contextmanager
def rdflib_said() -> Iterator[list[logging.LogRecord]]:
    """Collect, in the list yielded, what rdflib logs or warns inside the block; nothing of
    it is printed. Other warnings are shown as usual (when the block ends)."""
    records: list[logging.LogRecord] = []
    caught: list[warnings.WarningMessage] = []
    _open(records)
    try:
        with warnings.catch_warnings(record=True) as caught:
            # Every odd literal, not only the first of its kind; other warnings keep their filters.
            warnings.filterwarnings("always", module=_LOGGER)
            yield records
    finally:
        _close(records)
        _sort_warnings(caught, records)


def _open(records: list[logging.LogRecord]) -> None:
    logger = logging.getLogger(_LOGGER)
    with _LOCK:
        if not _HANDLER.blocks:
            # Not passed up to the root logger's handlers (or to logging's last resort, which
            # prints the traceback): the handler hands it to the block instead.
            _HANDLER.saved_propagate, logger.propagate = logger.propagate, False
            logger.addHandler(_HANDLER)
        _HANDLER.blocks.append(records)


def _close(records: list[logging.LogRecord]) -> None:
    logger = logging.getLogger(_LOGGER)
    with _LOCK:
        position = next(i for i, block in enumerate(_HANDLER.blocks) if block is records)
        del _HANDLER.blocks[position]
        if not _HANDLER.blocks:
            logger.removeHandler(_HANDLER)
            logger.propagate = _HANDLER.saved_propagate


def _sort_warnings(caught: list[warnings.WarningMessage], records: list[logging.LogRecord]) -> None:
    """rdflib's warnings join its log records; any other warning is shown as it would have been."""
    for warning in caught:
        if _LOGGER in Path(warning.filename).parts:
            records.append(logging.makeLogRecord({"name": _LOGGER, "levelno": logging.WARNING,
                                                  "levelname": "WARNING", "msg": str(warning.message)}))
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno,
                                   source=warning.source)


def forward(records: Iterable[logging.LogRecord]) -> None:
    """Pass `records` on: to the block around the current one, or to logging outside every block."""
    for record in records:
        logging.getLogger(record.name).handle(record)


def about_a_literal(record: logging.LogRecord) -> bool:
    """Whether `record` is rdflib failing to read a literal (the caller reports it as an
    ill-typed literal, with its place)."""
    message = record.getMessage()
    return message.startswith(_LITERAL_CONVERSION) or message.startswith(_ODD_BOOLEAN)


def one_line(record: logging.LogRecord) -> str:
    """The record as one line, without its traceback."""
    text = " ".join(record.getMessage().split())
    return text if len(text) <= _MAX_WARNING_CHARS else text[:_MAX_WARNING_CHARS - 3] + "..."


@contextmanager
def rdflib_warnings(stream: TextIO | None = None) -> Iterator[None]:
    """For a whole command: what rdflib says in the block and nobody reported is printed on
    `stream` (default stderr) when the block ends, one line each, each only once."""
    records: list[logging.LogRecord] = []
    try:
        with rdflib_said() as records:
            yield
    finally:
        shown = (one_line(r) for r in records if r.levelno >= logging.WARNING)
        for line in dict.fromkeys(shown):
            print(f"warning: rdflib: {line}", file=stream or sys.stderr)
