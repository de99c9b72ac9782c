import KensaCore

let dfSudo = Check(
    id: "KNS-DF-007", title: "sudo in RUN", severity: .medium, family: .dockerfile,
    references: [],
    remediation: "Run the build steps as root and switch USER afterwards; do not install or use sudo.",
    triggering: ["FROM debian:12\nRUN sudo apt-get update\n", "FROM debian:12\nRUN [\"sudo\", \"make\", \"install\"]\n"],
    nonTriggering: ["FROM debian:12\nRUN echo sudoers > /tmp/x\n"],
    rule: dockerRule { d in
        runInstructions(d).compactMap { ins in
            shellCommands(ins.commandText).contains { $0.first == "sudo" } ? hit(ins, "RUN uses sudo") : nil
        }
    })
