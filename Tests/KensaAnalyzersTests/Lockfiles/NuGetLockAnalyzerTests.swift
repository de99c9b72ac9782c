import Foundation
import KensaCore
import Testing
@testable import KensaAnalyzers

@Suite struct NuGetLockAnalyzerTests {
    let analyzer = NuGetLockAnalyzer()

    @Test func wants() {
        #expect(analyzer.wants(path: "src/Api/packages.lock.json", size: 10, mode: 0o644))
        #expect(!analyzer.wants(path: "src/Api/Api.csproj", size: 10, mode: 0o644))
    }

    @Test func frameworksAreMerged() throws {
        let output = try analyzer.analyze(Fixtures.input("nuget/packages.lock.json", as: "src/Api/packages.lock.json"))
        #expect(golden(output) == [
            "Microsoft.Extensions.Logging.Abstractions 6.0.4 pkg:nuget/Microsoft.Extensions.Logging.Abstractions@6.0.4",
            "Microsoft.Extensions.Logging.Abstractions 8.0.0 pkg:nuget/Microsoft.Extensions.Logging.Abstractions@8.0.0",
            "Newtonsoft.Json 13.0.1 pkg:nuget/Newtonsoft.Json@13.0.1",
            "Serilog 2.12.0 pkg:nuget/Serilog@2.12.0 -> pkg:nuget/System.Diagnostics.DiagnosticSource@6.0.0",
            "Serilog 3.1.1 pkg:nuget/Serilog@3.1.1",
            "System.Diagnostics.DiagnosticSource 6.0.0 pkg:nuget/System.Diagnostics.DiagnosticSource@6.0.0 -> pkg:nuget/System.Runtime.CompilerServices.Unsafe@6.0.0",
            "System.Runtime.CompilerServices.Unsafe 6.0.0 pkg:nuget/System.Runtime.CompilerServices.Unsafe@6.0.0",
        ])
        #expect(output.warnings.isEmpty)
        expectProvenance(output, path: "src/Api/packages.lock.json", foundBy: "nuget-lock", ecosystem: .nuget)
    }

    @Test func hostileInput() throws {
        let fixture = try Data(contentsOf: Fixtures.root.appendingPathComponent("nuget/packages.lock.json"))
        expectRefusal(analyzer, Hostile.truncated(fixture), path: "packages.lock.json")
        expectRefusal(analyzer, Data("{\"version\":1}".utf8), path: "packages.lock.json")
        #expect(expectRefusal(analyzer, Hostile.deepJSONObject(100_000), path: "packages.lock.json")?.kind == .limitExceeded)
        expectRefusal(analyzer, Hostile.longLine(10 << 20, prefix: "{\"dependencies\":{\"net8.0\":{\""), path: "packages.lock.json")
        #expect(expectRefusal(analyzer, Data(count: Lockfile.maxBytes + 1), path: "packages.lock.json")?.kind == .limitExceeded)
    }
}
