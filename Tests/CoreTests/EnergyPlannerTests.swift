import Foundation
import XCTest
@testable import KwartierCore

/// The planner on small horizons whose optimum is worked out by hand (efficiency 1, so every
/// figure is exact).
final class EnergyPlannerTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_781_560_800)  // a quarter boundary

    func quarters(_ base: [Double], take: [Double], inject: [Double]? = nil, car: [Double]? = nil) -> [QuarterForecast] {
        base.indices.map { QuarterForecast(start: t0.addingTimeInterval(Double($0) * 900), takePrice: take[$0],
                                           injectPrice: inject?[$0] ?? 0, baseKW: base[$0], carKW: car?[$0] ?? 0) }
    }

    func battery(kwh: Double = 2, kw: Double = 2, feedCars: Bool = false) -> HomeBattery {
        HomeBattery(capacityKWh: kwh, maxChargeKW: kw, minSoCPercent: 0, maxSoCPercent: 100,
                    chargeEfficiency: 1, dischargeEfficiency: 1, mayFeedCars: feedCars)
    }

    func assertClose(_ a: [Double], _ b: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-9, "\(a) != \(b)", file: file, line: line) }
    }

    func testCheapQuarterChargesAndExpensiveQuartersDischarge() {
        let p = EnergyPlanner(battery: battery(), sliderKW: 5, socStepKWh: 0.25, endValueEURPerKWh: 0)
        let plan = p.plan(quarters: quarters([1, 1, 1, 1], take: [0.10, 0.20, 0.40, 0.40]), socKWh: 0, monthPeakKW: 0)
        assertClose(plan.steps.map(\.batteryKW), [2, 0, -1, -1])
        assertClose(plan.steps.map(\.gridKW), [3, 1, 0, 0])
        assertClose(plan.steps.map(\.socKWh), [0.5, 0.5, 0.25, 0])
        XCTAssertEqual(plan.energyCostEUR, 0.75 * 0.10 + 0.25 * 0.20, accuracy: 1e-9)
    }

    func testChargingStaysWithinTheSlider() {
        let p = EnergyPlanner(battery: battery(), sliderKW: 2, socStepKWh: 0.25, endValueEURPerKWh: 0)
        let plan = p.plan(quarters: quarters([1, 1, 1, 1], take: [0.10, 0.20, 0.40, 0.40]), socKWh: 0, monthPeakKW: 0)
        assertClose(plan.steps.map(\.batteryKW), [1, 1, -1, -1])
        assertClose(plan.steps.map(\.gridKW), [2, 2, 0, 0])
        XCTAssertEqual(plan.energyCostEUR, 0.5 * 0.10 + 0.5 * 0.20, accuracy: 1e-9)
    }

    /// The evening quarter at 6 kW would raise the month peak from 3 to 6 kW (12 € at 4 €/kW);
    /// the plan charges up to the old peak beforehand and discharges at full power there.
    func testEveningPeakIsShavedBelowTheMonthPeak() {
        let p = EnergyPlanner(battery: battery(kw: 4), sliderKW: 8, tariff: CapacityTariff(eurPerKWMonth: 4),
                              socStepKWh: 0.25, endValueEURPerKWh: 0)
        let plan = p.plan(quarters: quarters([1, 1, 6, 1], take: [0.20, 0.21, 0.30, 0.25]), socKWh: 0, monthPeakKW: 3)
        assertClose(plan.steps.map(\.batteryKW), [2, 2, -4, 0])
        assertClose(plan.steps.map(\.gridKW), [3, 3, 2, 1])
        XCTAssertEqual(plan.peakKW, 3, accuracy: 1e-9)
        XCTAssertEqual(plan.capKW, 3)
        XCTAssertEqual(plan.capacityCostEUR, 0)
        XCTAssertEqual(plan.energyCostEUR, 0.75 * 0.20 + 0.75 * 0.21 + 0.5 * 0.30 + 0.25 * 0.25, accuracy: 1e-9)
    }

    func testBatteryCoversOnlyTheHouseUnlessAllowed() {
        let q = quarters([0.5, 0.5], take: [0.1, 0.5], car: [7, 7])
        let house = EnergyPlanner(battery: battery(kw: 4), sliderKW: 20, socStepKWh: 0.125, endValueEURPerKWh: 0)
            .plan(quarters: q, socKWh: 2, monthPeakKW: 0)
        assertClose(house.steps.map(\.batteryKW), [-0.5, -0.5])
        let cars = EnergyPlanner(battery: battery(kw: 4, feedCars: true), sliderKW: 20, socStepKWh: 0.125, endValueEURPerKWh: 0)
            .plan(quarters: q, socKWh: 2, monthPeakKW: 0)
        assertClose(cars.steps.map(\.batteryKW), [-4, -4])
    }

    func testNegativeInjectionPriceCurtailsTheSurplus() {
        let p = EnergyPlanner(battery: battery(), sliderKW: 5, socStepKWh: 0.25, endValueEURPerKWh: 0)
        let plan = p.plan(quarters: quarters([-3, 1], take: [0.10, 0.30], inject: [-0.05, 0.05]), socKWh: 0, monthPeakKW: 0)
        assertClose(plan.steps.map(\.batteryKW), [1, -1])
        assertClose(plan.steps.map(\.gridKW), [0, 0])
        XCTAssertEqual(plan.steps.map(\.curtail), [true, false])
        XCTAssertEqual(plan.energyCostEUR, 0, accuracy: 1e-9)
        // Without a controllable inverter the surplus is exported at the negative price.
        let noLimit = EnergyPlanner(battery: battery(), sliderKW: 5, canCurtail: false, socStepKWh: 0.25, endValueEURPerKWh: 0)
            .plan(quarters: quarters([-3, 1], take: [0.10, 0.30], inject: [-0.05, 0.05]), socKWh: 0, monthPeakKW: 0)
        assertClose(noLimit.steps.map(\.batteryKW), [2, -1])
        XCTAssertEqual(noLimit.energyCostEUR, 0.25 * 0.05, accuracy: 1e-9)
    }

    /// A load smaller than one level of charge per quarter is still covered exactly.
    func testSmallLoadIsFollowedBetweenLevels() {
        let p = EnergyPlanner(battery: battery(), sliderKW: 5, socStepKWh: 0.25, endValueEURPerKWh: 0)
        let plan = p.plan(quarters: quarters([0.3, 0.3, 0.3], take: [0.3, 0.3, 0.3]), socKWh: 1, monthPeakKW: 0)
        assertClose(plan.steps.map(\.batteryKW), [-0.3, -0.3, -0.3])
        assertClose(plan.steps.map(\.socKWh), [0.925, 0.85, 0.775])
        XCTAssertEqual(plan.energyCostEUR, 0, accuracy: 1e-9)
    }

    func testPlanStepIntent() {
        func step(_ bat: Double, _ base: Double) -> PlanStep {
            PlanStep(start: t0, takePrice: 0, injectPrice: 0, baseKW: base, carKW: 0, batteryKW: bat, gridKW: 0, socKWh: 0, curtail: false)
        }
        XCTAssertEqual(BatteryDispatch.intent(step(3, 1)), .charge(3))
        XCTAssertEqual(BatteryDispatch.intent(step(2, -2)), .selfConsume)      // the surplus, no more
        XCTAssertEqual(BatteryDispatch.intent(step(3, -2)), .charge(3))
        XCTAssertEqual(BatteryDispatch.intent(step(0, 1)), .hold)
        XCTAssertEqual(BatteryDispatch.intent(step(0, -1)), .selfConsume)      // full at a forecast surplus
        XCTAssertEqual(BatteryDispatch.intent(step(-1, 1)), .selfConsume)
    }

    func testNegativeTakePriceChargesFromTheGrid() {
        let p = EnergyPlanner(battery: battery(), sliderKW: 5, socStepKWh: 0.25, endValueEURPerKWh: 0)
        let plan = p.plan(quarters: quarters([1, 1], take: [-0.02, 0.25]), socKWh: 0, monthPeakKW: 0)
        assertClose(plan.steps.map(\.batteryKW), [2, -1])
        XCTAssertEqual(plan.energyCostEUR, 0.75 * -0.02, accuracy: 1e-9)
    }
}

final class EnergyPricingTests: XCTestCase {
    func testSupplierFormula() {
        let f = SupplierFormula(take: .init(a: 1.1, b: 0.02), inject: .init(a: 1, b: -0.01), vatPercent: 6)
        XCTAssertEqual(f.takePrice(100), (0.11 + 0.02) * 1.06, accuracy: 1e-12)
        XCTAssertEqual(f.injectPrice(100), 0.09, accuracy: 1e-12)
        XCTAssertEqual(f.injectPrice(-50), -0.06, accuracy: 1e-12)
        XCTAssertEqual(SupplierFormula(vatPercent: 21, vatOnInjection: true).injectPrice(100), 0.121, accuracy: 1e-12)
    }

    func testCapacityTariff() {
        let t = CapacityTariff(eurPerKWMonth: 4)
        XCTAssertEqual(t.monthCost(peakKW: 2), 10)
        XCTAssertEqual(t.monthCost(peakKW: 5), 20)
        XCTAssertEqual(t.costOfRaising(from: 3, to: 5), 8)
        XCTAssertEqual(t.costOfRaising(from: 1, to: 3), 2)
        XCTAssertEqual(t.costOfRaising(from: 5, to: 3), 0)
    }

    func testHourlySeriesGivesEachQuarterItsHour() {
        let s = PriceSeries(start: Date(timeIntervalSince1970: 3600), stepS: 3600, eurPerMWh: [10, -5])
        XCTAssertEqual(s.quarters(from: Date(timeIntervalSince1970: 3600 + 1800 + 7), count: 5), [10, 10, -5, -5, -5] as [Double?])
        XCTAssertNil(s.price(at: Date(timeIntervalSince1970: 3599)))
        XCTAssertEqual(s.end, Date(timeIntervalSince1970: 3 * 3600))
        let next = PriceSeries(start: Date(timeIntervalSince1970: 2 * 3600), stepS: 3600, eurPerMWh: [7, 8])
        XCTAssertEqual(s.merged(with: next).eurPerMWh, [10, 7, 8])
    }

    func testCurtailmentFollowsThePriceWithHysteresisAndNeverOnAStalePrice() {
        var c = CurtailmentDecider()
        XCTAssertEqual(c.decide(injectPrice: -0.01, fresh: true, siteUseW: 800), 800)
        XCTAssertEqual(c.decide(injectPrice: 0, fresh: true, siteUseW: 650), 650)
        XCTAssertNil(c.decide(injectPrice: 0.02, fresh: true, siteUseW: 650))
        XCTAssertNil(c.decide(injectPrice: 0, fresh: true, siteUseW: 650))
        XCTAssertNil(c.decide(injectPrice: -0.05, fresh: false, siteUseW: 650))
        XCTAssertNil(c.decide(injectPrice: nil, fresh: true, siteUseW: 650))
        XCTAssertEqual(c.decide(injectPrice: -0.05, fresh: true, siteUseW: -20), 0)
    }

    func testDispatchChargesWithinTheSliderAndNeverFeedsTheCar() {
        let b = HomeBattery(capacityKWh: 10, maxChargeKW: 5, minSoCPercent: 10)
        // 3 kW house: under a 6 kW slider a planned 5 kW charge gets the 3 kW left; under 9 kW a
        // planned 7 kW charge gets the battery's 5 kW.
        XCTAssertEqual(BatteryDispatch.setpoint(.init(gridW: 3000, batteryW: 0, carW: 0, socPercent: 50, sliderKW: 6), plannedKW: 5, battery: b), 3000)
        XCTAssertEqual(BatteryDispatch.setpoint(.init(gridW: 3000, batteryW: 0, carW: 0, socPercent: 50, sliderKW: 9), plannedKW: 7, battery: b), 5000)
        // With a 4 kW car charging the grid does not charge the battery: the car comes first.
        var i = BatteryDispatch.Input(gridW: 7000, batteryW: 0, carW: 4000, socPercent: 50, sliderKW: 9)
        XCTAssertEqual(BatteryDispatch.setpoint(i, plannedKW: 5, battery: b), 0)
        // A planned discharge covers the house's 3 kW, not the car.
        XCTAssertEqual(BatteryDispatch.setpoint(i, plannedKW: -5, battery: b), -3000)
        var feed = b; feed.mayFeedCars = true
        XCTAssertEqual(BatteryDispatch.setpoint(i, plannedKW: -5, battery: feed), -5000)
        // Hold: no discharge while the load is positive.
        XCTAssertEqual(BatteryDispatch.setpoint(i, plannedKW: 0, battery: b), 0)
        // A surplus of 1.5 kW (already 0.5 kW into the battery) charges in any plan.
        i = BatteryDispatch.Input(gridW: -1000, batteryW: 500, carW: 0, socPercent: 50, sliderKW: 9)
        XCTAssertEqual(BatteryDispatch.setpoint(i, plannedKW: 0, battery: b), 1500)
        XCTAssertEqual(BatteryDispatch.setpoint(i, plannedKW: nil, battery: b), 1500)
        // Empty: no discharge.
        i = BatteryDispatch.Input(gridW: 3000, batteryW: 0, carW: 0, socPercent: 10, sliderKW: 9)
        XCTAssertEqual(BatteryDispatch.setpoint(i, plannedKW: -2, battery: b), 0)
    }
}

/// Grid charging spends what the quarter has left, not the slider's power: a quarter that ran
/// over its pace at its start (a car stopped late) closed over the slider with the battery
/// filling the grid up to the slider for the rest of it.
final class BatteryQuarterBudgetTests: XCTestCase {
    func testGridChargingKeepsTheQuarterUnderTheSlider() throws {
        let tz = try XCTUnwrap(TimeZone(identifier: "Europe/Brussels"))
        var meter = VirtualMeterState(timeZone: tz)
        let q0 = Date(timeIntervalSince1970: 1_688_522_400)   // 2023-07-05 04:00 local, a quarter start
        // 100 s at 7.2 kW: 0.2 kWh of the slider's 1.25 kWh, 1.05 kWh left for 800 s.
        for k in 1...100 { meter.integrate(gridW: 7200, dt: 1, at: q0.addingTimeInterval(Double(k))) }
        let allowed = try XCTUnwrap(meter.allowedKW(sliderKW: 5, at: q0.addingTimeInterval(100)))
        XCTAssertEqual(allowed, 4.725, accuracy: 1e-9)

        let b = HomeBattery(capacityKWh: 10, maxChargeKW: 5, minSoCPercent: 10)
        let site = BatteryDispatch.Input(gridW: 2500, batteryW: 0, carW: 0, socPercent: 50, sliderKW: 5, quarterAllowedKW: allowed)
        let w = BatteryDispatch.setpoint(site, plannedKW: 5, battery: b)
        XCTAssertEqual(w, 2225, accuracy: 1e-6)
        // The quarter closes on the slider: 0.2 kWh + (2.5 + 2.225) kW × 800 s.
        XCTAssertEqual((0.2 + (2500 + w) / 1000 * 800 / 3600) / 0.25, 5, accuracy: 1e-6)
        // The slider alone (the old rule) charged 2.5 kW: the quarter closed at 5.244 kW.
        var old = site; old.quarterAllowedKW = nil
        let wOld = BatteryDispatch.setpoint(old, plannedKW: 5, battery: b)
        XCTAssertEqual(wOld, 2500)
        XCTAssertEqual((0.2 + (2500 + wOld) / 1000 * 800 / 3600) / 0.25, 5.244, accuracy: 0.001)
        // A quarter already spent: no grid charging (a surplus would still charge).
        var spent = site; spent.quarterAllowedKW = 0
        XCTAssertEqual(BatteryDispatch.setpoint(spent, plannedKW: 5, battery: b), 0)
    }
}

/// The energy manager's decisions from its readings (no plan: the battery absent or reactive).
final class HomeEnergyControllerTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_690_704_000)  // 2023-07-30 08:00 UTC

    func controller(fetchedAt: Date?, mode: HomeEnergyController.Mode = .reactive) -> HomeEnergyController {
        let prices = PriceSeries(start: t0, stepS: 3600, eurPerMWh: [-20, 30], fetchedAt: fetchedAt)
        return HomeEnergyController(mode: mode, battery: HomeBattery(capacityKWh: 10, maxChargeKW: 5), formula: SupplierFormula(),
                                    tariff: nil, sliderKW: 5, canCurtail: true,
                                    forecaster: HomeForecaster(arrays: [], latitude: 51, longitude: 4.4, timeZone: TimeZone(identifier: "UTC")!),
                                    prices: prices, staleAfterH: 36)
    }

    let reading = HomeEnergyController.Reading(gridW: -3000, batteryW: 0, carW: 0, pvW: 4000, socPercent: 100, monthPeakKW: 3)

    func testNegativePriceCurtailsToWhatTheSiteUses() {
        var c = controller(fetchedAt: t0.addingTimeInterval(-3600))
        let cmd = c.step(now: t0.addingTimeInterval(60), dt: 1, reading)
        // The house takes 1 kW (4 kW PV, 3 kW exported); the battery is full.
        XCTAssertEqual(cmd.pvLimitW, 1000)
        XCTAssertEqual(cmd.batteryW, 0)
        // A positive price an hour later lifts the limit.
        XCTAssertNil(c.step(now: t0.addingTimeInterval(3660), dt: 1, reading).pvLimitW)
    }

    func testAStalePriceNeverCurtails() {
        var c = controller(fetchedAt: t0.addingTimeInterval(-37 * 3600))
        XCTAssertFalse(c.pricesFresh(at: t0.addingTimeInterval(60)))
        XCTAssertNil(c.step(now: t0.addingTimeInterval(60), dt: 1, reading).pvLimitW)
        // Nor does a time the series does not cover.
        var d = controller(fetchedAt: t0)
        XCTAssertNil(d.step(now: t0.addingTimeInterval(3 * 3600), dt: 1, reading).pvLimitW)
    }
}


/// "Ready by 07:00 with 30 kWh": the car's energy in the cheapest quarters before the deadline.
final class CarReadyPlanTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_690_754_400)   // 2023-07-30 22:00 UTC

    func quarters(_ prices: [Double], baseKW: Double = 1) -> [QuarterForecast] {
        prices.enumerated().map { QuarterForecast(start: t0.addingTimeInterval(Double($0.offset) * 900), takePrice: $0.element,
                                                  injectPrice: 0, baseKW: baseKW) }
    }

    func testCheapestQuartersBeforeTheDeadlineWithinTheSlider() {
        // Six quarters; the deadline after the fifth (the sixth, cheapest of all, is too late).
        // 2 kWh at up to 4 kW, the slider 4 kW above a 1 kW house: 3 kW (0.75 kWh) a quarter.
        let q = quarters([0.30, 0.10, 0.20, 0.05, 0.40, 0.01])
        let car = CarDemand(pointId: "cp1", deadline: t0.addingTimeInterval(5 * 900), energyKWh: 2, maxKW: 4)
        XCTAssertEqual(CarScheduler.schedule(car, quarters: q, sliderKW: 4), [0, 3, 2, 3, 0, 0])
        // Two cars: the second gets the room the first left — 1 kW at 0.20 €, then 3 kW at 0.30 €.
        let second = CarDemand(pointId: "cp2", deadline: t0.addingTimeInterval(5 * 900), energyKWh: 1, maxKW: 4)
        XCTAssertEqual(CarScheduler.apply([car, second], to: q, sliderKW: 4).map(\.carKW), [3, 3, 3, 3, 0, 0])
    }

    func testMoreThanFitsIsCutAtWhatTheQuartersHold() {
        let car = CarDemand(pointId: "cp1", deadline: t0.addingTimeInterval(2 * 900), energyKWh: 30, maxKW: 11)
        XCTAssertEqual(CarScheduler.schedule(car, quarters: quarters([0.2, 0.1, 0.05]), sliderKW: 10), [9, 9, 0])
    }

    func testDeadlineIsTheNextLocalTimeOfDay() {
        let tz = TimeZone(identifier: "Europe/Brussels")!
        let r = ReadyBy(minuteOfDay: 7 * 60, energyKWh: 30)
        XCTAssertEqual(r.deadline(after: t0, timeZone: tz), Date(timeIntervalSince1970: 1_690_779_600))   // 31 July 07:00 CEST
        XCTAssertEqual(ReadyBy.minute("07:00"), 420)
        XCTAssertNil(ReadyBy.minute("7:00"))
        XCTAssertNil(ReadyBy.minute("24:00"))
    }

    func testThePlanCarriesTheCarAndTheBatteryDoesNotChargeThen() {
        let battery = HomeBattery(capacityKWh: 10, maxChargeKW: 3)
        var c = HomeEnergyController(mode: .plan, battery: battery, formula: SupplierFormula(), tariff: nil, sliderKW: 5, canCurtail: false,
                                     forecaster: HomeForecaster(arrays: [], latitude: 51, longitude: 4.4, timeZone: TimeZone(identifier: "UTC")!),
                                     prices: PriceSeries(start: t0, stepS: 900, eurPerMWh: [300, 100, 200, 50, 400, 400, 400, 400]))
        c.cars = [CarDemand(pointId: "cp1", deadline: t0.addingTimeInterval(4 * 900), energyKWh: 2, maxKW: 4)]
        _ = c.step(now: t0, dt: 1, .init(gridW: 1000, batteryW: 0, carW: 0, pvW: 0, socPercent: 50, monthPeakKW: 0))
        // 2 kWh at 4 kW: 1 kWh in the 50 €/MWh quarter and 1 kWh in the 100 €/MWh quarter.
        XCTAssertEqual(c.plan?.steps.map(\.carKW), [0, 4, 0, 4, 0, 0, 0, 0])
    }
}

/// The forecaster's PV under a weather forecast: the cloud cover's factor times what it has
/// learnt the forecast gets wrong at this site.
final class HomeForecasterTests: XCTestCase {
    let day = Date(timeIntervalSince1970: 1_690_675_200)  // 2023-07-30 00:00 UTC

    func testLearnsTheForecastsBiasWithinBounds() {
        var f = HomeForecaster(arrays: [.init(kwp: 8)], latitude: 51, longitude: 4.4, timeZone: TimeZone(identifier: "UTC")!)
        for h in 0..<48 { f.cloudCover[day.timeIntervalSince1970 + Double(h * 3600)] = 0.5 }
        let noon = day.addingTimeInterval(12 * 3600)
        let before = f.forecast(noon)
        let clear = ClearSky.pvKW([.init(kwp: 8)], at: noon.addingTimeInterval(450), latitude: 51, longitude: 4.4)
        XCTAssertEqual(before.pvKW, clear * (1 - 0.75 * pow(0.5, 3.4)), accuracy: 1e-9)
        XCTAssertEqual(before.pvHighKW, clear, accuracy: 1e-9)
        // The site makes 80 % of what the forecast said, every quarter of the day.
        for q in 0..<96 {
            let t = day.addingTimeInterval(Double(q) * 900)
            f.observe(quarter: t, loadKW: 0.5, pvKW: 0.8 * f.clearKW(t) * ClearSky.cloudFactor(0.5))
        }
        XCTAssertEqual(f.forecastBias, 0.8, accuracy: 1e-9)
        let after = f.forecast(noon.addingTimeInterval(86_400))
        let clear2 = ClearSky.pvKW([.init(kwp: 8)], at: noon.addingTimeInterval(86_400 + 450), latitude: 51, longitude: 4.4)
        XCTAssertEqual(after.pvKW, clear2 * (1 - 0.75 * pow(0.5, 3.4)) * 0.8, accuracy: 1e-9)
        XCTAssertEqual(after.pvHighKW, clear2 * 0.8, accuracy: 1e-9)
        // A site making a fifth of the forecast for a week: bounded at half.
        for q in 96..<(96 * 8) {
            let t = day.addingTimeInterval(Double(q) * 900)
            f.cloudCover[(t.timeIntervalSince1970 / 3600).rounded(.down) * 3600] = 0.5
            f.observe(quarter: t, loadKW: 0.5, pvKW: 0.2 * f.clearKW(t) * ClearSky.cloudFactor(0.5))
        }
        XCTAssertEqual(f.forecastBias, 0.5)
    }

    func testWithoutAForecastTheLastDaysRatio() {
        var f = HomeForecaster(arrays: [.init(kwp: 8)], latitude: 51, longitude: 4.4, timeZone: TimeZone(identifier: "UTC")!)
        for q in 0..<96 {
            let t = day.addingTimeInterval(Double(q) * 900)
            f.observe(quarter: t, loadKW: 0.5, pvKW: 0.6 * f.clearKW(t))
        }
        XCTAssertEqual(f.pvRatio, 0.6, accuracy: 1e-9)
        XCTAssertEqual(f.forecastBias, 1)
        let noon = day.addingTimeInterval(36 * 3600)
        let clear = ClearSky.pvKW([.init(kwp: 8)], at: noon.addingTimeInterval(450), latitude: 51, longitude: 4.4)
        XCTAssertEqual(f.forecast(noon).pvKW, 0.6 * clear, accuracy: 1e-9)
        XCTAssertEqual(f.forecast(noon).pvHighKW, clear, accuracy: 1e-9)
    }
}
