import ArgumentParser
import Foundation
import KensaCore
import KensaVulnDB

struct DbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Build and inspect the local vulnerability database (OSV records).",
        discussion: """
        The database lives in the cache directory: --cache-dir, else $KENSA_CACHE_DIR, else \
        $XDG_CACHE_HOME/kensa, else ~/.cache/kensa; the file is db/kensa.db.

        Examples:
          kensa db build --from ~/osv/PyPI/all.zip --from ~/osv/Debian/all.zip
          kensa db update
          kensa db update --source https://mirror.example/osv/PyPI/all.zip
          kensa db info
          kensa db push registry.example.com:5000/security/kensa-db:latest --username ci --password-stdin
          kensa db update --repository registry.example.com:5000/security/kensa-db:latest
        """,
        subcommands: subcommands
    )

    private static var subcommands: [ParsableCommand.Type] {
        #if canImport(KensaRegistry)
        [DbBuildCommand.self, DbUpdateCommand.self, DbInfoCommand.self, DbPushCommand.self]
        #else
        [DbBuildCommand.self, DbUpdateCommand.self, DbInfoCommand.self]
        #endif
    }
}

struct DbLocationOptions: ParsableArguments {
    @Option(name: .customLong("cache-dir"), help: "Cache directory (default: $KENSA_CACHE_DIR, $XDG_CACHE_HOME/kensa or ~/.cache/kensa).")
    var cacheDir: String?

    var databasePath: String {
        VulnDBLocation.databasePath(cacheDirectory: VulnDBLocation.cacheDirectory(cacheDir))
    }
}
