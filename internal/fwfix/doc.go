// Package fwfix fences the provider's workarounds for behaviours of
// terraform-plugin-framework v1.19.0 (with terraform-plugin-go v0.31.0).
// Each is a measured cost the framework imposes, not a change of what the
// provider does; make bench measures what each buys next to the framework's
// own server, and a test tells when the behaviour is gone, so the workaround
// can go with it:
//
//   - server.go: the framework keeps every call's context until
//     StopProvider; ProtocolServer hands it one that lets go
//     (TestFrameworkStillKeepsCallContexts in internal/provider,
//     TestEveryPerObjectCallIsWrapped here).
//   - values.go and handover.go: after a data source's read the framework
//     converts its new state and walks all of it, resolving a schema path
//     for every null value, to turn null blocks into empty ones. SetList
//     writes a data source's large list as Terraform values and hands it
//     past that walk to the server, which encodes it into the state
//     itself (TestHandoverMatchesTheFramework, BenchmarkReadDataSource).
package fwfix
