module github.com/acme/inventory-service

go 1.21

toolchain go1.21.5

require (
	github.com/go-chi/chi/v5 v5.0.11
	github.com/jackc/pgx/v5 v5.5.1
	github.com/prometheus/client_golang v1.17.0
	golang.org/x/crypto v0.17.0 // security fix
	gopkg.in/yaml.v3 v3.0.1
	github.com/acme/shared v0.4.0
	github.com/old/logging v1.2.0
)

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.2.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20221227161230-091c0ba34f0a // indirect
	github.com/golang/protobuf v1.5.3 // indirect
	github.com/docker/docker v24.0.7+incompatible // indirect
	golang.org/x/text v0.14.0 // indirect
)

require "github.com/quoted/module" v1.0.0

exclude golang.org/x/crypto v0.1.0

replace github.com/acme/shared => ../shared

replace github.com/old/logging v1.2.0 => github.com/new/logging v1.3.1

replace (
	golang.org/x/text v0.13.0 => golang.org/x/text v0.13.1
	github.com/golang/protobuf => github.com/golang/protobuf v1.5.4
)

retract v1.0.1 // published by mistake
