import Foundation

/// Where the DB lives: `--cache-dir`, else `KENSA_CACHE_DIR`, else `$XDG_CACHE_HOME/kensa`,
/// else `~/.cache/kensa`; the file is `db/kensa.db` inside.
public enum VulnDBLocation {
    public static func cacheDirectory(_ flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let dir = environment["KENSA_CACHE_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return (xdg as NSString).appendingPathComponent("kensa") }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".cache/kensa")
    }

    public static func databasePath(cacheDirectory: String) -> String {
        (cacheDirectory as NSString).appendingPathComponent("db/kensa.db")
    }
}
