#!/usr/bin/env python3
"""Starts the simulated peers of the Modbus benchmark — 20 TCP charge points on loopback (split
over two peer processes, one per core) and 3 RTU charge points on one 115200-baud pty bus — and
runs `kwartier-bench modbus` against them. Used by scripts/bench.d/10-modbus.sh."""
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests/Integration"))
from modbus_peers import Peers, PtyPair, profiles_json, site_yaml  # noqa: E402

TCP_MIX = ["abb-terra-ac", "alfen-eve", "peblar", "mennekes-amtron-pro", "enovates"]


def run(kwartier, bench, fast):
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        profiles_json(kwartier, d / "profiles.json")
        tcp = [{"name": f"cp{i + 1}", "driver": TCP_MIX[i % len(TCP_MIX)], "unit": UNITS[TCP_MIX[i % len(TCP_MIX)]],
                "params": {"ramp_s": 0}} for i in range(20)]
        rtu = [{"name": f"rtu{i}", "driver": "abb-terra-ac", "unit": i, "baud": 115200, "params": {"ramp_s": 0}} for i in (1, 2, 3)]
        with PtyPair(d) as pty, \
                Peers(kwartier, {"tcp": tcp[:10]}, d / "a", profiles=d / "profiles.json", fast_tcp=fast) as pa, \
                Peers(kwartier, {"tcp": tcp[10:], "rtu": [{"port": pty.peer, "hub": pty.hub, "devices": rtu}]}, d / "b",
                      profiles=d / "profiles.json", fast_tcp=fast) as pb:
            ports = {**pa.ports, **pb.ports}
            cps = [{"id": t["name"], "driver": t["driver"], "tcp": f"127.0.0.1:{ports[t['name']]}", "unit": t["unit"]} for t in tcp]
            cps += [{"id": f"rtu{i}", "driver": "abb-terra-ac",
                     "rtu": {"bus": "rs485", "address": i, "baud": 115200, "parity": "N", "stop_bits": 1}} for i in (1, 2, 3)]
            cfg = d / "bench.yaml"
            cfg.write_text(site_yaml(chargepoints=cps, buses={"rs485": pty.hub}))
            env = dict(os.environ, KWARTIER_BENCH_MODBUS_CONFIG=str(cfg),
                       KWARTIER_BENCH_MODBUS_LABEL="fast asyncio peers" if fast else "pymodbus peers")
            return subprocess.run([bench, "modbus"], env=env, timeout=600).returncode


UNITS = {"abb-terra-ac": 1, "alfen-eve": 1, "peblar": 255, "mennekes-amtron-pro": 255, "enovates": 1}


def main():
    kwartier = os.environ.get("KWARTIER_BIN", str(ROOT / ".build/release/kwartier"))
    bench = str(pathlib.Path(kwartier).parent / "kwartier-bench")
    # pymodbus peers spend more time per request than the hub does: measure with both.
    return run(kwartier, bench, fast=False) or run(kwartier, bench, fast=True)


if __name__ == "__main__":
    sys.exit(main())
