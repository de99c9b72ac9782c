import Foundation

/// Everything one scan found, ready for a writer. Writers never compute findings; they only
/// render this value. Collections are sorted by the scan so that output is deterministic.
public struct Report: Sendable, Codable {
    /// Bumped when the JSON layout changes incompatibly.
    public static let schemaVersion = 1

    public var artifact: Artifact
    public var os: OperatingSystem?
    public var packages: [Package]
    public var warnings: [ScanWarning]
    /// What the scanners judged (secrets, misconfigurations, vulnerabilities), sorted.
    public var findings: [Finding]
    /// When the report was made: `SOURCE_DATE_EPOCH` when set, so output can be reproducible.
    public var createdAt: Date
    public var tool: Tool

    public init(artifact: Artifact, os: OperatingSystem?, packages: [Package], warnings: [ScanWarning],
                createdAt: Date, tool: Tool = Tool(), findings: [Finding] = []) {
        self.artifact = artifact
        self.os = os
        self.packages = packages
        self.warnings = warnings
        self.createdAt = createdAt
        self.tool = tool
        self.findings = findings
    }

    public struct Tool: Sendable, Codable, Hashable {
        public var name = "kensa"
        public var version = KensaVersionInfo.version
        public init() {}
    }

    /// What was scanned.
    public struct Artifact: Sendable, Codable, Hashable {
        public enum Kind: String, Sendable, Codable {
            case containerImage = "container_image"
            case rootfs
            case filesystem
        }
        public var name: String
        public var kind: Kind
        public var image: ImageMetadata?

        public init(name: String, kind: Kind, image: ImageMetadata? = nil) {
            self.name = name
            self.kind = kind
            self.image = image
        }
    }
}

public enum KensaVersionInfo {
    public static let version = "0.1.0"
}

/// The facts of a container image that reports carry (OCI image config and manifest).
public struct ImageMetadata: Sendable, Codable, Hashable {
    /// `sha256:…` of the config blob (what `docker images --digests` calls the image ID).
    public var imageID: String
    public var manifestDigest: String?
    public var repoTags: [String]
    public var os: String?
    public var architecture: String?
    public var variant: String?
    public var user: String?
    public var env: [String]
    public var entrypoint: [String]
    public var cmd: [String]
    public var workingDir: String?
    public var exposedPorts: [String]
    public var labels: [String: String]
    public var layers: [Layer]
    /// Every history entry, including the empty-layer ones (`ENV`, `USER`, …).
    public var history: [History]

    public init(imageID: String, manifestDigest: String? = nil, repoTags: [String] = [], os: String? = nil,
                architecture: String? = nil, variant: String? = nil, user: String? = nil, env: [String] = [],
                entrypoint: [String] = [], cmd: [String] = [], workingDir: String? = nil,
                exposedPorts: [String] = [], labels: [String: String] = [:], layers: [Layer] = [],
                history: [History] = []) {
        self.imageID = imageID
        self.manifestDigest = manifestDigest
        self.repoTags = repoTags
        self.os = os
        self.architecture = architecture
        self.variant = variant
        self.user = user
        self.env = env
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.workingDir = workingDir
        self.exposedPorts = exposedPorts
        self.labels = labels
        self.layers = layers
        self.history = history
    }

    public struct Layer: Sendable, Codable, Hashable {
        /// Digest of the blob as stored (compressed), when the format has one.
        public var digest: String
        /// Digest of the uncompressed tar (config `rootfs.diff_ids`).
        public var diffID: String
        public var mediaType: String?
        public var size: Int64?
        /// The history command that made this layer.
        public var createdBy: String?

        public init(digest: String, diffID: String, mediaType: String? = nil, size: Int64? = nil,
                    createdBy: String? = nil) {
            self.digest = digest
            self.diffID = diffID
            self.mediaType = mediaType
            self.size = size
            self.createdBy = createdBy
        }
    }

    public struct History: Sendable, Codable, Hashable {
        public var created: String?
        public var createdBy: String?
        public var emptyLayer: Bool

        public init(created: String? = nil, createdBy: String? = nil, emptyLayer: Bool = false) {
            self.created = created
            self.createdBy = createdBy
            self.emptyLayer = emptyLayer
        }
    }
}
