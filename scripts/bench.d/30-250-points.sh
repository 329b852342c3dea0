# `kwartier run --headless` with 250 charge points on one hub (RS485 buses on pty pairs and
# Modbus TCP gateways on loopback peers, a P1 telegram a second): telegram → last setpoint
# written (goal p99 < 100 ms), CPU share of one core (goal < 10 %), resident memory.
.venv/bin/python Tests/Peers/bench_points.py
