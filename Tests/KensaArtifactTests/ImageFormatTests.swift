import Foundation
import Synchronization
import Testing
@testable import KensaArtifact
import KensaCore

@Suite struct ImageFormatTests {
    struct Merged {
        var files: [String: String] = [:]
        var paths: Set<String> = []
    }

    /// Walks every layer (in parallel, as the scan does), then keeps what LayerStack says is visible.
    static func merged(_ image: ImageSource) throws -> (Merged, [LayerWalk]) {
        let count = image.layerCount
        let results = Mutex<[Int: Result<(LayerWalk, [String: String]), any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let r = Result {
                var contents: [String: String] = [:]
                let walk = try image.walkLayer(i, wants: { $0.path.hasSuffix("METADATA") || $0.path.hasPrefix("etc/")
                    || $0.path.hasPrefix("srv/") || $0.path.hasPrefix("opt/") || $0.path.hasPrefix("usr/share/") }) { h, data in
                    contents[h.path] = String(decoding: data, as: UTF8.self)
                }
                return (walk, contents)
            }
            results.withLock { $0[i] = r }
        }
        let all = try (0..<count).map { i in try results.withLock { $0[i]! }.get() }
        let walks = all.map(\.0)
        let stack = LayerStack(walks)
        var merged = Merged()
        for (layer, (walk, contents)) in all.enumerated() {
            for p in walk.paths where stack.isVisible(path: p, addedBy: layer) {
                merged.paths.insert(p)
                if let c = contents[p] { merged.files[p] = c }
            }
        }
        return (merged, walks)
    }

    static func fixture() throws -> ImageFixture { try ImageFixture.shared.get() }

    @Test(arguments: [ImageSource.Format.ociLayout, .ociArchive, .dockerArchive])
    func sameFinalFilesInEveryFormat(format: ImageSource.Format) throws {
        let f = try Self.fixture()
        let path = switch format {
        case .ociLayout: f.layout
        case .ociArchive: f.ociArchive
        case .dockerArchive: f.dockerArchive
        }
        let image = try ImageSource.open(path: path)
        #expect(image.format == format)
        #expect(image.layerCount == 3)
        let (merged, walks) = try Self.merged(image)
        #expect(merged.files == ImageFixture.finalFiles)
        for deleted in ImageFixture.deletedFiles {
            #expect(!merged.paths.contains(deleted), "\(deleted) should be deleted")
        }
        #expect(merged.paths.contains("bin/sh"))
        #expect(!merged.paths.contains("usr/share/doc"))
        #expect(walks[2].whiteouts.sorted() == ["etc/motd", "usr/lib/python3/dist-packages/b-2.0.dist-info", "usr/share/doc"])
        #expect(walks.allSatisfy { $0.warnings.isEmpty })

        let m = image.metadata
        #expect(m.imageID.hasPrefix("sha256:"))
        #expect(m.env.contains("FOO=bar"))
        #expect(m.user == "1000")
        #expect(m.entrypoint == ["/bin/sh"])
        #expect(m.exposedPorts == ["8080/tcp"])
        #expect(m.labels["team"] == "kensa")
        #expect(m.os == "linux")
        #expect(m.layers.count == 3)
        #expect(m.layers.map(\.createdBy) == ["layer one", "layer two", "layer three"])
        #expect(m.layers.allSatisfy { $0.diffID.hasPrefix("sha256:") && $0.digest.hasPrefix("sha256:") })
        #expect(m.history.contains { $0.createdBy == "config" && $0.emptyLayer })
        switch format {
        case .dockerArchive:
            #expect(m.repoTags == ["docker.io/kensa/test:1"])  // skopeo writes the normalised name
            #expect(m.manifestDigest == nil)
        case .ociLayout, .ociArchive:
            #expect(m.manifestDigest?.hasPrefix("sha256:") == true)
            #expect(m.layers.allSatisfy { $0.mediaType == "application/vnd.oci.image.layer.v1.tar+gzip" })
        }
    }

    @Test func formatsAgreeOnDiffIDsAndImageID() throws {
        let f = try Self.fixture()
        let images = try [f.layout, f.ociArchive, f.dockerArchive].map { try ImageSource.open(path: $0) }
        let diffIDs = images.map { $0.metadata.layers.map(\.diffID) }
        #expect(diffIDs[0] == diffIDs[1])
        #expect(diffIDs[0] == diffIDs[2])
        #expect(images[0].metadata.imageID == images[1].metadata.imageID)
        #expect(images[0].metadata.imageID == images[2].metadata.imageID)
        // docker-archive layers are stored uncompressed: their digest is the diff ID.
        #expect(images[2].metadata.layers.map(\.digest) == diffIDs[2])
    }

    @Test func walkLayerRejectsAMissingIndex() throws {
        let image = try ImageSource.open(path: try Self.fixture().layout)
        #expect(throws: KensaError.self) { try image.walkLayer(3, wants: { _ in false }, visit: { _, _ in }) }
    }
}
