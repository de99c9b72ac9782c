import KensaCore

private let archiveSuffixes = [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".gz", ".bz2", ".xz"]

let dfAddLocalFiles = Check(
    id: "KNS-DF-011", title: "ADD used for local files", severity: .low, family: .dockerfile,
    references: [CheckReference("CIS Docker", "4.9")],
    remediation: "Use COPY for files and directories; ADD also unpacks archives and fetches URLs, which COPY makes explicit.",
    triggering: ["FROM alpine:3.20\nADD run.sh /usr/local/bin/\n", "FROM alpine:3.20\nADD [\"conf/\", \"/etc/app/\"]\n"],
    nonTriggering: ["FROM alpine:3.20\nCOPY run.sh /usr/local/bin/\n", "FROM scratch\nADD rootfs.tar.xz /\n", "FROM alpine:3.20\nADD https://example.com/x.tgz /opt/\n",
                    "FROM alpine:3.20\nADD --checksum=sha256:00 https://example.com/x /x\n", "FROM alpine:3.20\nADD git@github.com:org/repo.git /src\n"],
    rule: dockerRule { d in
        d.stages.flatMap(\.instructions).compactMap { ins in
            guard ins.keyword == "ADD", ins.heredocs.isEmpty else { return nil }
            let words = ins.jsonArguments ?? DockerfileParser.shellWords(ins.arguments)
            let sources = words.dropLast()
            guard !sources.isEmpty else { return nil }
            let local = sources.filter { s in
                !s.contains("://") && !s.hasPrefix("git@") && !archiveSuffixes.contains { s.lowercased().hasSuffix($0) }
            }
            guard local.count == sources.count else { return nil }
            return hit(ins, "ADD copies local \(local.joined(separator: ", ")); COPY does that without ADD's extra behaviour")
        }
    })
