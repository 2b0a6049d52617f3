// Command provider is the provider as make bench runs it: served exactly
// as the shipped binary's main serves it (provider.Serve), and then its
// CPU time and peak memory reported (internal/rusage), so that the bench
// hook stays out of the shipped binary.
package main

import (
	"log"

	"github.com/invitations-dev/terraform-provider-invitations/internal/provider"
	"github.com/invitations-dev/terraform-provider-invitations/internal/rusage"
)

func main() {
	err := provider.Serve("bench", false)
	rusage.Write()
	if err != nil {
		log.Fatal(err)
	}
}
