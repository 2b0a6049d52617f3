// Command terraform-provider-invitations serves the invitations provider.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

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

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve(provider.RegistryAddress, provider.ProtocolServer(provider.New(version)()), opts...)
	rusage.Write()
	if err != nil {
		log.Fatal(err)
	}
}
