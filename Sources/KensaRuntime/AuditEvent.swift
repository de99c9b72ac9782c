// One Kubernetes audit event (audit.k8s.io/v1 `Event`), decoded once; rule fields read from it.

public final class AuditEvent: Sendable {
    public let json: JSONValue
    /// `stageTimestamp` in nanoseconds since the epoch: Falco's event time for audit events.
    public let time: Int64
    /// Whether the event has an `auditID`; the k8saudit plugin extracts no `ka.*` field otherwise.
    let hasAuditID: Bool
    let stage: JSONValue?
    let verb: JSONValue?
    let user: JSONValue?
    let objectRef: JSONValue?
    let requestObject: JSONValue?
    let responseStatus: JSONValue?
    let annotations: JSONValue?
    let requestURI: JSONValue?
    // The values nearly every rule reads, extracted once (short strings are stored inline).
    let stageText: String?
    let verbText: String?
    let userName: String?
    let resource: String?
    let subresource: String?
    let targetName: String?
    let namespace: String?
    let responseCode: String?

    /// Decodes one event object; anything that is not an audit `Event` is rejected with the reason.
    public init(json: JSONValue) throws(RuntimeError) {
        guard case .object(let members) = json else {
            throw RuntimeError(.event, input: "event", reason: "not a JSON object")
        }
        var kind: String?, stamp: String?, hasID = false
        var stage: JSONValue?, verb: JSONValue?, user: JSONValue?, objectRef: JSONValue?, requestObject: JSONValue?
        var responseStatus: JSONValue?, annotations: JSONValue?, requestURI: JSONValue?
        for m in members {
            switch m.key {
            case "kind": kind = m.value.stringValue
            case "stageTimestamp": stamp = m.value.stringValue
            case "auditID": hasID = true
            case "stage": stage = m.value
            case "verb": verb = m.value
            case "user": user = m.value
            case "objectRef": objectRef = m.value
            case "requestObject": requestObject = m.value
            case "responseStatus": responseStatus = m.value
            case "annotations": annotations = m.value
            case "requestURI": requestURI = m.value
            default: break
            }
        }
        guard kind == "Event" else {
            throw RuntimeError(.event, input: "event", reason: "data not recognized as a k8s audit event (kind is not \"Event\")")
        }
        guard let stamp else { throw RuntimeError(.event, input: "event", reason: "audit event without stageTimestamp") }
        guard let t = Timestamp.parse(stamp) else {
            throw RuntimeError(.event, input: "event", reason: "stageTimestamp '\(stamp.prefix(40))' is not RFC 3339")
        }
        self.json = json
        self.time = t
        self.hasAuditID = hasID
        self.stage = stage
        self.verb = verb
        self.user = user
        self.objectRef = objectRef
        self.requestObject = requestObject
        self.responseStatus = responseStatus
        self.annotations = annotations
        self.requestURI = requestURI
        self.stageText = stage?.fieldText
        self.verbText = verb?.fieldText
        self.userName = user?["username"]?.fieldText
        var resource: String?, subresource: String?, targetName: String?, namespace: String?
        if case .object(let refs)? = objectRef {
            for m in refs {
                switch m.key {
                case "resource": resource = m.value.fieldText
                case "subresource": subresource = m.value.fieldText
                case "name": targetName = m.value.fieldText
                case "namespace": namespace = m.value.fieldText
                default: break
                }
            }
        }
        self.resource = resource
        self.subresource = subresource
        self.targetName = targetName
        self.namespace = namespace
        self.responseCode = responseStatus?["code"]?.fieldText
    }

    /// The events of one JSON text (an `Event` or an `EventList`, as the webhook backend posts)
    /// and the reasons for the items that were rejected.
    public struct Batch: Sendable {
        public var events: [AuditEvent] = []
        public var failures: [RuntimeError] = []
    }

    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Batch {
        var batch = Batch()
        let value: JSONValue
        do {
            value = try JSONReader.parse(bytes)
        } catch {
            batch.failures.append(RuntimeError(.event, input: "event", reason: "invalid JSON at byte \(error.offset): \(error.reason)"))
            return batch
        }
        if value["kind"]?.stringValue == "EventList" {
            guard let items = value["items"]?.arrayValue else {
                batch.failures.append(RuntimeError(.event, input: "event", reason: "EventList without items"))
                return batch
            }
            batch.events.reserveCapacity(items.count)
            for item in items {
                do { batch.events.append(try AuditEvent(json: item)) } catch { batch.failures.append(error) }
            }
            return batch
        }
        do { batch.events.append(try AuditEvent(json: value)) } catch { batch.failures.append(error) }
        return batch
    }

    public static func decode(_ text: String) -> Batch {
        var copy = text
        return copy.withUTF8 { decode($0) }
    }
}
