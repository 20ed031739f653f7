"""What the command line does when something it did not foresee happens: a bug inside
policykb is one sentence with exit status 3 (POLICYKB_DEBUG=1 shows the traceback), and
Ctrl-C is "interrupted" with the shell's status 130. Never a traceback by default."""

from __future__ import annotations

import pytest

import policykb.commands as commands
from policykb.cli import main


def _raising(error: BaseException):
    def run(args):
        raise error
    return run


def test_a_bug_is_one_sentence_and_exit_status_3(monkeypatch, capsys):
    monkeypatch.setattr(commands, "run", _raising(ZeroDivisionError("division by zero")))
    monkeypatch.delenv("POLICYKB_DEBUG", raising=False)
    assert main(["policies"]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("internal error: ZeroDivisionError: division by zero. This is a bug in policykb; run "
                            "again with POLICYKB_DEBUG=1 to see where it happened and report it.\n")


def test_debug_shows_the_traceback(monkeypatch):
    monkeypatch.setattr(commands, "run", _raising(ZeroDivisionError("division by zero")))
    monkeypatch.setenv("POLICYKB_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["policies"])


def test_interrupt_is_status_130(monkeypatch, capsys):
    monkeypatch.setattr(commands, "run", _raising(KeyboardInterrupt()))
    assert main(["policies"]) == 130
    assert capsys.readouterr().err == "interrupted\n"
