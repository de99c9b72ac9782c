import Foundation
import KensaCore

/// The JSON documents of image formats (OCI image spec v1.1, Docker image spec v1.2 and
/// `docker save`'s manifest.json), decoded with Codable. Fields kensa does not use are absent.
/// The media types are public: the registry client asks for and checks the same ones.
public enum MediaType {
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let dockerList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json"
    public static let dockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"

    public static let indexes: Set<String> = [ociIndex, dockerList]
    public static let manifests: Set<String> = [ociManifest, dockerManifest]
    public static let configs: Set<String> = [ociConfig, dockerConfig]
    public static let layers: Set<String> = [
        "application/vnd.oci.image.layer.v1.tar",
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.v1.tar+zstd",
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
        "application/vnd.docker.image.rootfs.diff.tar",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/vnd.docker.image.rootfs.diff.tar.zstd",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    ]
}

struct Platform: Decodable, Sendable {
    var architecture: String?
    var os: String?
    var variant: String?
}

struct Descriptor: Decodable, Sendable {
    var mediaType: String?
    var digest: String
    var size: Int64?
    var platform: Platform?
    var annotations: [String: String]?
}

/// An OCI index or a Docker manifest list, or a manifest: one shape decodes all, since
/// `mediaType` is optional in OCI and the document kind is decided from the fields present.
struct ManifestDocument: Decodable, Sendable {
    var schemaVersion: Int?
    var mediaType: String?
    var manifests: [Descriptor]?
    var config: Descriptor?
    var layers: [Descriptor]?
    /// Docker schema 1 only.
    var fsLayers: [AnyJSON]?
}

/// `docker save`'s manifest.json entry.
struct DockerArchiveEntry: Decodable, Sendable {
    var config: String
    var repoTags: [String]?
    var layers: [String]

    enum CodingKeys: String, CodingKey {
        case config = "Config", repoTags = "RepoTags", layers = "Layers"
    }
}

struct ImageConfigDocument: Decodable, Sendable {
    struct Container: Decodable, Sendable {
        var user: String?
        var env: [String]?
        var entrypoint: [String]?
        var cmd: [String]?
        var workingDir: String?
        var exposedPorts: [String: AnyJSON]?
        var labels: [String: String]?

        enum CodingKeys: String, CodingKey {
            case user = "User", env = "Env", entrypoint = "Entrypoint", cmd = "Cmd"
            case workingDir = "WorkingDir", exposedPorts = "ExposedPorts", labels = "Labels"
        }
    }
    struct RootFS: Decodable, Sendable {
        var type: String?
        var diffIDs: [String]?
        enum CodingKeys: String, CodingKey { case type, diffIDs = "diff_ids" }
    }
    struct HistoryEntry: Decodable, Sendable {
        var created: String?
        var createdBy: String?
        var emptyLayer: Bool?
        enum CodingKeys: String, CodingKey {
            case created, createdBy = "created_by", emptyLayer = "empty_layer"
        }
    }

    var architecture: String?
    var os: String?
    var variant: String?
    var config: Container?
    var rootfs: RootFS?
    var history: [HistoryEntry]?
}

/// Any JSON value, skipped: for fields whose presence matters but whose content does not.
struct AnyJSON: Decodable, Sendable {
    init(from decoder: Decoder) throws {}
}

enum JSONDocument {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], input: String, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw KensaError(.malformed, input: input, reason: "invalid \(what): \(describe(error))")
        } catch {
            throw KensaError(.malformed, input: input, reason: "invalid \(what): \(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        }
        switch error {
        case .dataCorrupted(let c): return at(c)
        case .keyNotFound(let key, let c): return "missing \(key.stringValue) (\(at(c)))"
        case .typeMismatch(_, let c): return at(c)
        case .valueNotFound(_, let c): return at(c)
        @unknown default: return "\(error)"
        }
    }
}
