"""What a charge point's status read costs on its line (`kwartier device watch`, the hub's own
request counts): the values the control needs in every read; energy counters that need
requests of their own (Alfen Eve: energy 374, far from the status) only every few seconds and
when the state changes; counters next to the status (ABB Terra) in the same request."""
from modbus_peers import Peers, Watch, site_yaml, watch

CAR = {"ramp_s": 0, "car_max_a": 16, "safe_a": 6}


def requests(cycle, cp="cp1"):
    return next(h["requests"] for h in cycle["health"] if h["id"] == cp)


def peer(kwartier, tmp_path, driver):
    return Peers(kwartier, {"tcp": [{"name": "cp1", "driver": driver, "unit": 1, "params": CAR}]}, tmp_path)


def config(tmp_path, driver, port):
    cfg = tmp_path / "site.yaml"
    cfg.write_text(site_yaml(chargepoints=[dict(id="cp1", driver=driver, tcp=f"127.0.0.1:{port}", unit=1)]))
    return cfg


def test_counters_in_the_status_block_cost_nothing(kwartier, tmp_path):
    with peer(kwartier, tmp_path, "abb-terra-ac") as p:
        cycles = watch(kwartier, config(tmp_path, "abb-terra-ac", p.ports["cp1"]), "--cycles", "3", "--interval", "0.2")
    assert [requests(c) for c in cycles] == [1, 2, 3]


def test_counters_apart_are_read_now_and_then_and_at_a_state_change(kwartier, tmp_path):
    with peer(kwartier, tmp_path, "alfen-eve") as p:
        cfg = config(tmp_path, "alfen-eve", p.ports["cp1"])
        # First read: 3 status requests and the counter; then 3 a read.
        cycles = watch(kwartier, cfg, "--cycles", "3", "--interval", "0.3")
        assert [requests(c) for c in cycles] == [4, 7, 10]
        assert cycles[-1]["devices"]["cp1"]["state"] == "charging"
        # The car leaves: the read that sees it also reads the counter, once.
        with Watch(kwartier, cfg, "--cycles", "8", "--interval", "0.3") as w:
            w.next()
            w.next()
            p.cmd(cmd="set", device="cp1", params={"car": False})
            seen = w.until(lambda c: c["devices"]["cp1"]["state"] == "no-car")
            changed = len(w.all)
            while len(w.all) < 8:
                w.next()
        counts = [requests(c) for c in w.all]
        assert counts[0] == 4
        steps = [b - a for a, b in zip(counts, counts[1:])]
        assert steps == [3 + 1 if i + 2 == changed else 3 for i in range(7)], (counts, changed, seen[-1])
