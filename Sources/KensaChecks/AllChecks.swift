// Every built-in check, grouped by family and in ID order within a family. The one
// registry: nothing registers itself.
public let allChecks: [Check] = [
    // Pod Security Standards: baseline 001–011, restricted 012–017.
    pssHostProcess, pssHostNamespaces, pssPrivileged, pssCapabilities, pssHostPathVolumes, pssHostPorts,
    pssAppArmor, pssSELinux, pssProcMount, pssSeccompBaseline, pssSysctls,
    pssVolumeTypes, pssPrivilegeEscalation, pssRunAsNonRoot, pssRunAsUser, pssSeccompRestricted, pssCapabilitiesRestricted,
    // Workload hygiene.
    wlResourceLimits, wlResourceRequests, wlReadOnlyRootFilesystem, wlImageTag, wlImageDigest, wlProbes,
    wlDefaultNamespace, wlServiceAccountToken, wlSecretsInEnv, wlExposedService,
    // RBAC.
    rbacWildcards, rbacReadSecrets, rbacPodExec, rbacCreateWorkloads, rbacEscalate, rbacNodesProxy,
    rbacClusterAdminBinding, rbacDefaultServiceAccount,
    // NetworkPolicy coverage across the scanned set.
    netDefaultDenyIngress, netDefaultDenyEgress, netUnselectedPods,
    // Dockerfile.
    dfRunsAsRoot, dfBaseImageTag, dfAddURL, dfPipeToShell, dfAptHygiene, dfApkNoCache, dfSudo, dfSecretsInEnv,
    dfHealthcheck, dfExposeSSH, dfAddLocalFiles,
    // Image config (`kensa image`).
    imgRunsAsRoot, imgEnvSecrets, imgHistoryPipeToShell,
]
