#!/usr/bin/env python3
"""Runs a full-screen program under a pseudo-terminal of a fixed size and counts the bytes it
writes: the start-up (first WARMUP seconds) and the steady state after it, as bytes/s.

    pty_bytes.py --cols 80 --rows 24 --term vt100 --warmup 5 --seconds 60 [--keys 2] -- CMD ARGS...

Prints one line: `steady <bytes/s> B/s (<bytes> B in <s> s), start-up <bytes> B`.
`--keys` are typed 1 s before the warm-up ends (e.g. `2` for the Points screen of a program that
has no option for it); the screen change falls in the start-up count. The program is asked to
quit with `q` then SIGTERM; it is killed if it does not.
"""
import argparse, fcntl, os, pty, select, signal, struct, sys, termios, time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cols", type=int, default=80)
    ap.add_argument("--rows", type=int, default=24)
    ap.add_argument("--term", default="vt100")
    ap.add_argument("--warmup", type=float, default=5)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--lang", default=None, help="LANG for the program (default: inherited)")
    ap.add_argument("--keys", default="", help="keys to type 1 s before the warm-up ends")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", a.rows, a.cols, 0, 0))
        os.environ["TERM"] = a.term
        os.environ.pop("NO_COLOR", None)
        if a.lang:
            os.environ["LANG"] = a.lang
            os.environ.pop("LC_ALL", None)
            os.environ.pop("LC_CTYPE", None)
        os.execvp(cmd[0], cmd)
    start = time.monotonic()
    warm_end = start + a.warmup
    end = warm_end + a.seconds
    warm = steady = 0
    keys_at = warm_end - 1 if a.keys else None
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if keys_at is not None and now >= keys_at:
            os.write(fd, a.keys.encode())
            keys_at = None
        r, _, _ = select.select([fd], [], [], min(0.5, end - now, max(0.01, (keys_at or end) - now)))
        if not r:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        if time.monotonic() < warm_end:
            warm += len(data)
        else:
            steady += len(data)
    try:
        os.write(fd, b"q")
        time.sleep(0.3)
        os.kill(pid, signal.SIGTERM)
    except OSError:
        pass
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        try:
            select.select([fd], [], [], 0.1) and os.read(fd, 65536)
        except OSError:
            pass
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    print(f"steady {steady / a.seconds:.0f} B/s ({steady} B in {a.seconds:g} s), start-up {warm} B")


if __name__ == "__main__":
    main()
