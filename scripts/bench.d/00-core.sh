# Benchmarks written in Swift (release build): control decisions, simulated month, history queries over a generated year.
# (P1 runs from p1.sh next to the Python oracle; Modbus from 10-modbus.sh with its peers.)
"$(dirname "$KWARTIER_BIN")/kwartier-bench" control simulate history
