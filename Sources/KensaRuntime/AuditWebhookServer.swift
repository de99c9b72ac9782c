import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

// The receiving end of the Kubernetes API server's audit webhook backend: HTTPS POSTs whose
// body is an audit.k8s.io/v1 EventList. Optional bearer-token check; TLS from PEM files.

public struct AuditWebhookConfig: Sendable {
    public var host: String
    public var port: Int
    public var certificatePath: String?
    public var privateKeyPath: String?
    public var bearerToken: String?
    public var maxBodyBytes: Int

    public init(host: String, port: Int, certificatePath: String? = nil, privateKeyPath: String? = nil,
                bearerToken: String? = nil, maxBodyBytes: Int = 64 << 20) {
        self.host = host
        self.port = port
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.bearerToken = bearerToken
        self.maxBodyBytes = maxBodyBytes
    }

    /// Parses `HOST:PORT` (or `[IPv6]:PORT`, or `:PORT` for all interfaces).
    public static func parseAddress(_ text: String) throws(RuntimeError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw RuntimeError(.network, input: text, reason: "expected HOST:PORT")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

public final class AuditWebhookServer: Sendable {
    let channel: Channel
    public let port: Int
    public let usesTLS: Bool

    /// Starts listening; `onBody` gets each accepted request body (the JSON bytes).
    public static func start(_ config: AuditWebhookConfig, group: EventLoopGroup,
                             onBody: @escaping @Sendable ([UInt8]) -> Void) async throws(RuntimeError) -> AuditWebhookServer {
        var sslContext: NIOSSLContext?
        switch (config.certificatePath, config.privateKeyPath) {
        case (let cert?, let key?):
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(cert).map { NIOSSLCertificateSource.certificate($0) }
                let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
                let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(privateKey))
                sslContext = try NIOSSLContext(configuration: tls)
            } catch {
                throw RuntimeError(.tls, input: "\(cert), \(key)", reason: "cannot load the TLS certificate and key: \(error)")
            }
        case (nil, nil): sslContext = nil
        default:
            throw RuntimeError(.tls, input: config.certificatePath ?? config.privateKeyPath ?? "", reason: "--tls-cert and --tls-key go together")
        }
        let context = sslContext
        let token = config.bearerToken
        let limit = config.maxBodyBytes
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(AuditWebhookHandler(token: token, maxBody: limit, onBody: onBody))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: config.host, port: config.port).get()
            let port = channel.localAddress?.port ?? config.port
            return AuditWebhookServer(channel: channel, port: port, usesTLS: context != nil)
        } catch {
            throw RuntimeError(.network, input: "\(config.host):\(config.port)", reason: "cannot listen: \(error)")
        }
    }

    init(channel: Channel, port: Int, usesTLS: Bool) {
        self.channel = channel
        self.port = port
        self.usesTLS = usesTLS
    }

    public func close() async {
        try? await channel.close()
    }

    /// Completes when the listening socket closes.
    public func wait() async {
        try? await channel.closeFuture.get()
    }
}

final class AuditWebhookHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let token: String?
    let maxBody: Int
    let onBody: @Sendable ([UInt8]) -> Void
    var head: HTTPRequestHead?
    var body: [UInt8] = []
    var tooLarge = false

    init(token: String?, maxBody: Int, onBody: @escaping @Sendable ([UInt8]) -> Void) {
        self.token = token
        self.maxBody = maxBody
        self.onBody = onBody
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body.removeAll(keepingCapacity: true)
            tooLarge = false
        case .body(var buf):
            if body.count + buf.readableBytes > maxBody {
                tooLarge = true
                return
            }
            if let bytes = buf.readBytes(length: buf.readableBytes) { body += bytes }
        case .end:
            guard let h = head else { return }
            head = nil
            let status = respond(h)
            if status == .ok { onBody(body) }
            body = []
            var headers = HTTPHeaders()
            headers.add(name: "content-length", value: "0")
            if !h.isKeepAlive || status != .ok { headers.add(name: "connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: status, headers: headers))), promise: nil)
            let closeAfter = !h.isKeepAlive || status != .ok
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if closeAfter { bound.value.close(promise: nil) }
            }
        }
    }

    func respond(_ h: HTTPRequestHead) -> HTTPResponseStatus {
        if let token {
            let given = h.headers.first(name: "authorization") ?? ""
            guard constantTimeEqual(given, "Bearer " + token) else { return .unauthorized }
        }
        guard h.method == .POST else { return .methodNotAllowed }
        if tooLarge { return .payloadTooLarge }
        return .ok
    }

    func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = x.count ^ y.count
        for i in 0..<min(x.count, y.count) { diff |= Int(x[i] ^ y[i]) }
        return diff == 0
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
