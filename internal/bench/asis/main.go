// Command asis is the provider served by terraform-plugin-framework's own
// protocol server, without the wrapper that lets go of each call's context
// (fwfix.ProtocolServer): make bench measures what that workaround buys
// next to the provider as it ships. make bench quiets its logs through the
// environment, as the shipped provider quiets its own.
package main

import (
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/invitations-dev/terraform-provider-invitations/internal/provider"
	"github.com/invitations-dev/terraform-provider-invitations/internal/rusage"
)

func main() {
	err := tf6server.Serve(provider.RegistryAddress, providerserver.NewProtocol6(provider.New("bench")()),
		tf6server.WithLogEnvVarName("invitations"))
	rusage.Write()
	if err != nil {
		log.Fatal(err)
	}
}
