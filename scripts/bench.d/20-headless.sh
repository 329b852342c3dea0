# `kwartier run --headless` at rest with 20 Modbus TCP points and a P1 meter at 1 Hz: CPU share
# of one core and resident memory (goals: < 1 %, < 30 MB).
.venv/bin/python Tests/Peers/bench_headless.py
