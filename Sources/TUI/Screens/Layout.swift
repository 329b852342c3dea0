/// Where the fixed parts of the dashboard go: header (row 0), body, status line, footer.
public struct Layout: Equatable, Sendable {
    public static let minWidth = 80, minHeight = 24

    public var header: Rect, body: Rect, status: Rect, footer: Rect

    public init(width: Int, height: Int) {
        let all = Rect(x: 0, y: 0, w: width, h: height)
        let (h, rest) = all.splitTop(1)
        let (f, rest2) = rest.splitBottom(1)
        let (st, b) = rest2.splitBottom(1)
        header = h; body = b; status = st; footer = f
    }

    public static func fits(width: Int, height: Int) -> Bool { width >= minWidth && height >= minHeight }
}

/// Scroll positions kept between frames (so a list does not jump as the selection moves).
public struct ViewMemory: Equatable, Sendable {
    public var pointsTop = 0
    public var overviewTop = 0
    public var devicesTop = 0
    /// Plan screen: the first quarter shown.
    public var planLeft = 0
    public init() {}
}
