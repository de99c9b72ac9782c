// Compiled only when the package links KensaRegistry (see RegistryFlags.swift).
#if canImport(KensaRegistry)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation
import KensaCore
import KensaRegistry
import KensaVulnDB

struct DbPushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Push the vulnerability database to an OCI registry as an artifact.",
        discussion: """
        The database file becomes the one layer (\(DbArtifact.kind.layerMediaType)) of an OCI \
        manifest with artifactType \(DbArtifact.kind.artifactType); its config \
        (\(DbArtifact.kind.configMediaType)) holds the schema version, build time, sources and \
        record counts. Blobs the registry already has are not uploaded again. \
        `kensa db update --repository REF` installs it elsewhere.

        Example:
          kensa db push registry.example.com:5000/security/kensa-db:2026-11-24 --username ci --password-stdin
        """
    )

    @Argument(help: "Where to push: host[:port]/repository:tag.")
    var reference: String

    @Option(name: .customLong("db"), help: "The database file to push (default: the one in the cache directory).")
    var database: String?

    @Option(help: "Seconds to wait to connect, and for the registry to send anything.")
    var timeout: Double = 60

    @OptionGroup var location: DbLocationOptions

    @OptionGroup(title: "Registry") var registry: RegistryAccessFlags

    func run() async throws {
        guard timeout > 0, timeout <= 86_400 else {
            throw KensaError(.usage, input: "--timeout", reason: "must be between 0 and 86400 seconds")
        }
        let ref = try ImageReference(parsing: reference)
        let path = database ?? location.databasePath
        // Only a DB this kensa can read is pushed; its metadata becomes the artifact's config.
        let metadata = try VulnDB(path: path).metadata
        let options = try registry.registryOptions(timeout: timeout)
        let result = try await FileArtifact.push(file: path, config: try DbArtifact.config(metadata), kind: DbArtifact.kind,
                                                 to: ref, annotations: ["org.opencontainers.image.created": metadata.builtAt],
                                                 options: options)
        let reused = result.blobsSkipped > 0 ? ", \(result.blobsSkipped) blob(s) already in the registry" : ""
        print("pushed \(path) to \(ref): manifest \(result.manifestDigest), \(result.layerSize) bytes, \(metadata.records) records\(reused)")
    }
}

/// The vulnerability DB as an OCI artifact: its types, its config, and installing a pulled file.
enum DbArtifact {
    static let kind = FileArtifactKind(artifactType: "application/vnd.kensa.db.v1",
                                       configMediaType: "application/vnd.kensa.db.config.v1+json",
                                       layerMediaType: "application/vnd.kensa.db.layer.v1.sqlite")

    /// The DB's metadata as sorted JSON: the same DB always gives the same config digest.
    static func config(_ metadata: VulnDBMetadata) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(metadata)) } catch {
            throw KensaError(.malformed, input: "db push", reason: "cannot encode the database metadata: \(error)")
        }
    }

    /// Refuses, before the download, a DB whose schema this kensa cannot read.
    static func checkConfig(_ bytes: [UInt8], input: String) throws {
        struct Config: Decodable { var schemaVersion: Int }
        guard let config = try? JSONDecoder().decode(Config.self, from: Data(bytes)) else {
            throw KensaError(.malformed, input: input, reason: "the artifact's config is not a kensa DB config")
        }
        guard config.schemaVersion == VulnDB.schemaVersion else {
            throw KensaError(.unsupported, input: input,
                             reason: "the artifact holds a database of schema version \(config.schemaVersion); this kensa reads version \(VulnDB.schemaVersion)")
        }
    }

    /// Pulls the DB from `reference` next to `output` and renames it over `output` once it
    /// opened as a kensa DB of this schema; on any failure the old DB stays as it was.
    static func install(from reference: ImageReference, output: String, options: RegistryOptions,
                        maximumSize: Int64) async throws -> (metadata: VulnDBMetadata, manifestDigest: String) {
        let directory = URL(fileURLWithPath: output).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw KensaError(.unreadable, input: directory.path, reason: "cannot create directory: \(error.localizedDescription)")
        }
        let temporary = directory.appendingPathComponent(".pull-\(getpid())-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let input = reference.description
        let (result, _) = try await FileArtifact.pull(reference, kind: kind, to: temporary, maximumSize: maximumSize,
                                                      options: options, acceptConfig: { try checkConfig($0, input: input) })
        let metadata: VulnDBMetadata
        do {
            metadata = try VulnDB(path: temporary).metadata
        } catch let error as KensaError {
            throw KensaError(error.kind, input: input, reason: "the pulled database does not open: \(error.reason)")
        }
        guard rename(temporary, output) == 0 else {
            throw KensaError(.unreadable, input: output, reason: "cannot replace: \(String(cString: strerror(errno)))")
        }
        return (metadata, result.manifestDigest)
    }
}
#endif
