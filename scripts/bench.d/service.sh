#!/usr/bin/env bash
# The service: telegram → snapshot at a control-socket subscriber (p50/p99); CPU with 3 dashboards attached.
.venv/bin/python Tests/Peers/bench_service.py
