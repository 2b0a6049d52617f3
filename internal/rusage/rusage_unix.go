//go:build unix

// Package rusage reports a provider process's CPU time and peak memory
// for make bench.
package rusage

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

// Write appends the process's CPU time (ms) and peak resident memory
// (KiB) to the file INVITATIONS_RUSAGE_FILE names, when it names one: make
// bench measures the provider with it.
func Write() {
	path := os.Getenv("INVITATIONS_RUSAGE_FILE")
	if path == "" {
		return
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	defer func() { _ = f.Close() }()
	_, _ = fmt.Fprintf(f, "%d %d\n", cpu.Milliseconds(), ru.Maxrss)
}
