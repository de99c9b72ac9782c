import KensaCore
import XCTest
@testable import KensaChecks

final class DockerfileParserTests: XCTestCase {
    func testContinuationsCommentsAndLines() throws {
        let d = try DockerfileParser.parse("""
            # syntax=docker/dockerfile:1
            FROM debian:12 AS base
            RUN apt-get update \\
            # a comment inside the continuation
                && apt-get install -y curl \\

                && rm -rf /var/lib/apt/lists/*
            USER 1000
            """, path: "Dockerfile")
        let run = try XCTUnwrap(d.stages.first?.instructions.first)
        XCTAssertEqual(run.keyword, "RUN")
        XCTAssertEqual(run.startLine, 3)
        XCTAssertEqual(run.endLine, 7)
        XCTAssertTrue(run.arguments.contains("apt-get install -y curl"))
        XCTAssertFalse(run.arguments.contains("comment"))
        XCTAssertEqual(d.stages.first?.name, "base")
        XCTAssertEqual(d.stages.first?.instructions.last?.startLine, 8)
    }

    func testEscapeDirectiveBacktick() throws {
        let d = try DockerfileParser.parse("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir c:\\ `\n  && echo done\n", path: "Dockerfile")
        let run = try XCTUnwrap(d.stages.first?.instructions.first)
        XCTAssertEqual(run.endLine, 4)
        XCTAssertTrue(run.arguments.contains("c:\\") && run.arguments.contains("echo done"))
        XCTAssertThrowsError(try DockerfileParser.parse("# escape=x\nFROM a:1\n", path: "D"))
    }

    func testHeredocsExecFormAndFlags() throws {
        let d = try DockerfileParser.parse("""
            FROM alpine:3.20
            RUN --mount=type=cache,target=/var/cache/apk <<EOF
            apk add curl
            curl https://example.com | sh
            EOF
            COPY <<-"CONF" /etc/app.conf
            \tkey=value
            CONF
            CMD ["/bin/app", "--port", "8080"]
            """, path: "Dockerfile")
        let ins = try XCTUnwrap(d.stages.first?.instructions)
        XCTAssertEqual(ins[0].flags, ["mount=type=cache,target=/var/cache/apk"])
        XCTAssertEqual(ins[0].heredocs, ["apk add curl\ncurl https://example.com | sh"])
        XCTAssertEqual(ins[0].endLine, 5)
        XCTAssertEqual(ins[1].heredocs, ["key=value"])
        XCTAssertEqual(ins[2].jsonArguments, ["/bin/app", "--port", "8080"])
        XCTAssertEqual(ins[2].startLine, 9)
        // The heredoc body is judged: curl | sh inside it.
        XCTAssertEqual(ConfigScanner(checks: [dfPipeToShell]).scan(dockerfile: d).count, 1)
    }

    func testArgAndEnvSubstitutionAndStages() throws {
        let d = try DockerfileParser.parse("""
            ARG BASE=python
            ARG TAG
            FROM ${BASE}:${TAG:-3.12}-slim AS build
            ENV APP_USER=app HOME=/home/app
            USER $APP_USER
            FROM build
            EXPOSE ${PORT:-8080}
            """, path: "Dockerfile")
        XCTAssertEqual(d.stages.map(\.baseImage), ["python:3.12-slim", "build"])
        XCTAssertEqual(d.stages[1].baseIsStage, true)
        XCTAssertEqual(d.stages[0].instructions.last?.arguments, "app")
        XCTAssertEqual(d.stages[1].instructions.last?.arguments, "8080")
        XCTAssertTrue(ConfigScanner(checks: [dfRunsAsRoot]).scan(dockerfile: d).isEmpty, "USER is inherited from the build stage")
    }

    func testHostileInputsAreErrors() {
        XCTAssertThrowsError(try DockerfileParser.parse("FROM a:1\nRUN <<EOF\necho never closed\n", path: "D")) { e in
            XCTAssertEqual((e as? KensaError)?.kind, .malformed)
        }
        XCTAssertThrowsError(try DockerfileParser.parse("RUN echo before from\n", path: "D"))
        XCTAssertThrowsError(try DockerfileParser.parse("FROM a:1\nRUN \u{0}\u{1}\n", path: "D"))
        XCTAssertThrowsError(try DockerfileParser.parse(String(repeating: "RUN x\n", count: 2_000_000), path: "D")) { e in
            XCTAssertEqual((e as? KensaError)?.kind, .limitExceeded)
        }
        // Truncated in the middle of a continuation: still parses what is there.
        XCTAssertNoThrow(try DockerfileParser.parse("FROM a:1\nRUN echo \\", path: "D"))
    }

    func testOneMegabyteLine() throws {
        let long = String(repeating: "a", count: 1_000_000)
        let d = try DockerfileParser.parse("FROM alpine:3.20\nRUN echo \(long) && apk add curl\nUSER 1\n", path: "D")
        XCTAssertEqual(d.stages[0].instructions.count, 2)
        XCTAssertEqual(ConfigScanner(checks: [dfApkNoCache]).scan(dockerfile: d).count, 1)
    }

    func testInlineIgnoreComment() throws {
        let d = try DockerfileParser.parse("""
            FROM alpine:3.20
            # kensa:ignore=KNS-DF-010 bastion image, ssh is the product
            EXPOSE 22
            """, path: "Dockerfile")
        let f = ConfigScanner(checks: [dfExposeSSH]).scan(dockerfile: d)
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f.first?.suppression, Finding.Suppression(source: "inline", reason: "bastion image, ssh is the product"))
        XCTAssertEqual(f.first?.location.startLine, 3)
    }
}
