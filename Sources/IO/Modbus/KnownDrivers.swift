/// Driver names a configuration may use. The Modbus profiles define the real list.
public enum KnownDrivers {
    public static var names: Set<String> {
        ["simulated",
         "abb-terra-ac", "alfen-eve", "alfen-eve-scn", "mennekes-amtron-pro", "mennekes-amtron-compact",
         "mennekes-4you", "phoenix-occi", "peblar", "hager-witty", "enovates", "veton",
         "siemens-pac2200", "socomec-countis-e3x", "socomec-countis-p", "socomec-countis-ex",
         "huawei-sun2000", "sma-stp-se", "solax-x3-g4", "sungrow-shx"]
    }
}
