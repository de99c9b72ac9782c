/// Whiteout and opaque-directory semantics (OCI image spec, "Representing Changes") over the
/// walks of an image's layers, without building the merged tree: for each path, the highest
/// layer that adds it, deletes it, makes it opaque, or adds it as a non-directory is kept, and
/// a path added by layer L survives when no later layer did any of those to it or (deleting,
/// opaque, non-directory) to an ancestor. Lookups are O(depth).
public struct LayerStack: Sendable {
    private var lastAdded: [String: Int] = [:]
    private var lastWhiteout: [String: Int] = [:]
    private var lastOpaque: [String: Int] = [:]
    private var lastNonDirectory: [String: Int] = [:]

    public init(_ walks: [LayerWalk]) {
        for (layer, walk) in walks.enumerated() {
            let dirs = Set(walk.directories)
            for p in walk.paths {
                lastAdded[p] = layer
                if !dirs.contains(p) { lastNonDirectory[p] = layer }
            }
            for p in walk.whiteouts { lastWhiteout[p] = layer }
            for p in walk.opaqueDirs { lastOpaque[p] = layer }
        }
    }

    /// False when a later layer whites out the path or an ancestor, marks an ancestor opaque,
    /// re-adds the same path (later wins), or replaces an ancestor directory with a non-directory.
    public func isVisible(path: String, addedBy layer: Int) -> Bool {
        if let l = lastAdded[path], l > layer { return false }
        if let l = lastWhiteout[path], l > layer { return false }
        if let l = lastOpaque[""], l > layer { return false }
        var end = path.endIndex
        while let slash = path[..<end].lastIndex(of: "/") {
            let ancestor = String(path[..<slash])
            if let l = lastWhiteout[ancestor], l > layer { return false }
            if let l = lastOpaque[ancestor], l > layer { return false }
            if let l = lastNonDirectory[ancestor], l > layer { return false }
            end = slash
        }
        return true
    }
}
