"""The virtual meter's telegrams (TelegramEncoder, via `kwartier p1 sample`) read by dsmr_parser:
the oracle accepts their CRC and reads every value the same as our decoder."""
import json
from decimal import Decimal

import pytest
from dsmr_parser import telegram_specifications
from dsmr_parser.parsers import TelegramParser

from p1_support import sample_telegrams
from test_p1_oracle import compare_with_oracle


@pytest.mark.parametrize("style,spec", [("emucs", "BELGIUM_FLUVIUS"), ("dsmr5", "V5")])
def test_encoded_telegrams_parse_in_dsmr_parser(kwartier, style, spec, tmp_path):
    telegrams = sample_telegrams(kwartier, 12, style=style)
    for k, t in enumerate(telegrams):
        text = t.decode("ascii")
        TelegramParser(getattr(telegram_specifications, spec)).parse(text)     # raises on a bad CRC
        path = tmp_path / f"t{k}.txt"
        path.write_bytes(t)
        compare_with_oracle(kwartier, path, spec, expected_crc="ok")


def test_first_sample_values_through_the_oracle(kwartier):
    """Sample 0 as the simulation set it (P1SampleMeter): 2023-11-02 12:00 CET, registers, gas."""
    t = sample_telegrams(kwartier, 1)[0].decode("ascii")
    parsed = TelegramParser(telegram_specifications.BELGIUM_FLUVIUS).parse(t)
    assert parsed.P1_MESSAGE_TIMESTAMP.value.isoformat() == "2023-11-02T11:00:00+00:00"
    assert parsed.ELECTRICITY_USED_TARIFF_1.value == Decimal("4321.125")
    assert parsed.ELECTRICITY_USED_TARIFF_2.value == Decimal("3210.500")
    assert parsed.ELECTRICITY_DELIVERED_TARIFF_1.value == Decimal("812.250")
    assert parsed.BELGIUM_MAXIMUM_DEMAND_MONTH.value == Decimal("6.432")
    assert len(parsed.BELGIUM_MAXIMUM_DEMAND_13_MONTHS) == 13
    assert parsed.BELGIUM_MAXIMUM_DEMAND_13_MONTHS[0].occurred is None               # the empty month
    assert parsed.MBUS_METER_READING.value == Decimal("2345.678")
    # Car on all three lines (3680 W each) over the household base load, no PV yet.
    assert parsed.INSTANTANEOUS_ACTIVE_POWER_L1_POSITIVE.value == Decimal("4.100")
    assert parsed.CURRENT_ELECTRICITY_USAGE.value == Decimal("12.120")
