import Foundation
import KensaAnalyzers
import KensaArtifact
import KensaChecks
import KensaCore
import KensaVulnDB

/// target → artifact → analyzers → inventory → report.
public func scan(_ target: ScanTarget, options: ScanOptions = ScanOptions()) throws -> Report {
    // Open the DB before reading anything: a missing DB that was asked for fails fast.
    let db = try openVulnDB(options)
    var report = try inventory(target, options: options)
    if let db {
        let matches = try matchVulnerabilities(report.packages, os: report.os, db: db)
        report.findings = (report.findings + matches.findings).sorted()
        report.warnings = Array(Set(report.warnings + matches.warnings)).sorted()
    } else if options.scanners.contains(.vuln) {
        report.warnings.append(ScanWarning(path: "", reason: "vulnerabilities not scanned: no vulnerability database (run `kensa db update` or `kensa db build --from DIR`)"))
        report.warnings.sort()
    }
    return report
}

private func openVulnDB(_ options: ScanOptions) throws -> VulnDB? {
    guard options.scanners.contains(.vuln), let path = options.vulnDBPath else { return nil }
    if !options.vulnRequested, !FileManager.default.fileExists(atPath: path) { return nil }
    return try VulnDB(path: path)
}

private func inventory(_ target: ScanTarget, options: ScanOptions) throws -> Report {
    switch target {
    case .rootfs(let path):
        return try scanDirectory(path, kind: .rootfs, analyzers: options.analyzers ?? installedPackageAnalyzers,
                                 skipDirs: options.skipDirs, options: options)
    case .filesystem(let path):
        return try scanDirectory(path, kind: .filesystem, analyzers: options.analyzers ?? fsAnalyzers,
                                 skipDirs: [], options: options)
    case .imageArchive(let path):
        return try scanImage(path, options: options)
    case .sbom(let path):
        return try scanSBOM(path, options: options)
    }
}

private func scanDirectory(_ path: String, kind: Report.Artifact.Kind, analyzers: [any Analyzer],
                           skipDirs: [String], options: ScanOptions) throws -> Report {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw KensaError(.unreadable, input: path, reason: "no such file or directory")
    }
    guard isDirectory.boolValue else {
        throw KensaError(.usage, input: path, reason: "not a directory")
    }
    let secrets = options.scanners.contains(.secret) ? options.secretScanner : nil
    let misconfig = options.scanners.contains(.misconfig)
    let collector = WalkCollector(analyzers: analyzers, secrets: secrets, misconfig: misconfig)
    // Text files over the secret scanner's in-memory limit are not read by the walk; they are
    // streamed from disk afterwards in bounded chunks (a 1 GB one-line file costs a window).
    let large = PathList()
    let wanted = collector.wants()
    let walk = try DirectoryTree.walk(root: path, skipDirs: skipDirs, wants: { header in
        if let secrets, header.kind == .regular, header.size > secrets.maxFileSize,
           secrets.wants(path: header.path, size: 0) {
            large.append(header.path)
        }
        return wanted(header)
    }) {
        collector.visit($0, $1)
    }
    var findings = collector.findings
    var warnings = walk.warnings + collector.warnings
    if let secrets {
        for file in large.sorted() {
            do {
                findings += try secrets.scanFile(atPath: path + "/" + file, reportAs: file)
            } catch let error as KensaError {
                warnings.append(ScanWarning(path: file, reason: "secret scan: \(error.reason)"))
            }
        }
    }
    if misconfig {
        let judged = Misconfig.judge(collector.configFiles)
        findings += judged.findings
        warnings += judged.warnings
    }
    options.progress?(.filesAnalyzed(collector.filesAnalyzed))
    let inventory = Inventory(facts: collector.facts, warnings: warnings)
    return Report(artifact: .init(name: path, kind: kind), os: inventory.os, packages: inventory.packages,
                  warnings: inventory.warnings, createdAt: options.createdAt, findings: findings.sorted())
}

private func scanImage(_ path: String, options: ScanOptions) throws -> Report {
    let image = try ImageSource.open(path: path)
    let analyzers = options.analyzers ?? installedPackageAnalyzers
    let secrets = options.scanners.contains(.secret) ? options.secretScanner : nil
    let misconfig = options.scanners.contains(.misconfig)
    let count = image.layerCount
    let results = LayerResults(count: count)

    // Layers are independent: walk them concurrently, each on its own thread with its own
    // collector; merge afterwards in layer order.
    let workers = min(options.parallelism, max(count, 1))
    let next = Counter()
    // A layer analysed before under the same key (LayerCache.swift) is not read again.
    let cache = options.layerCacheDirectory.map {
        LayerCache(directory: $0, key: LayerCache.key(analyzers: analyzers, options: options, limits: image.limits))
    }
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while let index = next.take(below: count) {
            let digest = image.metadata.layers[safe: index]?.digest
            if let cache, let digest, let outcome = cache.load(layerDigest: digest) {
                results.set(index, .success(outcome))
                options.progress?(.layerFromCache(index: index, count: count))
                continue
            }
            options.progress?(.layerStarted(index: index, count: count))
            let collector = WalkCollector(analyzers: analyzers, secrets: secrets, misconfig: misconfig)
            do {
                let walk = try image.walkLayer(index, wants: collector.wants()) {
                    collector.visit($0, $1)
                }
                let outcome = LayerOutcome(walk: walk, facts: collector.facts, warnings: collector.warnings,
                                           findings: collector.findings, configFiles: collector.configFiles)
                if let cache, let digest { cache.store(outcome, layerDigest: digest) }
                results.set(index, .success(outcome))
                options.progress?(.layerFinished(index: index, count: count, bytes: walk.bytesRead))
            } catch {
                results.set(index, .failure(error))
            }
        }
    }

    var outcomes: [LayerOutcome] = []
    for index in 0..<count {
        switch results.get(index) {
        case .success(let outcome): outcomes.append(outcome)
        case .failure(let error as KensaError):
            throw KensaError(error.kind, input: path,
                             reason: "layer \(index + 1) (\(image.metadata.layers[safe: index]?.digest ?? "?")): \(error.reason)")
        case .failure(let error): throw error
        case nil: throw KensaError(.malformed, input: path, reason: "layer \(index + 1) was not read")
        }
    }

    let stack = LayerStack(outcomes.map(\.walk))
    var facts: [FileFacts] = []
    var warnings: [ScanWarning] = []
    var findings: [Finding] = []
    for (index, outcome) in outcomes.enumerated() {
        let layer = image.metadata.layers[safe: index]
        // Secrets count in every layer: a file a later layer deletes is still in the image.
        findings += outcome.findings.map { finding in
            var finding = finding
            finding.location.layerDigest = layer?.digest
            finding.location.createdBy = layer?.createdBy
            return finding
        }
        warnings += (outcome.walk.warnings + outcome.warnings).map {
            ScanWarning(path: $0.path, reason: $0.reason, layer: $0.layer ?? layer?.digest)
        }
        for var fact in outcome.facts where stack.isVisible(path: fact.path, addedBy: index) {
            fact.output.packages = fact.output.packages.map { package in
                var package = package
                package.location.layerDigest = layer?.digest
                package.location.diffID = layer?.diffID
                return package
            }
            facts.append(fact)
        }
    }
    let name = image.metadata.repoTags.first ?? path
    if misconfig {
        let judged = Misconfig.judgeImage(layerFiles: outcomes.map(\.configFiles), stack: stack,
                                          metadata: image.metadata, name: name)
        findings += judged.findings
        warnings += judged.warnings
    }
    let inventory = Inventory(facts: facts, warnings: warnings)
    return Report(artifact: .init(name: name, kind: .containerImage, image: image.metadata),
                  os: inventory.os, packages: inventory.packages, warnings: inventory.warnings,
                  createdAt: options.createdAt, findings: findings.sorted())
}

/// What analysing one layer produced: everything the merge in `scanImage` needs, nothing
/// judged yet. Codable for the layer cache (LayerCache.swift).
struct LayerOutcome: Sendable, Codable {
    var walk: LayerWalk
    var facts: [FileFacts]
    var warnings: [ScanWarning]
    var findings: [Finding]
    /// Kubernetes manifests and Dockerfiles of the layer (`--scanners misconfig`), judged once
    /// the whole image is known.
    var configFiles: [ConfigFile] = []
}

/// Per-layer results written by the worker threads.
private final class LayerResults: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<LayerOutcome, any Error>?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<LayerOutcome, any Error>) {
        lock.withLock { storage[index] = result }
    }

    func get(_ index: Int) -> Result<LayerOutcome, any Error>? {
        lock.withLock { storage[index] }
    }
}

/// Hands out layer indexes to the workers, base layer first.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
