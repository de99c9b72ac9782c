import AsyncHTTPClient
import Foundation
import KensaCore
import NIOCore
import NIOHTTP1

/// `kensa db update`: downloads OSV archives over HTTP(S), builds a new DB from them and
/// swaps it in. Downloads go to temporary files beside the DB; nothing replaces the DB until
/// every source arrived and the build succeeded, so any failure leaves the old DB working.
public enum VulnDBUpdater {
    /// OSV's public per-ecosystem archives (https://google.github.io/osv.dev/data/).
    public static let defaultSources: [String] = [
        "Alpine", "Debian", "Ubuntu", "Go", "Maven", "npm", "NuGet", "Packagist", "PyPI", "RubyGems", "crates.io",
    ].map { "https://osv-vulnerabilities.storage.googleapis.com/\($0)/all.zip" }

    public struct Options: Sendable {
        /// Connecting, and each wait for bytes while reading, may take at most this long.
        public var timeout: TimeInterval
        /// Attempts per source after the first, with exponential backoff.
        public var retries: Int
        /// First backoff delay; doubled after each failed attempt.
        public var backoff: TimeInterval
        /// Largest archive accepted.
        public var maximumBytes: Int64

        public init(timeout: TimeInterval = 30, retries: Int = 3, backoff: TimeInterval = 1,
                    maximumBytes: Int64 = 8 << 30) {
            self.timeout = timeout
            self.retries = max(0, retries)
            self.backoff = backoff
            self.maximumBytes = maximumBytes
        }
    }

    public static func update(sources: [String], output: String, options: Options = Options(),
                              builtAt: Date = Date()) async throws -> VulnDBBuilder.Summary {
        guard !sources.isEmpty else { throw KensaError(.usage, input: "db update", reason: "no source URL") }
        let directory = URL(fileURLWithPath: output).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw KensaError(.unreadable, input: directory.path, reason: "cannot create directory: \(error.localizedDescription)")
        }
        var downloads: [String] = []
        defer { for file in downloads { try? FileManager.default.removeItem(atPath: file) } }

        let timeout = TimeAmount.milliseconds(Int64(options.timeout * 1000))
        let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: .init(timeout: .init(connect: timeout, read: timeout)))
        do {
            for source in sources {
                let file = directory.appendingPathComponent(".download-\(getpid())-\(UUID().uuidString).zip").path
                downloads.append(file)
                try await download(source, to: file, client: client, options: options)
            }
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        return try VulnDBBuilder.build(from: downloads, output: output, builtAt: builtAt, sourceLabels: sources)
    }

    private static func download(_ url: String, to file: String, client: HTTPClient, options: Options) async throws {
        var delay = options.backoff
        var attempt = 0
        while true {
            do {
                try await downloadOnce(url, to: file, client: client, options: options)
                return
            } catch let error as KensaError where error.kind != .unreadable {
                throw error  // 4xx, oversized: another attempt would not help
            } catch {
                attempt += 1
                guard attempt <= options.retries, !Task.isCancelled else {
                    if let error = error as? KensaError { throw error }
                    throw KensaError(.unreadable, input: url, reason: "download failed after \(attempt) attempt(s): \(describe(error))")
                }
                try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
                delay *= 2
            }
        }
    }

    private static func downloadOnce(_ url: String, to file: String, client: HTTPClient, options: Options) async throws {
        let request = HTTPClientRequest(url: url)
        let response = try await client.execute(request, timeout: .hours(2))
        switch response.status.code {
        case 200: break
        case 500...599, 408, 429:
            throw KensaError(.unreadable, input: url, reason: "server answered \(response.status.code)")
        default:
            throw KensaError(.malformed, input: url, reason: "server answered \(response.status.code) \(response.status.reasonPhrase)")
        }
        guard FileManager.default.createFile(atPath: file, contents: nil), let handle = FileHandle(forWritingAtPath: file) else {
            throw KensaError(.unreadable, input: file, reason: "cannot create download file")
        }
        defer { try? handle.close() }
        var received: Int64 = 0
        for try await buffer in response.body {
            received += Int64(buffer.readableBytes)
            guard received <= options.maximumBytes else {
                throw KensaError(.limitExceeded, input: url, reason: "larger than \(options.maximumBytes) bytes")
            }
            try handle.write(contentsOf: Data(buffer.readableBytesView))
        }
        if let length = response.headers.first(name: "content-length").flatMap(Int64.init), length != received {
            throw KensaError(.unreadable, input: url, reason: "connection closed after \(received) of \(length) bytes")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? KensaError { return error.reason }
        if let error = error as? HTTPClientError {
            switch error {
            case .readTimeout: return "no answer within the timeout"
            case .connectTimeout: return "connection timed out"
            case .remoteConnectionClosed: return "connection closed by the server"
            case .deadlineExceeded: return "deadline exceeded"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
