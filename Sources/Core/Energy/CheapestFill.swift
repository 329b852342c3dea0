/// The one rule both car plans use: fill `energyKWh` into the cheapest quarters first (the
/// earlier on a tie), each at most `capKW` for its `hours`. Returns the power per quarter and
/// what did not fit.
enum CheapestFill {
    static func fill(energyKWh: Double, price: [Double], capKW: [Double], hours: [Double]) -> (kw: [Double], leftKWh: Double) {
        var kw = Array(repeating: 0.0, count: price.count)
        var rest = energyKWh
        for j in price.indices.sorted(by: { (price[$0], $0) < (price[$1], $1) }) where rest > 1e-9 && hours[j] > 0 {
            let p = min(capKW[j], rest / hours[j])
            kw[j] = p
            rest -= p * hours[j]
        }
        return (kw, rest)
    }
}
