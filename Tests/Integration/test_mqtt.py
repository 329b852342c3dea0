"""The hub on MQTT: `kwartier run` against real peers (two Alfen chargers served by pymodbus, a
P1 dongle on TCP — the rig of test_service) with a mosquitto broker on loopback and paho-mqtt as
the other client. States under the topic root, commands on `…/set` answered on `<root>/result`
(the same path as `kwartier set`: applied and persisted, or refused with the reason), Home
Assistant device discovery with every field it needs, a broker restart, a password that never
reaches a log."""
import json
import time

import pytest

from mqtt_broker import Broker, Listener
from p1_support import wait_for
from test_service import hub_rig

ROOT = "kwartier/run-test"          # the default: kwartier/<site name in lower case with dashes>
SITE_NODE = "kwartier_run-test"
DISCOVERY = "homeassistant/device/{}/config"


def with_mqtt(cfg, port, extra=""):
    cfg.write_text(cfg.read_text() + f"mqtt: {{ url: mqtt://127.0.0.1:{port}{extra} }}\n")


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path / "broker").start()
    yield b
    b.stop()


@pytest.fixture
def rig(kwartier, tmp_path, broker):
    with hub_rig(kwartier, tmp_path) as hub:
        with_mqtt(hub.cfg, broker.port)
        listener = Listener(broker.port, [ROOT + "/#", "homeassistant/#"])
        try:
            yield hub.start(), listener
        finally:
            listener.close()


def number(v):
    return None if v is None else float(v)


def result_for(listener, topic, t0, timeout=10):
    """The hub's answer on <root>/result to a command sent on `topic` after t0."""
    found = []

    def seen():
        for _, text, _, _ in listener.since(t0, ROOT + "/result"):
            r = json.loads(text)
            if r["topic"] == topic:
                found.append(r)
                return True
        return False
    assert wait_for(seen, timeout), f"no result for {topic}: {listener.since(t0, ROOT + '/result')}"
    return found[0]


def test_states_are_published_retained_under_the_root(rig, broker):
    hub, mq = rig
    assert mq.wait(ROOT + "/status", lambda v: v == "online"), mq.latest.keys()
    # 25 A fuse, house 4/2/3 A: both cars at 10.5 A (test_run_site) — the same on MQTT.
    for cp in ("cp1", "cp2"):
        assert mq.wait(f"{ROOT}/chargepoints/{cp}/setpoint_a", lambda v: v == "10.5", timeout=30), mq.get(f"{ROOT}/chargepoints/{cp}/setpoint_a")
    assert mq.get(f"{ROOT}/site/slider_kw") == "50"
    assert mq.get(f"{ROOT}/chargepoints/cp1/mode") == "auto"
    assert mq.get(f"{ROOT}/chargepoints/cp1/priority") == "0"
    assert mq.get(f"{ROOT}/chargepoints/cp1/state") in ("charging", "connected")
    assert mq.get(f"{ROOT}/alerts") == "[]"
    assert mq.get(f"{ROOT}/site/safe_state") == "false"
    # The grid as the P1 telegram has it: per-line currents are the house plus both cars.
    status = hub.status()
    grid = status["grid"]["currents"]
    for line, key in enumerate(("l1", "l2", "l3")):
        v = number(mq.get(f"{ROOT}/site/grid_{key}_current_a"))
        assert v is not None and abs(v - grid[key]) <= 3, (key, v, grid)
    for key in ("grid_power_w", "house_power_w", "charge_park_power_w", "quarter_average_kw", "quarter_forecast_kw",
                "allowed_kw", "month_peak_kw", "grid_import_kwh"):
        assert number(mq.get(f"{ROOT}/site/{key}")) is not None, key
    # Every state is retained: a client that subscribes later gets them at once.
    late = Listener(broker.port, [ROOT + "/site/slider_kw", ROOT + "/chargepoints/cp1/setpoint_a"])
    try:
        assert late.wait(ROOT + "/site/slider_kw", lambda v: v == "50", timeout=5)
        assert all(m[2] for m in late.messages), late.messages
    finally:
        late.close()


def test_a_command_is_applied_answered_and_persisted(rig):
    hub, mq = rig
    assert mq.wait(f"{ROOT}/chargepoints/cp1/setpoint_a", lambda v: v == "10.5", timeout=30)
    t0 = time.monotonic()
    # The current first, then the mode: the charger goes from 10.5 A straight down to 8 A.
    mq.publish(f"{ROOT}/chargepoints/cp1/manual_current_a/set", "8")
    mq.publish(f"{ROOT}/chargepoints/cp1/mode/set", "manual")
    r = result_for(mq, f"{ROOT}/chargepoints/cp1/manual_current_a/set", t0)
    assert "ok" in r and r["payload"] == "8", r
    assert "ok" in result_for(mq, f"{ROOT}/chargepoints/cp1/mode/set", t0)
    # Applied: the charger gets 8 A, and the hub says so on MQTT.
    assert wait_for(lambda: hub.peers.get("cp1")["limit_a"] == 8.0, 15), hub.peers.get("cp1")["limit_a"]
    assert mq.wait(f"{ROOT}/chargepoints/cp1/setpoint_a", lambda v: v == "8", timeout=10)
    assert mq.get(f"{ROOT}/chargepoints/cp1/mode") == "manual"
    assert mq.get(f"{ROOT}/chargepoints/cp1/manual_current_a") == "8"
    # Persisted as `kwartier set` would.
    s = hub.settings()
    assert s["points"]["cp1"]["mode"] == "manual" and s["points"]["cp1"]["manualA"] == 8.0, s
    # The slider too.
    t1 = time.monotonic()
    mq.publish(f"{ROOT}/site/slider_kw/set", "7.5")
    assert "ok" in result_for(mq, f"{ROOT}/site/slider_kw/set", t1)
    assert mq.wait(f"{ROOT}/site/slider_kw", lambda v: v == "7.5", timeout=10)
    assert hub.settings()["sliderKW"] == 7.5


@pytest.mark.parametrize("topic,payload,reason", [
    ("chargepoints/cp1/manual_current_a/set", "40", "cp1: 40.0 A is outside the point's range 6.0–16.0 A"),
    ("chargepoints/cp1/manual_current_a/set", "lots", "manual_current_a 'lots' is not a number"),
    ("chargepoints/cp1/mode/set", "turbo", "mode 'turbo' is not one of auto, manual, off"),
    ("chargepoints/cp9/mode/set", "off", "no charge point 'cp9'"),
    ("site/slider_kw/set", "0.1", "slider 0.1 kW is out of range (0.5–10000)"),
    ("chargepoints/cp1/priority/set", "1.5", "priority '1.5' is not an integer"),
    ("relays/boiler/override/set", "on", "no relay 'boiler'"),
])
def test_a_bad_command_is_refused_with_its_reason_and_not_applied(rig, topic, payload, reason):
    hub, mq = rig
    assert mq.wait(f"{ROOT}/chargepoints/cp1/mode", lambda v: v == "auto", timeout=20)
    before = (hub.data / "settings.json").read_text() if (hub.data / "settings.json").exists() else None
    t0 = time.monotonic()
    mq.publish(f"{ROOT}/{topic}", payload)
    r = result_for(mq, f"{ROOT}/{topic}", t0)
    assert r == {"topic": f"{ROOT}/{topic}", "payload": payload, "error": reason}, r
    after = (hub.data / "settings.json").read_text() if (hub.data / "settings.json").exists() else None
    assert after == before
    assert mq.get(f"{ROOT}/chargepoints/cp1/mode") == "auto"


def test_an_unknown_set_topic_is_refused(rig):
    hub, mq = rig
    assert mq.wait(ROOT + "/status", lambda v: v == "online")
    t0 = time.monotonic()
    mq.publish(f"{ROOT}/chargepoints/cp1/colour/set", "red")
    r = result_for(mq, f"{ROOT}/chargepoints/cp1/colour/set", t0)
    assert r["error"].startswith(f"no command topic 'chargepoints/cp1/colour/set'; the command topics are site/slider_kw/set"), r


REQUIRED = {"sensor": ["state_topic"], "binary_sensor": ["state_topic"],
            "number": ["state_topic", "command_topic", "min", "max", "step"],
            "select": ["state_topic", "command_topic", "options"]}


def check_device(doc, node, root=ROOT):
    assert doc["device"]["identifiers"] == [node]
    assert doc["device"]["name"] and doc["device"]["manufacturer"] == "Kwartier"
    assert doc["origin"]["name"] == "Kwartier" and doc["origin"]["sw_version"]
    assert doc["components"]
    for key, c in doc["components"].items():
        assert c["unique_id"] == f"{node}_{key}", (key, c)
        assert c["availability_topic"] == f"{root}/status", key
        assert (c["payload_available"], c["payload_not_available"]) == ("online", "offline")
        for f in REQUIRED[c["platform"]]:
            assert f in c, (key, f)
        assert c["state_topic"].startswith(root + "/")
        if "command_topic" in c:
            assert c["command_topic"] == c["state_topic"] + "/set", (key, c)
        if c.get("device_class") in ("power", "current", "energy"):
            assert c["unit_of_measurement"] in {"power": ("W", "kW"), "current": ("A",), "energy": ("kWh",)}[c["device_class"]], (key, c)
    return doc["components"]


def test_home_assistant_discovery(rig):
    hub, mq = rig
    site_topic = DISCOVERY.format(SITE_NODE)
    assert mq.wait(site_topic, timeout=20)
    site = check_device(json.loads(mq.get(site_topic)), SITE_NODE)
    assert site["grid_power"] == {**site["grid_power"], "platform": "sensor", "device_class": "power",
                                  "state_class": "measurement", "unit_of_measurement": "W",
                                  "state_topic": f"{ROOT}/site/grid_power_w"}
    # Energy sensors that HA's energy dashboard accepts: energy, kWh, total_increasing.
    assert {k: (site[k]["device_class"], site[k]["unit_of_measurement"], site[k]["state_class"]) for k in ("grid_import", "grid_export")} \
        == {"grid_import": ("energy", "kWh", "total_increasing"), "grid_export": ("energy", "kWh", "total_increasing")}
    slider = site["slider"]
    assert (slider["platform"], slider["unit_of_measurement"], slider["min"], slider["max"]) == ("number", "kW", 0.5, 18)
    for cp in ("cp1", "cp2"):
        node = f"{SITE_NODE}_{cp}"
        topic = DISCOVERY.format(node)
        assert mq.wait(topic, timeout=5)
        comps = check_device(json.loads(mq.get(topic)), node)
        assert comps["mode"]["platform"] == "select" and comps["mode"]["options"] == ["auto", "manual", "off"]
        mc = comps["manual_current"]
        assert (mc["platform"], mc["min"], mc["max"], mc["unit_of_measurement"], mc["command_topic"]) == \
            ("number", 6, 16, "A", f"{ROOT}/chargepoints/{cp}/manual_current_a/set")
        se = comps["session_energy"]
        assert (se["device_class"], se["unit_of_measurement"], se["state_class"]) == ("energy", "kWh", "total_increasing")
        assert comps["state"]["options"] == ["no_car", "connected", "charging", "waiting", "error", "lost"]
        assert json.loads(mq.get(topic))["device"]["via_device"] == SITE_NODE
    # Home Assistant restarts: it says online, the hub announces again (a fresh, live message).
    t0 = time.monotonic()
    mq.publish("homeassistant/status", "online")
    assert wait_for(lambda: any(not m[2] for m in mq.since(t0, site_topic)), 10), mq.since(t0, site_topic)


def test_status_goes_offline_when_the_hub_stops_and_a_removed_point_loses_its_entities(kwartier, tmp_path, broker):
    with hub_rig(kwartier, tmp_path) as hub:
        with_mqtt(hub.cfg, broker.port)
        mq = Listener(broker.port, [ROOT + "/status", "homeassistant/device/+/config"])
        try:
            hub.start()
            cp2 = DISCOVERY.format(f"{SITE_NODE}_cp2")
            assert mq.wait(cp2, lambda v: bool(v), timeout=20)
            assert mq.wait(ROOT + "/status", lambda v: v == "online")
            hub.stop()
            assert mq.wait(ROOT + "/status", lambda v: v == "offline", timeout=10)
            # cp2 leaves the configuration: its retained config is emptied (HA removes the device).
            text = hub.cfg.read_text()
            hub.cfg.write_text("\n".join(l for l in text.splitlines() if not l.strip().startswith("cp2:")) + "\n")
            t0 = time.monotonic()
            hub.start()
            assert wait_for(lambda: any(m[1] == "" for m in mq.since(t0, cp2)), 20), mq.since(t0, cp2)
            assert mq.get(DISCOVERY.format(f"{SITE_NODE}_cp1"))
            record = json.loads((hub.data / "mqtt-discovery.json").read_text())
            assert sorted(record["discovery_topics"]) == sorted([DISCOVERY.format(SITE_NODE), DISCOVERY.format(f"{SITE_NODE}_cp1")])
        finally:
            mq.close()


def test_broker_restart_control_goes_on_and_states_come_back(rig, broker):
    hub, mq = rig
    assert mq.wait(f"{ROOT}/chargepoints/cp1/setpoint_a", lambda v: v == "10.5", timeout=30)
    broker.stop()
    # Control goes on without the broker: a command through the socket is still applied.
    r = hub.cli("set", "point", "cp1", "--current", "7", "--mode", "manual")
    assert r.returncode == 0, r.stderr
    assert wait_for(lambda: hub.peers.get("cp1")["limit_a"] == 7.0, 15), hub.peers.get("cp1")["limit_a"]
    time.sleep(3)
    assert hub.proc.poll() is None
    # A new broker on the same port has no retained message: the hub publishes them all again.
    broker.start()
    fresh = Listener(broker.port, [ROOT + "/#", "homeassistant/#"])
    try:
        assert fresh.wait(ROOT + "/status", lambda v: v == "online", timeout=40), fresh.latest.keys()
        assert fresh.wait(f"{ROOT}/chargepoints/cp1/setpoint_a", lambda v: v == "7", timeout=10)
        assert fresh.wait(DISCOVERY.format(SITE_NODE), timeout=10)
        # Commands work again.
        t0 = time.monotonic()
        fresh.publish(f"{ROOT}/chargepoints/cp1/mode/set", "auto")
        assert "ok" in result_for(fresh, f"{ROOT}/chargepoints/cp1/mode/set", t0)
    finally:
        fresh.close()


def test_password_from_its_file_is_never_logged(kwartier, tmp_path):
    secret = "s3cret-Pa55-xyz"
    b = Broker(tmp_path / "broker", users={"hub": secret}).start()
    try:
        with hub_rig(kwartier, tmp_path) as hub:
            pw = tmp_path / "mqtt.pw"
            pw.write_text(secret + "\n")
            with_mqtt(hub.cfg, b.port, f", username: hub, password_file: {pw}")
            mq = Listener(b.port, [ROOT + "/status"], username="hub", password=secret)
            try:
                hub.start(env={})
                assert mq.wait(ROOT + "/status", lambda v: v == "online", timeout=20)
                hub.stop()
                err = hub.proc.stderr.read()
                assert "connected to the broker" in err, err
                assert secret not in err
                for f in hub.data.iterdir():
                    if f.is_file():
                        assert secret.encode() not in f.read_bytes(), f
            finally:
                mq.close()
    finally:
        b.stop()


def test_a_wrong_password_is_reported_and_control_goes_on(kwartier, tmp_path):
    b = Broker(tmp_path / "broker", users={"hub": "right"}).start()
    try:
        with hub_rig(kwartier, tmp_path) as hub:
            pw = tmp_path / "mqtt.pw"
            pw.write_text("Wr0ng-pa55-Q\n")
            with_mqtt(hub.cfg, b.port, f", username: hub, password_file: {pw}")
            hub.start()
            assert wait_for(lambda: hub.peers.get("cp1")["limit_a"] == 10.5, 30)
            hub.stop()
            err = hub.proc.stderr.read()
            assert "the broker refused the connection: Connection Refused: not authorised." in err, err
            assert err.count("the broker refused the connection") == 1, err   # said once, not at every retry
            assert "Wr0ng-pa55-Q" not in err
    finally:
        b.stop()


def test_demo_publishes_and_takes_commands_with_an_mqtt_section(kwartier, tmp_path, broker):
    """`kwartier demo --config` honours `mqtt:` as `run` does (examples/home.yaml's simulated home)."""
    import pathlib
    import subprocess
    from conftest import stop_process
    root = pathlib.Path(__file__).resolve().parents[2]
    cfg = tmp_path / "home.yaml"
    cfg.write_text((root / "examples/home.yaml").read_text() + f"mqtt: {{ url: mqtt://127.0.0.1:{broker.port} }}\n")
    mq = Listener(broker.port, ["kwartier/home/#"])
    proc = subprocess.Popen([kwartier, "demo", "--headless", "--config", str(cfg), "--data-dir", str(tmp_path / "demo"),
                             "--start", "00:00", "--seconds", "60"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert mq.wait("kwartier/home/status", lambda v: v == "online"), proc.poll()
        assert mq.wait("kwartier/home/site/slider_kw", lambda v: v == "5"), mq.get("kwartier/home/site/slider_kw")
        assert mq.wait("kwartier/home/chargepoints/car/mode", lambda v: v == "auto")
        t0 = time.monotonic()
        mq.publish("kwartier/home/site/slider_kw/set", "7.5")
        r = [None]

        def answered():
            for _, text, _, _ in mq.since(t0, "kwartier/home/result"):
                r[0] = json.loads(text)
                return True
            return False
        assert wait_for(answered, 10), mq.since(t0)
        assert r[0] == {"topic": "kwartier/home/site/slider_kw/set", "payload": "7.5", "ok": "slider set to 7.5 kW"}, r[0]
        assert mq.wait("kwartier/home/site/slider_kw", lambda v: v == "7.5")
    finally:
        stop_process(proc, timeout=10)
        mq.close()
