import Testing
@testable import KensaArtifact

@Suite struct LayerStackTests {
    func walk(_ paths: [String], dirs: [String] = [], whiteouts: [String] = [], opaque: [String] = []) -> LayerWalk {
        LayerWalk(paths: paths + dirs, whiteouts: whiteouts, opaqueDirs: opaque, directories: dirs)
    }

    @Test func whiteoutsHideThePathAndEverythingBelow() {
        let stack = LayerStack([
            walk(["etc/motd", "usr/share/doc/a/README", "usr/share/docs-other"], dirs: ["usr/share/doc", "usr/share/doc/a"]),
            walk([], whiteouts: ["etc/motd", "usr/share/doc"]),
        ])
        #expect(!stack.isVisible(path: "etc/motd", addedBy: 0))
        #expect(!stack.isVisible(path: "usr/share/doc", addedBy: 0))
        #expect(!stack.isVisible(path: "usr/share/doc/a/README", addedBy: 0))
        // A sibling whose name merely starts the same stays.
        #expect(stack.isVisible(path: "usr/share/docs-other", addedBy: 0))
    }

    @Test func whiteoutOnlyAffectsLowerLayers() {
        let stack = LayerStack([
            walk(["a"]),
            walk(["a"], whiteouts: ["a"]),  // same layer deletes then adds: its own file stays
            walk(["b"]),
        ])
        #expect(!stack.isVisible(path: "a", addedBy: 0))
        #expect(stack.isVisible(path: "a", addedBy: 1))
        #expect(stack.isVisible(path: "b", addedBy: 2))
    }

    @Test func opaqueDirectoryHidesLowerContentButNotItsOwn() {
        let stack = LayerStack([
            walk(["opt/app/old", "opt/app/sub/x", "opt/keep"], dirs: ["opt", "opt/app", "opt/app/sub"]),
            walk(["opt/app/new"], dirs: ["opt/app"], opaque: ["opt/app"]),
        ])
        #expect(!stack.isVisible(path: "opt/app/old", addedBy: 0))
        #expect(!stack.isVisible(path: "opt/app/sub/x", addedBy: 0))
        #expect(stack.isVisible(path: "opt/keep", addedBy: 0))
        #expect(stack.isVisible(path: "opt/app/new", addedBy: 1))
        #expect(stack.isVisible(path: "opt/app", addedBy: 1))
        #expect(!stack.isVisible(path: "opt/app", addedBy: 0))  // re-added by layer 1
    }

    @Test func rootOpaqueHidesEverythingBelow() {
        let stack = LayerStack([walk(["etc/a"], dirs: ["etc"]), walk(["etc/b"], opaque: [""])])
        #expect(!stack.isVisible(path: "etc/a", addedBy: 0))
        #expect(stack.isVisible(path: "etc/b", addedBy: 1))
    }

    @Test func laterLayerWinsForTheSamePath() {
        let stack = LayerStack([walk(["etc/os-release"]), walk([]), walk(["etc/os-release"])])
        #expect(!stack.isVisible(path: "etc/os-release", addedBy: 0))
        #expect(stack.isVisible(path: "etc/os-release", addedBy: 2))
    }

    @Test func directoryReplacedByFileOrLinkHidesItsContent() {
        let stack = LayerStack([
            walk(["lib/x.so", "data/y"], dirs: ["lib", "data"]),
            walk(["lib"]),             // lib is now a file (or symlink)
            walk(["data/z"], dirs: ["data"]),  // data stays a directory
        ])
        #expect(!stack.isVisible(path: "lib/x.so", addedBy: 0))
        #expect(stack.isVisible(path: "lib", addedBy: 1))
        #expect(stack.isVisible(path: "data/y", addedBy: 0))
        #expect(stack.isVisible(path: "data/z", addedBy: 2))
    }
}
