import KensaCore

/// Picks the image manifest an OCI index points to: the only one, else the one named by
/// `reference`, else the only linux/amd64 one; nested indexes are followed (bounded depth).
enum ManifestSelection {
    struct Choice {
        var digest: String
        var mediaType: String?
        var reference: String?
        var platform: String?
    }

    static let maxDepth = 4
    static let maxCandidates = 10_000
    private static let refAnnotations = ["org.opencontainers.image.ref.name", "io.containerd.image.name"]

    static func choose(index: ManifestDocument, store: BlobStore, input: String, reference: String?,
                       limits: ReadLimits) throws -> Choice {
        var candidates: [Choice] = []
        try collect(index, store: store, input: input, depth: 0, inheritedRef: nil, limits: limits, into: &candidates)
        // buildx attestations are manifests too, but not of the image.
        candidates.removeAll { $0.platform == "unknown/unknown" }
        var seen: Set<String> = []
        candidates = candidates.filter { seen.insert($0.digest + "\u{0}" + ($0.reference ?? "")).inserted }
        if candidates.isEmpty {
            throw KensaError(.malformed, input: input, reason: "index.json lists no image manifest")
        }
        if let reference {
            let named = candidates.filter { $0.reference == reference || $0.reference.map { $0.hasSuffix(":" + reference) } == true }
            if let first = named.first, named.allSatisfy({ $0.digest == first.digest }) { return first }
            if named.isEmpty {
                throw KensaError(.usage, input: input, reason: "no image named \(reference); there are: \(list(candidates))")
            }
            candidates = named
        }
        if Set(candidates.map(\.digest)).count == 1 { return candidates[0] }
        let amd64 = candidates.filter { $0.platform == "linux/amd64" }
        if let first = amd64.first, amd64.allSatisfy({ $0.digest == first.digest }) { return first }
        throw KensaError(.usage, input: input,
                         reason: "index holds \(candidates.count) images and none is the only linux/amd64 one: \(list(candidates))")
    }

    private static func list(_ choices: [Choice]) -> String {
        choices.map { c in
            [c.reference, c.platform, c.digest].compactMap { $0 }.joined(separator: " ")
        }.sorted().joined(separator: "; ")
    }

    private static func collect(_ index: ManifestDocument, store: BlobStore, input: String, depth: Int,
                                inheritedRef: String?, limits: ReadLimits, into out: inout [Choice]) throws {
        guard depth < maxDepth else {
            throw KensaError(.limitExceeded, input: input, reason: "image indexes nested more than \(maxDepth) deep")
        }
        if index.fsLayers != nil || index.schemaVersion == 1 || index.mediaType == MediaType.dockerSchema1
            || index.mediaType == MediaType.dockerSchema1Signed {
            throw KensaError(.unsupported, input: input, reason: "Docker schema 1 manifests are not supported")
        }
        for d in index.manifests ?? [] {
            let ref = refAnnotations.lazy.compactMap { d.annotations?[$0] }.first ?? inheritedRef
            let platform = d.platform.map { p in
                [p.os ?? "", p.architecture ?? ""].joined(separator: "/") + (p.variant.map { "/" + $0 } ?? "")
            }
            let mt = d.mediaType
            if let mt, MediaType.indexes.contains(mt) {
                let nested = try JSONDocument.decode(ManifestDocument.self,
                                                     from: try store.readBlob(d.digest, limit: limits.maxMetadataSize, input: input),
                                                     input: input, what: "index \(d.digest)")
                try collect(nested, store: store, input: input, depth: depth + 1, inheritedRef: ref, limits: limits, into: &out)
            } else if mt == nil || MediaType.manifests.contains(mt ?? "") {
                out.append(Choice(digest: d.digest, mediaType: mt, reference: ref, platform: platform))
            } else if mt == MediaType.dockerSchema1 || mt == MediaType.dockerSchema1Signed {
                throw KensaError(.unsupported, input: input, reason: "Docker schema 1 manifests are not supported (\(d.digest))")
            }
            // Other media types (artifacts, signatures) are not images: ignored.
            if out.count > maxCandidates {
                throw KensaError(.limitExceeded, input: input, reason: "more than \(maxCandidates) manifests in the index")
            }
        }
    }

    static func checkIsImageManifest(_ m: ManifestDocument, declared: String?, input: String, digest: String) throws {
        if m.fsLayers != nil || m.schemaVersion == 1 || m.mediaType == MediaType.dockerSchema1
            || m.mediaType == MediaType.dockerSchema1Signed {
            throw KensaError(.unsupported, input: input, reason: "Docker schema 1 manifest \(digest) is not supported")
        }
        if let mt = m.mediaType ?? declared, !MediaType.manifests.contains(mt) {
            throw KensaError(.unsupported, input: input, reason: "manifest \(digest) has unsupported media type \(mt)")
        }
        if m.manifests != nil && m.config == nil {
            throw KensaError(.malformed, input: input, reason: "\(digest) is an index where a manifest was expected")
        }
    }
}
