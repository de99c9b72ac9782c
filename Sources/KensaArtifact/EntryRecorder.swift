import Foundation
import KensaCore

/// Turns raw entries into a LayerWalk: normalises names, applies whiteout naming, flags
/// hostile names and links, and keeps the bounded cache hard links are served from.
/// Shared by the tar walk and the directory walk so both judge entries the same way.
struct EntryRecorder {
    var walk = LayerWalk()
    let limits: ReadLimits
    let layerLabel: String?
    /// Whether `.wh.` names mean whiteouts (layers) or are ordinary files (directories).
    var interpretsWhiteouts = true
    private var entries = 0
    private var kept: [String: Data] = [:]
    private var keptBytes: Int64 = 0
    private var regularSeen: Set<String> = []

    init(limits: ReadLimits, layerLabel: String?) {
        self.limits = limits
        self.layerLabel = layerLabel
    }

    mutating func warn(path: String?, reason: String) {
        walk.warnings.append(ScanWarning(path: path ?? "", reason: reason, layer: layerLabel))
    }

    mutating func countEntry(input: String) throws {
        entries += 1
        if entries > limits.maxEntries {
            throw KensaError(.limitExceeded, input: input, reason: "more than \(limits.maxEntries) entries")
        }
    }

    /// Records an entry; returns its header when it is a real entry of the tree (not a
    /// whiteout marker, not the root, not hostile).
    mutating func admit(rawPath: String, size: Int64, mode: UInt32, kind: FileHeader.Kind,
                        linkTarget: String?) -> FileHeader? {
        let path: String
        switch MemberPath.normalise(rawPath) {
        case .root: return nil
        case .escapes:
            warn(path: rawPath, reason: "member name climbs above the root (..); skipped")
            return nil
        case .path(let p): path = p
        }
        let base = MemberPath.basename(path)
        if interpretsWhiteouts && base.hasPrefix(".wh.") {
            let dir = MemberPath.parent(path)
            if base == ".wh..wh..opq" {
                walk.opaqueDirs.append(dir)
            } else if base.hasPrefix(".wh..wh.") {
                // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): not part of the image.
            } else {
                let target = base.dropFirst(4)
                if target.isEmpty || target == "." || target == ".." {
                    warn(path: path, reason: "whiteout without a valid target name; skipped")
                } else {
                    walk.whiteouts.append(MemberPath.join(dir, target))
                }
            }
            return nil
        }
        var header = FileHeader(path: path, size: kind == .regular || kind == .hardlink ? max(0, size) : size,
                                mode: mode & 0o7777, kind: kind, linkTarget: linkTarget)
        switch kind {
        case .symlink:
            let target = linkTarget ?? ""
            walk.symlinks[path] = target
            if MemberPath.symlinkEscapes(path: path, target: target) {
                warn(path: path, reason: "symlink points outside the tree (\(target)); recorded, never followed")
            }
        case .hardlink:
            switch MemberPath.normalise(linkTarget ?? "") {
            case .path(let target): header.linkTarget = target
            case .root, .escapes:
                warn(path: path, reason: "hard link points outside the tree (\(linkTarget ?? "")); recorded, never followed")
            }
        case .regular:
            regularSeen.insert(path)
        case .directory:
            walk.directories.append(path)
        case .other:
            break
        }
        walk.paths.append(path)
        return header
    }

    mutating func allowsSize(_ header: FileHeader) -> Bool {
        if header.size > limits.maxWantedFileSize {
            warn(path: header.path, reason: "file of \(header.size) bytes exceeds the \(limits.maxWantedFileSize)-byte limit for wanted files; not read")
            return false
        }
        return true
    }

    /// Keeps a visited file's content for hard links that may follow, within a byte budget.
    mutating func remember(_ path: String, _ data: Data) {
        guard Int64(data.count) <= limits.hardlinkCacheFileSize,
              keptBytes + Int64(data.count) <= limits.hardlinkCacheBytes else { return }
        kept[path] = data
        keptBytes += Int64(data.count)
    }

    /// The content a wanted hard link refers to, when this walk read and kept it.
    mutating func content(ofLinkTarget header: FileHeader) -> Data? {
        guard let target = header.linkTarget, case .path = MemberPath.normalise(target) else {
            return nil  // an escaping link: already warned about, never followed
        }
        if let data = kept[target] { return data }
        if regularSeen.contains(target) {
            warn(path: header.path, reason: "hard link to \(target): its content was not read (target not wanted or over the cache budget)")
        } else {
            warn(path: header.path, reason: "hard link to \(target), which is not an earlier regular file of this layer")
        }
        return nil
    }
}
