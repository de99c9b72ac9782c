import Foundation
import Testing
@testable import KensaArtifact
import KensaCore

/// Image containers built by hand: the classic `docker save` layout (`<id>/layer.tar`, shared
/// layers as symlinks), OCI indexes with several manifests, and broken or hostile variants.
@Suite struct ArchiveLayoutTests {
    static let hexA = String(repeating: "a", count: 64)
    static let hexB = String(repeating: "b", count: 64)
    static let hexC = String(repeating: "c", count: 64)

    static func layerTar() -> [UInt8] {
        var tar = TarBuilder()
        tar.file("etc/os-release", "ID=alpine\n")
        tar.finish()
        return tar.bytes
    }

    static func config(diffIDs: Int) -> String {
        let ids = (0..<diffIDs).map { "\"sha256:\(String(repeating: String($0), count: 64))\"" }.joined(separator: ",")
        return """
        {"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"User":"","Cmd":["sh"]},
         "rootfs":{"type":"layers","diff_ids":[\(ids)]},
         "history":[{"created_by":"ADD base"},{"created_by":"ENV x=1","empty_layer":true},{"created_by":"RUN again"}]}
        """
    }

    /// A classic docker-archive; `layers` are member names, the second a symlink to the first.
    static func dockerArchive(manifest: String? = nil, config: String? = nil, extra: (inout TarBuilder) -> Void = { _ in }) -> [UInt8] {
        var tar = TarBuilder()
        tar.directory("\(hexA)/")
        tar.file("\(hexA)/layer.tar", bytes: layerTar())
        tar.directory("\(hexB)/")
        tar.symlink("\(hexB)/layer.tar", to: "../\(hexA)/layer.tar")
        tar.file("\(hexC).json", config ?? Self.config(diffIDs: 2))
        tar.file("manifest.json", manifest ?? """
        [{"Config":"\(hexC).json","RepoTags":["alpine:3"],"Layers":["\(hexA)/layer.tar","\(hexB)/layer.tar"]}]
        """)
        extra(&tar)
        tar.finish()
        return tar.bytes
    }

    @Test func classicDockerSaveLayoutWithSharedLayer() throws {
        let dir = try TempDir()
        let path = try dir.write("img.tar", Self.dockerArchive())
        let image = try ImageSource.open(path: path)
        #expect(image.format == .dockerArchive)
        #expect(image.layerCount == 2)
        #expect(image.metadata.imageID == "sha256:" + Self.hexC)
        #expect(image.metadata.repoTags == ["alpine:3"])
        #expect(image.metadata.layers.map(\.digest) == image.metadata.layers.map(\.diffID))
        #expect(image.metadata.layers.map(\.createdBy) == ["ADD base", "RUN again"])
        #expect(image.metadata.user == nil)
        #expect(image.metadata.cmd == ["sh"])
        for i in 0..<2 {
            var seen: [String: Data] = [:]
            let walk = try image.walkLayer(i, wants: { _ in true }) { h, d in seen[h.path] = d }
            #expect(walk.paths == ["etc/os-release"])
            #expect(text(seen["etc/os-release"]) == "ID=alpine\n")
        }
    }

    /// Docker 25+ `docker save`: an OCI layout inside the tar plus manifest.json whose paths
    /// are `blobs/sha256/<hex>`; manifest.json is preferred (it carries RepoTags).
    @Test func dockerSaveWithOCILayoutInside() throws {
        let dir = try TempDir()
        var tar = TarBuilder()
        tar.file("oci-layout", #"{"imageLayoutVersion":"1.0.0"}"#)
        tar.file("index.json", #"{"schemaVersion":2,"manifests":[]}"#)
        tar.file("blobs/sha256/\(Self.hexA)", bytes: Self.layerTar())
        tar.file("blobs/sha256/\(Self.hexC)", Self.config(diffIDs: 1))
        tar.file("manifest.json", #"[{"Config":"blobs/sha256/\#(Self.hexC)","RepoTags":["app:1"],"Layers":["blobs/sha256/\#(Self.hexA)"]}]"#)
        tar.finish()
        let image = try ImageSource.open(path: try dir.write("d25.tar", tar.bytes))
        #expect(image.format == .dockerArchive)
        #expect(image.metadata.imageID == "sha256:" + Self.hexC)
        #expect(image.metadata.layers.map(\.digest) == ["sha256:" + Self.hexA])
        #expect(image.metadata.repoTags == ["app:1"])
        let walk = try image.walkLayer(0, wants: { _ in false }, visit: { _, _ in })
        #expect(walk.paths == ["etc/os-release"])
    }

    @Test func severalImagesNeedAReference() throws {
        let dir = try TempDir()
        let manifest = """
        [{"Config":"\(Self.hexC).json","RepoTags":["alpine:3"],"Layers":["\(Self.hexA)/layer.tar","\(Self.hexB)/layer.tar"]},
         {"Config":"\(Self.hexC).json","RepoTags":["alpine:edge"],"Layers":["\(Self.hexB)/layer.tar","\(Self.hexA)/layer.tar"]}]
        """
        let path = try dir.write("img.tar", Self.dockerArchive(manifest: manifest))
        let error = try #require(throws: KensaError.self) { try ImageSource.open(path: path) }
        #expect(error.kind == .usage)
        #expect(error.reason.contains("alpine:3") && error.reason.contains("alpine:edge"))
        #expect(try ImageSource.open(path: path, reference: "alpine:edge").metadata.repoTags == ["alpine:edge"])
    }

    @Test(arguments: [
        ("layer outside the archive", #"[{"Config":"CFG","Layers":["../../etc/passwd","x"]}]"#, "no member"),
        ("diff_ids mismatch", #"[{"Config":"CFG","Layers":["A/layer.tar"]}]"#, "diff_ids"),
        ("not JSON", "{{{", "invalid manifest.json"),
        ("wrong shape", #"{"Config":1}"#, "invalid manifest.json"),
        ("no image", "[]", "lists no image"),
    ])
    func brokenDockerManifests(name: String, manifest: String, expected: String) throws {
        let dir = try TempDir()
        let m = manifest.replacingOccurrences(of: "CFG", with: "\(Self.hexC).json").replacingOccurrences(of: "A/", with: "\(Self.hexA)/")
        let path = try dir.write("img.tar", Self.dockerArchive(manifest: m))
        let error = try #require(throws: KensaError.self) { try ImageSource.open(path: path) }
        #expect(error.reason.contains(expected), "\(name): \(error)")
        #expect(error.input == path)
    }

    @Test func layerSymlinkLoopIsAnError() throws {
        let dir = try TempDir()
        let manifest = #"[{"Config":"CFG","Layers":["loop/a","loop/b"]}]"#.replacingOccurrences(of: "CFG", with: "\(Self.hexC).json")
        let path = try dir.write("img.tar", Self.dockerArchive(manifest: manifest) { tar in
            tar.symlink("loop/a", to: "b")
            tar.symlink("loop/b", to: "a")
        })
        let error = try #require(throws: KensaError.self) { try ImageSource.open(path: path) }
        #expect(error.reason.contains("too many links"))
    }

    @Test func truncatedAndForeignOuterArchives() throws {
        let dir = try TempDir()
        let full = Self.dockerArchive()
        // Cut inside the first layer's content: the index sees the member run past the end.
        let cut = try dir.write("cut.tar", Array(full[..<(512 * 3 + 100)]))
        #expect((try? ImageSource.open(path: cut)) == nil)
        let cutError = try #require(throws: KensaError.self) { try ImageSource.open(path: cut) }
        #expect(cutError.kind == .malformed)
        #expect(cutError.reason.contains("truncated"))

        let junk = try dir.write("junk.tar", Array(repeating: 0x41, count: 4096))
        let junkError = try #require(throws: KensaError.self) { try ImageSource.open(path: junk) }
        #expect(junkError.reason.contains("not a tar archive"))

        let gz = try dir.write("img.tar.gz", try gzip(full, in: dir))
        let gzError = try #require(throws: KensaError.self) { try ImageSource.open(path: gz) }
        #expect(gzError.kind == .unsupported)

        var plain = TarBuilder()
        plain.file("hello.txt", "hi")
        plain.finish()
        let notImage = try dir.write("plain.tar", plain.bytes)
        let notImageError = try #require(throws: KensaError.self) { try ImageSource.open(path: notImage) }
        #expect(notImageError.kind == .unsupported)

        try FileManager.default.createDirectory(atPath: dir.file("emptydir"), withIntermediateDirectories: true)
        let dirError = try #require(throws: KensaError.self) { try ImageSource.open(path: dir.file("emptydir")) }
        #expect(dirError.kind == .unsupported)
        let missing = try #require(throws: KensaError.self) { try ImageSource.open(path: dir.file("nope")) }
        #expect(missing.kind == .unreadable)
    }

    // MARK: - OCI indexes

    /// A copy of the fixture's OCI layout whose index.json (and extra blobs) the test rewrites.
    static func layoutCopy() throws -> (TempDir, String, ManifestDocument) {
        let fixture = try ImageFixture.shared.get()
        let dir = try TempDir()
        try sh("cp -r '\(fixture.layout)' '\(dir.file("oci"))'")
        let index = try JSONDocument.decode(ManifestDocument.self,
                                            from: Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("oci/index.json")))),
                                            input: "", what: "")
        return (dir, dir.file("oci"), index)
    }

    static func descriptor(_ digest: String, mediaType: String = MediaType.ociManifest, platform: String? = nil,
                           ref: String? = nil) -> String {
        var fields = [#""mediaType":"\#(mediaType)""#, #""digest":"\#(digest)""#, #""size":1"#]
        if let platform {
            let parts = platform.split(separator: "/")
            fields.append(#""platform":{"os":"\#(parts[0])","architecture":"\#(parts[1])"}"#)
        }
        if let ref { fields.append(#""annotations":{"org.opencontainers.image.ref.name":"\#(ref)"}"#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func writeIndex(_ layout: String, _ descriptors: [String], name: String = "index.json") throws {
        let json = #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":["# + descriptors.joined(separator: ",") + "]}"
        try Data(json.utf8).write(to: URL(fileURLWithPath: layout + "/" + name))
    }

    @Test func picksLinuxAmd64FromAMultiPlatformIndex() throws {
        let (_, layout, index) = try Self.layoutCopy()
        let real = try #require(index.manifests?.first?.digest)
        try Self.writeIndex(layout, [Self.descriptor("sha256:" + Self.hexA, platform: "linux/arm64"),
                                     Self.descriptor(real, platform: "linux/amd64"),
                                     Self.descriptor("sha256:" + Self.hexB, platform: "unknown/unknown")])
        let image = try ImageSource.open(path: layout)
        #expect(image.metadata.manifestDigest == real)
        #expect(image.layerCount == 3)
    }

    @Test func followsANestedIndex() throws {
        let (_, layout, index) = try Self.layoutCopy()
        let real = try #require(index.manifests?.first?.digest)
        try Self.writeIndex(layout, [Self.descriptor(real, platform: "linux/amd64")], name: "blobs/sha256/" + Self.hexC)
        try Self.writeIndex(layout, [Self.descriptor("sha256:" + Self.hexC, mediaType: MediaType.ociIndex, ref: "nested")])
        let image = try ImageSource.open(path: layout)
        #expect(image.metadata.manifestDigest == real)
        #expect(image.metadata.repoTags == ["nested"])
    }

    @Test func ambiguousIndexListsWhatIsThere() throws {
        let (_, layout, index) = try Self.layoutCopy()
        let real = try #require(index.manifests?.first?.digest)
        try Self.writeIndex(layout, [Self.descriptor(real, ref: "one"), Self.descriptor("sha256:" + Self.hexA, ref: "two")])
        let error = try #require(throws: KensaError.self) { try ImageSource.open(path: layout) }
        #expect(error.kind == .usage)
        #expect(error.reason.contains("one") && error.reason.contains("two"))
        #expect(try ImageSource.open(path: layout, reference: "one").metadata.manifestDigest == real)
    }

    @Test func selfReferencingIndexIsBounded() throws {
        let (_, layout, _) = try Self.layoutCopy()
        try Self.writeIndex(layout, [Self.descriptor("sha256:" + Self.hexC, mediaType: MediaType.ociIndex)],
                            name: "blobs/sha256/" + Self.hexC)
        try Self.writeIndex(layout, [Self.descriptor("sha256:" + Self.hexC, mediaType: MediaType.ociIndex)])
        let error = try #require(throws: KensaError.self) { try ImageSource.open(path: layout) }
        #expect(error.kind == .limitExceeded)
    }

    @Test(arguments: [
        ("schema 1", #"{"schemaVersion":1,"name":"x","tag":"y","fsLayers":[{"blobSum":"sha256:00"}]}"#, "schema 1"),
        ("helm chart", #"{"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"sha256:CFG","size":1},"layers":[]}"#, "not a container image"),
        ("unknown layer", #"{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:CFG","size":1},"layers":[{"mediaType":"application/wasm","digest":"sha256:CFG","size":1}]}"#, "unsupported media type"),
        ("path trick", #"{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:../../../../etc/passwd","size":1},"layers":[]}"#, "invalid digest"),
    ])
    func refusedManifests(name: String, manifest: String, expected: String) throws {
        let (_, layout, _) = try Self.layoutCopy()
        try Data(manifest.replacingOccurrences(of: "CFG", with: Self.hexB).utf8)
            .write(to: URL(fileURLWithPath: layout + "/blobs/sha256/" + Self.hexA))
        try Data(#"{"rootfs":{"diff_ids":["sha256:\#(Self.hexA)"]}}"#.utf8).write(to: URL(fileURLWithPath: layout + "/blobs/sha256/" + Self.hexB))
        try Self.writeIndex(layout, [Self.descriptor("sha256:" + Self.hexA)])
        let error = try #require(throws: KensaError.self) { try ImageSource.open(path: layout) }
        #expect(error.reason.contains(expected), "\(name): \(error)")
    }

    /// A metadata document over the limit is refused before it is read (the file is sparse).
    @Test func oversizedIndexIsRefused() throws {
        let (_, layout, _) = try Self.layoutCopy()
        try sh("truncate -s 100M '\(layout)/index.json'")
        let error = try #require(throws: KensaError.self) { try ImageSource.open(path: layout) }
        #expect(error.kind == .limitExceeded)
    }

    @Test func layerSizeMismatchIsMalformed() throws {
        let (_, layout, index) = try Self.layoutCopy()
        let real = try #require(index.manifests?.first?.digest)
        let manifestPath = layout + "/" + Digest.blobPath(real)
        var text = try String(contentsOfFile: manifestPath, encoding: .utf8)
        let manifest = try JSONDocument.decode(ManifestDocument.self, from: Array(text.utf8), input: "", what: "")
        let layer = try #require(manifest.layers?.first)
        text = text.replacingOccurrences(of: #""size":\#(layer.size ?? 0)"#, with: #""size":\#((layer.size ?? 0) + 1)"#)
        try text.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let error = try #require(throws: KensaError.self) { try ImageSource.open(path: layout) }
        #expect(error.kind == .malformed)
        #expect(error.reason.contains("bytes but the manifest says"))
    }

    @Test func ociArchiveLayerTruncatedMidWalkIsAnError() throws {
        // The layer blob of an OCI layout cut short: a gzip stream that ends early.
        let (_, layout, _) = try Self.layoutCopy()
        let image = try ImageSource.open(path: layout)
        let blob = layout + "/" + Digest.blobPath(image.metadata.layers[0].digest)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: blob)[.size] as? Int)
        try sh("truncate -s \(size / 2) '\(blob)'")
        let error = try #require(throws: KensaError.self) {
            try image.walkLayer(0, wants: { _ in true }, visit: { _, _ in })
        }
        #expect(error.kind == .malformed)
    }
}
