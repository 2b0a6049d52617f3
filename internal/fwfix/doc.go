// Package fwfix fences the provider's workarounds for behaviours of
// terraform-plugin-framework v1.19.0 (with terraform-plugin-go v0.31.0).
// Each is a measured cost the framework imposes, not a change of what the
// provider does; each file names the behaviour it works around, and a test
// tells when that behaviour is gone, so the workaround can go with it:
//
//   - server.go: the framework keeps every call's context until
//     StopProvider; ProtocolServer hands it one that lets go
//     (TestFrameworkStillKeepsCallContexts in internal/provider,
//     TestEveryPerObjectCallIsWrapped here).
//   - attributes.go: the framework's struct reflection (Get, Set) parses
//     every tag and compiles a regular expression on each call;
//     GetAttributes reads attributes one by one.
//   - values.go: the same reflection dominates a large data source's
//     read; SetList writes a computed list as Terraform values directly.
//   - listing.go: after a data source read the framework converts each
//     attribute of the new state to framework values; ListingType defers
//     that conversion until something asks for it.
//   - handover.go: the framework walks a data source's whole new state,
//     resolving a schema path for every null value, to turn null blocks
//     into empty ones; SetList hands its lists past that walk to the
//     server, which encodes them into the state itself
//     (TestHandoverMatchesTheFramework, BenchmarkReadDataSource).
package fwfix
