// Every built-in check, in ID order. The one registry: nothing registers itself.
public let allChecks: [Check] = [
    pssHostProcess, pssHostNamespaces, pssPrivileged, pssCapabilities, pssHostPathVolumes, pssHostPorts,
    pssAppArmor, pssSELinux, pssProcMount, pssSeccompBaseline, pssSysctls,
    pssVolumeTypes, pssPrivilegeEscalation, pssRunAsNonRoot, pssRunAsUser, pssSeccompRestricted, pssCapabilitiesRestricted,
    dfRunsAsRoot, dfBaseImageTag, dfAddURL, dfPipeToShell, dfAptHygiene, dfApkNoCache, dfSudo, dfSecretsInEnv,
    dfHealthcheck, dfExposeSSH,
]
