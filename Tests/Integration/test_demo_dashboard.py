"""The dashboard over the REAL control core: `kwartier demo` (SiteController + KwartierBrain driving
the simulated car park through real P1 telegram bytes) in tmux, at 80x24 on a vt100 without UTF-8
and at 160x50 on xterm-256color. What the screen shows is compared with what the core wrote at
the same moment (DATA_DIR/status.json: the decision, DATA_DIR/settings.json: the user's changes);
keys change the settings and the next decisions, and the screen shows the effect.

Both demos start together (module fixture) so their fast-forward to the start time overlaps: the
debug build simulates about an hour of the day per 1.5 s."""
import re

import pytest

from dashboard_tmux import DemoPane

# The first car of the demo day (seed 42) arrives at about 08:52: 09:00 has one charging, with
# the least fast-forward.
START = "09:00"
FIRST_SCREEN_S = 90      # fast-forward of 9 h in the debug build on a busy 2-core machine


def f1(v):
    """Fmt.amps / Fmt.kWv: one decimal, no sign on a value that rounds to zero."""
    s = f"{v:.1f}"
    return s[1:] if s.startswith("-") and set(s[1:]) <= set("0.") else s


def f0(v):
    s = f"{v:.0f}"
    return s[1:] if s == "-0" else s


def f1(v):
    s = f"{v:.1f}"
    return s[1:] if s == "-0.0" else s


def hm(iso):
    return DemoPane.clock(iso)[:5]


def point(st, pid):
    return next(p for p in st["decision"]["points"] if p["id"] == pid)


@pytest.fixture(scope="module")
def demos(kwartier, tmp_path_factory):
    panes = {
        "80x24": DemoPane(kwartier, tmp_path_factory.mktemp("demo80"), start=START, width=80, height=24,
                          term="vt100", lang="C"),
        "160x50": DemoPane(kwartier, tmp_path_factory.mktemp("demo160"), start=START, width=160, height=50,
                           term="xterm-256color", lang="C.UTF-8"),
    }
    yield panes
    for p in panes.values():
        p.close()


def check_quarter(text, st, v, dash):
    """Slider and quarter-hour exactly as the decision says."""
    q = st["decision"]["quarter"]
    assert f"{v}Slider {f1(st['slider_kw']):>5} kW [" in text, text
    line = (f"{v}avg {f1(q['average_kw'])} kW  forecast {f1(q['forecast_kw'])} kW  allowed {f1(q['allowed_kw'])} kW  "
            f"peak {f1(q['month_peak_kw'])} kW")
    assert line in text, (line, text)
    left = int(DemoPane.seconds(q["end"]) - DemoPane.seconds(st["decision"]["time"]))
    assert f" Quarter {hm(q['start'])}{dash}{hm(q['end'])} " in text, text
    assert f" {left} s left " in text, text


def check_boards(text, st, cfg_limits):
    """Every level's per-phase current against its limit, from the decision's level loads."""
    for lv in st["decision"]["levels"]:
        c = lv["currents"]
        lim = f0(lv["limit_a"])
        assert lim == cfg_limits[lv["id"]]
        pat = (rf"{re.escape(lv['id'])} +L1 \S+ +{re.escape(f1(c['l1']))}/{lim} +L2 \S+ +{re.escape(f1(c['l2']))}/{lim} "
               rf"+L3 \S+ +{re.escape(f1(c['l3']))}/{lim}")
        assert re.search(pat, text), (pat, text)


NAMES = {"cp1": "Visitor 1", "cp2": "Visitor 2", "cp3": "Visitor 3", "cp4": "Staff 1", "cp5": "Staff 2",
         "cp6": "Staff 3", "cp7": "Van", "cp8": "Fleet"}
BOARD = {"cp1": "garage-a", "cp2": "garage-a", "cp3": "garage-a", "cp4": "garage-a", "cp5": "garage-b",
         "cp6": "garage-b", "cp7": "garage-b", "cp8": "garage-b"}
LIMITS = {"grid": "40", "garage-a": "32", "garage-b": "25"}


def row_pattern(pid, sel, mode, prio, setpoint):
    """A Points-table row up to the setpoint column: the values the core decides or keeps."""
    return (rf"{re.escape(sel)} {re.escape(NAMES[pid])} +(no car|connected|charging|waiting|error|lost) +{mode} +{prio} "
            rf"+[-\d] +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +{re.escape(f1(setpoint))} +[\d.]+")


def check_points_screen(text, st, settings, selected, sel_glyph, two_line, detail=True):
    """Each point's mode and priority (settings.json), setpoint and explanation (status.json);
    the selected point's explanation in full below the table (the Points screen's detail)."""
    lines = text.split("\n")
    for i, pd in enumerate(st["decision"]["points"]):
        ps = settings["points"][pd["id"]] if settings else {"mode": "auto", "priority": 1 if pd["id"] == "cp4" else 0}
        sel = sel_glyph if pd["id"] == selected else " "
        pat = row_pattern(pd["id"], sel, ps["mode"], ps["priority"], pd["setpoint_a"])
        idx = next((k for k, l in enumerate(lines) if re.search(pat, l)), None)
        assert idx is not None, (pat, text)
        why = pd["explanation"]["text"]
        if two_line:    # 8 points at 80x24: the explanation on its own line under the row
            assert lines[idx + 1].strip() == why, (lines[idx + 1], why, text)
        else:
            assert lines[idx].rstrip().rstrip("│").rstrip().endswith(why[:40].rstrip()) or why[:40] in lines[idx], \
                (lines[idx], why, text)
    if not detail:
        return
    pd = point(st, selected)
    ps = settings["points"][selected] if settings else {"priority": 0}
    manual = f", manual {f0(ps['manualA'])} A" if ps.get("manualA") is not None else ""
    detail = f" {selected} {NAMES[selected]} [{BOARD[selected]}] prio {ps['priority']}{manual}: {pd['explanation']['text']}"
    assert detail in text, (detail, text)


def charging_point(st):
    """A point the core gives current to (a car is there), preferring garage-a (room to spare)."""
    live = [p for p in st["decision"]["points"] if p["setpoint_a"] > 0 and p["explanation"]["kind"] != "manual"]
    assert live, f"no car charging at {START}: {st['decision']['points']}"
    return sorted(live, key=lambda p: BOARD[p["id"]] != "garage-a")[0]["id"]


def test_demo_80x24_vt100_shows_the_core_and_keys_change_it(demos):
    p = demos["80x24"]
    p.wait_text("Energy flows", timeout=FIRST_SCREEN_S)

    # Overview: slider and quarter exactly as decided; ASCII boxes on a C locale.
    text, st = p.screen_and_status(lambda t: "Energy flows" in t)
    assert text.split("\n")[1].startswith("+- Energy flows ---")
    check_quarter(text, st, "|", "-")
    assert "|Slider  15.0 kW [" in text                       # the demo site's slider_kw
    assert st["slider_kw"] == 15.0

    # Points screen: setpoints and explanations of all 8 points, two lines per point at 80x24.
    p.literal("2")
    text, st = p.screen_and_status(lambda t: "Name        State" in t)
    check_points_screen(text, st, None, "cp1", ">", two_line=True)
    assert " 1/8 " in text

    # Boards: the decision's level loads as bars against the limits.
    p.literal("3")
    text, st = p.screen_and_status(lambda t: "+- Boards " in t)
    check_boards(text, st, LIMITS)
    assert re.search(r"\|> heatpump +sg-ready +\S+ +auto ", text), text

    # Slider up 0.1 kW: persisted, in the next decision, on screen.
    p.literal("1")
    p.wait_text("Energy flows")
    p.literal("+")
    assert p.wait_settings(lambda s: s["sliderKW"] == 15.1, what="slider 15.1 saved")["sliderKW"] == 15.1
    p.wait_status(lambda s: s["slider_kw"] == 15.1 and s["decision"]["quarter"]["target_kw"] == 15.1, what="slider in force")
    text, st = p.screen_and_status(lambda t: "|Slider  15.1 kW [" in t)
    check_quarter(text, st, "|", "-")

    # A charging point to manual, then its manual current up: the decision follows.
    pid = charging_point(st)
    idx = int(pid[2:]) - 1
    for _ in range(idx):
        p.keys("Down")
    p.wait_text(f">{NAMES[pid]:<9} chrg aut")
    p.literal("m")
    s = p.wait_settings(lambda s: s["points"][pid]["mode"] == "manual", what=f"{pid} manual")
    assert s["points"][pid]["manualA"] == 6                   # the point's minimum
    p.literal("]")
    s = p.wait_settings(lambda s: s["points"][pid].get("manualA") == 7, what=f"{pid} manual 7 A")
    st = p.wait_status(lambda s: point(s, pid)["explanation"]["kind"] == "manual" and point(s, pid)["setpoint_a"] == 7,
                       what=f"{pid} setpoint 7 A (manual)")
    assert point(st, pid)["explanation"]["text"].startswith("manual 7")
    p.wait_text(f">{NAMES[pid]:<9} chrg man")

    # Priority up.
    p.literal("u")
    s = p.wait_settings(lambda s: s["points"][pid]["priority"] == 1, what=f"{pid} priority 1")
    assert s["points"][pid]["mode"] == "manual" and s["points"][pid]["manualA"] == 7

    # The Points screen shows mode, priority, setpoint and the manual explanation of the core.
    p.literal("2")
    text, st = p.screen_and_status(lambda t: "Name        State" in t and f"prio 1, manual 7 A:" in t)
    check_points_screen(text, st, p.settings(), pid, ">", two_line=True)
    assert point(st, pid)["setpoint_a"] == 7

    # Relay override: the heat pump forced on is SG-Ready Boost; persisted.
    p.literal("1")
    p.wait_text("Energy flows")
    p.literal("N")
    s = p.wait_settings(lambda s: s["relays"]["heatpump"] == "on", what="heatpump override on")
    assert s["relays"]["boiler"] == "auto"
    text = p.wait_for(lambda t: re.search(r"\|>heatpump +Boost +\S+ +ON", t), what="heatpump Boost ON")
    p.literal("3")
    p.wait_for(lambda t: re.search(r"\|> heatpump +sg-ready +Boost +on ", t), what="relay table: Boost, override on")

    # The demo drives no hardware: q quits at once, no confirmation.
    p.literal("q")
    text = p.wait_text("EXIT=0")
    assert "Quit Kwartier?" not in text


def test_demo_160x50_xterm_shows_every_point_and_keys_change_it(demos):
    p = demos["160x50"]
    p.wait_text("Energy flows", timeout=FIRST_SCREEN_S)

    # Overview at 160x50: UTF-8 boxes, the full points table with every point's setpoint and
    # explanation, the peaks history and the log.
    text, st = p.screen_and_status(lambda t: "Energy flows" in t)
    assert "┌─ Energy flows ─" in text and "┌─ Log ─" in text and "│Peaks " in text
    check_quarter(text, st, "│", "–")
    check_points_screen(text, st, None, "cp1", "▸", two_line=False, detail=False)
    # The log, on the demo's clock.
    assert "09:00:00 notice  demo: simulated day 2026-06-15 from 09:00 at 1x real time" in text, text

    # Slider up 1 kW.
    p.literal(">")
    p.wait_settings(lambda s: s["sliderKW"] == 16.0, what="slider 16.0 saved")
    p.wait_status(lambda s: s["slider_kw"] == 16.0, what="slider 16.0 in force")
    text, st = p.screen_and_status(lambda t: "│Slider  16.0 kW [" in t)
    check_quarter(text, st, "│", "–")

    # The charging point off: the next decision pauses it and says why.
    pid = charging_point(st)
    idx = int(pid[2:]) - 1
    for _ in range(idx):
        p.keys("Down")
    p.wait_text(f"│▸ {NAMES[pid]} ")
    p.literal("o")
    p.wait_settings(lambda s: s["points"][pid]["mode"] == "off", what=f"{pid} off")
    st = p.wait_status(lambda s: point(s, pid)["explanation"]["kind"] == "off", what=f"{pid} decided off")
    assert point(st, pid)["setpoint_a"] == 0

    # Staff 1 (cp4, priority 1 in the configuration) priority down.
    for _ in range(3 - idx):
        p.keys("Down")
    p.wait_text("│▸ Staff 1 ")
    p.literal("d")
    s = p.wait_settings(lambda s: s["points"]["cp4"]["priority"] == 0, what="cp4 priority 0")
    assert s["points"][pid]["mode"] == "off"

    # Points screen (one line per point here, the explanation in the Why column).
    p.literal("2")
    text, st = p.screen_and_status(lambda t: "Name        State" in t and "prio 0: " in t)
    check_points_screen(text, st, p.settings(), "cp4", "▸", two_line=False)
    assert re.search(rf"^  {NAMES[pid]} +\S+ +off +0 .* off$", text, re.M), text

    # Boiler override off, then back to auto.
    p.literal("3")
    p.wait_text("┌─ Boards ")
    text, st = p.screen_and_status(lambda t: "┌─ Boards " in t)
    check_boards(text, st, LIMITS)
    p.literal("r")
    p.wait_text("│▸ boiler ")
    p.literal("F")
    p.wait_settings(lambda s: s["relays"]["boiler"] == "off", what="boiler override off")
    p.wait_for(lambda t: re.search(r"│▸ boiler +switch +off +off ", t), what="boiler forced off")
    p.literal("A")
    p.wait_settings(lambda s: s["relays"]["boiler"] == "auto", what="boiler override auto")

    # Live resize to the serial console's size: the overview still matches the core.
    p.literal("1")
    p.resize(80, 24)
    text, st = p.screen_and_status(lambda t: "Energy flows" in t and len(t.split("\n")[0]) <= 80 and "│Slider" in t)
    check_quarter(text, st, "│", "–")

    p.literal("q")
    text = p.wait_text("EXIT=0")
    assert "Quit Kwartier?" not in text
