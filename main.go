// Command terraform-provider-invitations serves the invitations provider.
package main

import (
	"flag"
	"log"

	"github.com/invitations-dev/terraform-provider-invitations/internal/provider"
)

// Generate the documentation with tfplugindocs (make docs).
//go:generate go run -modfile=tools/go.mod github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-name invitations

// version is set by the release build (goreleaser ldflags).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	if err := provider.Serve(version, debug); err != nil {
		log.Fatal(err)
	}
}
