import AsyncHTTPClient
import Foundation
import KensaArtifact
import KensaCore
import NIOCore
import NIOHTTP1
import NIOSSL

/// How to talk to a registry; the CLI fills it from flags.
public struct RegistryOptions: Sendable {
    /// Plain HTTP or unverified TLS, for this command's registry only.
    public var insecure: Bool
    /// A PEM file of extra trusted CA certificates.
    public var caFile: String?
    /// Connect and read (idle) timeout, seconds; also the limit for a whole manifest request.
    public var timeout: Double
    /// Given on the command line; else environment, else Docker's config.
    public var credentials: Credentials?
    public var environment: [String: String]
    /// Attempts for a request answered 429 or 5xx.
    public var maxAttempts: Int
    /// Layers downloaded at once.
    public var parallelDownloads: Int

    public init(insecure: Bool = false, caFile: String? = nil, timeout: Double = 60, credentials: Credentials? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, maxAttempts: Int = 4,
                parallelDownloads: Int = 3) {
        self.insecure = insecure
        self.caFile = caFile
        self.timeout = timeout
        self.credentials = credentials
        self.environment = environment
        self.maxAttempts = maxAttempts
        self.parallelDownloads = parallelDownloads
    }
}

/// The OCI distribution API for one repository: manifests and blobs by GET, with the
/// anonymous or credentialed bearer-token flow, basic auth, and retries on 429 and 5xx.
/// Credentials and tokens go only into request headers, never into errors.
final class RegistryClient: Sendable {
    let reference: ImageReference
    let options: RegistryOptions
    let http: HTTPClient
    private let auth: AuthState
    private let scheme: SchemeState

    static let maxManifestSize = 4 << 20
    static let maxTokenResponse = 1 << 20
    static let maxErrorBody = 64 << 10

    init(reference: ImageReference, options: RegistryOptions) throws {
        self.reference = reference
        self.options = options
        var tls = TLSConfiguration.makeClientConfiguration()
        if options.insecure { tls.certificateVerification = .none }
        if let caFile = options.caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw KensaError(.unreadable, input: caFile, reason: "CA file cannot be read")
            }
            tls.additionalTrustRoots = [.file(caFile)]
        }
        let t = TimeAmount.milliseconds(Int64(max(options.timeout, 0.05) * 1000))
        var config = HTTPClient.Configuration(tlsConfiguration: tls,
                                              redirectConfiguration: .follow(max: 5, allowCycles: false),
                                              timeout: .init(connect: t, read: t))
        // The pool would otherwise retry a refused connection or a failed TLS handshake with
        // backoff until the connect timeout: an error that cannot heal would cost --timeout.
        config.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        auth = AuthState()
        scheme = SchemeState()
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    var input: String { reference.description }
    var host: String { reference.apiHost }

    // MARK: - requests

    /// GET `/v2/<path>/manifests/<ref>`: the bytes and the media type the registry declared.
    func manifest(_ ref: String) async throws -> (bytes: [UInt8], mediaType: String?, digestHeader: String?) {
        let accept = [MediaType.ociIndex, MediaType.dockerList, MediaType.ociManifest, MediaType.dockerManifest].joined(separator: ", ")
        let response = try await send(path: "/v2/\(reference.path)/manifests/\(ref)", accept: accept,
                                      deadline: .now() + timeAmount(options.timeout), what: "manifest \(ref)")
        let bytes = try await collect(response, limit: Self.maxManifestSize, what: "manifest \(ref)")
        let type = response.headers.first(name: "Content-Type").map { String($0.split(separator: ";")[0]).trimmingCharacters(in: .whitespaces) }
        return (bytes, type, response.headers.first(name: "Docker-Content-Digest"))
    }

    /// Streams a blob into the cache, verifying size and digest; returns bytes downloaded.
    func downloadBlob(_ digest: String, size: Int64, into cache: BlobCache) async throws {
        let response = try await send(path: "/v2/\(reference.path)/blobs/\(digest)", accept: "*/*",
                                      deadline: .now() + .hours(24), what: "blob \(digest)")
        let writer = try BlobWriter(cache: cache, digest: digest, expectedSize: size)
        do {
            for try await chunk in response.body {
                try chunk.withUnsafeReadableBytes { try writer.append($0) }
            }
            try writer.commit()
        } catch let error as KensaError {
            writer.discard()
            throw KensaError(error.kind, input: input, reason: "blob \(digest): \(error.reason)")
        } catch {
            writer.discard()
            throw describe(error, what: "blob \(digest)")
        }
    }

    func timeAmount(_ seconds: Double) -> TimeAmount { .milliseconds(Int64(max(seconds, 0.05) * 1000)) }

    /// One GET with auth and retries; returns a 200 response whose body the caller reads.
    private func send(path: String, accept: String, deadline: NIODeadline, what: String) async throws -> HTTPClientResponse {
        try await send(.GET, path, accept: accept, deadline: deadline, what: what, expect: [200])
    }

    /// One request with auth and retries: `path` is under the registry's base URL, or absolute
    /// (an upload `Location`). `body` is made anew for each attempt. Returns a response whose
    /// status is in `expect`; the caller reads (or drains) its body.
    func send(_ method: HTTPMethod, _ path: String, accept: String? = nil, headers: [(String, String)] = [],
              body: (@Sendable () throws -> HTTPClientRequest.Body)? = nil,
              deadline: NIODeadline, what: String, expect: Set<UInt>) async throws -> HTTPClientResponse {
        let url = path.hasPrefix("https://") || path.hasPrefix("http://") ? path : try await baseURL() + path
        var authorised = false
        var credentialsSent = false
        var attempt = 1
        while true {
            var request = HTTPClientRequest(url: url)
            request.method = method
            if let accept { request.headers.add(name: "Accept", value: accept) }
            request.headers.add(name: "User-Agent", value: "kensa")
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let header = await auth.header { request.headers.add(name: "Authorization", value: header) }
            if let body { request.body = try body() }
            let response: HTTPClientResponse
            do {
                response = try await http.execute(request, deadline: deadline)
            } catch {
                throw describe(error, what: what)
            }
            let code = response.status.code
            if expect.contains(code) { return response }
            let bytes = (try? await response.body.collect(upTo: Self.maxErrorBody)).map { Array($0.readableBytesView) } ?? []
            if code == 401, !authorised {
                authorised = true
                credentialsSent = try await authorise(challenge: response.headers.first(name: "WWW-Authenticate"))
                continue
            }
            if (code == 429 || (500...599).contains(code)), attempt < options.maxAttempts {
                let delay = Self.retryDelay(header: response.headers.first(name: "Retry-After"), attempt: attempt)
                attempt += 1
                try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
                continue
            }
            if code == 401, authorised, !credentialsSent {
                throw KensaError(.unreadable, input: input,
                                 reason: "authentication required (give --username and --password-stdin, KENSA_USERNAME/KENSA_PASSWORD, or docker login)")
            }
            throw statusError(code, body: bytes, what: what)
        }
    }

    /// `Retry-After` seconds (capped at a minute), else 0.5 s doubling per attempt.
    static func retryDelay(header: String?, attempt: Int) -> Double {
        if let header, let seconds = Double(header.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return min(seconds, 60)
        }
        return min(0.5 * Double(1 << min(attempt - 1, 6)), 30)
    }

    /// `https://host`; with `--insecure`, plain HTTP when the host answers `/v2/` over it like
    /// a registry (200 or 401), else https without verification. HTTP is probed first because
    /// a TLS server answers plain HTTP at once (Go's with a 400), so the probe costs one round
    /// trip either way.
    private func baseURL() async throws -> String {
        if let known = await scheme.value { return "\(known)://\(host)" }
        var chosen = "https"
        if options.insecure {
            var probe = HTTPClientRequest(url: "http://\(host)/v2/")
            probe.headers.add(name: "User-Agent", value: "kensa")
            if let r = try? await http.execute(probe, deadline: .now() + timeAmount(options.timeout)) {
                _ = try? await r.body.collect(upTo: Self.maxErrorBody)
                if r.status.code == 200 || r.status.code == 401 { chosen = "http" }
            }
        }
        await scheme.set(chosen)
        return "\(chosen)://\(host)"
    }

    // MARK: - auth

    /// Sets the Authorization header the challenge asks for; true when credentials were sent.
    private func authorise(challenge header: String?) async throws -> Bool {
        let credentials = try CredentialLookup.find(host: reference.domain, explicit: options.credentials,
                                                    environment: options.environment)
        guard let header, let challenge = AuthChallenge.parse(header) else {
            throw KensaError(.unreadable, input: input, reason: "registry requires authentication but sent no usable WWW-Authenticate challenge")
        }
        switch challenge.scheme {
        case "basic":
            guard let credentials else {
                throw KensaError(.unreadable, input: input,
                                 reason: "authentication required (give --username and --password-stdin, KENSA_USERNAME/KENSA_PASSWORD, or docker login)")
            }
            await auth.set(credentials.basicHeader)
            return true
        case "bearer":
            let token = try await fetchToken(challenge, credentials: credentials)
            await auth.set("Bearer " + token)
            return credentials != nil
        default:
            throw KensaError(.unsupported, input: input, reason: "registry asks for unsupported authentication scheme '\(challenge.scheme)'")
        }
    }

    private func fetchToken(_ challenge: AuthChallenge, credentials: Credentials?) async throws -> String {
        guard let realm = challenge.parameters["realm"], var components = URLComponents(string: realm),
              components.scheme == "https" || components.scheme == "http", components.host != nil else {
            throw KensaError(.malformed, input: input, reason: "bearer challenge has no usable realm")
        }
        if components.scheme == "http", !options.insecure {
            throw KensaError(.unsupported, input: input, reason: "token realm \(components.host ?? "") is plain HTTP; use --insecure to allow it")
        }
        var items = components.queryItems ?? []
        if let service = challenge.parameters["service"] { items.append(URLQueryItem(name: "service", value: service)) }
        items.append(URLQueryItem(name: "scope", value: challenge.parameters["scope"] ?? "repository:\(reference.path):pull"))
        components.queryItems = items
        guard let url = components.string else {
            throw KensaError(.malformed, input: input, reason: "bearer challenge realm is not a valid URL")
        }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: "kensa")
        if let credentials { request.headers.add(name: "Authorization", value: credentials.basicHeader) }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, deadline: .now() + timeAmount(options.timeout))
        } catch {
            throw describe(error, what: "token from \(components.host ?? "")")
        }
        let body = try await collect(response, limit: Self.maxTokenResponse, what: "token")
        guard response.status.code == 200 else {
            if response.status.code == 401 || response.status.code == 403 {
                throw KensaError(.unreadable, input: input, reason: "authentication failed: the token service refused the credentials (HTTP \(response.status.code))")
            }
            throw KensaError(.unreadable, input: input, reason: "token service answered HTTP \(response.status.code)")
        }
        struct TokenAnswer: Decodable { var token: String?; var access_token: String? }
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(body)),
              let token = answer.token ?? answer.access_token, !token.isEmpty else {
            throw KensaError(.malformed, input: input, reason: "token service answer has no token")
        }
        return token
    }

    // MARK: - errors

    func collect(_ response: HTTPClientResponse, limit: Int, what: String) async throws -> [UInt8] {
        do {
            return Array(try await response.body.collect(upTo: limit).readableBytesView)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw KensaError(.limitExceeded, input: input, reason: "\(what) is larger than \(limit) bytes")
        } catch {
            throw describe(error, what: what)
        }
    }

    private func statusError(_ code: UInt, body: [UInt8], what: String) -> KensaError {
        struct Errors: Decodable { struct E: Decodable { var code: String?; var message: String? }; var errors: [E]? }
        let registryText = (try? JSONDecoder().decode(Errors.self, from: Data(body)))?.errors?.first
            .map { [$0.code, $0.message].compactMap { $0 }.joined(separator: ": ") }
        let detail = registryText.map { " (\(Self.oneLine($0)))" } ?? ""
        switch code {
        case 401:
            return KensaError(.unreadable, input: input, reason: "authentication failed for \(reference.domain): wrong username or password, or no access (HTTP 401)")
        case 403:
            return KensaError(.unreadable, input: input, reason: "access to \(reference.repository) denied (HTTP 403)\(detail)")
        case 404:
            return KensaError(.unreadable, input: input, reason: "\(what) not found in \(reference.repository) (HTTP 404)\(detail)")
        case 429:
            return KensaError(.unreadable, input: input, reason: "\(what): registry still rate-limiting after \(options.maxAttempts) attempts (HTTP 429)")
        default:
            return KensaError(.unreadable, input: input, reason: "\(what): registry answered HTTP \(code)\(detail)")
        }
    }

    func describe(_ error: Error, what: String) -> KensaError {
        if let e = error as? KensaError { return e }
        let text = Self.oneLine(String(describing: error))
        if error is NIOSSLError || error is BoringSSLError || text.contains("SSL") || text.contains("handshake") {
            return KensaError(.unreadable, input: input,
                              reason: "TLS failure talking to \(host): \(text) (use --ca-file for a private CA, or --insecure)")
        }
        if let h = error as? HTTPClientError {
            switch h {
            case .readTimeout, .deadlineExceeded:
                return KensaError(.unreadable, input: input, reason: "\(what): \(host) did not answer within \(options.timeout) s (timed out)")
            case .connectTimeout:
                return KensaError(.unreadable, input: input, reason: "cannot connect to \(host): timed out after \(options.timeout) s")
            default:
                break
            }
        }
        if error is SocketAddressError || text.contains("DNS error") || text.contains("UnknownHost") {
            let name = URLComponents(string: "https://\(host)")?.host ?? host
            return KensaError(.unreadable, input: input, reason: "cannot resolve \(name): no such host")
        }
        if text.lowercased().contains("refused") {
            return KensaError(.unreadable, input: input, reason: "cannot connect to \(host): connection refused")
        }
        return KensaError(.unreadable, input: input, reason: "\(what) from \(host): \(text)")
    }

    static func oneLine(_ s: String) -> String {
        String(s.map { $0.isNewline ? " " : $0 }.prefix(300))
    }
}

private actor AuthState {
    var header: String?
    func set(_ h: String) { header = h }
}

private actor SchemeState {
    var value: String?
    func set(_ s: String) { value = s }
}
