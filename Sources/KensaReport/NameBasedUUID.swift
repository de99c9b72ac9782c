/// Name-based UUIDs (RFC 9562 §5.5, version 5: SHA-1), so that SBOM serial numbers and
/// document namespaces are derived from the document's content: the same report gives the same
/// identifier, a different report (or a different `createdAt`) a different one.
enum NameBasedUUID {
    /// kensa's own namespace for SBOM identifiers: the version-5 UUID of the URL
    /// `urn:kensa:sbom` in the RFC's URL namespace, fixed here so it never changes.
    static let kensaNamespace = make(namespace: urlNamespace, name: Array("urn:kensa:sbom".utf8))

    /// RFC 9562 §6.6 `NameSpace_URL`.
    static let urlNamespace: [UInt8] = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                        0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]

    static func make(namespace: [UInt8], name: [UInt8]) -> [UInt8] {
        var sha = SHA1()
        sha.update(namespace)
        sha.update(name)
        var bytes = Array(sha.finish().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return bytes
    }

    /// The lower-case `8-4-4-4-12` text form.
    static func string(_ bytes: [UInt8]) -> String {
        let hex = bytes.hexString
        let cuts = [8, 12, 16, 20]
        var out = ""
        for (offset, character) in hex.enumerated() {
            if cuts.contains(offset) { out.append("-") }
            out.append(character)
        }
        return out
    }

    /// The UUID for `content` in kensa's SBOM namespace.
    static func forContent(_ content: [UInt8]) -> String {
        string(make(namespace: kensaNamespace, name: content))
    }
}
