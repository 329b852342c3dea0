"""A local emulator of Open-Meteo's forecast API (GET /v1/forecast), written from its public
documentation: `latitude` and `longitude` are required (decimal degrees, within ±90 / ±180);
`hourly` is a comma-separated list of variables (here `cloud_cover`, total cloud cover in %);
`timeformat` is `iso8601` (default) or `unixtime`; `timezone` (default GMT); `start_date` and
`end_date` (yyyy-mm-dd, both or neither) or `forecast_days` (0-16, default 7). The answer is a
JSON object with latitude, longitude, generationtime_ms, utc_offset_seconds, timezone,
timezone_abbreviation, elevation, `hourly_units` and `hourly` (`time` plus one array per
variable, null where there is no value). A bad parameter answers HTTP 400 with
{"error": true, "reason": "..."}. Faults on demand: `down` (every call 503), `garbage` (every
call 200 with a body that is not JSON)."""
import json
import urllib.parse
from datetime import date, datetime, timedelta, timezone

from http_peer import QuietHandler, serve_on_loopback

VARIABLES = {"cloud_cover": "%"}


class OpenMeteo:
    """`cover`: {UTC datetime of the hour: cloud cover in %}; hours not given are null."""

    def __init__(self, cover):
        self.cover = dict(cover)
        self.requests = []
        self.down = False
        self.garbage = False
        self.server, self.port, self.url = serve_on_loopback(self._handler(), "/v1/forecast")

    def close(self):
        self.server.shutdown()

    def answer(self, q):
        try:
            lat, lon = float(q["latitude"]), float(q["longitude"])
        except (KeyError, ValueError):
            return 400, {"error": True, "reason": "Parameter 'latitude' and 'longitude' must be set to a number"}
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return 400, {"error": True, "reason": "Latitude must be in range of -90 to 90°. Longitude must be in range of -180 to 180°."}
        hourly = [v for v in q.get("hourly", "").split(",") if v]
        for v in hourly:
            if v not in VARIABLES:
                return 400, {"error": True, "reason": f"Cannot initialize WeatherVariable from invalid String value {v}"}
        fmt = q.get("timeformat", "iso8601")
        if fmt not in ("iso8601", "unixtime"):
            return 400, {"error": True, "reason": f"Invalid timeformat {fmt}"}
        if q.get("timezone", "GMT") not in ("GMT", "UTC"):
            return 400, {"error": True, "reason": "this emulator serves GMT only"}
        if ("start_date" in q) != ("end_date" in q):
            return 400, {"error": True, "reason": "Parameter 'start_date' and 'end_date' must be set together"}
        try:
            if "start_date" in q:
                first, last = date.fromisoformat(q["start_date"]), date.fromisoformat(q["end_date"])
            else:
                days = int(q.get("forecast_days", 7))
                if not 0 <= days <= 16:
                    return 400, {"error": True, "reason": "Forecast days is invalid. Allowed range 0 to 16."}
                first = datetime.now(timezone.utc).date()
                last = first + timedelta(days=days - 1)
        except ValueError:
            return 400, {"error": True, "reason": "Invalid date format, use yyyy-mm-dd"}
        if last < first:
            return 400, {"error": True, "reason": "End-date must be larger or equal than start-date"}
        t0 = datetime(first.year, first.month, first.day, tzinfo=timezone.utc)
        hours = [t0 + timedelta(hours=h) for h in range(((last - first).days + 1) * 24)]
        times = [int(t.timestamp()) if fmt == "unixtime" else t.strftime("%Y-%m-%dT%H:%M") for t in hours]
        body = {"latitude": lat, "longitude": lon, "generationtime_ms": 0.1, "utc_offset_seconds": 0, "timezone": "GMT",
                "timezone_abbreviation": "GMT", "elevation": 13.0}
        if hourly:
            body["hourly_units"] = {"time": fmt, **{v: VARIABLES[v] for v in hourly}}
            body["hourly"] = {"time": times, **{v: [self.cover.get(t) for t in hours] for v in hourly}}
        return 200, body

    def _handler(self):
        emu = self

        class H(QuietHandler):
            def send(self, status, obj):
                self.reply(status, json.dumps(obj).encode(), "application/json")

            def do_GET(self):
                u = urllib.parse.urlparse(self.path)
                q = dict(urllib.parse.parse_qsl(u.query))
                emu.requests.append(q)
                if emu.down:
                    return self.send(503, {"error": True, "reason": "Service unavailable"})
                if emu.garbage:
                    return self.reply(200, b"<html>upstream proxy error</html>", "text/html")
                if u.path != "/v1/forecast":
                    return self.send(404, {"error": True, "reason": "Not found"})
                self.send(*emu.answer(q))
        return H
