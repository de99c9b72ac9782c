#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KensaCore

/// A container image on disk: a docker-archive (`docker save`), an OCI archive or an OCI
/// image-layout directory. Opening reads only the small JSON documents; layers are walked on
/// demand, each through its own file descriptor, so they can be walked in parallel.
public struct ImageSource: Sendable {
    public enum Format: String, Sendable {
        case dockerArchive = "docker-archive", ociArchive = "oci-archive", ociLayout = "oci-layout"
    }

    public var format: Format
    public var metadata: ImageMetadata
    public var layerCount: Int { layerBlobs.count }
    public var limits: ReadLimits
    let path: String
    let layerBlobs: [BlobLocation]

    /// Detects the format from the content: a directory with `oci-layout` and `index.json`, or a
    /// tar with `manifest.json` (docker-archive; preferred when both are present, as Docker 25+
    /// writes both) or `oci-layout` and `index.json` (OCI archive). `reference` picks an image by
    /// tag (`RepoTags`) or `org.opencontainers.image.ref.name` when the input holds several.
    public static func open(path: String, reference: String? = nil, limits: ReadLimits = .default) throws -> ImageSource {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw KensaError(.unreadable, input: path, reason: errnoText())
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            let store = BlobStore.directory(path)
            guard store.exists("oci-layout"), store.exists("index.json") else {
                throw KensaError(.unsupported, input: path,
                                 reason: "directory is not an OCI image layout (needs oci-layout and index.json)")
            }
            return try openOCI(path: path, store: store, format: .ociLayout, reference: reference, limits: limits)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw KensaError(.unsupported, input: path, reason: "not a file or directory")
        }
        let head = try BlobRegion(file: path, offset: 0, length: Int64(info.st_size), name: path).bytes(at: 0, count: 6)
        if head.starts(with: [0x1f, 0x8b]) || head.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) {
            throw KensaError(.unsupported, input: path,
                             reason: "compressed image archive; decompress it first (docker-archive and OCI archive tarballs are read uncompressed)")
        }
        let tar = try OuterTar(file: path)
        let store = BlobStore.archive(tar)
        if tar.contains("manifest.json") {
            return try openDocker(path: path, tar: tar, reference: reference, limits: limits)
        }
        if tar.contains("oci-layout") && tar.contains("index.json") {
            return try openOCI(path: path, store: store, format: .ociArchive, reference: reference, limits: limits)
        }
        throw KensaError(.unsupported, input: path,
                         reason: "tar archive is not an image (no manifest.json, and no oci-layout with index.json)")
    }

    /// Walks layer `index` (0 = base). Safe to call concurrently for different (or the same)
    /// layers from several threads.
    public func walkLayer(_ index: Int, wants: FileWants, visit: FileVisit) throws -> LayerWalk {
        guard layerBlobs.indices.contains(index) else {
            throw KensaError(.usage, input: path, reason: "no layer \(index) (the image has \(layerCount))")
        }
        let blob = layerBlobs[index]
        let region = try BlobRegion(file: blob.file, offset: blob.offset, length: blob.length, name: blob.name)
        let compression = try LayerCompression.detect(try region.bytes(at: 0, count: 6), input: blob.name)
        let walker = TarWalker(region: region, compression: compression, limits: limits,
                               layerLabel: metadata.layers[index].digest)
        return try walker.walk(wants: wants, visit: visit)
    }

    // MARK: - docker-archive

    private static func openDocker(path: String, tar: OuterTar, reference: String?, limits: ReadLimits) throws -> ImageSource {
        let entries = try JSONDocument.decode([DockerArchiveEntry].self,
                                              from: try tar.read("manifest.json", limit: limits.maxMetadataSize),
                                              input: path, what: "manifest.json")
        let entry: DockerArchiveEntry
        if entries.count == 1 {
            entry = entries[0]
        } else if let reference, let match = entries.first(where: { ($0.repoTags ?? []).contains(reference) }) {
            entry = match
        } else {
            let listed = entries.map { ($0.repoTags ?? []).isEmpty ? $0.config : ($0.repoTags ?? []).joined(separator: ",") }
            throw KensaError(.usage, input: path,
                             reason: entries.isEmpty ? "manifest.json lists no image"
                                 : "archive holds \(entries.count) images (\(listed.joined(separator: "; "))); name one")
        }
        let config = try JSONDocument.decode(ImageConfigDocument.self,
                                             from: try tar.read(entry.config, limit: limits.maxMetadataSize),
                                             input: path, what: "image config \(entry.config)")
        let diffIDs = config.rootfs?.diffIDs ?? []
        guard diffIDs.count == entry.layers.count else {
            throw KensaError(.malformed, input: path,
                             reason: "manifest.json lists \(entry.layers.count) layers but the config has \(diffIDs.count) diff_ids")
        }
        var blobs: [BlobLocation] = []
        var layers: [ImageMetadata.Layer] = []
        for (i, layerPath) in entry.layers.enumerated() {
            let member = try tar.regularMember(layerPath)
            blobs.append(BlobLocation(file: path, offset: member.offset, length: member.size, name: "\(path):\(layerPath)"))
            // `blobs/sha256/<hex>` names the stored blob; the classic `<id>/layer.tar` does not,
            // and is uncompressed, so its digest is the diff ID.
            let digest = digestFromBlobPath(layerPath) ?? diffIDs[i]
            layers.append(ImageMetadata.Layer(digest: digest, diffID: diffIDs[i], mediaType: nil, size: member.size))
        }
        let imageID = digestFromBlobPath(entry.config) ?? configIDFromName(entry.config) ?? ""
        let metadata = makeMetadata(config: config, imageID: imageID, manifestDigest: nil,
                                    repoTags: entry.repoTags ?? [], layers: layers)
        return ImageSource(format: .dockerArchive, metadata: metadata, limits: limits, path: path, layerBlobs: blobs)
    }

    /// `blobs/sha256/<hex>` → `sha256:<hex>`.
    static func digestFromBlobPath(_ p: String) -> String? {
        guard case .path(let normal) = MemberPath.normalise(p) else { return nil }
        let parts = normal.split(separator: "/")
        guard parts.count == 3, parts[0] == "blobs" else { return nil }
        let digest = "\(parts[1]):\(parts[2])"
        return Digest.isValid(digest) ? digest : nil
    }

    /// Classic docker-archive config names are `<hex>.json`.
    private static func configIDFromName(_ p: String) -> String? {
        let base = MemberPath.basename(p)
        guard base.hasSuffix(".json") else { return nil }
        let digest = "sha256:" + base.dropLast(5)
        return Digest.isValid(digest) ? digest : nil
    }

    // MARK: - OCI layout and OCI archive

    private static func openOCI(path: String, store: BlobStore, format: Format, reference: String?,
                                limits: ReadLimits) throws -> ImageSource {
        let index = try JSONDocument.decode(ManifestDocument.self,
                                            from: try store.read("index.json", limit: limits.maxMetadataSize),
                                            input: path, what: "index.json")
        let chosen = try ManifestSelection.choose(index: index, store: store, input: path,
                                                  reference: reference, limits: limits)
        let manifest = try JSONDocument.decode(ManifestDocument.self,
                                               from: try store.readBlob(chosen.digest, limit: limits.maxMetadataSize, input: path),
                                               input: path, what: "manifest \(chosen.digest)")
        try ManifestSelection.checkIsImageManifest(manifest, declared: chosen.mediaType, input: path, digest: chosen.digest)
        guard let configDescriptor = manifest.config, let layerDescriptors = manifest.layers else {
            throw KensaError(.malformed, input: path, reason: "manifest \(chosen.digest) has no config or layers")
        }
        if let mt = configDescriptor.mediaType, !MediaType.configs.contains(mt) {
            throw KensaError(.unsupported, input: path,
                             reason: "manifest \(chosen.digest) is not a container image (config media type \(mt))")
        }
        let config = try JSONDocument.decode(ImageConfigDocument.self,
                                             from: try store.readBlob(configDescriptor.digest, limit: limits.maxMetadataSize, input: path),
                                             input: path, what: "image config \(configDescriptor.digest)")
        let diffIDs = config.rootfs?.diffIDs ?? []
        guard diffIDs.count == layerDescriptors.count else {
            throw KensaError(.malformed, input: path,
                             reason: "manifest lists \(layerDescriptors.count) layers but the config has \(diffIDs.count) diff_ids")
        }
        var blobs: [BlobLocation] = []
        var layers: [ImageMetadata.Layer] = []
        for (i, d) in layerDescriptors.enumerated() {
            if let mt = d.mediaType, !MediaType.layers.contains(mt) {
                throw KensaError(.unsupported, input: path, reason: "layer \(d.digest) has unsupported media type \(mt)")
            }
            let blob = try store.locateBlob(d.digest, input: path)
            if let size = d.size, size != blob.length {
                throw KensaError(.malformed, input: path,
                                 reason: "layer \(d.digest) is \(blob.length) bytes but the manifest says \(size)")
            }
            blobs.append(blob)
            layers.append(ImageMetadata.Layer(digest: d.digest, diffID: diffIDs[i], mediaType: d.mediaType, size: blob.length))
        }
        let metadata = makeMetadata(config: config, imageID: configDescriptor.digest, manifestDigest: chosen.digest,
                                    repoTags: chosen.reference.map { [$0] } ?? [], layers: layers)
        return ImageSource(format: format, metadata: metadata, limits: limits, path: path, layerBlobs: blobs)
    }

    private static func makeMetadata(config: ImageConfigDocument, imageID: String, manifestDigest: String?,
                                     repoTags: [String], layers: [ImageMetadata.Layer]) -> ImageMetadata {
        var layers = layers
        let history = (config.history ?? []).map {
            ImageMetadata.History(created: $0.created, createdBy: $0.createdBy, emptyLayer: $0.emptyLayer ?? false)
        }
        for (i, h) in history.filter({ !$0.emptyLayer }).enumerated() where i < layers.count {
            layers[i].createdBy = h.createdBy
        }
        let c = config.config
        return ImageMetadata(imageID: imageID, manifestDigest: manifestDigest, repoTags: repoTags.sorted(),
                             os: config.os, architecture: config.architecture, variant: config.variant,
                             user: c?.user.flatMap { $0.isEmpty ? nil : $0 }, env: c?.env ?? [],
                             entrypoint: c?.entrypoint ?? [], cmd: c?.cmd ?? [],
                             workingDir: c?.workingDir.flatMap { $0.isEmpty ? nil : $0 },
                             exposedPorts: (c?.exposedPorts.map { Array($0.keys) } ?? []).sorted(),
                             labels: c?.labels ?? [:], layers: layers, history: history)
    }
}

/// Where a blob's bytes are: a file, or a byte range of an uncompressed archive.
struct BlobLocation: Sendable {
    var file: String
    var offset: Int64
    var length: Int64
    var name: String
}

enum Digest {
    /// `sha256:<64 lowercase hex>` or `sha512:<128>`; anything else could be a path trick.
    static func isValid(_ digest: String) -> Bool {
        let parts = digest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let hexLength: Int
        switch parts[0] {
        case "sha256": hexLength = 64
        case "sha512": hexLength = 128
        default: return false
        }
        return parts[1].utf8.count == hexLength
            && parts[1].utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    static func blobPath(_ digest: String) -> String {
        "blobs/" + digest.replacingOccurrences(of: ":", with: "/")
    }
}

/// Blobs of an OCI layout: files under a directory, or members of an OCI archive.
enum BlobStore: Sendable {
    case directory(String)
    case archive(OuterTar)

    func exists(_ name: String) -> Bool {
        switch self {
        case .directory(let root):
            var info = stat()
            return stat(root + "/" + name, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        case .archive(let tar):
            return tar.contains(name)
        }
    }

    func read(_ name: String, limit: Int64) throws -> [UInt8] {
        switch self {
        case .directory(let root):
            let blob = try locate(name, input: root)
            guard blob.length <= limit else {
                throw KensaError(.limitExceeded, input: root, reason: "\(name) is \(blob.length) bytes (limit \(limit))")
            }
            return try BlobRegion(file: blob.file, offset: 0, length: blob.length, name: blob.name)
                .bytes(at: 0, count: Int(blob.length))
        case .archive(let tar):
            return try tar.read(name, limit: limit)
        }
    }

    func readBlob(_ digest: String, limit: Int64, input: String) throws -> [UInt8] {
        guard Digest.isValid(digest) else {
            throw KensaError(.malformed, input: input, reason: "invalid digest \(digest)")
        }
        return try read(Digest.blobPath(digest), limit: limit)
    }

    func locateBlob(_ digest: String, input: String) throws -> BlobLocation {
        guard Digest.isValid(digest) else {
            throw KensaError(.malformed, input: input, reason: "invalid digest \(digest)")
        }
        return try locate(Digest.blobPath(digest), input: input)
    }

    private func locate(_ name: String, input: String) throws -> BlobLocation {
        switch self {
        case .directory(let root):
            let file = root + "/" + name
            var info = stat()
            guard stat(file, &info) == 0 else {
                throw KensaError(.unreadable, input: input, reason: "\(name): \(errnoText())")
            }
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw KensaError(.malformed, input: input, reason: "\(name) is not a regular file")
            }
            return BlobLocation(file: file, offset: 0, length: Int64(info.st_size), name: file)
        case .archive(let tar):
            let m = try tar.regularMember(name)
            return BlobLocation(file: tar.file, offset: m.offset, length: m.size, name: "\(tar.file):\(name)")
        }
    }
}
