import Foundation

extension SiteLoop {
    /// The history's house-load profile, read by the shell at start off the decision path: the
    /// energy manager's forecast uses it for the quarters it has not seen since the start.
    public func seedLoadProfile(_ p: LoadProfile) {
        energy?.seedLoadProfile(p)
    }
}
