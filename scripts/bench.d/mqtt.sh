#!/usr/bin/env bash
# MQTT: publish rate while two cars charge; a `…/set` to the answer, the next decision and the charger (p50/p99).
.venv/bin/python Tests/Peers/bench_mqtt.py --seconds 30 --sets 20
