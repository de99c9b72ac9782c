#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KensaArtifact
import KensaCore

/// `os/arch[/variant]`, as `--platform` takes it.
public struct PlatformSpec: Sendable, Hashable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?

    public init(os: String, architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
    }

    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 64 }) else {
            throw KensaError(.usage, input: "--platform", reason: "'\(text)' is not os/arch[/variant]")
        }
        self.init(os: parts[0].lowercased(), architecture: parts[1].lowercased(), variant: parts.count == 3 ? parts[2].lowercased() : nil)
    }

    /// The machine kensa runs on, in Go's names.
    public static var host: PlatformSpec {
        #if arch(arm64)
        return PlatformSpec(os: "linux", architecture: "arm64")
        #elseif arch(arm)
        return PlatformSpec(os: "linux", architecture: "arm", variant: "v7")
        #else
        return PlatformSpec(os: "linux", architecture: "amd64")
        #endif
    }

    public var description: String { "\(os)/\(architecture)" + (variant.map { "/" + $0 } ?? "") }
}

/// What one pull did, for `--debug`.
public struct PullCounters: Sendable, Equatable {
    public var manifestRequests = 0
    public var blobsDownloaded = 0
    public var bytesDownloaded: Int64 = 0
    public var blobsCached = 0
}

/// A pulled image, presented as an OCI image layout of hard links into the blob cache.
/// `remove()` deletes the view; the cached blobs stay.
public struct PulledImage: Sendable {
    public var layoutPath: String
    public var manifestDigest: String
    public var platform: String?
    public var counters: PullCounters

    public func remove() {
        try? FileManager.default.removeItem(atPath: layoutPath)
    }
}

struct PullDescriptor: Codable, Sendable {
    struct Platform: Codable, Sendable {
        var architecture: String?
        var os: String?
        var variant: String?
    }
    var mediaType: String?
    var digest: String
    var size: Int64?
    var platform: Platform?
}

struct PullManifest: Decodable, Sendable {
    var schemaVersion: Int?
    var mediaType: String?
    var manifests: [PullDescriptor]?
    var config: PullDescriptor?
    var layers: [PullDescriptor]?
    var fsLayers: [PullDescriptor.Platform]?
}

public enum ImagePull {
    /// Resolves `reference` (tag or digest; an index is narrowed to `platform`, default the
    /// host's), downloads the blobs the cache lacks, and writes a layout view under the cache.
    public static func pull(_ reference: ImageReference, platform: PlatformSpec?, cache: BlobCache,
                            options: RegistryOptions) async throws -> PulledImage {
        try cache.prepare()
        let client = try RegistryClient(reference: reference, options: options)
        do {
            let image = try await pull(reference, platform: platform, cache: cache, client: client)
            await client.shutdown()
            return image
        } catch {
            await client.shutdown()
            throw error
        }
    }

    private static func pull(_ reference: ImageReference, platform: PlatformSpec?, cache: BlobCache,
                             client: RegistryClient) async throws -> PulledImage {
        let input = reference.description
        var counters = PullCounters()
        var (bytes, mediaType, digest) = try await fetchManifest(reference.manifestReference, expected: reference.digest,
                                                                  client: client, input: input)
        counters.manifestRequests += 1
        var document = try decode(bytes, input: input, what: "manifest \(reference.manifestReference)")
        var kind = try classify(document, declared: mediaType, input: input, digest: digest)
        var chosenPlatform: String?
        if kind == .index {
            let want = platform ?? .host
            let choice = try choose(document.manifests ?? [], platform: want, input: input)
            chosenPlatform = choice.platform.map { p in
                [p.os ?? "", p.architecture ?? ""].joined(separator: "/") + (p.variant.map { "/" + $0 } ?? "")
            }
            (bytes, mediaType, digest) = try await fetchManifest(choice.digest, expected: choice.digest, client: client, input: input)
            counters.manifestRequests += 1
            document = try decode(bytes, input: input, what: "manifest \(choice.digest)")
            kind = try classify(document, declared: mediaType ?? choice.mediaType, input: input, digest: digest)
            guard kind == .manifest else {
                throw KensaError(.unsupported, input: input, reason: "index entry \(choice.digest) is itself an index (nested indexes are not pulled)")
            }
        }
        guard let config = document.config, let layers = document.layers else {
            throw KensaError(.malformed, input: input, reason: "manifest \(digest) has no config or layers")
        }
        let manifestType = document.mediaType ?? mediaType ?? MediaType.ociManifest
        try cache.store(bytes, digest: digest)

        // Every blob the image needs, once each.
        var blobs: [(digest: String, size: Int64)] = []
        var seen: Set<String> = []
        for d in [config] + layers where seen.insert(d.digest).inserted {
            guard SHA256Digest.isValid(d.digest) else {
                throw KensaError(.unsupported, input: input, reason: "blob digest '\(RegistryClient.oneLine(d.digest))' is not sha256:<64 hex>")
            }
            guard let size = d.size, size >= 0 else {
                throw KensaError(.malformed, input: input, reason: "descriptor \(d.digest) has no size")
            }
            blobs.append((d.digest, size))
        }
        let missing = blobs.filter { !cache.contains($0.digest, size: $0.size) }
        counters.blobsCached = blobs.count - missing.count
        try await download(missing, cache: cache, client: client)
        counters.blobsDownloaded = missing.count
        counters.bytesDownloaded = missing.reduce(0) { $0 + $1.size }

        let view = try writeView(reference: reference, manifestDigest: digest, manifestType: manifestType,
                                 manifestSize: Int64(bytes.count), blobs: [digest] + blobs.map(\.digest), cache: cache)
        return PulledImage(layoutPath: view, manifestDigest: digest, platform: chosenPlatform, counters: counters)
    }

    private static func download(_ blobs: [(digest: String, size: Int64)], cache: BlobCache, client: RegistryClient) async throws {
        let width = max(1, client.options.parallelDownloads)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var pending = blobs.makeIterator()
            for _ in 0..<width {
                guard let blob = pending.next() else { break }
                group.addTask { try await client.downloadBlob(blob.digest, size: blob.size, into: cache) }
            }
            while try await group.next() != nil {
                if let blob = pending.next() {
                    group.addTask { try await client.downloadBlob(blob.digest, size: blob.size, into: cache) }
                }
            }
        }
    }

    private static func fetchManifest(_ ref: String, expected: String?, client: RegistryClient,
                                      input: String) async throws -> ([UInt8], String?, String) {
        let (bytes, mediaType, header) = try await client.manifest(ref)
        let actual = SHA256Digest.of(bytes)
        if let expected, expected != actual {
            throw KensaError(.malformed, input: input, reason: "digest mismatch: manifest \(expected) hashes to \(actual)")
        }
        if let header, header.hasPrefix("sha256:"), header != actual {
            throw KensaError(.malformed, input: input, reason: "digest mismatch: registry says manifest is \(RegistryClient.oneLine(header)) but it hashes to \(actual)")
        }
        return (bytes, mediaType, actual)
    }

    private static func decode(_ bytes: [UInt8], input: String, what: String) throws -> PullManifest {
        do {
            return try JSONDecoder().decode(PullManifest.self, from: Data(bytes))
        } catch {
            throw KensaError(.malformed, input: input, reason: "\(what) is not a valid manifest JSON document")
        }
    }

    enum Kind { case index, manifest }

    static func classify(_ m: PullManifest, declared: String?, input: String, digest: String) throws -> Kind {
        let type = m.mediaType ?? declared
        if m.fsLayers != nil || m.schemaVersion == 1 || type == MediaType.dockerSchema1 || type == MediaType.dockerSchema1Signed {
            throw KensaError(.unsupported, input: input, reason: "Docker schema 1 manifests are not supported (\(digest))")
        }
        if m.manifests != nil, m.config == nil,
           type == nil || type == MediaType.ociIndex || type == MediaType.dockerList {
            return .index
        }
        if m.config != nil, type == nil || type == MediaType.ociManifest || type == MediaType.dockerManifest {
            return .manifest
        }
        throw KensaError(.unsupported, input: input, reason: "manifest \(digest) has unsupported media type \(RegistryClient.oneLine(type ?? "(none)"))")
    }

    /// The entry for `want`: os and architecture must match, and the variant when asked for;
    /// without a variant, an entry without one (or arm64's v8) is preferred.
    static func choose(_ entries: [PullDescriptor], platform want: PlatformSpec, input: String) throws -> PullDescriptor {
        let images = entries.filter { e in
            guard let p = e.platform else { return false }
            return !(p.os == "unknown" && p.architecture == "unknown")
        }
        let matching = images.filter { e in
            guard let p = e.platform, p.os?.lowercased() == want.os, p.architecture?.lowercased() == want.architecture else { return false }
            if let v = want.variant { return p.variant?.lowercased() == v }
            return true
        }
        if want.variant == nil, let plain = matching.first(where: { $0.platform?.variant == nil || $0.platform?.variant == "v8" }) {
            return plain
        }
        if let first = matching.first { return first }
        let available = Set(images.compactMap { e in
            e.platform.map { p in [p.os ?? "?", p.architecture ?? "?"].joined(separator: "/") + (p.variant.map { "/" + $0 } ?? "") }
        }).sorted()
        throw KensaError(.usage, input: input,
                         reason: "no image for platform \(want) in the index; available: \(available.isEmpty ? "none" : available.joined(separator: ", "))")
    }

    /// `CACHE/tmp/view-<pid>-<uuid>`: oci-layout, index.json naming the manifest (with the
    /// reference as its ref name), and `blobs/sha256/*` hard-linked to the cache (copied when
    /// the file system refuses links).
    private static func writeView(reference: ImageReference, manifestDigest: String, manifestType: String,
                                  manifestSize: Int64, blobs: [String], cache: BlobCache) throws -> String {
        let view = cache.scratchDirectory + "/view-\(getpid())-\(UUID().uuidString)"
        let blobDir = view + "/blobs/sha256"
        do {
            try FileManager.default.createDirectory(atPath: blobDir, withIntermediateDirectories: true)
            for digest in Set(blobs) {
                let source = cache.path(of: digest)
                let target = blobDir + "/" + String(digest.dropFirst(7))
                if link(source, target) != 0 {
                    try FileManager.default.copyItem(atPath: source, toPath: target)
                }
            }
            let index: [String: Any] = [
                "schemaVersion": 2,
                "mediaType": MediaType.ociIndex,
                "manifests": [[
                    "mediaType": manifestType, "digest": manifestDigest, "size": manifestSize,
                    "annotations": ["org.opencontainers.image.ref.name": reference.description],
                ] as [String: Any]],
            ]
            try JSONSerialization.data(withJSONObject: index, options: [.sortedKeys]).write(to: URL(fileURLWithPath: view + "/index.json"))
            try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: URL(fileURLWithPath: view + "/oci-layout"))
        } catch {
            try? FileManager.default.removeItem(atPath: view)
            throw KensaError(.unreadable, input: cache.root, reason: "cannot write the image layout view: \(error.localizedDescription)")
        }
        return view
    }
}
