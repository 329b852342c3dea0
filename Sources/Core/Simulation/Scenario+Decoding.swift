// Scenario files may leave out any key that has a default; synthesized Codable would demand them.

extension KeyedDecodingContainer {
    func value<T: Decodable>(_ key: Key, or fallback: T) throws -> T { try decodeIfPresent(T.self, forKey: key) ?? fallback }
}

extension SimScenario.PVSpec {
    enum CodingKeys: String, CodingKey { case kwp, weather }
    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        kwp = try c.decode(Double.self, forKey: .kwp)
        weather = try c.value(.weather, or: [.clear])
    }
}

extension SimScenario.HouseSpec {
    enum CodingKeys: String, CodingKey { case base_w, scale }
    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        let def = SimScenario.HouseSpec()
        base_w = try c.value(.base_w, or: def.base_w)
        scale = try c.value(.scale, or: def.scale)
    }
}

extension SimScenario.BoilerSpec {
    enum CodingKeys: String, CodingKey { case kw, daily_kwh }
    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        kw = try c.value(.kw, or: 2.4)
        daily_kwh = try c.value(.daily_kwh, or: 6)
    }
}

extension SimScenario.CarSpec {
    enum CodingKeys: String, CodingKey { case point, arrive, leave, battery_kwh, soc, target, phases, min_a, max_a, ready_by, energy_kwh }
    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        point = try c.decode(String.self, forKey: .point)
        arrive = try c.decode(String.self, forKey: .arrive)
        leave = try c.decode(String.self, forKey: .leave)
        battery_kwh = try c.value(.battery_kwh, or: 60)
        soc = try c.value(.soc, or: 30)
        target = try c.value(.target, or: 100)
        phases = try c.value(.phases, or: 3)
        min_a = try c.value(.min_a, or: 6)
        max_a = try c.value(.max_a, or: 16)
        ready_by = try c.decodeIfPresent(String.self, forKey: .ready_by)
        energy_kwh = try c.decodeIfPresent(Double.self, forKey: .energy_kwh)
    }
}

extension SimScenario.CarGenerator {
    enum CodingKeys: String, CodingKey {
        case per_point_per_day, arrive, stay_h, battery_kwh, soc, one_phase, two_phase, min_8a, max_a
    }
    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        let def = SimScenario.CarGenerator()
        per_point_per_day = try c.value(.per_point_per_day, or: def.per_point_per_day)
        arrive = try c.value(.arrive, or: def.arrive)
        stay_h = try c.value(.stay_h, or: def.stay_h)
        battery_kwh = try c.value(.battery_kwh, or: def.battery_kwh)
        soc = try c.value(.soc, or: def.soc)
        one_phase = try c.value(.one_phase, or: def.one_phase)
        two_phase = try c.value(.two_phase, or: def.two_phase)
        min_8a = try c.value(.min_8a, or: def.min_8a)
        max_a = try c.value(.max_a, or: def.max_a)
    }
}

extension SimScenario {
    enum CodingKeys: String, CodingKey {
        case name, description, config, start, days, hours, seed, slider_kw, pv, house, battery, boiler, cars, generate, energy
    }
    public init(from d: Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        config = try c.decodeIfPresent(String.self, forKey: .config)
        start = try c.value(.start, or: "2026-06-15")
        days = try c.value(.days, or: 1)
        hours = try c.decodeIfPresent(Double.self, forKey: .hours)
        seed = try c.value(.seed, or: 1)
        slider_kw = try c.decodeIfPresent(Double.self, forKey: .slider_kw)
        pv = try c.decodeIfPresent(PVSpec.self, forKey: .pv)
        house = try c.value(.house, or: HouseSpec())
        battery = try c.decodeIfPresent(BatterySpec.self, forKey: .battery)
        boiler = try c.decodeIfPresent(BoilerSpec.self, forKey: .boiler)
        cars = try c.decodeIfPresent([CarSpec].self, forKey: .cars)
        generate = try c.decodeIfPresent(CarGenerator.self, forKey: .generate)
        energy = try c.decodeIfPresent(SimEnergySpec.self, forKey: .energy)
    }
}
