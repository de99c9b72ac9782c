import AsyncHTTPClient
import Foundation
import NIOCore

// Alerts POSTed to an HTTP endpoint, as generic JSON (the alert object) or as a Slack-compatible
// incoming-webhook message. Per-rule rate limiting keeps a noisy rule from flooding the
// receiver; what was held back is counted and reported with the next alert of that rule.

public struct RateLimiter: Sendable {
    public var maxPerWindow: Int
    public var window: Duration
    var windows: [String: (start: ContinuousClock.Instant, sent: Int, suppressed: Int)] = [:]

    public init(maxPerWindow: Int, window: Duration) {
        self.maxPerWindow = maxPerWindow
        self.window = window
    }

    /// nil if the alert is held back; otherwise how many of this rule were held back before it.
    public mutating func admit(_ rule: String, at now: ContinuousClock.Instant) -> Int? {
        var w = windows[rule] ?? (now, 0, 0)
        if now - w.start >= window { w = (now, 0, w.suppressed) }
        guard w.sent < maxPerWindow else {
            w.suppressed += 1
            windows[rule] = w
            return nil
        }
        let held = w.suppressed
        w.sent += 1
        w.suppressed = 0
        windows[rule] = w
        return held
    }
}

public final class WebhookSink: AlertSink, @unchecked Sendable {
    public enum Format: String, Sendable { case generic, slack }

    let url: String
    let format: Format
    let client: HTTPClient
    let diagnostics: @Sendable (String) -> Void
    private let lock = NSLock()
    private var limiter: RateLimiter
    private let continuation: AsyncStream<[UInt8]>.Continuation
    private let sender: Task<Void, Never>

    public init(url: String, format: Format, limiter: RateLimiter, diagnostics: @escaping @Sendable (String) -> Void) throws(RuntimeError) {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw RuntimeError(.network, input: url, reason: "webhook URL must start with http:// or https://")
        }
        self.url = url
        self.format = format
        self.limiter = limiter
        self.diagnostics = diagnostics
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        self.client = client
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        self.continuation = continuation
        self.sender = Task {
            for await body in stream {
                var req = HTTPClientRequest(url: url)
                req.method = .POST
                req.headers.add(name: "content-type", value: "application/json")
                req.body = .bytes(ByteBuffer(bytes: body))
                do {
                    let resp = try await client.execute(req, timeout: .seconds(10))
                    _ = try? await resp.body.collect(upTo: 1 << 20)
                    if resp.status.code >= 300 { diagnostics("webhook \(url): HTTP \(resp.status.code)") }
                } catch {
                    diagnostics("webhook \(url): \(error)")
                }
            }
        }
    }

    public func deliver(_ alert: Alert, event: EventRecord) {
        let held: Int? = lock.withLock { limiter.admit(alert.rule, at: .now) }
        guard let held else { return }
        continuation.yield(Array(Self.payload(alert, format: format, suppressed: held).utf8))
    }

    static func payload(_ alert: Alert, format: Format, suppressed: Int) -> String {
        switch format {
        case .generic:
            guard case .object(var members) = alert.jsonObject else { return alert.jsonLine }
            if suppressed > 0 { members.append(JSONMember("suppressed_since_last", .number(String(suppressed)))) }
            return JSONValue.object(members).compactJSON
        case .slack:
            let color: String
            switch alert.priority {
            case .emergency, .alert, .critical, .error: color = "#d50000"
            case .warning: color = "#ff9800"
            case .notice: color = "#2196f3"
            case .informational, .debug: color = "#9e9e9e"
            }
            var fields: [JSONValue] = [
                .object([JSONMember("title", .string("rule")), JSONMember("value", .string(alert.rule)), JSONMember("short", .bool(true))]),
                .object([JSONMember("title", .string("priority")), JSONMember("value", .string(alert.priority.name)), JSONMember("short", .bool(true))]),
                .object([JSONMember("title", .string("source")), JSONMember("value", .string(alert.observer ?? alert.source)), JSONMember("short", .bool(true))]),
                .object([JSONMember("title", .string("time")), JSONMember("value", .string(Timestamp.iso8601(alert.time))), JSONMember("short", .bool(true))]),
            ]
            if suppressed > 0 {
                fields.append(.object([JSONMember("title", .string("suppressed since last")), JSONMember("value", .string(String(suppressed))), JSONMember("short", .bool(true))]))
            }
            return JSONValue.object([
                JSONMember("text", .string(alert.output)),
                JSONMember("attachments", .array([.object([
                    JSONMember("color", .string(color)),
                    JSONMember("fallback", .string(alert.output)),
                    JSONMember("fields", .array(fields)),
                ])])),
            ]).compactJSON
        }
    }

    public func finish() async {
        continuation.finish()
        await sender.value
        try? await client.shutdown()
    }
}
