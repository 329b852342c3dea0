"""A mosquitto broker on loopback for the MQTT tests (a free port, no persistence, so a restart
loses every retained message, as a broker that lost its disk would), and a paho-mqtt client that
records what it hears."""
import getpass
import os
import shutil
import socket
import subprocess
import threading
import time

import paho.mqtt.client as paho

from p1_support import wait_for


def mosquitto_path():
    for p in (shutil.which("mosquitto"), "/usr/sbin/mosquitto"):
        if p and os.access(p, os.X_OK):
            return p
    raise RuntimeError("mosquitto is not installed (make test installs it: scripts/setup-system.sh test)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    def __init__(self, workdir, users=None):
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc = None
        # `user`: as root, mosquitto would switch to its own user and not read the password file here.
        lines = [f"listener {self.port} 127.0.0.1", "persistence false", f"user {getpass.getuser()}"]
        if users:
            pw = self.dir / "passwd"
            pw.write_text("")
            for u, p in users.items():
                subprocess.run(["mosquitto_passwd", "-b", str(pw), u, p], check=True, capture_output=True)
            lines += ["allow_anonymous false", f"password_file {pw}"]
        else:
            lines.append("allow_anonymous true")
        self.conf = self.dir / "mosquitto.conf"
        self.conf.write_text("\n".join(lines) + "\n")

    def start(self):
        self.log = open(self.dir / "mosquitto.log", "ab")
        self.proc = subprocess.Popen([mosquitto_path(), "-c", str(self.conf)], stdout=self.log, stderr=subprocess.STDOUT)
        assert wait_for(self.accepts, 10, step=0.05), "mosquitto did not start"
        return self

    def accepts(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Listener:
    """Subscribes to `patterns` and keeps every message (topic, payload text, retain flag, time)
    and the latest payload per topic."""

    def __init__(self, port, patterns, username=None, password=None):
        self.lock = threading.Lock()
        self.messages = []
        self.latest = {}
        self.patterns = patterns
        self.c = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"test-{time.monotonic_ns()}")
        if username:
            self.c.username_pw_set(username, password)
        self.c.on_connect = self._connected
        self.c.on_message = self._message
        self.c.reconnect_delay_set(0.2, 1)
        self.c.connect("127.0.0.1", port, keepalive=10)
        self.c.loop_start()

    def _connected(self, c, userdata, flags, rc, props=None):
        for p in self.patterns:
            c.subscribe(p, qos=1)

    def _message(self, c, userdata, m):
        text = m.payload.decode("utf-8", "replace")
        with self.lock:
            self.messages.append((m.topic, text, bool(m.retain), time.monotonic()))
            self.latest[m.topic] = text

    def get(self, topic):
        with self.lock:
            return self.latest.get(topic)

    def since(self, t0, topic=None):
        with self.lock:
            return [m for m in self.messages if m[3] >= t0 and (topic is None or m[0] == topic)]

    def wait(self, topic, pred=lambda v: v is not None, timeout=20):
        ok = wait_for(lambda: pred(self.get(topic)), timeout, step=0.02)
        return ok

    def publish(self, topic, payload, retain=False):
        self.c.publish(topic, payload, qos=1, retain=retain).wait_for_publish(5)

    def close(self):
        self.c.loop_stop()
        self.c.disconnect()
