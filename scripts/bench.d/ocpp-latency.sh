#!/usr/bin/env bash
# Telegram → SetChargingProfile for 20 OCPP charge points (p50/p99).
.venv/bin/python Tests/Peers/bench_ocpp.py --points 20 --seconds 60
