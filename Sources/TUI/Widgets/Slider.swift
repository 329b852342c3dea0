import Foundation
import KwartierCore

/// The energy slider: a horizontal track from 0 to a stable scale maximum, filled up to the
/// running quarter's average so far, shaded on to the forecast at the quarter's end (in the
/// over role past the slider), with the slider's mark and this month's peak mark on it.
public enum SliderWidget {
    /// A "nice" scale end that changes rarely as values move: 5, 10, 15, 20, 25, 30, 40, 50, …
    public static func scaleMax(slider: Double, quarter: QuarterStatus?) -> Double {
        let top = max(slider, quarter?.forecastKW ?? 0, quarter?.monthPeakKW ?? 0, quarter?.averageKW ?? 0) * 1.2
        let steps: [Double] = [5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 250, 300, 400, 500, 750, 1000]
        return steps.first { $0 >= top } ?? (ceil(top / 1000) * 1000)
    }

    /// Cell index of a value on a track of `n` cells scaled to `scale`.
    public static func position(_ v: Double, scale: Double, cells n: Int) -> Int {
        guard n > 0, scale > 0 else { return 0 }
        return min(n - 1, max(0, Int((v / scale * Double(n)).rounded(.down))))
    }

    /// Draws the track only, `n` cells wide at (x, y).
    public static func track(_ c: inout Canvas, x: Int, y: Int, width n: Int, slider: Double,
                             quarter: QuarterStatus?, scale: Double) {
        guard n > 0 else { return }
        let g = c.glyphs
        let avg = quarter?.averageKW ?? 0, fc = quarter?.forecastKW ?? 0
        let fillTo = Int((min(avg, scale) / scale * Double(n)).rounded(.down))
        let shadeTo = Int((min(fc, scale) / scale * Double(n)).rounded(.down))
        let sp = position(slider, scale: scale, cells: n)
        for i in 0..<n {
            if i < fillTo { c.put(x + i, y, g.barFull, i > sp ? .sliderOver : .sliderAverage) }
            else if i < shadeTo { c.put(x + i, y, g.barShade, i > sp ? .sliderOver : .sliderForecast) }
            else { c.put(x + i, y, g.barEmpty, .sliderTrack) }
        }
        if let q = quarter, q.monthPeakKW > 0 {
            let pp = position(q.monthPeakKW, scale: scale, cells: n)
            if pp != sp { c.put(x + pp, y, g.peakMark, .peakMarker) }
        }
        c.put(x + sp, y, g.sliderMark, .sliderMarker)
    }

    /// The full two-row control inside `r`:
    ///   Slider  9.0 kW [track……………] 15 kW
    ///   avg 6.4 kW  forecast 8.7 kW  allowed 10.2 kW  peak 9.8 kW 03-12 18:15
    public static func draw(_ c: inout Canvas, _ r: Rect, slider: Double, quarter: QuarterStatus?) {
        guard r.h >= 1, r.w >= 20 else { return }
        let scale = scaleMax(slider: slider, quarter: quarter)
        var col = c.text(r.x, r.y, "Slider ", .label, clip: r)
        col = c.text(col, r.y, Fmt.lpad(Fmt.kWv(slider), 5) + " kW ", .value, clip: r)
        let scaleText = " " + Fmt.kWv(scale).replacingOccurrences(of: ".0", with: "") + " kW"
        let trackW = r.maxX - col - scaleText.count - 2
        if trackW >= 5 {
            c.text(col, r.y, "[", .frame, clip: r)
            track(&c, x: col + 1, y: r.y, width: trackW, slider: slider, quarter: quarter, scale: scale)
            c.text(col + 1 + trackW, r.y, "]", .frame, clip: r)
            c.text(col + 2 + trackW, r.y, scaleText, .dim, clip: r)
        }
        guard r.h >= 2 else { return }
        let y = r.y + 1
        guard let q = quarter else {
            c.text(r.x, y, "no quarter-hour data yet", .dim, clip: r)
            return
        }
        col = c.text(r.x, y, "avg ", .label, clip: r)
        col = c.text(col, y, Fmt.kWv(q.averageKW) + " kW", .value, clip: r)
        col = c.text(col, y, "  forecast ", .label, clip: r)
        col = c.text(col, y, Fmt.kWv(q.forecastKW) + " kW", q.forecastKW > q.targetKW + 0.05 ? .warn : .value, clip: r)
        col = c.text(col, y, "  allowed ", .label, clip: r)
        col = c.text(col, y, Fmt.kWv(q.allowedKW) + " kW", .value, clip: r)
        col = c.text(col, y, "  peak ", .label, clip: r)
        col = c.text(col, y, Fmt.kWv(q.monthPeakKW) + " kW", .peakMarker, clip: r)
        if let t = q.monthPeakTime, r.maxX - col >= 13 {
            c.text(col, y, " " + Fmt.dayHM(t), .dim, clip: r)
        }
    }
}
