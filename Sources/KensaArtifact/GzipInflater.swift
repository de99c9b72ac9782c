import CISAL
import KensaCore

/// Streaming gzip inflate with ISA-L (3.5x zlib on image layers, see DESIGN.md): gzip framing
/// with header parsing and CRC-32/ISIZE verification done by `isal_inflate` (crc_flag
/// ISAL_GZIP), several members back to back, and the decompression-bomb limit.
final class GzipInflater {
    private let state: UnsafeMutablePointer<inflate_state>
    private let source: BlobRegion
    private let input: UnsafeMutableRawPointer
    private let inputCapacity: Int
    let output: UnsafeMutableRawPointer
    let outputCapacity: Int
    private let limits: ReadLimits
    private var memberFinished = false
    private var streamDone = false
    private(set) var totalOut: Int64 = 0
    /// Bytes after the last gzip member that are not another member.
    private(set) var trailingGarbage = false

    init(source: BlobRegion, limits: ReadLimits, inputCapacity: Int = 1 << 20, outputCapacity: Int = 1 << 20) {
        self.source = source
        self.limits = limits
        self.inputCapacity = inputCapacity
        self.outputCapacity = outputCapacity
        input = .allocate(byteCount: inputCapacity, alignment: 64)
        output = .allocate(byteCount: outputCapacity, alignment: 64)
        state = .allocate(capacity: 1)
        UnsafeMutableRawPointer(state).initializeMemory(as: UInt8.self, repeating: 0,
                                                        count: MemoryLayout<inflate_state>.size)
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
        state.pointee.next_in = input.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_in = 0
    }

    deinit {
        input.deallocate()
        output.deallocate()
        state.deallocate()
    }

    /// Inflates the next chunk into `output`; returns its length, 0 at the end of the stream.
    func next() throws -> Int {
        if streamDone { return 0 }
        state.pointee.next_out = output.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_out = UInt32(outputCapacity)
        var stalls = 0
        while state.pointee.avail_out == UInt32(outputCapacity) {
            if memberFinished {
                guard try ensureInput(2) else {
                    // A lone byte after the last member is garbage too.
                    trailingGarbage = state.pointee.avail_in > 0
                    streamDone = true
                    return 0
                }
                guard let p = state.pointee.next_in, p[0] == 0x1f, p[1] == 0x8b else {
                    trailingGarbage = true
                    streamDone = true
                    return 0
                }
                let pending = state.pointee.avail_in
                isal_inflate_reset(state)
                state.pointee.crc_flag = UInt32(ISAL_GZIP)
                state.pointee.next_in = p
                state.pointee.avail_in = pending
                state.pointee.next_out = output.assumingMemoryBound(to: UInt8.self)
                state.pointee.avail_out = UInt32(outputCapacity)
                memberFinished = false
            }
            if state.pointee.avail_in == 0 {
                guard try ensureInput(1) else {
                    throw KensaError(.malformed, input: source.name,
                                     reason: "truncated gzip stream (ends after \(source.position) bytes)")
                }
            }
            let inBefore = state.pointee.avail_in
            let ret = isal_inflate(state)
            if ret != ISAL_DECOMP_OK && ret != ISAL_END_INPUT {
                throw KensaError(.malformed, input: source.name, reason: "invalid gzip data: \(Self.describe(ret))")
            }
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                memberFinished = true
            }
            if state.pointee.avail_in == inBefore && state.pointee.avail_out == UInt32(outputCapacity) && !memberFinished {
                // No progress with input available means ISA-L wants more bytes than we hold.
                stalls += 1
                if stalls > 2 {
                    guard try ensureInput(Int(inBefore) + 1) else {
                        throw KensaError(.malformed, input: source.name, reason: "truncated gzip stream")
                    }
                }
            } else {
                stalls = 0
            }
        }
        let produced = outputCapacity - Int(state.pointee.avail_out)
        totalOut += Int64(produced)
        if totalOut > limits.inflateFloor && totalOut / max(1, source.length) > limits.inflateRatio {
            throw KensaError(.limitExceeded, input: source.name,
                             reason: "gzip bomb: inflates past \(totalOut) bytes from \(source.length) compressed (limit: more than \(limits.inflateFloor) bytes and \(limits.inflateRatio):1)")
        }
        return produced
    }

    /// Makes at least `count` input bytes available (moving leftovers to the buffer's start);
    /// false when the source ends first.
    private func ensureInput(_ count: Int) throws -> Bool {
        var have = Int(state.pointee.avail_in)
        if have >= count { return true }
        if have > 0, let p = state.pointee.next_in, UnsafeMutableRawPointer(p) != input {
            input.copyMemory(from: p, byteCount: have)
        }
        while have < count {
            let n = try source.read(into: input + have, count: inputCapacity - have)
            if n == 0 { break }
            have += n
        }
        state.pointee.next_in = input.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_in = UInt32(have)
        return have >= count
    }

    private static func describe(_ code: Int32) -> String {
        switch code {
        case ISAL_INVALID_BLOCK: "invalid deflate block"
        case ISAL_INVALID_SYMBOL: "invalid deflate symbol"
        case ISAL_INVALID_LOOKBACK: "invalid lookback distance"
        case ISAL_INVALID_WRAPPER: "invalid gzip header"
        case ISAL_UNSUPPORTED_METHOD: "unsupported compression method"
        case ISAL_INCORRECT_CHECKSUM: "CRC or length check failed"
        case ISAL_NEED_DICT: "preset dictionary required"
        default: "isal_inflate error \(code)"
        }
    }
}
