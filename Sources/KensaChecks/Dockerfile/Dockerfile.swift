// A parsed Dockerfile: instructions with their lines, grouped into build stages.

/// One instruction after joining continuation lines and reading its heredocs.
public struct DockerInstruction: Sendable, Hashable {
    /// Upper-cased keyword: `RUN`, `FROM`, …
    public var keyword: String
    /// `--from=build`, `--mount=…` (without the leading dashes split off).
    public var flags: [String]
    /// The arguments as written (continuations joined with a space, comments removed).
    public var arguments: String
    /// The exec (JSON) form's elements, when the arguments are a JSON array of strings.
    public var jsonArguments: [String]?
    /// Bodies of `<<EOF` heredocs, in order.
    public var heredocs: [String]
    public var startLine: Int
    public var endLine: Int
    /// `# kensa:ignore=ID reason` comments directly above the instruction.
    public var ignoreComments: [IgnoreComment] = []

    public struct IgnoreComment: Sendable, Hashable {
        public var id: String
        public var reason: String
    }

    /// The shell text a RUN executes: the shell form, the exec form joined, plus heredocs.
    public var commandText: String {
        ([jsonArguments?.joined(separator: " ") ?? arguments] + heredocs).joined(separator: "\n")
    }
}

public struct DockerStage: Sendable {
    /// `FROM` image after ARG substitution (`python:3.12-slim`, `scratch`, `build`).
    public var baseImage: String
    public var name: String?
    public var from: DockerInstruction
    public var instructions: [DockerInstruction]
    /// The base is an earlier stage of this Dockerfile.
    public var baseIsStage: Bool
}

public struct Dockerfile: Sendable {
    public var path: String
    public var stages: [DockerStage]
    /// ARGs declared before the first FROM, with their defaults.
    public var globalArgs: [String: String]
    public var finalStage: DockerStage? { stages.last }
}
