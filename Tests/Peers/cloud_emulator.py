"""Local emulators of the Zaptec and Easee cloud APIs for the integration tests, written from the
vendors' public API documentation (docs.zaptec.com: OAuth2 password grant at /oauth/token,
/api/chargers/{id}/state observations, /api/installation/{id}/update; developer.easee.com:
/api/accounts/login, /api/chargers/{id}/state, /api/chargers/{id}/settings,
/api/sites/{site}/circuits/{circuit}/settings). One car per charger; the charger follows a new
limit only after `lag_s` (a slow actuator). Faults on demand: `fail` (a list of
(status, retry-after) answers for the next calls), `down` (every call 503), `delay_s`."""
import json
import threading
import time
import urllib.parse
import uuid

from http_peer import QuietHandler, serve_on_loopback


class Cloud:
    def __init__(self, vendor, username, password, charger, installation=None, token_life_s=3600, lag_s=0.0, car_max_a=16.0):
        self.vendor = vendor
        self.username, self.password = username, password
        self.charger, self.installation = charger, installation
        self.token_life_s = token_life_s
        self.lag_s = lag_s
        self.car_max_a = car_max_a
        self.tokens = {}
        self.requests = []          # (monotonic time, method, path, json body or form dict)
        self.logins = 0
        self.fail = []
        self.down = False
        self.delay_s = 0.0
        self.lock = threading.Lock()
        self.charging = False
        self.available = [32.0, 32.0, 32.0]    # what the cloud lets the charger use now
        self.pending = []                     # (applies at, per-phase limit)
        self.server, self.port, self.url = serve_on_loopback(self._handler())

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    # -- the charger

    def limit(self):
        now = time.monotonic()
        with self.lock:
            while self.pending and self.pending[0][0] <= now:
                self.available = self.pending.pop(0)[1]
            return list(self.available)

    def currents(self):
        if not self.charging:
            return [0.0, 0.0, 0.0]
        return [x if x >= 6 else 0.0 for x in (min(a, self.car_max_a) for a in self.limit())]

    def _set(self, per_phase):
        with self.lock:
            self.pending.append((time.monotonic() + self.lag_s, [float(x) for x in per_phase]))

    def writes(self):
        return [(t, p, b) for t, m, p, b in self.requests if m == "POST" and "token" not in p and "login" not in p]

    # -- HTTP

    def _handler(self):
        cloud = self

        class H(QuietHandler):
            def _reply(self, status, body=None, headers=None):
                self.reply(status, b"" if body is None else json.dumps(body).encode(), "application/json", headers)

            def _body(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n).decode() if n else ""
                if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                    return dict(urllib.parse.parse_qsl(raw))
                return json.loads(raw) if raw else None

            def _authorized(self):
                auth = self.headers.get("Authorization", "")
                tok = auth[7:] if auth.startswith("Bearer ") else None
                return tok in cloud.tokens and cloud.tokens[tok] > time.monotonic()

            def _serve(self, method):
                body = self._body() if method == "POST" else None
                path = self.path
                cloud.requests.append((time.monotonic(), method, path, body))
                if cloud.delay_s:
                    time.sleep(cloud.delay_s)
                if cloud.down:
                    return self._reply(503)
                if cloud.fail:
                    status, retry = cloud.fail.pop(0)
                    return self._reply(status, None, {"Retry-After": str(retry)} if retry is not None else None)
                v = cloud.vendor
                if (v == "zaptec" and path == "/oauth/token") or (v == "easee" and path == "/api/accounts/login"):
                    user = body.get("username" if v == "zaptec" else "userName")
                    ok = user == cloud.username and body.get("password") == cloud.password and \
                        (v != "zaptec" or body.get("grant_type") == "password")
                    if not ok:
                        return self._reply(400 if v == "zaptec" else 401, {"error": "invalid_grant"})
                    cloud.logins += 1
                    tok = uuid.uuid4().hex
                    cloud.tokens[tok] = time.monotonic() + cloud.token_life_s
                    if v == "zaptec":
                        return self._reply(200, {"access_token": tok, "token_type": "Bearer", "expires_in": cloud.token_life_s})
                    return self._reply(200, {"accessToken": tok, "expiresIn": cloud.token_life_s, "tokenType": "Bearer",
                                             "refreshToken": uuid.uuid4().hex})
                if not self._authorized():
                    return self._reply(401)
                c = cloud.currents()
                if method == "GET" and path == f"/api/chargers/{cloud.charger}/state":
                    if v == "zaptec":
                        mode = 3 if cloud.charging and max(c) > 0 else (2 if cloud.charging else 1)
                        obs = {507: c[0], 508: c[1], 509: c[2], 513: sum(c) * 230, 553: 1.5, 710: mode}
                        return self._reply(200, [{"ChargerId": cloud.charger, "StateId": k, "ValueAsString": str(x),
                                                  "Timestamp": "2026-12-07T06:00:00Z"} for k, x in obs.items()])
                    mode = 3 if cloud.charging and max(c) > 0 else (2 if cloud.charging else 1)
                    return self._reply(200, {"chargerOpMode": mode, "inCurrentT2": 0.0, "inCurrentT3": c[0], "inCurrentT4": c[1],
                                             "inCurrentT5": c[2], "totalPower": sum(c) * 0.23, "sessionEnergy": 1.5,
                                             "lifetimeEnergy": 1234.5, "dynamicChargerCurrent": cloud.limit()[0]})
                if v == "zaptec" and method == "POST" and path == f"/api/installation/{cloud.installation}/update":
                    keys = ["availableCurrentPhase1", "availableCurrentPhase2", "availableCurrentPhase3"]
                    if "availableCurrent" in body:
                        cloud._set([body["availableCurrent"]] * 3)
                    elif all(k in body for k in keys):
                        cloud._set([body[k] for k in keys])
                    else:
                        return self._reply(400)
                    return self._reply(200)
                if v == "easee" and method == "POST" and path == f"/api/chargers/{cloud.charger}/settings":
                    if "dynamicChargerCurrent" in body:
                        cloud._set([body["dynamicChargerCurrent"]] * 3)
                    return self._reply(200)
                return self._reply(404)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        return H
