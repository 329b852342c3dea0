/// The built-in demo car park: 8 points over 2 boards under a 40 A connection, PV, a heat pump
/// and a boiler. `kwartier demo` and `kwartier simulate` use it when no configuration is given.
public enum DemoSite {
    public static let yaml = """
    site:
      name: Demo car park
      network: TN
      voltage: 230
      slider_kw: 15
      data_dir: .data/demo
      start_buffer_a: 2
    grid:
      fuse_a: 40
      margin_a: 1
      meter: p1
    meters:
      p1: { type: p1, simulated: true, stale_after_s: 10 }
    boards:
      garage-a: { parent: grid, limit_a: 32, margin_a: 0.5, meter: virtual }
      garage-b: { parent: grid, limit_a: 25, margin_a: 0.5, meter: virtual }
    chargepoints:
      cp1: { name: Visitor 1, board: garage-a, driver: simulated, simulated: true, phases: L1L2L3, max_a: 16 }
      cp2: { name: Visitor 2, board: garage-a, driver: simulated, simulated: true, phases: L2L3L1, max_a: 16 }
      cp3: { name: Visitor 3, board: garage-a, driver: simulated, simulated: true, phases: L3L1L2, max_a: 16 }
      cp4: { name: Staff 1, board: garage-a, driver: simulated, simulated: true, phases: L1L2L3, max_a: 16, priority: 1 }
      cp5: { name: Staff 2, board: garage-b, driver: simulated, simulated: true, phases: L2L3L1, max_a: 16 }
      cp6: { name: Staff 3, board: garage-b, driver: simulated, simulated: true, phases: L3L1L2, max_a: 16 }
      cp7: { name: Van, board: garage-b, driver: simulated, simulated: true, phases: L2, max_a: 25 }
      cp8: { name: Fleet, board: garage-b, driver: simulated, simulated: true, phases: L1L2L3, max_a: 16, phase_switching: true }
    relays:
      heatpump: { type: sg-ready, outputs: [relay1, relay2], states: [off, normal, comfort, boost],
                  comfort_above_kw: 1.5, boost_above_kw: 3.0, power_kw: { normal: 1.2, comfort: 2.0, boost: 3.5 } }
      boiler:   { type: switch, output: relay3, on_above_kw: 2.5, power_kw: 2.4, min_on_s: 300, timer: "02:00-05:00" }
    outputs:
      relay1: { simulated: true }
      relay2: { simulated: true }
      relay3: { simulated: true }
    """
}
