/// Driver names a configuration may use: every loaded device profile (driver names and aliases,
/// see `ProfileLibrary`) plus `simulated`.
public enum KnownDrivers {
    public static var names: Set<String> {
        ProfileLibrary.shared.names.union(["simulated", "ocpp", "zaptec", "easee"])
    }
}
