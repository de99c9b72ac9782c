import ArgumentParser
import KensaCore
import KensaScan

struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Inventory a container image.",
        discussion: """
        --input takes a `docker save` tarball, an OCI archive tarball or an OCI image-layout \
        directory; the format is detected. Layers are read in parallel, once each, and never \
        extracted to disk; files deleted by a later layer (whiteouts) are not reported.

        Examples:
          docker save app:1.0 -o app.tar && kensa image --input app.tar
          skopeo copy docker://alpine:3.19 oci:alpine:3.19 && kensa image --input alpine --format spdx-json
        """
    )

    @Option(name: .long, help: "Image archive or OCI layout directory to scan.")
    var input: String?

    @Argument(help: "Image reference (registry pulls are not available yet; use --input).")
    var reference: String?

    @OptionGroup var report: ReportOptions
    @OptionGroup var flags: ScanFlags

    func validate() throws {
        if input == nil, reference == nil {
            throw ValidationError("give --input PATH (a docker-archive, OCI archive or OCI layout)")
        }
    }

    func run() throws {
        guard let input else {
            throw KensaError(.unsupported, input: reference ?? "",
                             reason: "pulling from a registry is not available yet; save the image and use --input PATH")
        }
        let result = try scan(.imageArchive(path: input), options: try flags.options(format: report.format, progress: report.progress()))
        ProgressLine.shared.clear()
        try report.write(result)
    }
}
