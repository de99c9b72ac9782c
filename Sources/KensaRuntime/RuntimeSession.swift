import Dispatch
import Foundation
import NIOPosix

// `kensa runtime` as plain values: load the rules, start the requested sources, send alerts to
// the sinks, and stop when the finite sources are done or on SIGINT/SIGTERM.

public struct RuntimeOptions: Sendable {
    public var ruleFiles: [String] = []
    public var strict = false
    public var auditLog: String?
    public var follow = false
    public var webhookListen: String?
    public var tlsCert: String?
    public var tlsKey: String?
    public var tokenFile: String?
    public var processSource: ProcessWatcher.Mode?
    public var pollInterval: Duration = .milliseconds(100)
    public var replay: String?
    public var output: String?
    public var webhooks: [String] = []
    public var webhookFormat: WebhookSink.Format = .generic
    public var webhookMaxPerMinute = 10
    public var evidenceDir: String?
    /// Only load the rules and report; start no source.
    public var checkRules = false

    public init() {}
}

public enum RuntimeSession {
    /// Loads and compiles the rule files, writing the load report to `log`.
    public static func loadRules(_ options: RuntimeOptions, log: @Sendable (String) -> Void) throws(RuntimeError) -> RuleEngine {
        guard !options.ruleFiles.isEmpty else {
            throw RuntimeError(.ruleFile, input: "--rules", reason: "at least one rules file is required (kensa ships no rules)")
        }
        var loader = RuleLoader()
        for f in options.ruleFiles { try loader.add(path: f) }
        let engine = try loader.compile(strict: options.strict)
        for s in engine.report.files {
            log("rules \(s.file): \(s.defined) rules, \(s.loaded) loaded, \(s.skipped) skipped, \(s.disabled) disabled")
        }
        for s in engine.report.skipped { log("skipped rule '\(s.rule)' (\(s.file):\(s.line)): \(s.reason)") }
        for w in engine.report.warnings { log("warning: \(w)") }
        return engine
    }

    public static func run(_ options: RuntimeOptions, log: @escaping @Sendable (String) -> Void) async throws(RuntimeError) -> DetectorStats {
        let engine = try loadRules(options, log: log)
        if options.checkRules { return DetectorStats() }
        let hasSource = options.auditLog != nil || options.webhookListen != nil || options.processSource != nil || options.replay != nil
        guard hasSource else {
            throw RuntimeError(.io, input: "kensa runtime", reason: "no event source: give --audit-log, --audit-webhook, --proc or --replay")
        }
        var sinks: [AlertSink] = []
        if let out = options.output {
            sinks.append(try JSONLinesSink.file(out))
        } else {
            sinks.append(JSONLinesSink(handle: FileHandle.standardOutput))
        }
        for url in options.webhooks {
            sinks.append(try WebhookSink(url: url, format: options.webhookFormat,
                                         limiter: RateLimiter(maxPerWindow: options.webhookMaxPerMinute, window: .seconds(60)), diagnostics: log))
        }
        if let dir = options.evidenceDir { sinks.append(try EvidenceSink(directory: dir, diagnostics: log)) }
        let detector = Detector(engine: engine, sinks: sinks, diagnostics: log)

        var token: String?
        if let tf = options.tokenFile {
            token = try FileReading.text(tf, limit: 1 << 16).trimmingCharacters(in: .whitespacesAndNewlines)
            if token?.isEmpty ?? true { throw RuntimeError(.io, input: tf, reason: "the token file is empty") }
        }
        var server: AuditWebhookServer?
        if let addr = options.webhookListen {
            let (host, port) = try AuditWebhookConfig.parseAddress(addr)
            let config = AuditWebhookConfig(host: host, port: port, certificatePath: options.tlsCert, privateKeyPath: options.tlsKey, bearerToken: token)
            let s = try await AuditWebhookServer.start(config, group: MultiThreadedEventLoopGroup.singleton) { body in
                detector.handleAudit(body, origin: "audit webhook")
            }
            log("audit webhook listening on \(host):\(s.port) (\(s.usesTLS ? "HTTPS" : "plain HTTP, no TLS")\(token != nil ? ", bearer token required" : ""))")
            server = s
        }
        var watcher: ProcessWatcher?
        if let mode = options.processSource {
            let w = try ProcessWatcher(mode: mode, pollInterval: options.pollInterval) { detector.handleProcess($0) }
            if w.observer == .procConnector {
                log("process events from the proc connector (netlink CN_PROC)")
            } else {
                log("process events from /proc polling every \(w.pollInterval)\(w.fallbackReason.map { " (proc connector unavailable: \($0))" } ?? "")")
            }
            watcher = w
        }
        let runsForever = server != nil || watcher != nil || (options.auditLog != nil && options.follow)
        let stop = StopSignal()
        let finite = Task { () throws -> Void in
            if let replay = options.replay { try await Replay.run(path: replay, into: detector) }
            if let path = options.auditLog {
                try await AuditLogReader(path: path, follow: options.follow).run { line, n in
                    switch line {
                    case .text(let b): detector.handleAudit(b, origin: "\(path):\(n)")
                    case .oversized(let size): detector.malformed("\(path):\(n)", "line of \(size) bytes exceeds the limit")
                    }
                }
            }
        }
        var failure: RuntimeError?
        if runsForever {
            await stop.wait()
            finite.cancel()
        }
        do {
            try await finite.value
        } catch let e as RuntimeError {
            failure = e
        } catch {
            failure = RuntimeError(.io, input: "kensa runtime", reason: "\(error)")
        }
        watcher?.stop()
        await server?.close()
        await detector.finish()
        let stats = detector.stats
        log("events \(stats.events), malformed \(stats.malformed), alerts \(stats.alerts)")
        if let failure { throw failure }
        return stats
    }
}

/// Completes `wait()` on SIGINT or SIGTERM.
final class StopSignal: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream<Void>.makeStream()
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            let c = continuation
            s.setEventHandler { c.yield() }
            s.resume()
            sources.append(s)
        }
    }

    func wait() async {
        for await _ in stream { return }
    }
}
