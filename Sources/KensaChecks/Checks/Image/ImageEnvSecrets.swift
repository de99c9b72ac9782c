import KensaCore

private let secretWords = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIALS"]

let imgEnvSecrets = Check(
    id: "KNS-IMG-002", title: "Secret in image environment", severity: .high, family: .image,
    references: [CheckReference("CIS Docker", "4.10")],
    remediation: "Remove the value from the image; inject secrets at run time.",
    triggering: [imageExample(user: "1", env: ["PATH=/usr/bin", "DB_PASSWORD=hunter2"])],
    nonTriggering: [imageExample(user: "1", env: ["PATH=/usr/bin", "PASSWORD_FILE=/run/secrets/pw", "API_TOKEN="])],
    rule: .image { image in
        image.env.enumerated().compactMap { i, entry in
            guard let eq = entry.firstIndex(of: "=") else { return nil }
            let key = entry[..<eq].uppercased(), value = entry[entry.index(after: eq)...]
            guard !value.isEmpty, !value.hasPrefix("/"), !key.hasSuffix("_FILE"), !key.hasSuffix("_PATH"),
                  secretWords.contains(where: { key.contains($0) }) else { return nil }
            return CheckHit(fieldPath: "config.Env[\(i)]", message: "environment variable \(entry[..<eq]) holds a literal value that looks like a secret")
        }
    })
