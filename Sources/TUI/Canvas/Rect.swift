/// A rectangle of terminal cells: column `x`, row `y`, `w` columns wide, `h` rows high.
public struct Rect: Equatable, Sendable, CustomStringConvertible {
    public var x: Int, y: Int, w: Int, h: Int
    public init(x: Int, y: Int, w: Int, h: Int) { self.x = x; self.y = y; self.w = max(0, w); self.h = max(0, h) }

    public var maxX: Int { x + w }
    public var maxY: Int { y + h }
    public var isEmpty: Bool { w <= 0 || h <= 0 }
    public var description: String { "(\(x),\(y) \(w)x\(h))" }

    /// The part of this rectangle that lies inside `other`.
    public func intersection(_ other: Rect) -> Rect {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        return Rect(x: x0, y: y0, w: x1 - x0, h: y1 - y0)
    }
    /// Shrunk by `n` cells on every side (the inside of a box).
    public func inset(_ n: Int) -> Rect { Rect(x: x + n, y: y + n, w: w - 2 * n, h: h - 2 * n) }
    public func inset(dx: Int, dy: Int) -> Rect { Rect(x: x + dx, y: y + dy, w: w - 2 * dx, h: h - 2 * dy) }

    /// The first `n` rows, and what is left below them.
    public func splitTop(_ n: Int) -> (Rect, Rect) {
        let k = min(max(0, n), h)
        return (Rect(x: x, y: y, w: w, h: k), Rect(x: x, y: y + k, w: w, h: h - k))
    }
    /// The last `n` rows, and what is left above them.
    public func splitBottom(_ n: Int) -> (Rect, Rect) {
        let k = min(max(0, n), h)
        return (Rect(x: x, y: y + h - k, w: w, h: k), Rect(x: x, y: y, w: w, h: h - k))
    }
    /// The first `n` columns, and what is left to their right.
    public func splitLeft(_ n: Int) -> (Rect, Rect) {
        let k = min(max(0, n), w)
        return (Rect(x: x, y: y, w: k, h: h), Rect(x: x + k, y: y, w: w - k, h: h))
    }
    /// One row of this rectangle (relative index), empty when outside.
    public func row(_ i: Int) -> Rect {
        guard i >= 0 && i < h else { return Rect(x: x, y: y + i, w: 0, h: 0) }
        return Rect(x: x, y: y + i, w: w, h: 1)
    }
    /// A centred rectangle of the given size (clipped to this one).
    public func centered(w cw: Int, h ch: Int) -> Rect {
        let ww = min(cw, w), hh = min(ch, h)
        return Rect(x: x + (w - ww) / 2, y: y + (h - hh) / 2, w: ww, h: hh)
    }
}
