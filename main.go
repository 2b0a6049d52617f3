// Command terraform-provider-invitations serves the invitations provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/invitations-dev/terraform-provider-invitations/internal/provider"
	"github.com/invitations-dev/terraform-provider-invitations/internal/rusage"
)

// Generate the documentation with tfplugindocs (make docs).
//go:generate go run -modfile=tools/go.mod github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-name invitations

// version is set by the release build (goreleaser ldflags).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         provider.RegistryAddress,
		Debug:           debug,
		ProtocolVersion: 6,
	})
	rusage.Write()
	if err != nil {
		log.Fatal(err)
	}
}
