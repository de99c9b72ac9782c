#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AsyncHTTPClient
import Crypto
import Foundation
import KensaArtifact
import KensaCore
import NIOCore
import NIOHTTP1

/// What makes a one-file OCI artifact (the vulnerability DB): its `artifactType`, the media
/// type of its small JSON config, and the media type of its one layer, the file itself.
public struct FileArtifactKind: Sendable, Equatable {
    public var artifactType: String
    public var configMediaType: String
    public var layerMediaType: String

    public init(artifactType: String, configMediaType: String, layerMediaType: String) {
        self.artifactType = artifactType
        self.configMediaType = configMediaType
        self.layerMediaType = layerMediaType
    }
}

/// What a push or pull did.
public struct FileArtifactResult: Sendable, Equatable {
    public var manifestDigest: String
    public var layerDigest: String
    public var layerSize: Int64
    /// Blobs the registry already had (push) — nothing was uploaded for them.
    public var blobsSkipped: Int
}

/// Pushes a file as an OCI image manifest with one layer (OCI distribution spec: HEAD for blobs
/// the registry has, monolithic POST+PUT uploads, PUT of the manifest by tag), and pulls it back
/// with every digest and size checked.
public enum FileArtifact {
    /// Largest config accepted on pull; the config is a few lines of JSON.
    static let maxConfigSize = 1 << 20

    public static func push(file: String, config: [UInt8], kind: FileArtifactKind, to reference: ImageReference,
                            annotations: [String: String] = [:], options: RegistryOptions) async throws -> FileArtifactResult {
        guard reference.digest == nil else {
            throw KensaError(.usage, input: reference.description, reason: "push needs a tag, not a digest")
        }
        let (layerDigest, layerSize) = try hashFile(file)
        let configDigest = SHA256Digest.of(config)
        let client = try RegistryClient(reference: reference, options: options)
        do {
            var skipped = 0
            if try await client.uploadBlob(digest: configDigest, size: Int64(config.count), body: { .bytes(ByteBuffer(bytes: config)) }) {
                skipped += 1
            }
            let path = file
            if try await client.uploadBlob(digest: layerDigest, size: layerSize,
                                           body: { .stream(try FileChunks(path: path, size: layerSize), length: .known(layerSize)) }) {
                skipped += 1
            }
            let manifest = manifestBytes(kind: kind, config: (configDigest, Int64(config.count)),
                                         layer: (layerDigest, layerSize, URL(fileURLWithPath: file).lastPathComponent),
                                         annotations: annotations)
            let digest = try await client.putManifest(manifest, mediaType: MediaType.ociManifest, tag: reference.manifestReference)
            await client.shutdown()
            return FileArtifactResult(manifestDigest: digest, layerDigest: layerDigest, layerSize: layerSize, blobsSkipped: skipped)
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Downloads the artifact's file to `destination` (created; removed again on failure) after
    /// checking that the manifest is of `kind` and that `acceptConfig` takes its config (it
    /// throws to refuse, before the file is downloaded). Returns the config bytes with the result.
    public static func pull(_ reference: ImageReference, kind: FileArtifactKind, to destination: String,
                            maximumSize: Int64, options: RegistryOptions,
                            acceptConfig: ([UInt8]) throws -> Void = { _ in }) async throws -> (result: FileArtifactResult, config: [UInt8]) {
        let input = reference.description
        let client = try RegistryClient(reference: reference, options: options)
        do {
            let (bytes, declared, header) = try await client.manifest(reference.manifestReference)
            let digest = SHA256Digest.of(bytes)
            if let expected = reference.digest, expected != digest {
                throw KensaError(.malformed, input: input, reason: "digest mismatch: manifest \(expected) hashes to \(digest)")
            }
            if let header, header.hasPrefix("sha256:"), header != digest {
                throw KensaError(.malformed, input: input,
                                 reason: "digest mismatch: registry says manifest is \(RegistryClient.oneLine(header)) but it hashes to \(digest)")
            }
            let manifest: ArtifactManifest
            do { manifest = try JSONDecoder().decode(ArtifactManifest.self, from: Data(bytes)) } catch {
                throw KensaError(.malformed, input: input, reason: "manifest \(digest) is not a valid manifest JSON document")
            }
            let mediaType = manifest.mediaType ?? declared
            guard mediaType == MediaType.ociManifest, manifest.config.mediaType == kind.configMediaType else {
                let found = RegistryClient.oneLine(manifest.artifactType ?? manifest.config.mediaType ?? mediaType ?? "(none)")
                throw KensaError(.unsupported, input: input, reason: "not a \(kind.artifactType) artifact (its type is \(found))")
            }
            guard manifest.layers.count == 1, let layer = manifest.layers.first, layer.mediaType == kind.layerMediaType else {
                throw KensaError(.malformed, input: input, reason: "a \(kind.artifactType) artifact has exactly one \(kind.layerMediaType) layer")
            }
            for d in [manifest.config, layer] {
                guard SHA256Digest.isValid(d.digest) else {
                    throw KensaError(.unsupported, input: input, reason: "blob digest '\(RegistryClient.oneLine(d.digest))' is not sha256:<64 hex>")
                }
                guard d.size >= 0 else { throw KensaError(.malformed, input: input, reason: "descriptor \(d.digest) has a negative size") }
            }
            guard manifest.config.size <= Int64(maxConfigSize) else {
                throw KensaError(.limitExceeded, input: input, reason: "artifact config is larger than \(maxConfigSize) bytes")
            }
            guard layer.size <= maximumSize else {
                throw KensaError(.limitExceeded, input: input, reason: "artifact layer is \(layer.size) bytes, more than the \(maximumSize) accepted")
            }
            let config = try await client.fetchBlob(manifest.config.digest, size: manifest.config.size)
            try acceptConfig(config)
            try await client.downloadBlob(layer.digest, size: layer.size, to: destination)
            await client.shutdown()
            return (FileArtifactResult(manifestDigest: digest, layerDigest: layer.digest, layerSize: layer.size, blobsSkipped: 0), config)
        } catch {
            await client.shutdown()
            throw error
        }
    }

    struct ArtifactManifest: Decodable {
        struct Descriptor: Decodable {
            var mediaType: String?
            var digest: String
            var size: Int64
        }
        var mediaType: String?
        var artifactType: String?
        var config: Descriptor
        var layers: [Descriptor]
    }

    /// The manifest, JSON with sorted keys so that one file and config always give one digest.
    static func manifestBytes(kind: FileArtifactKind, config: (digest: String, size: Int64),
                              layer: (digest: String, size: Int64, title: String), annotations: [String: String]) -> [UInt8] {
        let object: [String: Any] = [
            "schemaVersion": 2,
            "mediaType": MediaType.ociManifest,
            "artifactType": kind.artifactType,
            "config": ["mediaType": kind.configMediaType, "digest": config.digest, "size": config.size] as [String: Any],
            "layers": [[
                "mediaType": kind.layerMediaType, "digest": layer.digest, "size": layer.size,
                "annotations": ["org.opencontainers.image.title": layer.title],
            ] as [String: Any]],
            "annotations": annotations,
        ]
        // Serialising plain strings and integers cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data)
    }

    /// SHA-256 and size of a file, read in 1 MiB chunks.
    static func hashFile(_ path: String) throws -> (digest: String, size: Int64) {
        let chunks = try FileChunks(path: path, size: nil)
        var hasher = SHA256()
        var size: Int64 = 0
        let reader = try chunks.openReader()
        while let buffer = try reader.nextChunk() {
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            size += Int64(buffer.readableBytes)
        }
        return ("sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined(), size)
    }
}

extension RegistryClient {
    /// Uploads a blob unless the registry has it (HEAD answers 200); true when it was there.
    /// The upload is monolithic: POST opens it, one PUT with `?digest=` sends every byte.
    func uploadBlob(digest: String, size: Int64, body: @escaping @Sendable () throws -> HTTPClientRequest.Body) async throws -> Bool {
        let what = "blob \(digest)"
        let path = "/v2/\(reference.path)/blobs/\(digest)"
        let head = try await send(.HEAD, path, deadline: .now() + timeAmount(options.timeout), what: what, expect: [200, 404])
        try await drain(head)
        if head.status.code == 200 { return true }
        let start = try await send(.POST, "/v2/\(reference.path)/blobs/uploads/", headers: [("Content-Length", "0")],
                                   deadline: .now() + timeAmount(options.timeout), what: "upload of \(what)", expect: [202])
        try await drain(start)
        guard let location = start.headers.first(name: "Location"), !location.isEmpty else {
            throw KensaError(.malformed, input: input, reason: "upload of \(what): the registry sent no Location")
        }
        let target = try uploadURL(location, digest: digest)
        let put = try await send(.PUT, target, headers: [("Content-Type", "application/octet-stream")], body: body,
                                 deadline: .now() + .hours(24), what: "upload of \(what)", expect: [201])
        try await drain(put)
        if let stored = put.headers.first(name: "Docker-Content-Digest"), stored != digest {
            throw KensaError(.malformed, input: input, reason: "upload of \(what): the registry stored \(RegistryClient.oneLine(stored))")
        }
        return false
    }

    /// PUT of a manifest by tag; returns its digest.
    func putManifest(_ bytes: [UInt8], mediaType: String, tag: String) async throws -> String {
        let digest = SHA256Digest.of(bytes)
        let response = try await send(.PUT, "/v2/\(reference.path)/manifests/\(tag)", headers: [("Content-Type", mediaType)],
                                      body: { .bytes(ByteBuffer(bytes: bytes)) },
                                      deadline: .now() + timeAmount(options.timeout), what: "manifest \(tag)", expect: [201])
        try await drain(response)
        if let stored = response.headers.first(name: "Docker-Content-Digest"), stored.hasPrefix("sha256:"), stored != digest {
            throw KensaError(.malformed, input: input, reason: "manifest \(tag): the registry stored \(RegistryClient.oneLine(stored)), not \(digest)")
        }
        return digest
    }

    /// A small blob in memory, digest and size checked.
    func fetchBlob(_ digest: String, size: Int64) async throws -> [UInt8] {
        let response = try await send(.GET, "/v2/\(reference.path)/blobs/\(digest)", accept: "*/*",
                                      deadline: .now() + timeAmount(options.timeout), what: "blob \(digest)", expect: [200])
        let bytes = try await collect(response, limit: Int(size), what: "blob \(digest)")
        guard bytes.count == Int(size) else {
            throw KensaError(.malformed, input: input, reason: "blob \(digest) is \(bytes.count) bytes but its descriptor declares \(size)")
        }
        let actual = SHA256Digest.of(bytes)
        guard actual == digest else {
            throw KensaError(.malformed, input: input, reason: "blob \(digest): digest mismatch: the downloaded content hashes to \(actual)")
        }
        return bytes
    }

    /// Streams a blob to `path` (a new file), checking size and digest; on any failure the
    /// file is removed.
    func downloadBlob(_ digest: String, size: Int64, to path: String) async throws {
        let what = "blob \(digest)"
        let response = try await send(.GET, "/v2/\(reference.path)/blobs/\(digest)", accept: "*/*",
                                      deadline: .now() + .hours(24), what: what, expect: [200])
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw KensaError(.unreadable, input: path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        var hasher = SHA256()
        var written: Int64 = 0
        do {
            defer { close(fd) }
            for try await chunk in response.body {
                guard written + Int64(chunk.readableBytes) <= size else {
                    throw KensaError(.malformed, input: input, reason: "\(what) is larger than the \(size) bytes its descriptor declares")
                }
                try chunk.withUnsafeReadableBytes { raw in
                    hasher.update(bufferPointer: raw)
                    var offset = 0
                    while offset < raw.count, let base = raw.baseAddress {
                        let n = write(fd, base + offset, raw.count - offset)
                        if n < 0 {
                            if errno == EINTR { continue }
                            throw KensaError(.unreadable, input: path, reason: "cannot write: \(String(cString: strerror(errno)))")
                        }
                        offset += n
                    }
                }
                written += Int64(chunk.readableBytes)
            }
            guard written == size else {
                throw KensaError(.malformed, input: input, reason: "\(what) is \(written) bytes but its descriptor declares \(size)")
            }
            let actual = "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
            guard actual == digest else {
                throw KensaError(.malformed, input: input, reason: "\(what): digest mismatch: the downloaded content hashes to \(actual)")
            }
            guard fsync(fd) == 0 else {
                throw KensaError(.unreadable, input: path, reason: "cannot flush: \(String(cString: strerror(errno)))")
            }
        } catch let error as KensaError {
            unlink(path)
            throw error
        } catch {
            unlink(path)
            throw describe(error, what: what)
        }
    }

    /// The upload `Location` (absolute, or a path on the registry) with `digest=` added.
    private func uploadURL(_ location: String, digest: String) throws -> String {
        guard location.utf8.count <= 8192, var components = URLComponents(string: location) else {
            throw KensaError(.malformed, input: input, reason: "the registry's upload Location is not a URL")
        }
        if let scheme = components.scheme, scheme != "https", scheme != "http" {
            throw KensaError(.malformed, input: input, reason: "the registry's upload Location has scheme \(RegistryClient.oneLine(scheme))")
        }
        var items = components.queryItems ?? []
        items.append(URLQueryItem(name: "digest", value: digest))
        components.queryItems = items
        guard let text = components.string else {
            throw KensaError(.malformed, input: input, reason: "the registry's upload Location is not a URL")
        }
        return text
    }

    private func drain(_ response: HTTPClientResponse) async throws {
        _ = try await collect(response, limit: Self.maxErrorBody, what: "response")
    }
}

/// A file as an async sequence of 1 MiB buffers (an upload body). `size`, when given, is
/// checked: a file that grew or shrank since it was hashed fails the upload.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String
    let size: Int64?

    init(path: String, size: Int64?) throws {
        self.path = path
        self.size = size
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw KensaError(.unreadable, input: path, reason: "cannot read the file")
        }
    }

    func openReader() throws -> Reader { try Reader(path: path, size: size) }

    func makeAsyncIterator() -> Iterator { Iterator(chunks: self) }

    struct Iterator: AsyncIteratorProtocol {
        let chunks: FileChunks
        var reader: Reader?

        mutating func next() async throws -> ByteBuffer? {
            if reader == nil { reader = try chunks.openReader() }
            return try reader?.nextChunk()
        }
    }

    /// The open file; closed at the end or when dropped.
    final class Reader {
        let path: String
        let size: Int64?
        private var fd: Int32
        private var total: Int64 = 0

        init(path: String, size: Int64?) throws {
            self.path = path
            self.size = size
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw KensaError(.unreadable, input: path, reason: "cannot open: \(String(cString: strerror(errno)))")
            }
        }

        deinit { if fd >= 0 { close(fd) } }

        func nextChunk() throws -> ByteBuffer? {
            guard fd >= 0 else { return nil }
            var buffer = ByteBuffer()
            buffer.reserveCapacity(1 << 20)
            let n = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 1 << 20) { raw -> Int in
                while true {
                    let n = read(fd, raw.baseAddress, raw.count)
                    if n < 0, errno == EINTR { continue }
                    guard n >= 0 else {
                        throw KensaError(.unreadable, input: path, reason: "cannot read: \(String(cString: strerror(errno)))")
                    }
                    return n
                }
            }
            total += Int64(n)
            if let size, total > size {
                throw KensaError(.malformed, input: path, reason: "the file grew while it was being sent")
            }
            if n == 0 {
                close(fd)
                fd = -1
                if let size, total != size {
                    throw KensaError(.malformed, input: path, reason: "the file shrank while it was being sent")
                }
                return nil
            }
            return buffer
        }
    }
}
