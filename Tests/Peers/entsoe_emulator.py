"""A local emulator of the ENTSO-E transparency platform's REST API for day-ahead prices, written
from its public documentation (the API guide: GET /api with securityToken, documentType=A44,
in_Domain and out_Domain the same bidding zone (EIC), periodStart/periodEnd as yyyyMMddHHmm UTC;
the answer is a Publication_MarketDocument of the 451-3 publication schema: TimeSeries, Period
with a UTC timeInterval, a resolution, and Points with position from 1 and price.amount in
EUR/MWh; curve type A03 leaves out a point that repeats the price before it; no data gives an
Acknowledgement_MarketDocument with a Reason). Faults on demand: `down` (every call 503)."""
import urllib.parse
from datetime import datetime, timedelta, timezone

from http_peer import QuietHandler, serve_on_loopback

NS = "urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3"
ACK_NS = "urn:iec62325.351:tc57wg16:451-1:acknowledgementdocument:7:0"


def ack(code, text):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Acknowledgement_MarketDocument xmlns="{ACK_NS}">\n'
            f'  <mRID>ack</mRID>\n  <createdDateTime>2023-07-29T12:00:00Z</createdDateTime>\n'
            f'  <Reason>\n    <code>{code}</code>\n    <text>{text}</text>\n  </Reason>\n</Acknowledgement_MarketDocument>\n')


class Entsoe:
    """`prices`: {UTC datetime of the hour: EUR/MWh}; one Period per UTC day that has prices."""
    def __init__(self, token, zone, prices):
        self.token, self.zone, self.prices = token, zone, dict(prices)
        self.requests = []
        self.down = False
        self.server, self.port, self.url = serve_on_loopback(self._handler(), "/api")

    def close(self):
        self.server.shutdown()

    def document(self, start, end):
        hours = sorted(t for t in self.prices if start <= t < end)
        if not hours:
            return None
        fmt = "%Y-%m-%dT%H:%MZ"
        periods = []
        day = hours[0]
        while day <= hours[-1]:
            block = [t for t in hours if day <= t < day + timedelta(hours=24)]
            if block:
                points, last = [], None
                for t in block:
                    v = self.prices[t]
                    if v != last:   # A03: a repeated price is left out
                        points.append(f"        <Point>\n          <position>{int((t - block[0]).total_seconds() // 3600) + 1}</position>\n"
                                      f"          <price.amount>{v:g}</price.amount>\n        </Point>")
                    last = v
                end_t = block[-1] + timedelta(hours=1)
                periods.append(f"      <Period>\n        <timeInterval>\n          <start>{block[0].strftime(fmt)}</start>\n"
                               f"          <end>{end_t.strftime(fmt)}</end>\n        </timeInterval>\n"
                               f"        <resolution>PT60M</resolution>\n" + "\n".join(points) + "\n      </Period>")
            day += timedelta(hours=24)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Publication_MarketDocument xmlns="{NS}">\n'
                f"  <mRID>1</mRID>\n  <revisionNumber>1</revisionNumber>\n  <type>A44</type>\n"
                f"  <period.timeInterval>\n    <start>{start.strftime(fmt)}</start>\n    <end>{end.strftime(fmt)}</end>\n  </period.timeInterval>\n"
                f"  <TimeSeries>\n    <mRID>1</mRID>\n    <businessType>A62</businessType>\n"
                f'    <in_Domain.mRID codingScheme="A01">{self.zone}</in_Domain.mRID>\n'
                f'    <out_Domain.mRID codingScheme="A01">{self.zone}</out_Domain.mRID>\n'
                f"    <currency_Unit.name>EUR</currency_Unit.name>\n    <price_Measure_Unit.name>MWH</price_Measure_Unit.name>\n"
                f"    <curveType>A03</curveType>\n" + "\n".join(periods) + "\n  </TimeSeries>\n</Publication_MarketDocument>\n")

    def _handler(self):
        emu = self

        class H(QuietHandler):
            def send(self, status, body):
                self.reply(status, body.encode(), "text/xml" if body.startswith("<?xml") else "text/html")

            def do_GET(self):
                u = urllib.parse.urlparse(self.path)
                q = dict(urllib.parse.parse_qsl(u.query))
                emu.requests.append(q)
                if emu.down:
                    return self.send(503, "<html><body>Service unavailable</body></html>")
                if u.path != "/api":
                    return self.send(404, "<html><body>Not found</body></html>")
                if q.get("securityToken") != emu.token:
                    return self.send(401, "<html><body>Unauthorized</body></html>")
                for k in ("documentType", "in_Domain", "out_Domain", "periodStart", "periodEnd"):
                    if k not in q:
                        return self.send(400, ack("999", f"Mandatory parameter {k} is missing"))
                if q["documentType"] != "A44" or q["in_Domain"] != q["out_Domain"]:
                    return self.send(400, ack("999", "Only day-ahead prices (A44) with in_Domain equal to out_Domain"))
                try:
                    start = datetime.strptime(q["periodStart"], "%Y%m%d%H%M").replace(tzinfo=timezone.utc)
                    end = datetime.strptime(q["periodEnd"], "%Y%m%d%H%M").replace(tzinfo=timezone.utc)
                except ValueError:
                    return self.send(400, ack("999", "periodStart and periodEnd must be yyyyMMddHHmm"))
                doc = emu.document(start, end) if q["in_Domain"] == emu.zone else None
                if doc is None:
                    return self.send(200, ack("999", "No matching data found for Data item Day-ahead Prices"))
                self.send(200, doc)
        return H
