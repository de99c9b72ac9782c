import ArgumentParser
import Foundation
import KensaRuntime

/// `kensa runtime`: Falco-compatible rules over Kubernetes audit events and process events.
struct RuntimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtime",
        abstract: "Detect threats at run time with Falco rules over audit and process events.",
        discussion: """
        Loads Falco rule files (kensa ships none) and evaluates them over Kubernetes audit events \
        (a JSON-lines log, or the API server's audit webhook) and process exec events (the Linux \
        proc connector, or /proc polling). Alerts are JSON lines in Falco's output layout. \
        Rules that need fields kensa does not support are reported and skipped (--strict: error).
        """
    )

    @Option(name: .customLong("rules"), help: ArgumentHelp("A Falco rules file (repeatable; loaded in order).", valueName: "FILE"))
    var rules: [String] = []

    @Flag(help: "Fail if any rule needs an unsupported field.")
    var strict = false

    @Flag(name: .customLong("check-rules"), help: "Load the rules, print what was loaded and skipped, and exit.")
    var checkRules = false

    @Option(name: .customLong("audit-log"), help: ArgumentHelp("A Kubernetes audit log (JSON lines).", valueName: "FILE"))
    var auditLog: String?

    @Flag(help: "Keep reading the audit log as it grows, across rotation (like tail -F).")
    var follow = false

    @Option(name: .customLong("audit-webhook"), help: ArgumentHelp("Receive audit webhook POSTs on this address.", valueName: "HOST:PORT"))
    var auditWebhook: String?

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM certificate (chain) for the audit webhook.", valueName: "FILE"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key for the audit webhook.", valueName: "FILE"))
    var tlsKey: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp("Require this bearer token on audit webhook requests.", valueName: "FILE"))
    var tokenFile: String?

    @Flag(help: "Watch process exec events (proc connector, else /proc polling).")
    var proc = false

    @Option(name: .customLong("proc-source"), help: "Process source: auto, connector or polling.")
    var procSource: String = "auto"

    @Option(name: .customLong("poll-interval"), help: ArgumentHelp("/proc polling interval in milliseconds.", valueName: "MS"))
    var pollInterval: Int = 100

    @Option(help: ArgumentHelp("Replay recorded events (JSON lines: audit events or kensa process events).", valueName: "FILE"))
    var replay: String?

    @Option(help: ArgumentHelp("Write alerts (JSON lines) to this file instead of standard output.", valueName: "FILE"))
    var output: String?

    @Option(name: .customLong("webhook"), help: ArgumentHelp("POST each alert to this URL (repeatable).", valueName: "URL"))
    var webhooks: [String] = []

    @Option(name: .customLong("webhook-format"), help: "Webhook body: generic (the alert JSON) or slack.")
    var webhookFormat: String = "generic"

    @Option(name: .customLong("webhook-rate"), help: ArgumentHelp("At most N webhook posts per rule per minute.", valueName: "N"))
    var webhookRate: Int = 10

    @Option(name: .customLong("evidence-dir"), help: ArgumentHelp("Write an evidence bundle per alert here.", valueName: "DIR"))
    var evidenceDir: String?

    func options() throws(RuntimeError) -> RuntimeOptions {
        var o = RuntimeOptions()
        o.ruleFiles = rules
        o.strict = strict
        o.checkRules = checkRules
        o.auditLog = auditLog
        o.follow = follow
        o.webhookListen = auditWebhook
        o.tlsCert = tlsCert
        o.tlsKey = tlsKey
        o.tokenFile = tokenFile
        if proc {
            guard let mode = ProcessWatcher.Mode(rawValue: procSource) else {
                throw RuntimeError(.io, input: "--proc-source", reason: "expected auto, connector or polling, got '\(procSource)'")
            }
            o.processSource = mode
        }
        guard (10...60_000).contains(pollInterval) else {
            throw RuntimeError(.io, input: "--poll-interval", reason: "must be between 10 and 60000 ms")
        }
        o.pollInterval = .milliseconds(pollInterval)
        o.replay = replay
        o.output = output
        o.webhooks = webhooks
        guard let format = WebhookSink.Format(rawValue: webhookFormat) else {
            throw RuntimeError(.io, input: "--webhook-format", reason: "expected generic or slack, got '\(webhookFormat)'")
        }
        o.webhookFormat = format
        guard webhookRate > 0 else { throw RuntimeError(.io, input: "--webhook-rate", reason: "must be at least 1") }
        o.webhookMaxPerMinute = webhookRate
        o.evidenceDir = evidenceDir
        return o
    }

    func run() async throws {
        let log: @Sendable (String) -> Void = { line in
            FileHandle.standardError.write(Data(("kensa runtime: " + line + "\n").utf8))
        }
        do {
            _ = try await RuntimeSession.run(try options(), log: log)
        } catch {
            log("error: \(error)")
            throw ExitCode(2)
        }
    }
}
