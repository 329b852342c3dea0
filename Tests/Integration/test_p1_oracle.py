"""Differential test: `kwartier p1 decode --json` against the Python dsmr_parser (independent oracle).

Every example telegram dsmr_parser ships (stored as data in Tests/CoreTests/Fixtures/p1, see
SOURCE.md there) is decoded by both; every OBIS line the oracle's telegram specification knows must
give the same value, unit and timestamps (compared as instants) in our JSON.
"""
import copy
import json
import re
from datetime import datetime
from decimal import Decimal

import pytest
from dsmr_parser import telegram_specifications
from dsmr_parser.objects import CosemObject, MBusObject, MBusObjectPeak, ProfileGenericObject
from dsmr_parser.parsers import TelegramParser

from conftest import ROOT, run
from p1_server import crc16    # written in the tests, not taken from either decoder

FIXTURES = ROOT / "Tests/CoreTests/Fixtures/p1"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())


def oracle_spec(name):
    spec = getattr(telegram_specifications, name)
    if spec.get("general_global_cipher"):
        # The fixture is the plain-text telegram; the oracle's own tests parse it this way too.
        spec = copy.deepcopy(spec)
        spec["general_global_cipher"] = False
    return spec


def obis_key(line):
    """The OBIS code of a matched line, normalised like ours (EasyMeter's `*255` dropped)."""
    code = line.split("(", 1)[0].strip()
    return code[:-4] if code.endswith("*255") else code


def same_scalar(theirs, ours):
    """Oracle value (Decimal/int/str/datetime/None) against our JSON value (Decimal/int/str/None)."""
    if theirs in (None, "") or ours in (None, ""):
        return theirs in (None, "") and ours in (None, "")
    if isinstance(theirs, datetime):
        return isinstance(ours, str) and datetime.fromisoformat(ours) == theirs
    if isinstance(theirs, str) and isinstance(ours, str):
        return theirs == ours
    try:
        return Decimal(str(theirs)) == Decimal(str(ours))
    except Exception:
        return False


def same_time(theirs, ours):
    if theirs is None:
        return ours is None
    return ours is not None and datetime.fromisoformat(ours) == theirs


def compare(obj, ours, where):
    """Asserts one oracle object equals our JSON value; returns how many scalars were compared."""
    if isinstance(obj, list):                                   # 0-0:98.1.0 monthly peaks
        assert isinstance(ours, list) and len(ours) == len(obj), where
        for peak, mine in zip(obj, ours):
            assert isinstance(peak, MBusObjectPeak)
            assert same_time(peak.datetime, mine["start"]), (where, peak.datetime, mine)
            assert same_time(peak.occurred, mine["peak_time"]), (where, peak.occurred, mine)
            assert same_scalar(peak.value, mine["kw"]), (where, peak.value, mine)
        return 3 * len(obj)
    if isinstance(obj, ProfileGenericObject):                  # 1-0:99.97.0 failure log
        assert isinstance(ours, list) and len(ours) == obj.buffer_length, where
        for entry, mine in zip(obj.buffer, ours):
            assert same_time(entry.datetime, mine["time"]), (where, entry.datetime, mine)
            assert same_scalar(entry.value, mine["value"]), (where, entry.value, mine)
            assert entry.unit == mine.get("unit"), (where, entry.unit, mine)
        return 1 + 3 * len(ours)
    if isinstance(obj, MBusObject):                             # (time)(value*unit)
        assert set(ours) >= {"time", "value"}, (where, ours)
        assert same_time(obj.datetime, ours["time"]), (where, obj.datetime, ours)
        assert same_scalar(obj.value, ours["value"]), (where, obj.value, ours)
        assert obj.unit == ours.get("unit"), (where, obj.unit, ours)
        return 3
    assert isinstance(obj, CosemObject), (where, type(obj))
    assert same_scalar(obj.value, ours["value"]), (where, obj.value, ours)
    assert obj.unit == ours.get("unit"), (where, obj.unit, ours)
    return 2


def compare_with_oracle(kwartier, path, spec_name, expected_crc):
    """Decodes `path` with kwartier and with the oracle spec; asserts every value equal."""
    text = path.read_bytes().decode("latin-1")
    spec = oracle_spec(spec_name)

    r = run(kwartier, "p1", "decode", str(path), "--json")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 1, r.stdout
    mine = json.loads(lines[0], parse_float=Decimal)
    values = mine["values"]

    # The oracle's own whole-telegram parse validates the CRC where its spec checks one.
    TelegramParser(spec).parse(text)
    assert mine["crc"] == expected_crc

    compared = 0
    for obj_spec in spec["objects"]:
        pattern = re.compile(obj_spec["obis_reference"], re.DOTALL | re.MULTILINE)
        for match in pattern.findall(text):
            key = obis_key(match)
            parsed = copy.deepcopy(obj_spec["value_parser"]).parse(match)
            assert key in values, f"{path.name}: {key} missing in our output"
            compared += compare(parsed, values[key], f"{path.name} {key} ({obj_spec['value_name']})")
    assert compared >= 10, f"only {compared} values compared for {path.name}"
    return compared


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["constant"] for e in MANIFEST])
def test_decode_matches_dsmr_parser(kwartier, entry):
    path = FIXTURES / entry["file"]
    text = path.read_bytes().decode("latin-1")
    expected_crc = "absent" if re.search(r"!\r\n", text) else "ok"
    compare_with_oracle(kwartier, path, entry["oracle_spec"], expected_crc)


def test_all_oracle_examples_are_covered():
    """Every TELEGRAM_* constant of dsmr_parser's example file is in the manifest."""
    assert {e["constant"] for e in MANIFEST} == {
        "TELEGRAM_V2_2", "TELEGRAM_V3", "TELEGRAM_V4_2", "TELEGRAM_V5", "TELEGRAM_V5_TWO_MBUS",
        "TELEGRAM_UNPADDED_CRC", "TELEGRAM_FLUVIUS_V171", "TELEGRAM_FLUVIUS_V171_ALT",
        "TELEGRAM_ESY5Q3DB1024_V304", "TELEGRAM_ESY5Q3DA1004_V304", "TELEGRAM_SAGEMCOM_T210_D_R",
        "TELEGRAM_ISKRA_IE", "TELEGRAM_V5_EON_HU"}


def test_empty_belgian_peak_history_matches_dsmr_parser(kwartier, tmp_path):
    """A Belgian meter with no month in its 13-month history yet sends
    `0-0:98.1.0(0)(1-0:1.6.0)(1-0:1.6.0)()`: an empty list, as dsmr_parser reads it."""
    text = (FIXTURES / "emucs171_fluvius.txt").read_bytes().decode("latin-1")
    body = text[:text.index("!") + 1]
    body, n = re.subn(r"0-0:98\.1\.0\([^\r\n]*", "0-0:98.1.0(0)(1-0:1.6.0)(1-0:1.6.0)()", body)
    assert n == 1
    path = tmp_path / "empty-history.txt"
    path.write_bytes(f"{body}{crc16(body.encode('latin-1')):04X}\r\n".encode("latin-1"))

    compare_with_oracle(kwartier, path, "BELGIUM_FLUVIUS", "ok")
    oracle = TelegramParser(oracle_spec("BELGIUM_FLUVIUS")).parse(path.read_bytes().decode("latin-1"))
    assert oracle.BELGIUM_MAXIMUM_DEMAND_13_MONTHS == []
    mine = json.loads(run(kwartier, "p1", "decode", str(path), "--json").stdout)
    assert mine["values"]["0-0:98.1.0"] == []
