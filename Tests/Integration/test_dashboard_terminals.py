"""The dashboard on different terminals and sizes: TERM types, below 80x24, live resize,
themes and NO_COLOR."""
import re

import pytest


COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38;5;\d+|48;5;\d+|9[0-7])[;m]")




@pytest.mark.parametrize("term", ["vt100", "linux", "screen-256color", "xterm-256color"])
def test_starts_draws_and_quits_on(term, pane_factory):
    p = pane_factory(width=80, height=24, term=term)
    text = p.wait_text("Energy flows")
    assert "Slider" in text and "Charge points" in text
    p.literal("q")
    p.wait_text("EXIT=0")


def test_below_80x24_says_what_it_needs_then_recovers(pane_factory):
    p = pane_factory(width=70, height=20, term="vt100", lang="C")
    text = p.wait_text("Kwartier needs at least")
    assert "80x24 characters;" in text
    assert "this terminal is 70x20." in text
    p.resize(80, 24)
    p.wait_text("Energy flows")
    p.literal("q")
    p.wait_text("EXIT=0")


def test_live_resize(pane_factory):
    p = pane_factory(width=80, height=24, term="xterm-256color")
    p.wait_text("Energy flows")
    assert "Name        State" not in p.capture()
    p.resize(160, 50)
    text = p.wait_text("Name        State")                       # the wide overview's point table
    assert all(len(line) <= 160 for line in text.split("\n"))
    p.resize(60, 20)
    p.wait_text("this terminal is 60x20.")
    p.resize(80, 24)
    text = p.wait_for(lambda t: "Energy flows" in t and "needs at least" not in t, what="80x24 again")
    assert text.split("\n")[1].startswith("┌─ Energy flows ─")
    assert text.split("\n")[1].endswith("┐")


def test_missing_theme_says_so_and_draws_with_the_default(pane_factory):
    p = pane_factory(width=80, height=24, term="xterm-256color", args=["--theme", "nosuch"])
    text = p.wait_text("theme 'nosuch': no nosuch.theme in")
    assert "Energy flows" in text
    assert COLOUR.search(p.capture(escapes=True))


def test_bad_theme_file_names_the_line(pane_factory, tmp_path):
    bad = tmp_path / "bad.theme"
    bad.write_text("normal = default\nwarn = bleu\n")
    p = pane_factory(width=80, height=24, term="xterm-256color", args=["--theme", str(bad)])
    p.wait_text("line 2: warn: unknown colour 'bleu'")


@pytest.mark.parametrize("how", ["mono-theme", "NO_COLOR"])
def test_no_colour_under_mono_or_no_color(how, pane_factory):
    if how == "mono-theme":
        p = pane_factory(width=80, height=24, term="xterm-256color", args=["--theme", "mono"])
    else:
        p = pane_factory(width=80, height=24, term="xterm-256color", env={"NO_COLOR": "1"})
    p.wait_text("Energy flows")
    esc = p.capture(escapes=True)
    assert not COLOUR.search(esc), esc[:400]
    assert "\x1b[7m" in esc                                          # roles still differ: reverse video


def test_colour_with_the_default_theme(pane_factory):
    p = pane_factory(width=80, height=24, term="xterm-256color", args=["--theme", "high-contrast"])
    p.wait_text("Energy flows")
    assert COLOUR.search(p.capture(escapes=True))


@pytest.mark.parametrize("term,message", [("dumb", "cannot move the cursor"), ("nosuchterm", "unknown terminal type TERM=nosuchterm")])
def test_unusable_terminal_is_refused_with_a_clear_message(term, message, pane_factory):
    p = pane_factory(width=80, height=24, term=term)
    text = p.wait_text("EXIT=1")
    assert message in text.replace("\n", "")


def test_not_a_terminal(preview):
    from conftest import run
    r = run(preview, "--seconds", "1", input="", timeout=20)
    assert r.returncode == 1
    assert "needs a terminal on stdin and stdout" in r.stderr


def test_print_screens_gives_every_screen_as_ascii_text(preview):
    from conftest import run
    r = run(preview, "--print-screens", "--ascii", timeout=20)
    assert r.returncode == 0, r.stderr
    for title in ["== 1 Overview", "== 2 Points", "== 3 Boards", "== 4 Devices", "== 5 Log", "== help (?)"]:
        assert title in r.stdout
    assert all(len(line) <= 80 for line in r.stdout.split("\n"))
    assert all(ord(ch) < 128 for ch in r.stdout)
