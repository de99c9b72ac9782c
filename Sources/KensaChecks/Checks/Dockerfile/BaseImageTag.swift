import KensaCore

let dfBaseImageTag = Check(
    id: "KNS-DF-002", title: "Base image untagged or latest", severity: .medium, family: .dockerfile,
    references: [CheckReference("CIS Docker", "4.2")],
    remediation: "Pin the base image to a version tag or a digest.",
    triggering: ["FROM ubuntu\n", "FROM ubuntu:latest\nUSER 1\n", "ARG V=latest\nFROM node:$V\n", "FROM registry.example:5000/team/app\n"],
    nonTriggering: ["FROM ubuntu:24.04\n", "FROM scratch\n", "FROM golang:1.22 AS build\nFROM build\n",
                    "FROM alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000\n", "FROM registry.example:5000/app:1.2\n"],
    rule: dockerRule { d in
        d.stages.compactMap { s in
            let image = s.baseImage
            if s.baseIsStage || image.lowercased() == "scratch" || image.contains("@") || image.contains("$") { return nil }
            let lastPart = image.split(separator: "/").last ?? ""
            guard let colon = lastPart.firstIndex(of: ":") else { return hit(s.from, "base image \(image) has no tag (means latest)") }
            return lastPart[lastPart.index(after: colon)...] == "latest" ? hit(s.from, "base image \(image) uses the latest tag") : nil
        }
    })
