// KensaVulnDBTests: replaced as tests are written.
