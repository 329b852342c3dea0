// The ncursesw dashboard lives here.
import CNcursesw
public enum TUIInfo { public static let name = "kwartier dashboard" }
