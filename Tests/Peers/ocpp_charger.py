"""OCPP 1.6J charge points for the integration tests, built on the `ocpp` package (v16
ChargePoint) over `websockets`: each boots, reports its status, authorizes and runs a
transaction, answers the central system's ChangeConfiguration, GetConfiguration, TriggerMessage
and Set/ClearChargingProfile, and keeps the profiles it got. A car on it draws what the
profiles allow now (highest stack level valid at this moment, as a charger evaluates them), up
to the car's own maximum, on the charger's phases; the car follows a new limit at the charger's
next meter tick, and that tick reports it (as a charger's control cycle does). All chargers share one asyncio loop on a
background thread; the test thread calls in through `Chargers.run`."""
import asyncio
import base64
import datetime
import threading
import time

import websockets
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import (Action, AuthorizationStatus, ChargingProfileStatus, ClearChargingProfileStatus,
                            ConfigurationStatus, RegistrationStatus, TriggerMessageStatus)


def parse_time(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


class Charger(ChargePoint):
    """One OCPP charge point with one connector. `received` lists (time, action, payload) of
    every CALL from the central system; `profiles` the charging profiles by id."""

    def __init__(self, cp_id, ws, phases=3, car_max_a=16.0, default_a=32.0):
        super().__init__(cp_id, ws, response_timeout=10)
        self.received = []
        self.profiles = {}
        self.config = {"ChargeProfileMaxStackLevel": "8"}
        self.phases = phases
        self.car_max_a = car_max_a
        self.default_a = default_a   # what the charger allows with no profile at all
        self.charging = False
        self.energy_wh = 10_000.0
        self.transaction_id = None
        self.stamps = []             # (monotonic time, action) of profiles, for latency figures
        self.drawing = [0.0, 0.0, 0.0]   # what the car draws now (follows `currents()` at each tick)

    # -- the central system's calls

    @on(Action.change_configuration)
    def on_change_configuration(self, key, value, **_):
        self.received.append((time.time(), "ChangeConfiguration", {"key": key, "value": value}))
        self.config[key] = value
        return call_result.ChangeConfiguration(status=ConfigurationStatus.accepted)

    @on(Action.get_configuration)
    def on_get_configuration(self, key=None, **_):
        self.received.append((time.time(), "GetConfiguration", {"key": key}))
        keys = [{"key": k, "readonly": False, "value": v} for k, v in self.config.items() if not key or k in key]
        return call_result.GetConfiguration(configuration_key=keys)

    @on(Action.set_charging_profile)
    def on_set_charging_profile(self, connector_id, cs_charging_profiles, **_):
        self.stamps.append((time.monotonic(), "SetChargingProfile"))
        self.received.append((time.time(), "SetChargingProfile", {"connector_id": connector_id, **cs_charging_profiles}))
        self.profiles[cs_charging_profiles["charging_profile_id"]] = cs_charging_profiles
        return call_result.SetChargingProfile(status=ChargingProfileStatus.accepted)

    @on(Action.clear_charging_profile)
    def on_clear_charging_profile(self, id=None, **_):
        self.received.append((time.time(), "ClearChargingProfile", {"id": id}))
        if id is None:
            self.profiles.clear()
        else:
            self.profiles.pop(id, None)
        return call_result.ClearChargingProfile(status=ClearChargingProfileStatus.accepted)

    @on(Action.trigger_message)
    def on_trigger_message(self, requested_message, connector_id=None, **_):
        self.received.append((time.time(), "TriggerMessage", {"requested_message": requested_message}))
        if requested_message == "MeterValues":
            asyncio.get_running_loop().call_later(0.05, lambda: asyncio.ensure_future(self.send_meter_values()))
        return call_result.TriggerMessage(status=TriggerMessageStatus.accepted)

    # -- what the charger does

    def limit_now(self, at=None):
        """The limit the charger applies now: the valid TxDefaultProfile of the highest stack level."""
        at = time.time() if at is None else at
        best = None
        for p in self.profiles.values():
            if p.get("valid_to") and parse_time(p["valid_to"]) <= at:
                continue
            if best is None or p["stack_level"] > best["stack_level"]:
                best = p
        if best is None:
            return self.default_a
        return float(best["charging_schedule"]["charging_schedule_period"][0]["limit"])

    def currents(self):
        """What the profiles and the car allow now; the car draws it from the next tick on."""
        if not self.charging:
            return [0.0, 0.0, 0.0]
        a = min(self.limit_now(), self.car_max_a)
        a = a if a >= 6 else 0.0        # IEC 61851: below 6 A the car pauses
        return [a, a if self.phases == 3 else 0.0, a if self.phases == 3 else 0.0]

    async def boot(self):
        r = await self.call(call.BootNotification(charge_point_model="Test", charge_point_vendor="Kwartier"))
        await self.call(call.StatusNotification(connector_id=1, error_code="NoError", status="Available"))
        return r

    async def plug_in_and_start(self, id_tag="TAG1"):
        await self.call(call.StatusNotification(connector_id=1, error_code="NoError", status="Preparing"))
        auth = await self.call(call.Authorize(id_tag=id_tag))
        if auth.id_tag_info["status"] != AuthorizationStatus.accepted:
            return auth
        r = await self.call(call.StartTransaction(connector_id=1, id_tag=id_tag, meter_start=int(self.energy_wh),
                                                  timestamp=now_iso()))
        self.transaction_id = r.transaction_id
        self.charging = True
        await self.call(call.StatusNotification(connector_id=1, error_code="NoError", status="Charging"))
        return r

    async def stop(self):
        self.charging = False
        self.drawing = [0.0, 0.0, 0.0]
        await self.call(call.StopTransaction(meter_stop=int(self.energy_wh), timestamp=now_iso(),
                                             transaction_id=self.transaction_id))
        await self.call(call.StatusNotification(connector_id=1, error_code="NoError", status="Available"))

    async def send_meter_values(self):
        self.drawing = c = self.currents()
        sv = [{"value": f"{x:.1f}", "measurand": "Current.Import", "phase": ph, "unit": "A"}
              for x, ph in zip(c, ("L1", "L2", "L3"))]
        sv.append({"value": f"{sum(c) * 230:.0f}", "measurand": "Power.Active.Import", "unit": "W"})
        sv.append({"value": f"{self.energy_wh:.0f}", "measurand": "Energy.Active.Import.Register", "unit": "Wh"})
        try:
            await self.call(call.MeterValues(connector_id=1, transaction_id=self.transaction_id,
                                             meter_value=[{"timestamp": now_iso(), "sampled_value": sv}]))
        except Exception:
            pass

    async def meter_loop(self):
        while True:
            interval = float(self.config.get("MeterValueSampleInterval", "5"))
            await asyncio.sleep(interval)
            self.energy_wh += sum(self.drawing) * 230 * interval / 3600
            await self.send_meter_values()


class Chargers:
    """Runs charge points on one asyncio loop in a thread; `run(coro)` waits for a coroutine."""

    def __init__(self, url):
        self.url = url
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.points = {}
        self.tasks = {}

    def run(self, coro, timeout=30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _open(self, cp_id, password):
        headers = {}
        if password is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{cp_id}:{password}".encode()).decode()
        return await websockets.connect(f"{self.url}/{cp_id}", subprotocols=["ocpp1.6"], additional_headers=headers,
                                        open_timeout=5)

    def connect(self, cp_id, password=None, **kw):
        """Connects and boots a charger (raises websockets' InvalidStatus when refused)."""
        async def go():
            ws = await self._open(cp_id, password)
            old = self.points.get(cp_id)
            cp = Charger(cp_id, ws, **kw)
            if old is not None:        # a reconnect keeps what the charger stored
                cp.profiles, cp.config, cp.energy_wh = old.profiles, old.config, old.energy_wh
            self.points[cp_id] = cp
            self.tasks[cp_id] = [asyncio.ensure_future(cp.start()), asyncio.ensure_future(cp.meter_loop())]
            await cp.boot()
            return cp
        return self.run(go())

    def disconnect(self, cp_id):
        async def go():
            for t in self.tasks.pop(cp_id, []):
                t.cancel()
            await self.points[cp_id]._connection.close()
        self.run(go())

    def raw(self, cp_id, password=None):
        """A bare WebSocket for malformed frames."""
        return self.run(self._open(cp_id, password))

    def close(self):
        for cp_id in list(self.tasks):
            try:
                self.disconnect(cp_id)
            except Exception:
                pass
        self.loop.call_soon_threadsafe(self.loop.stop)
