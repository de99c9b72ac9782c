import Foundation
import Testing
@testable import KensaRuntime

/// Real processes seen through whichever process source this machine allows, and through the
/// /proc polling fallback explicitly. Each process lives ≥ 2 polling intervals (interval 100 ms,
/// processes live ~1 s).
@Suite(.serialized) struct ProcessSourceTests {
    static func rules(_ dir: String) -> String {
        """
        - macro: spawned_process
          condition: evt.type in (execve, execveat) and evt.dir=<
        - list: shell_binaries
          items: [sh, bash, dash, zsh, ash]
        - list: network_tools
          items: [nc, ncat, netcat, socat]
        - rule: Shell Spawned By Program
          desc: a shell whose parent is a program of ours
          condition: spawned_process and proc.name in (shell_binaries) and proc.pname=webserverd and proc.pexepath startswith "\(dir)/"
          output: Shell spawned (user=%user.name uid=%user.uid shell=%proc.name parent=%proc.pname cmdline=%proc.cmdline container=%container.id)
          priority: WARNING
          tags: [process, test]
        - rule: Network Tool Launched
          desc: a binary named like a network tool
          condition: spawned_process and proc.name in (network_tools) and proc.exepath startswith "\(dir)/"
          output: Network tool (exe=%proc.exepath cmdline=%proc.cmdline pid=%proc.pid ancestor=%proc.aname[1])
          priority: NOTICE
        """
    }

    func runScenario(mode: ProcessWatcher.Mode) throws -> (ProcessWatcher, [Alert]) {
        let dir = try Shell.tempDir("proc")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var loader = RuleLoader()
        try loader.add(yaml: Self.rules(dir), file: "test-rules.yaml")
        let engine = try loader.compile(strict: true)
        #expect(engine.processRules.count == 2)
        let sink = CollectingSink()
        let detector = Detector(engine: engine, sinks: [sink], hostname: "test")
        try FileManager.default.copyItem(atPath: "/bin/bash", toPath: dir + "/webserverd")
        try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: dir + "/nc")
        let watcher = try ProcessWatcher(mode: mode, pollInterval: .milliseconds(100)) { detector.handleProcess($0) }
        defer { watcher.stop() }
        Thread.sleep(forTimeInterval: 0.3)  // let polling take its baseline
        try Shell.run(dir + "/webserverd", ["-c", "sh -c 'sleep 1; true'; true"])
        try Shell.run(dir + "/nc", ["1"])
        for _ in 0..<50 where Set(sink.alerts.map(\.rule)).count < 2 { Thread.sleep(forTimeInterval: 0.1) }
        return (watcher, sink.alerts)
    }

    func check(_ alerts: [Alert], observer: ProcessObserver) throws {
        let shell = try #require(alerts.first { $0.rule == "Shell Spawned By Program" })
        #expect(shell.observer == observer.rawValue)
        #expect(shell.source == "syscall")
        let fields = Dictionary(shell.outputFields, uniquingKeysWith: { a, _ in a })
        #expect(fields["proc.name"] == .one("sh") || fields["proc.name"] == .one("dash") || fields["proc.name"] == .one("bash"))
        #expect(fields["proc.pname"] == .one("webserverd"))
        #expect(fields["user.uid"] == .one(String(getuid())))
        #expect(fields["user.name"] != .missing)
        #expect(fields["container.id"] != .missing)
        let tool = try #require(alerts.first { $0.rule == "Network Tool Launched" })
        let tf = Dictionary(tool.outputFields, uniquingKeysWith: { a, _ in a })
        #expect(tf["proc.cmdline"] == .one("nc 1"))
        if case .one(let exe) = tf["proc.exepath"] { #expect(exe.hasSuffix("/nc")) } else { Issue.record("no exepath") }
        #expect(tool.jsonLine.contains("\"observer\":\"\(observer.rawValue)\""))
    }

    @Test func processSourceThisMachineAllows() throws {
        let (watcher, alerts) = try runScenario(mode: .auto)
        print("process source used: \(watcher.observer.rawValue)\(watcher.fallbackReason.map { " (connector unavailable: \($0))" } ?? "")")
        try check(alerts, observer: watcher.observer)
    }

    @Test func procPollingFallback() throws {
        let (watcher, alerts) = try runScenario(mode: .polling)
        print("process source used: \(watcher.observer.rawValue), interval \(watcher.pollInterval)")
        #expect(watcher.observer == .procPolling)
        try check(alerts, observer: .procPolling)
    }
}
