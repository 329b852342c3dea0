# Modbus: one cycle (write setpoint + read state) over 20 TCP charge points on loopback peers
# and 3 RTU points on one 115200 pty bus; p50/p99 latency (goal: TCP p99 < 20 ms).
.venv/bin/python Tests/Peers/bench_modbus.py
