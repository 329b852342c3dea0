/// The battery's setpoint for this second from the plan's quarter and what the meter sees now.
/// The real-time loop stays first: charging never takes the grid above the slider and never
/// charges from the grid while a car charges, and a discharge covers only the house's load (the
/// cars' too when allowed), never export.
public enum BatteryDispatch {
    public struct Input: Sendable, Equatable {
        /// Grid power now (W, + import), with the battery's own power in it.
        public var gridW: Double
        /// Battery power now (W, + charging).
        public var batteryW: Double
        /// The cars' load now (W).
        public var carW: Double
        public var socPercent: Double
        public var sliderKW: Double
        /// What the site may still draw for the rest of the quarter without its average going
        /// over the slider (kW); nil = unknown.
        public var quarterAllowedKW: Double?
        public init(gridW: Double, batteryW: Double, carW: Double, socPercent: Double, sliderKW: Double,
                    quarterAllowedKW: Double? = nil) {
            self.gridW = gridW; self.batteryW = batteryW; self.carW = carW; self.socPercent = socPercent; self.sliderKW = sliderKW
            self.quarterAllowedKW = quarterAllowedKW
        }
    }

    /// What the plan wants of the battery this quarter.
    public enum Intent: Sendable, Equatable {
        /// Charge from the grid at this power (kW), the surplus at least.
        case charge(Double)
        /// Keep the charge for later (a surplus still charges).
        case hold
        /// Store the surplus, cover the load.
        case selfConsume
    }

    /// The plan's intent from its step: a charge above the expected surplus comes from the grid;
    /// standing idle against an expected load holds; anything else follows the load (so a
    /// forecast surplus that does not come does not leave the house on the grid).
    public static func intent(_ s: PlanStep) -> Intent {
        if s.batteryKW > max(0, -s.baseKW - s.carKW) + 0.01 { return .charge(s.batteryKW) }
        if abs(s.batteryKW) <= 0.01 && s.baseKW > 0.01 { return .hold }
        return .selfConsume
    }

    public static func setpoint(_ i: Input, intent: Intent?, battery: HomeBattery) -> Double {
        switch intent {
        case .charge(let kw)?: return setpoint(i, plannedKW: kw, battery: battery)
        case .hold?: return setpoint(i, plannedKW: 0, battery: battery)
        case .selfConsume?, nil: return setpoint(i, plannedKW: nil, battery: battery)
        }
    }

    /// The setpoint (W, + charging) for the planned average `plannedKW` (nil = no plan: plain
    /// self-consumption). A planned charge above the surplus charges from the grid; a planned
    /// discharge covers the load; a planned zero holds the charge (a surplus still charges).
    public static func setpoint(_ i: Input, plannedKW: Double?, battery: HomeBattery) -> Double {
        let siteW = i.gridW - i.batteryW                // the site without the battery
        let coverW = max(0, battery.mayFeedCars ? siteW : siteW - i.carW)
        let surplusW = max(0, -siteW)
        let full = i.socPercent >= battery.maxSoCPercent - 1e-9
        let empty = i.socPercent <= battery.minSoCPercent + 1e-9
        var w: Double
        switch plannedKW {
        case nil:
            w = surplusW > 0 ? surplusW : -coverW
        case let p? where p > 1e-6:
            // Grid charging: up to the slider's headroom (never above it), the surplus at least,
            // and not while a car charges: the cars' share of the slider comes first (the loop
            // would see the battery as load it cannot move and hold the car back). The slider
            // bounds the quarter's average, not the present power: a quarter that already ran
            // over its pace (a car stopping late) leaves less than the slider for the rest.
            let capKW = min(i.sliderKW, i.quarterAllowedKW ?? i.sliderKW)
            let headroomW = i.carW > 50 ? 0 : max(0, capKW * 1000 - siteW)
            w = max(surplusW, min(p * 1000, headroomW))
        case let p? where p < -1e-6:
            w = surplusW > 0 ? surplusW : -coverW
        default:
            w = surplusW
        }
        if w > 0 && full { w = 0 }
        if w < 0 && empty { w = 0 }
        return max(-battery.maxDischargeKW * 1000, min(battery.maxChargeKW * 1000, w))
    }
}
