# Benchmarks written in Swift (release build): P1 decode, control decisions, simulation.
"$(dirname "$KWARTIER_BIN")/kwartier-bench"
