// Compiled only when the package links KensaRegistry (Package.swift: kensa depends on it),
// so scratch packages without that target still build the CLI.
#if canImport(KensaRegistry)
import ArgumentParser
import Foundation
import KensaCore
import KensaRegistry

/// Flags of `kensa image REF`: how to reach the registry and where the blob cache lives.
struct RegistryFlags: ParsableArguments {
    @Option(name: .long, help: "Platform to pick from a multi-platform image: os/arch[/variant] (default: this machine's), or all: scan every platform and report each.")
    var platform: String?

    @OptionGroup var access: RegistryAccessFlags

    @Option(name: .long, help: "Seconds to wait to connect, and for the registry to send anything (default 60).")
    var timeout: Double = 60

    @Flag(name: .long, help: "Print registry counters (manifests fetched, blobs downloaded and cached) on standard error.")
    var debug = false

    func validate() throws {
        guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout must be between 0 and 86400 seconds") }
        if let platform, platform != "all" { _ = try PlatformSpec(parsing: platform) }
    }

    func registryOptions() throws -> RegistryOptions {
        try access.registryOptions(timeout: timeout)
    }

    /// Blobs live under the same cache directory as the vulnerability DB (ScanFlags' --cache-dir).
    func cache(cacheDir: String?) -> BlobCache {
        BlobCache(root: BlobCache.defaultRoot(explicit: cacheDir, environment: ProcessInfo.processInfo.environment))
    }
}

/// How to reach and trust a registry: shared by `kensa image REF` (inside RegistryFlags),
/// `kensa db push` and `kensa db update --repository` (whose --timeout is their own).
struct RegistryAccessFlags: ParsableArguments {
    @Option(name: .long, help: "Registry username (or KENSA_USERNAME; else ~/.docker/config.json).")
    var username: String?

    @Flag(name: .long, help: "Read the registry password from standard input (or KENSA_PASSWORD).")
    var passwordStdin = false

    @Flag(name: .long, help: "Allow plain HTTP or unverified TLS for this registry.")
    var insecure = false

    @Option(name: .long, help: "PEM file of CA certificates to trust for the registry.")
    var caFile: String?

    func validate() throws {
        if passwordStdin, username == nil { throw ValidationError("--password-stdin needs --username") }
    }

    func registryOptions(timeout: Double) throws -> RegistryOptions {
        RegistryOptions(insecure: insecure, caFile: caFile, timeout: timeout,
                        credentials: try Self.credentials(username: username, passwordStdin: passwordStdin))
    }

    /// `--username` with the password read from standard input, else nil (the environment or
    /// Docker's config is searched later, by the registry client).
    static func credentials(username: String?, passwordStdin: Bool) throws -> Credentials? {
        guard let username else { return nil }
        guard passwordStdin else {
            throw KensaError(.usage, input: "--username", reason: "give the password with --password-stdin")
        }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard data.count <= 64 << 10 else {
            throw KensaError(.limitExceeded, input: "--password-stdin", reason: "password longer than 64 KiB")
        }
        var password = String(decoding: data, as: UTF8.self)
        while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
        return Credentials(username: username, password: password)
    }
}

/// Pulls into the cache and returns the layout view to scan. The CLI's commands are
/// synchronous; the pull runs on the concurrency pool while this thread waits.
enum RegistryPull {
    static func pull(_ text: String, flags: RegistryFlags, cacheDir: String?) throws -> PulledImage {
        let reference = try ImageReference(parsing: text)
        let platform = try flags.platform.map { try PlatformSpec(parsing: $0) }
        let options = try flags.registryOptions()
        let cache = flags.cache(cacheDir: cacheDir)
        let image = try waitForTask { try await ImagePull.pull(reference, platform: platform, cache: cache, options: options) }
        if flags.debug { debugCounters(reference, image) }
        return image
    }

    /// `--debug`: the registry counters of one pulled image, on standard error.
    static func debugCounters(_ reference: ImageReference, _ image: PulledImage) {
        let c = image.counters
        FileHandle.standardError.write(Data(("kensa: debug: registry \(reference): manifest \(image.manifestDigest)"
            + (image.platform.map { " (\($0))" } ?? "")
            + " manifests_fetched=\(c.manifestRequests) blobs_downloaded=\(c.blobsDownloaded)"
            + " bytes_downloaded=\(c.bytesDownloaded) blobs_cached=\(c.blobsCached)\n").utf8))
    }
}
#endif
