//go:build !unix

// Package rusage reports a provider process's CPU time and peak memory
// for make bench.
package rusage

// Write measures nothing where the system has no getrusage.
func Write() {}
