import Foundation
import KensaCore

/// Examples for image checks are the JSON form of `ImageMetadata`.
func imageExample(user: String? = nil, env: [String] = [], history: [String] = []) -> String {
    let meta = ImageMetadata(imageID: "sha256:0", user: user, env: env,
                             history: history.map { ImageMetadata.History(createdBy: $0, emptyLayer: false) })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return (try? encoder.encode(meta)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
}

/// The history entries' commands with their index.
func historyCommands(_ image: ImageMetadata) -> [(Int, String)] {
    image.history.enumerated().compactMap { i, h in h.createdBy.map { (i, $0) } }
}
