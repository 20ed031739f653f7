"""Where a term or a literal is written in Turtle files.

rdflib keeps no positions, so a problem found after parsing (a SHACL violation, an
ill-typed literal, a broken vocabulary term) is located by reading the files again and
searching their text: a term by its full IRI, by a prefixed name under one of the file's
@prefix lines, or relative to its base IRI; a literal by its quoted lexical form and its
datatype. What is written some other way (with escapes, as a blank node) is not found.
Only error paths use this, so each file is read lazily, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

from rdflib import Literal

from policykb.limits import MAX_TURTLE_BYTES, read_at_most

from .namespaces import ID, SKOS

# Turtle parsed by load_turtle resolves relative IRIs against this base (its publicID).
DEFAULT_BASE = str(ID)

_PREFIX = re.compile(r"(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I)
_BASE = re.compile(r"(?:@base|BASE)\s*<([^>]*)>", re.I)
_LOCAL_NAME = re.compile(r"[\w.-]*")
_AFTER_TERM = r"(?=[\s;,.)\]]|$)"  # what may follow a term (so ind:x does not match ind:xy)
_QUOTES = ('"""', "'''", '"', "'")
# A Turtle string in any of its four quotings (the lexical form in the one group that matched).
_STRING = r'"""((?:[^"\\]|\\.|"(?!""))*)"""|\'\'\'((?:[^\'\\]|\\.|\'(?!\'\'))*)\'\'\'' \
          r'|"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\''
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}
# A decimal written bare, as Turtle allows: not inside a name, and not a double (no exponent).
_XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
_BARE_DECIMAL = re.compile(r"(?<![\w.:])[+-]?\d*\.\d+(?![\deE]|\.\d)")


@dataclass(frozen=True)
class Place:
    """A file and, when the text was found, the 1-based line and character column in it."""

    file: str
    line: int | None = None
    column: int | None = None

    def where(self) -> dict:
        """Keyword arguments for Diagnostic."""
        return {"file": self.file, "line": self.line, "column": self.column}


@dataclass(frozen=True)
class _Text:
    text: str
    prefixes: dict[str, str]
    base: str

    def spellings(self, iri: str) -> list[str]:
        """The ways this file may write `iri`: <full>, <relative to the base>, prefix:local."""
        found = [f"<{iri}>"]
        if iri.startswith(self.base) and len(iri) > len(self.base):
            found.append(f"<{iri[len(self.base):]}>")
        found += [f"{p}:{iri[len(ns):]}" for p, ns in self.prefixes.items()
                  if ns and iri.startswith(ns) and _LOCAL_NAME.fullmatch(iri[len(ns):])]
        return found

    def datatype(self, iri: str) -> str:
        """A regular expression for the ways this file may write datatype `iri`."""
        return "|".join(re.escape(s) for s in self.spellings(iri))

    def typed_literals(self, datatype: str) -> Iterator[tuple[int, str]]:
        """(index, lexical form) of each literal of `datatype` in the text, in order; for
        xsd:decimal, numbers written bare (12.5) too."""
        found = []
        for match in re.finditer(rf"(?:{_STRING})\s*\^\^\s*(?:{self.datatype(datatype)}){_AFTER_TERM}", self.text):
            written = next(g for g in match.groups() if g is not None)
            found.append((match.start(), _ESCAPE.sub(_unescape, written)))
        if datatype == _XSD_DECIMAL:
            found = sorted(found + [(m.start(), m.group()) for m in _BARE_DECIMAL.finditer(self.text)])
        yield from found

    def place(self, file: Path, index: int) -> Place:
        start = self.text.rfind("\n", 0, index) + 1
        return Place(str(file), self.text.count("\n", 0, index) + 1, index - start + 1)


class TurtleLocator:
    """Finds where terms and literals are written in the Turtle files of `paths` (files or
    folders, searched in turtle_files order); `accept` picks the files to search."""

    def __init__(self, paths: Sequence[Path | str], accept: Callable[[Path], bool] = lambda file: True) -> None:
        self.paths, self.accept = [Path(p) for p in paths], accept
        self._texts: dict[Path, _Text] | None = None

    @classmethod
    def of_text(cls, name: str, text: str, prefixes: Mapping[str, object]) -> "TurtleLocator":
        """A locator over `text` alone (a SPARQL query), whose places name `name`: its own
        PREFIX lines and `prefixes` (those declared for it) give the prefixed names."""
        locator = cls([])
        header = _parse_header(text)
        declared = {prefix: str(namespace) for prefix, namespace in prefixes.items()}  # rdflib's may be classes
        locator._texts = {Path(name): _Text(text, {**declared, **header.prefixes}, header.base)}
        return locator

    def files(self) -> dict[Path, _Text]:
        if self._texts is None:
            from .turtle import turtle_files  # turtle.py uses this module

            self._texts = {}
            for path in self.paths:
                for file in turtle_files(path) if path.exists() else ():
                    if file not in self._texts and self.accept(file):
                        text = _read(file)
                        if text is not None:
                            self._texts[file] = _parse_header(text)
        return self._texts

    def find(self, iri: str) -> Place | None:
        """Where `iri` begins a statement (its description); failing that, where it is first
        written at all."""
        anywhere: Place | None = None
        for file, text in self.files().items():
            alternatives = "|".join(re.escape(s) for s in text.spellings(iri))
            subject = re.search(rf"^[ \t]*((?:{alternatives})(?=[\s;,.]|$))", text.text, re.M)
            if subject is not None:
                return text.place(file, subject.start(1))
            if anywhere is None:
                match = re.search(rf"(?:{alternatives}){_AFTER_TERM}", text.text)
                anywhere = text.place(file, match.start()) if match is not None else None
        return anywhere

    def find_literal(self, literal: Literal, written_as: Callable[[str], bool] | None = None
                     ) -> tuple[Place, str] | None:
        """Where the typed literal `literal` ("abc"^^xsd:decimal) is first written, and its
        lexical form there. rdflib may have rewritten that form ("maybe"^^xsd:boolean is kept
        as "false"): then the first literal of the datatype whose lexical form `written_as`
        accepts is taken (and the form rdflib kept is not searched for: it may be written,
        validly, elsewhere)."""
        kept = written_as is None or written_as(str(literal))
        for file, text in self.files().items() if kept else ():
            quoted = "|".join(re.escape(q + lexical + q) for q in _QUOTES for lexical in _written(str(literal)))
            match = re.search(rf"(?:{quoted})\s*\^\^\s*(?:{text.datatype(str(literal.datatype))}){_AFTER_TERM}",
                              text.text)
            if match is not None:
                return text.place(file, match.start()), str(literal)
        for file, text in self.files().items() if written_as is not None else ():
            for index, lexical in text.typed_literals(str(literal.datatype)):
                if written_as(lexical):
                    return text.place(file, index), lexical
        return None

    def find_notation(self, name: str) -> Place | None:
        """Where a skos:notation `name` is written (how a blank node term is found)."""
        for file, text in self.files().items():
            predicate = "|".join(re.escape(s) for s in text.spellings(str(SKOS.notation)))
            quoted = "|".join(re.escape(q + lexical + q) for q in _QUOTES for lexical in _written(name))
            match = re.search(rf"(?:{predicate})\s+(?:{quoted})", text.text)
            if match is not None:
                return text.place(file, match.start())
        return None


def _read(file: Path) -> str | None:
    """The text of `file` without a BOM (columns count characters after it), None if it
    cannot be read or is too large to load. Decoded, not read as text: universal newlines
    would count a lone CR as a line break, which the parser and the error reports do not."""
    try:
        data = read_at_most(file, MAX_TURTLE_BYTES)
        text = data.decode("utf-8") if data is not None else None
    except (OSError, UnicodeDecodeError):
        return None
    return text[1:] if text is not None and text.startswith("\ufeff") else text


def _parse_header(text: str) -> _Text:
    base = _BASE.search(text)
    prefixes = {m.group(1) or "": m.group(2) for m in _PREFIX.finditer(text)}
    return _Text(text, prefixes, base.group(1) if base else DEFAULT_BASE)


def _unescape(match: re.Match) -> str:
    code = match.group(1)
    if code[0] in "uU" and len(code) > 1:
        return chr(int(code[1:], 16)) if int(code[1:], 16) <= 0x10FFFF else match.group(0)
    return _ECHAR.get(code, code)


def _written(lexical: str) -> list[str]:
    """How a lexical form may be written between quotes: as it is, or with Turtle escapes."""
    escaped = (lexical.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return list(dict.fromkeys((lexical, escaped)))
