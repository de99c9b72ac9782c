import KensaCore

private let secretWords = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL"]

let wlSecretsInEnv = Check(
    id: "KNS-WL-009", title: "Literal secret in environment", severity: .high, family: .workload,
    references: wlReferences(cis: "5.4.1"),
    remediation: "Take the value from a Secret with env[].valueFrom.secretKeyRef.",
    triggering: [workloadExample("image: 'a:1', env: [{name: DB_PASSWORD, value: hunter2}]")],
    nonTriggering: [workloadExample("image: 'a:1', env: [{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: pw}}}, {name: TOKEN_FILE, value: /run/t}, {name: API_KEY, value: ''}]")],
    rule: podRule { pod in
        var hits: [CheckHit] = []
        for c in pod.allContainers {
            for (i, e) in (c.value["env"]?.listValue ?? []).enumerated() {
                let name = (e["name"]?.stringValue ?? "").uppercased()
                guard let v = e["value"]?.stringValue, !v.isEmpty, !v.hasPrefix("/"), !v.hasPrefix("$("),
                      !name.hasSuffix("_FILE"), !name.hasSuffix("_PATH"), secretWords.contains(where: { name.contains($0) }) else { continue }
                hits.append(CheckHit(fieldPath: "\(c.path).env[\(i)].value", message: "\(describe(c)) sets \(e["name"]?.stringValue ?? "") to a literal value"))
            }
        }
        return hits
    })
