import KensaCore

let dfAptHygiene = Check(
    id: "KNS-DF-005", title: "apt-get install without --no-install-recommends or list cleanup", severity: .low, family: .dockerfile,
    references: [],
    remediation: "Use apt-get install --no-install-recommends and remove /var/lib/apt/lists/* in the same RUN.",
    triggering: ["FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
                 "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
                 "FROM debian:12\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"],
    nonTriggering: ["FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*\n",
                    "FROM debian:13\nRUN apt-get update; apt-get install -y --no-install-recommends curl; apt-get dist-clean\n"],
    rule: dockerRule { d in
        runInstructions(d).compactMap { ins in
            let commands = shellCommands(ins.commandText)
            let installs = commands.filter { $0.count >= 2 && ($0[0] == "apt-get" || $0[0] == "apt") && $0.contains("install") }
            guard !installs.isEmpty else { return nil }
            var problems: [String] = []
            if installs.contains(where: { !$0.contains("--no-install-recommends") }) { problems.append("without --no-install-recommends") }
            // `apt-get dist-clean` (apt 3) removes the lists too.
            let cleans = ins.commandText.contains("/var/lib/apt/lists")
                || commands.contains { ($0.first == "apt-get" || $0.first == "apt") && $0.contains("dist-clean") }
            if !cleans { problems.append("without removing /var/lib/apt/lists") }
            return problems.isEmpty ? nil : hit(ins, "apt-get install " + problems.joined(separator: " and "))
        }
    })
