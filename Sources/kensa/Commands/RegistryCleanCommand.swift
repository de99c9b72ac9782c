import ArgumentParser
import Foundation
import KensaCore
import KensaScan
#if canImport(KensaRegistry)
import KensaRegistry
#endif

struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "Remove cached data.",
        discussion: "--cache empties the registry blob cache and the per-layer analysis cache (KENSA_CACHE_DIR, else $XDG_CACHE_HOME/kensa, else ~/.cache/kensa). The vulnerability DB stays."
    )

    @Flag(name: .long, help: "Empty the blob cache and the layer analysis cache.")
    var cache = false

    @Option(name: .long, help: "Cache directory to empty.")
    var cacheDir: String?

    func validate() throws {
        if !cache { throw ValidationError("say what to clean: --cache") }
    }

    func run() throws {
        #if canImport(KensaRegistry)
        let root = BlobCache.defaultRoot(explicit: cacheDir, environment: ProcessInfo.processInfo.environment)
        try BlobCache(root: root).removeAll()
        try LayerCacheLocation.removeAll(cacheRoot: root)
        #else
        throw KensaError(.unsupported, input: "clean", reason: "this build has no registry support (KensaRegistry)")
        #endif
    }
}
