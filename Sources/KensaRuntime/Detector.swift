import Foundation

// Runs events from any source through the compiled rules and hands alerts to the sinks.
// Sources call it from several threads (file reader task, webhook event loops, process
// watcher), so counters are guarded by a lock; rule evaluation itself needs no lock.

/// Where an alert goes: a JSON-lines stream, an HTTP webhook, an evidence directory.
public protocol AlertSink: Sendable {
    func deliver(_ alert: Alert, event: EventRecord)
    /// Sends what is still queued; called once at shutdown.
    func finish() async
}

/// The event behind an alert, for sinks that keep evidence.
public enum EventRecord: Sendable {
    case audit(AuditEvent)
    case process(ProcessEvent)
}

public struct DetectorStats: Sendable, Equatable {
    public var events = 0
    public var malformed = 0
    public var alerts = 0
    public var alertsByRule: [String: Int] = [:]
}

public final class Detector: @unchecked Sendable {
    public let engine: RuleEngine
    let sinks: [AlertSink]
    let hostname: String
    let diagnostics: @Sendable (String) -> Void
    private let lock = NSLock()
    private var counters = DetectorStats()
    /// Malformed-event messages beyond this many are counted but not printed.
    let maxDiagnostics = 100

    public init(engine: RuleEngine, sinks: [AlertSink], hostname: String = Detector.localHostname(),
                diagnostics: @escaping @Sendable (String) -> Void = { _ in }) {
        self.engine = engine
        self.sinks = sinks
        self.hostname = hostname
        self.diagnostics = diagnostics
    }

    public var stats: DetectorStats {
        lock.lock()
        defer { lock.unlock() }
        return counters
    }

    /// Decodes one JSON text (an audit `Event` or `EventList`) and evaluates its events.
    /// `origin` names it in diagnostics, e.g. `audit.log:12` or `webhook 127.0.0.1`.
    public func handleAudit(_ bytes: UnsafeBufferPointer<UInt8>, origin: @autoclosure () -> String) {
        let batch = AuditEvent.decode(bytes)
        for failure in batch.failures { malformed(origin(), failure.reason) }
        for event in batch.events {
            let alerts = engine.alerts(for: event, hostname: hostname)
            record(events: 1, alerts)
            for a in alerts { for s in sinks { s.deliver(a, event: .audit(event)) } }
        }
    }

    public func handleAudit(_ bytes: [UInt8], origin: @autoclosure () -> String) {
        bytes.withUnsafeBufferPointer { handleAudit($0, origin: origin()) }
    }

    public func handleProcess(_ event: ProcessEvent) {
        let alerts = engine.alerts(for: event, hostname: hostname)
        record(events: 1, alerts)
        for a in alerts { for s in sinks { s.deliver(a, event: .process(event)) } }
    }

    public func malformed(_ origin: String, _ reason: String) {
        lock.lock()
        counters.malformed += 1
        let n = counters.malformed
        lock.unlock()
        if n <= maxDiagnostics { diagnostics("\(origin): malformed event skipped: \(reason)") }
        if n == maxDiagnostics + 1 { diagnostics("further malformed events are counted but not shown") }
    }

    func record(events: Int, _ alerts: [Alert]) {
        lock.lock()
        counters.events += events
        counters.alerts += alerts.count
        for a in alerts { counters.alertsByRule[a.rule, default: 0] += 1 }
        lock.unlock()
    }

    public func finish() async {
        for s in sinks { await s.finish() }
    }

    public static func localHostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count) == 0 else { return "localhost" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Alerts as JSON lines to a file handle (standard output or `--output FILE`).
public final class JSONLinesSink: AlertSink, @unchecked Sendable {
    let handle: FileHandle
    let lock = NSLock()

    public init(handle: FileHandle) { self.handle = handle }

    public static func file(_ path: String) throws(RuntimeError) -> JSONLinesSink {
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw RuntimeError(.io, input: path, reason: "cannot create the output file")
        }
        return JSONLinesSink(handle: h)
    }

    public func deliver(_ alert: Alert, event: EventRecord) {
        let line = Data((alert.jsonLine + "\n").utf8)
        lock.lock()
        defer { lock.unlock() }
        try? handle.write(contentsOf: line)
    }

    public func finish() async {
        lock.withLock { _ = try? handle.synchronize() }
    }
}
