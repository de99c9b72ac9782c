import Foundation
import KensaArtifact
import KensaCore

extension ImagePull {
    /// Every image of `reference` (`--platform all`): for an index, each entry with a real
    /// platform (attestation entries, `unknown/unknown`, are not images), pulled by its digest
    /// so that a tag moved meanwhile cannot mix two indexes; for a single manifest, that image.
    /// Sorted by platform, then manifest digest. Each image's `platform` is set from the index.
    public static func pullAll(_ reference: ImageReference, cache: BlobCache,
                               options: RegistryOptions) async throws -> [PulledImage] {
        let entries = try await platformEntries(reference, options: options)
        guard let entries else {
            return [try await pull(reference, platform: nil, cache: cache, options: options)]
        }
        var images: [PulledImage] = []
        do {
            for entry in entries {
                var image = try await pull(reference.pinned(to: entry.digest), platform: nil, cache: cache, options: options)
                image.platform = entry.platform
                // The index itself was one more manifest request, counted once, on the first image.
                if images.isEmpty { image.counters.manifestRequests += 1 }
                images.append(image)
            }
        } catch {
            for image in images { image.remove() }
            throw error
        }
        return images
    }

    /// More images than this in one index is refused rather than pulled one by one.
    static let maxPlatforms = 64

    /// The index's image entries as (platform text, digest), sorted; nil when `reference` names
    /// a single image manifest.
    static func platformEntries(_ reference: ImageReference,
                                options: RegistryOptions) async throws -> [(platform: String, digest: String)]? {
        let input = reference.description
        let client = try RegistryClient(reference: reference, options: options)
        let fetched: (bytes: [UInt8], mediaType: String?, digestHeader: String?)
        do {
            fetched = try await client.manifest(reference.manifestReference)
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
        let digest = SHA256Digest.of(fetched.bytes)
        if let expected = reference.digest, expected != digest {
            throw KensaError(.malformed, input: input, reason: "digest mismatch: manifest \(expected) hashes to \(digest)")
        }
        if let header = fetched.digestHeader, header.hasPrefix("sha256:"), header != digest {
            throw KensaError(.malformed, input: input,
                             reason: "digest mismatch: registry says manifest is \(RegistryClient.oneLine(header)) but it hashes to \(digest)")
        }
        let document: PullManifest
        do {
            document = try JSONDecoder().decode(PullManifest.self, from: Data(fetched.bytes))
        } catch {
            throw KensaError(.malformed, input: input, reason: "manifest \(reference.manifestReference) is not a valid manifest JSON document")
        }
        guard try classify(document, declared: fetched.mediaType, input: input, digest: digest) == .index else { return nil }
        var entries: [(platform: String, digest: String)] = []
        for entry in document.manifests ?? [] {
            guard let p = entry.platform, let os = p.os, let arch = p.architecture,
                  !(os == "unknown" && arch == "unknown") else { continue }
            guard SHA256Digest.isValid(entry.digest) else {
                throw KensaError(.unsupported, input: input,
                                 reason: "index entry digest '\(RegistryClient.oneLine(entry.digest))' is not sha256:<64 hex>")
            }
            let platform = RegistryClient.oneLine([os, arch].joined(separator: "/") + (p.variant.map { "/" + $0 } ?? ""))
            entries.append((platform, entry.digest))
        }
        guard entries.count <= maxPlatforms else {
            throw KensaError(.limitExceeded, input: input, reason: "index \(digest) lists \(entries.count) images; --platform all scans at most \(maxPlatforms)")
        }
        guard !entries.isEmpty else {
            throw KensaError(.unsupported, input: input, reason: "index \(digest) lists no image with a platform")
        }
        return entries.sorted { ($0.platform, $0.digest) < ($1.platform, $1.digest) }
    }
}
