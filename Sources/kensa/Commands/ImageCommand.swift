import ArgumentParser
import Foundation
import KensaCore
import KensaReport
import KensaScan
#if canImport(KensaRegistry)
import KensaRegistry
#endif

struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Inventory a container image.",
        discussion: """
        --input takes a `docker save` tarball, an OCI archive tarball or an OCI image-layout \
        directory; the format is detected. Layers are read in parallel, once each, and never \
        extracted to disk; files deleted by a later layer (whiteouts) are not reported.

        REF is pulled from its registry (OCI distribution API) into a content-addressed blob \
        cache; blobs already cached are not downloaded again. Each layer's analysis is cached \
        beside the blobs, keyed by the layer's digest and everything that changes the result \
        (kensa version, analyzers, scanners, secret rules, limits): a layer seen before, in this \
        image or another sharing it, is not read again. --input archives never use that cache: \
        kensa does not verify their layer digests. `kensa clean --cache` empties both caches.

        --platform all scans every platform of a multi-platform image in one run: the table has \
        a section per platform, JSON is an array of reports (sorted by platform); other formats \
        need one platform at a time.

        Examples:
          kensa image alpine:3.19
          kensa image --platform linux/arm64 registry.example.com:5000/team/app@sha256:...
          kensa image --platform all --format json alpine:3.19
          docker save app:1.0 -o app.tar && kensa image --input app.tar
          skopeo copy docker://alpine:3.19 oci:alpine:3.19 && kensa image --input alpine --format spdx-json
        """
    )

    @Option(name: .long, help: "Image archive or OCI layout directory to scan.")
    var input: String?

    @Argument(help: "Image reference to pull from a registry (alpine, ghcr.io/org/app:1.0, host:5000/app@sha256:...).")
    var reference: String?

    @OptionGroup var report: ReportOptions
    @OptionGroup var flags: ScanFlags
    @OptionGroup var gate: GateFlags
    #if canImport(KensaRegistry)
    @OptionGroup(title: "Registry") var registry: RegistryFlags
    #endif

    func validate() throws {
        if input == nil, reference == nil {
            throw ValidationError("give an image reference, or --input PATH (a docker-archive, OCI archive or OCI layout)")
        }
        if input != nil, reference != nil {
            throw ValidationError("give an image reference or --input PATH, not both")
        }
        #if canImport(KensaRegistry)
        if registry.platform == "all" {
            if input != nil { throw ValidationError("--platform all needs an image reference (an --input archive holds one image)") }
            if report.format != .table && report.format != .json {
                throw ValidationError("--platform all writes a table or JSON; for \(report.format.rawValue), scan one platform at a time (--platform os/arch)")
            }
        }
        #endif
    }

    func run() throws {
        guard let input else {
            #if !canImport(KensaRegistry)
            throw KensaError(.unsupported, input: reference ?? "", reason: "this build has no registry support; use --input PATH")
            #else
            try scanReference(reference ?? "")
            return
            #endif
        }
        try runScan(.imageArchive(path: input), report: report, flags: flags, gate: gate)
    }
}

#if canImport(KensaRegistry)
extension ImageCommand {
    /// Pulls, then scans with the layer cache: registry blobs are digest-verified, so a layer
    /// digest names its content.
    private func scanReference(_ text: String) throws {
        let cacheRoot = BlobCache.defaultRoot(explicit: flags.cacheDir, environment: ProcessInfo.processInfo.environment)
        let layers = LayerCounters()
        let configDigest = try flags.secretConfig.map { try LayerCacheLocation.fingerprint(ofFile: $0) }
        let adjust: (inout ScanOptions) throws -> Void = { options in
            options.layerCacheDirectory = LayerCacheLocation.directory(cacheRoot: cacheRoot)
            options.secretConfigDigest = configDigest
            let display = options.progress
            options.progress = { event in
                layers.record(event)
                display?(event)
            }
        }
        let debug = registry.debug
        defer {
            if debug, layers.analysed + layers.fromCache > 0 {
                FileHandle.standardError.write(Data("kensa: debug: layers_analysed=\(layers.analysed) layers_from_cache=\(layers.fromCache)\n".utf8))
            }
        }
        if registry.platform == "all" {
            let images = try RegistryPull.pullAll(text, flags: registry, cacheDir: flags.cacheDir)
            defer { for image in images { image.remove() } }
            try scanPlatforms(images, adjust: adjust)
            return
        }
        let image = try RegistryPull.pull(text, flags: registry, cacheDir: flags.cacheDir)
        defer { image.remove() }
        try runScan(.imageArchive(path: image.layoutPath), report: report, flags: flags, gate: gate, adjust: adjust)
    }

    /// `--platform all`: one scan per platform, one output (a table section per platform, or a
    /// JSON array of reports), then the gate over every report.
    private func scanPlatforms(_ images: [PulledImage], adjust: (inout ScanOptions) throws -> Void) throws {
        let suppressions = try gate.suppressions(defaultDirectory: FileManager.default.currentDirectoryPath)
        var shown: [(platform: String, report: Report)] = []
        for image in images {
            var options = try flags.options(format: report.format, progress: report.progress())
            try adjust(&options)
            let result = try scan(.imageArchive(path: image.layoutPath), options: options)
            ProgressLine.shared.clear()
            shown.append((image.platform ?? "single image", try gate.apply(result, suppressions: suppressions)))
        }
        let writer = report.writerOptions(inventoryOnly: try flags.selectedScanners(for: report.format).isEmpty)
        var parts: [Data] = []
        for (platform, one) in shown {
            var data = try render(one, as: report.format, options: writer)
            while data.last == 0x0a { data.removeLast() }
            if report.format == .table {
                let digest = one.artifact.image?.manifestDigest.map { " \($0)" } ?? ""
                data = Data("Platform \(platform)\(digest)\n\n".utf8) + data
            }
            parts.append(data)
        }
        let out: Data
        if report.format == .json {
            out = Data("[\n".utf8) + Data(parts.joined(separator: Data(",\n".utf8))) + Data("\n]\n".utf8)
        } else {
            out = Data(parts.joined(separator: Data("\n\n".utf8))) + Data("\n".utf8)
        }
        try report.emit(out)
        for (_, one) in shown { try gate.gate(one) }
    }
}

extension RegistryPull {
    /// `--platform all`: every image of the index, pulled into the cache.
    static func pullAll(_ text: String, flags: RegistryFlags, cacheDir: String?) throws -> [PulledImage] {
        let reference = try ImageReference(parsing: text)
        let options = try flags.registryOptions()
        let cache = flags.cache(cacheDir: cacheDir)
        let images = try waitForTask { try await ImagePull.pullAll(reference, cache: cache, options: options) }
        if flags.debug {
            for image in images { debugCounters(reference, image) }
        }
        return images
    }
}

/// Runs async work on the concurrency pool while this (synchronous command) thread waits.
/// Runs async work on the concurrency pool while this (synchronous command) thread waits.
func waitForTask<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = TaskResult<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { box.set(.success(try await work())) } catch { box.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    return try box.get()
}

private final class TaskResult<T: Sendable>: @unchecked Sendable {
    // Written once by the task before it signals; read after the wait.
    private let lock = NSLock()
    private var result: Result<T, Error>?
    func set(_ r: Result<T, Error>) { lock.withLock { result = r } }
    func get() throws -> T {
        guard let r = lock.withLock({ result }) else {
            throw KensaError(.unreadable, input: "", reason: "task ended without a result")
        }
        return try r.get()
    }
}

/// Layers analysed and layers taken from the layer cache, for `--debug`; fed by progress
/// events from the scan's worker threads.
private final class LayerCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var analysedCount = 0
    private var cachedCount = 0

    var analysed: Int { lock.withLock { analysedCount } }
    var fromCache: Int { lock.withLock { cachedCount } }

    func record(_ event: ScanProgress) {
        lock.withLock {
            switch event {
            case .layerFinished: analysedCount += 1
            case .layerFromCache: cachedCount += 1
            default: break
            }
        }
    }
}
#endif
