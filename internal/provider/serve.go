package provider

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
)

// Serve serves the provider to Terraform until Terraform stops it: the
// whole of the plugin's main. debug starts it for a debugger (delve), with
// the reattach settings printed for Terraform.
func Serve(version string, debug bool) error {
	factory, err := fwfix.ProtocolServer(New(version)())
	if err != nil {
		return err
	}
	return tf6server.Serve(RegistryAddress, factory, serveOptions(debug)...)
}

// serveOptions are Serve's: its logging settled before anything is served.
func serveOptions(debug bool) []tf6server.ServeOpt {
	opts := []tf6server.ServeOpt{tf6server.WithLogEnvVarName(logEnvVarName)}
	if debug {
		// Under a debugger the logs go to the developer's terminal: as
		// the libraries make them.
		return append(opts, tf6server.WithManagedDebug())
	}
	quietLogs()
	return opts
}

// Server is one protocol server of the provider, as Terraform's test
// harness (ProtoV6ProviderFactories) takes it.
func Server(version string) (tfprotov6.ProviderServer, error) {
	factory, err := fwfix.ProtocolServer(New(version)())
	if err != nil {
		return nil, err
	}
	return factory(), nil
}
