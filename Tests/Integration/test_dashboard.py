"""The dashboard end to end in tmux, against `kwartier-preview` (a deterministic fake
site that writes its state to a file): the values on screen equal the site's state, and keys
change the site (slider, mode, manual current, priority, relay override)."""
import re

import pytest





def kw(v):
    return f"{v / 1000:.1f}"


def test_overview_shows_the_sites_values_vt100_ascii_80x24(pane_factory):
    p = pane_factory(width=80, height=24, term="vt100", lang="C")
    p.wait_text("Energy flows")
    text, st = p.screen_and_state()
    lines = text.split("\n")
    assert lines[1].startswith("+- Energy flows ---")             # ASCII boxes: the locale is not UTF-8
    q = st["quarter"]
    assert f"|Slider {st['sliderKW']:5.1f} kW [" in text
    assert f"|avg {q['averageKW']:.1f} kW  forecast {q['forecastKW']:.1f} kW  allowed {q['allowedKW']:.1f} kW  " \
           f"peak {q['monthPeakKW']:.1f} kW" in text
    assert f" {q['secondsLeft']} s left -+" in text
    grid = f"{'Grid import':<13}{kw(st['gridW']):>6} kW ----->-----+- site -+"
    assert grid in text, grid
    assert f"{'House':<13}{kw(st['houseW']):>6} kW|" in text
    assert f"{'Charge park':<13}{kw(st['chargeParkW']):>6} kW|" in text
    codes = {"no car": "----", "connected": "conn", "charging": "chrg", "waiting": "wait", "lost": "LOST", "error": "ERR "}
    modes = {"auto": "aut", "manual": "man", "off": "off"}
    for i, pt in enumerate(st["points"]):
        name = pt["name"] if len(pt["name"]) <= 9 else pt["name"][:8] + "~"
        entry = f"{'>' if i == 0 else ' '}{name:<9} {codes[pt['state']]} {modes[pt['mode']]} {kw(pt['powerW']):>4}"
        assert entry in text, entry
    assert len(lines[0]) <= 80 and "1 Overview" in lines[0]
    assert lines[23].rstrip().endswith("q Quit")


def test_points_screen_shows_a_points_current_and_explanation(pane_factory):
    p = pane_factory(width=80, height=24, term="vt100", lang="C", args=["--screen", "2"])
    p.wait_text("Name        State")
    p.keys("Down", "Down")                                       # cp03
    p.wait_text(" cp03 ")
    text, st = p.screen_and_state()
    pt = st["points"][2]
    row = (f"> {pt['name']:<11} {pt['state']:<9} {pt['mode']:<6} {pt['priority']:>2} "
           f"{pt['phases'] if pt['phases'] else '-':>2} " + " ".join(f"{a:4.1f}" for a in pt["currents"]) +
           f" {kw(pt['powerW']):>5} {pt['setpointA']:4.1f} {pt['sessionKWh']:5.1f} ")
    assert row in text, row
    assert f" cp03 {pt['name']} [{pt['board']}] prio {pt['priority']}: {pt['explanation']}" in text


def test_keys_change_the_site_and_the_screen_shows_it(pane_factory):
    p = pane_factory(width=80, height=24, term="xterm-256color")
    p.wait_text("Energy flows")
    start = p.state()
    assert start["sliderKW"] == 22.0

    # Slider up: the command reaches the site, the next snapshot shows it.
    p.literal("+")
    st = p.wait_state(lambda s: s["sliderKW"] == 22.1, what="slider 22.1")
    assert st["applied"] == ["slider 22.1"]
    p.wait_text("│Slider  22.1 kW [")
    p.literal(">")
    p.wait_state(lambda s: s["sliderKW"] == 23.1, what="slider 23.1")
    p.wait_text("│Slider  23.1 kW [")

    # Select Fleet 2 (cp12, waiting for room on the office board) and put it in manual mode.
    assert start["points"][11]["state"] == "waiting"
    for _ in range(11):
        p.keys("Down")
    p.wait_text("▸Fleet 2 ")
    p.literal("m")
    st = p.wait_state(lambda s: s["points"][11]["mode"] == "manual", what="cp12 manual")
    assert st["points"][11]["manualA"] == 6
    p.wait_text("▸Fleet 2   chrg man")

    # Manual current up: the setpoint follows and the explanation says why.
    p.literal("]")
    st = p.wait_state(lambda s: s["points"][11]["setpointA"] == 7, what="cp12 setpoint 7 A")
    assert st["points"][11]["manualA"] == 7
    assert st["points"][11]["explanation"] == "manual 7 A"
    assert st["points"][11]["state"] == "charging"

    # Priority up.
    p.literal("u")
    p.wait_state(lambda s: s["points"][11]["priority"] == 1, what="cp12 priority 1")

    # Relay override: heat pump forced on (SG-Ready Boost).
    p.literal("N")
    st = p.wait_state(lambda s: s["relays"][0]["override"] == "on", what="heatpump override on")
    assert st["relays"][0]["state"] == "Boost"
    p.wait_text("▸heatpump Boost   ●● ON")
    assert st["applied"] == ["slider 22.1", "slider 23.1", "mode cp12 manual", "manual cp12 7", "priority cp12 1",
                             "relay heatpump on"]

    # The points table shows the new mode, priority and setpoint.
    p.literal("2")
    text = p.wait_text("Name        State")
    row = re.search(r"▸ Fleet 2 +(\S+) +manual +1 +3 .* +7\.0 +\S+ manual 7 A", text)
    assert row, text
    p.wait_text(" cp12 Fleet 2 [office] prio 1, manual 7 A: manual 7 A")


def test_large_terminal_uses_the_room_160x50(pane_factory):
    p = pane_factory(width=160, height=50, term="xterm-256color")
    p.wait_text("Energy flows")
    text, st = p.screen_and_state()
    assert "┌─ Energy flows ─" in text                                    # UTF-8 box drawing
    assert "  Name        State     Mode   Pr Ph   L1   L2   L3    kW  Set   kWh Why" in text
    assert "┌─ Log ─" in text and "│Peaks " in text
    assert f"│Slider {st['sliderKW']:5.1f} kW [" in text
    assert f"avg {st['quarter']['averageKW']:.1f} kW" in text
    for pt in st["points"]:
        assert pt["explanation"][:40] in text, pt["explanation"]


def test_screens_help_and_quit(pane_factory):
    p = pane_factory(width=80, height=24, term="vt100", lang="C")
    p.wait_text("Energy flows")
    for key, marker in [("Tab", "Name        State"), ("Tab", "+- Boards "), ("Tab", "+- P1 main meter "),
                        ("Tab", "+- Log info+ "), ("1", "Energy flows"), ("4", "Device     Status")]:
        if key.isdigit():
            p.literal(key)
        else:
            p.keys(key)
        p.wait_text(marker)
    p.literal("?")
    p.wait_text("Kwartier keys")
    p.literal("x")
    p.wait_for(lambda t: "Kwartier keys" not in t, what="help closed")
    p.literal("q")
    p.wait_text("EXIT=0")


def test_quit_while_driving_asks_and_names_the_safe_current(pane_factory):
    p = pane_factory(width=80, height=24, term="xterm-256color", args=["--driving"])
    p.wait_text("Energy flows")
    p.literal("q")
    # The dialog's title and body arrive in one refresh, but tmux may show the screen between
    # two chunks of it: wait for the body too.
    p.wait_text("Quit Kwartier?")
    p.wait_text("fall back to their safe", timeout=3)
    p.literal("n")
    p.wait_for(lambda t: "Quit Kwartier?" not in t, what="dialog closed")
    assert "EXIT=" not in p.capture()
    p.keys("C-c")                                            # Ctrl-C asks too
    p.wait_text("Quit Kwartier?")
    p.literal("y")
    p.wait_text("EXIT=0")


def test_sigterm_stops_it_cleanly(pane_factory):
    import os
    import signal
    p = pane_factory(width=80, height=24, term="xterm-256color")
    p.wait_text("Energy flows")
    os.kill(p.kwartier_pid(), signal.SIGTERM)
    p.wait_text("EXIT=130")
