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

        REF is pulled from its registry (OCI distribution API) into a content-addressed blob \
        cache; blobs already cached are not downloaded again.

        Examples:
          kensa image alpine:3.19
          kensa image --platform linux/arm64 registry.example.com:5000/team/app@sha256:...
          docker save app:1.0 -o app.tar && kensa image --input app.tar
          skopeo copy docker://alpine:3.19 oci:alpine:3.19 && kensa image --input alpine --format spdx-json
        """
    )

    @Option(name: .long, help: "Image archive or OCI layout directory to scan.")
    var input: String?

    @Argument(help: "Image reference to pull from a registry (alpine, ghcr.io/org/app:1.0, host:5000/app@sha256:...).")
    var reference: String?

    @OptionGroup var report: ReportOptions
    @OptionGroup var flags: ScanFlags
    @OptionGroup var gate: GateFlags
    #if canImport(KensaRegistry)
    @OptionGroup(title: "Registry") var registry: RegistryFlags
    #endif

    func validate() throws {
        if input == nil, reference == nil {
            throw ValidationError("give an image reference, or --input PATH (a docker-archive, OCI archive or OCI layout)")
        }
        if input != nil, reference != nil {
            throw ValidationError("give an image reference or --input PATH, not both")
        }
    }

    func run() throws {
        guard let input else {
            #if !canImport(KensaRegistry)
            throw KensaError(.unsupported, input: reference ?? "", reason: "this build has no registry support; use --input PATH")
            #else
            let image = try RegistryPull.pull(reference ?? "", flags: registry, cacheDir: flags.cacheDir)
            defer { image.remove() }
            try runScan(.imageArchive(path: image.layoutPath), report: report, flags: flags, gate: gate)
            return
            #endif
        }
        try runScan(.imageArchive(path: input), report: report, flags: flags, gate: gate)
    }
}
