"""The dashboard with 250 charge points, end to end in tmux against `kwartier-preview --points
250` on an 80x24 terminal without UTF-8 (TERM=screen, the key codes tmux sends for End and PgUp): the Points screen scrolls to the last point, `/` filters
by board and Esc clears it, the Boards screen has a summary line per board."""


def names_on_screen(text):
    """Point names of the Points table rows, in screen order (the selector column stripped)."""
    lines = text.split("\n")
    head = next(i for i, l in enumerate(lines) if l.startswith("  Name        State"))
    out = []
    for line in lines[head + 1:]:
        if line.startswith("-"):              # the rule under the table
            break
        if len(line) > 2 and line[2] != " ":
            out.append(line[2:13].rstrip())
    return out


def short(name):
    return name if len(name) <= 11 else name[:10] + "~"


def test_250_points_scroll_filter_and_board_summaries(pane_factory):
    p = pane_factory(width=80, height=24, term="screen", lang="C", args=["--points", "250", "--screen", "2"])
    p.wait_text(" 1/250 ")
    st = p.state()
    points = st["points"]
    assert len(points) == 250
    assert names_on_screen(p.capture())[:3] == [short(x["name"]) for x in points[:3]]

    p.keys("End")
    text = p.wait_text(" 250/250 ")
    assert f"> {short(points[249]['name']):<11} " in text, text
    assert names_on_screen(text)[-1] == short(points[249]["name"])
    p.keys("PPage")
    text = p.wait_text(" 240/250 ")
    assert f"> {short(points[239]['name']):<11} " in text, text

    # Filter by board: only garage-b points, the first selected; the rule shows the filter and count.
    on_b = [i for i, x in enumerate(points) if x["board"] == "garage-b"]
    assert 0 < len(on_b) < 250
    p.keys("/")
    p.literal("garage-b")
    p.wait_text("/garage-b_ ")
    p.keys("Enter")
    text = p.wait_text("- /garage-b -")                         # typing done: no cursor
    assert f" 1/{len(on_b)} of 250 " in text, text
    shown = names_on_screen(text)
    assert shown == [short(points[i]["name"]) for i in on_b[:len(shown)]], shown
    assert f" {points[on_b[0]]['id']} {points[on_b[0]]['name']} [garage-b] prio" in text, text
    p.keys("Down")
    p.wait_text(f" 2/{len(on_b)} of 250 ")

    # Esc clears it: every point again, the selection kept on the same point.
    p.keys("Escape")
    text = p.wait_text(f" {on_b[1] + 1}/250 ")
    assert "/garage-b" not in text

    # Boards: a summary line per board with its points and what they draw.
    p.keys("3")
    text = p.wait_text("+- Boards ")
    for board in ("garage", "garage-b", "office"):
        n = sum(1 for x in points if x["board"] == board)
        assert f"{n} points (" in text, (board, n, text)
    assert text.count(" A") > 0 and "draw " in text, text
