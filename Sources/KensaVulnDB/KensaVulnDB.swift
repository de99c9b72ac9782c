// KensaVulnDB: OSV import, the embedded SQLite DB, db update. Replaced as the module is written.
