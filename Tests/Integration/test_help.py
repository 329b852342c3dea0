"""`--help` of every command and subcommand reads as wrapped paragraphs at 80 columns.

swift-argument-parser re-wraps each line of a command's discussion to the terminal width (it
leaves the last column free), so a hard line break written into the source shows as a short
line in the middle of a sentence ("... Nothing is driven\nwhile\nthe configuration is
invalid."), and an example too long for the width is broken onto a line of its own. Checked
inside the overview (between "OVERVIEW:" and "USAGE:"):
- prose (lines at column 0): a line followed by another prose line is ragged when that next
  line's first word would still have fit on it;
- examples and samples (indented lines) never continue on a line at column 0 without a blank
  line between: that is the wrapper breaking an example that does not fit.
"""
import re
import pytest
from conftest import run

WIDTH = 80
HIDDEN = [["relay"], ["debug"]]   # not listed under SUBCOMMANDS


def help_text(kwartier, path):
    r = run(kwartier, *path, "--help", env={"COLUMNS": str(WIDTH)})
    assert r.returncode == 0, (path, r.stderr)
    return r.stdout


def subcommands(text):
    """Names listed under SUBCOMMANDS: in a help text."""
    m = re.search(r"^SUBCOMMANDS:\n(.*?)(?:\n\n|\Z)", text, re.S | re.M)
    if not m:
        return []
    return re.findall(r"^  ([a-z][a-z0-9-]*)(?: \(default\))?\s", m.group(1), re.M)


def all_commands(kwartier):
    seen, todo = [], [[]] + HIDDEN
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.append(path)
        todo += [path + [s] for s in subcommands(help_text(kwartier, path)) if s != "help"]
    return seen


def ragged_lines(text):
    """(line, next line) pairs of the overview where the break was not the wrapper's."""
    start, end = text.find("OVERVIEW:"), text.find("\nUSAGE:")
    if start < 0:
        return []                      # no abstract or discussion: nothing the wrapper re-flowed
    assert end > start, text
    lines = text[start:end].split("\n")
    found = []
    for a, b in zip(lines, lines[1:]):
        if not a.strip() or not b.strip() or b.startswith(" "):
            continue
        if a.startswith(" "):
            found.append((a, b))       # an example broken by the wrapper
        elif len(a) + 1 + len(b.split()[0]) < WIDTH:
            found.append((a, b))       # a hard break in a sentence
    return found


def test_rule_catches_a_hard_break():
    """The checker itself: hard breaks and broken examples are found; greedy wrapping and
    example lists are not."""
    full = "Every error names the file, the line, the key and the fix; nothing is driven"
    assert len(full) + 1 + len("while") >= WIDTH          # full: "while" goes on the next line
    examples = "\n\nExamples:\n  kwartier demo\n  kwartier run\n\nUSAGE: x"
    assert ragged_lines(f"OVERVIEW: x\n\n{full}\nwhile the configuration is invalid.{examples}") == []
    assert ragged_lines(f"OVERVIEW: x\n\n{full}\nwhile\nthe configuration is invalid.{examples}") \
        == [("while", "the configuration is invalid.")]
    broken = "\n\nExamples:\n  kwartier demo --a-very-long-option\nvalue\n  kwartier run\n\nUSAGE: x"
    assert ragged_lines(f"OVERVIEW: x\n\n{full}\nwhile the configuration is invalid.{broken}") \
        == [("  kwartier demo --a-very-long-option", "value")]


def test_every_help_is_wrapped_paragraphs(kwartier):
    commands = all_commands(kwartier)
    # Every public command and its subcommands are reached (p1, modbus, device have some).
    for c in (["p1", "decode"], ["modbus", "scan"], ["device", "probe"], ["simulate"], ["relay"]):
        assert any(p[:len(c)] == c for p in commands), (c, commands)
    problems = {" ".join(p) or "kwartier": r for p in commands if (r := ragged_lines(help_text(kwartier, p)))}
    assert problems == {}, "\n".join(f"{k}: {a!r} / {b!r}" for k, v in problems.items() for a, b in v)
