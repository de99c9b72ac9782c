import KensaCore

let dfHealthcheck = Check(
    id: "KNS-DF-009", title: "No HEALTHCHECK", severity: .low, family: .dockerfile,
    references: [CheckReference("CIS Docker", "4.6")],
    remediation: "Add a HEALTHCHECK to the final stage (or rely on orchestrator probes and suppress this).",
    triggering: ["FROM alpine:3.20\nUSER 1\n"],
    nonTriggering: ["FROM alpine:3.20\nHEALTHCHECK CMD wget -q localhost:8080/health || exit 1\n", "FROM alpine:3.20\nHEALTHCHECK NONE\n"],
    rule: dockerRule { d in
        guard let final = d.finalStage, !final.instructions.contains(where: { $0.keyword == "HEALTHCHECK" }) else { return [] }
        return [hit(final.from, "the final stage has no HEALTHCHECK")]
    })
