import Foundation
import KensaScan

typealias ScanProgressEvent = ScanProgress

/// A one-line progress display on a terminal's standard error, cleared when the scan ends.
final class ProgressLine: @unchecked Sendable {
    static let shared = ProgressLine()
    private let lock = NSLock()
    private var done = 0
    private var bytes: Int64 = 0
    private var shown = false

    private init() {}

    static func handle(_ event: ScanProgress) { shared.update(event) }

    private func update(_ event: ScanProgress) {
        lock.withLock {
            let line: String
            switch event {
            case .layerStarted(let index, let count):
                line = "kensa: reading layers \(done)/\(count) (layer \(index + 1) started)"
            case .layerFinished(_, let count, let read):
                done += 1
                bytes += read
                line = "kensa: reading layers \(done)/\(count), \(bytes / 1_048_576) MiB"
            case .layerFromCache(_, let count):
                done += 1
                line = "kensa: reading layers \(done)/\(count) (from cache)"
            case .filesAnalyzed(let files):
                line = "kensa: \(files) files analyzed"
            }
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
            shown = true
        }
    }

    func clear() {
        lock.withLock {
            if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            shown = false
        }
    }
}
