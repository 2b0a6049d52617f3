//go:build unix

// Package rusage reports a provider process's CPU time and peak memory
// for make bench.
package rusage

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
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
	peak := int64(ru.Maxrss) //nolint:unconvert // int32 on 32-bit BSDs (freebsd/386, freebsd/arm)
	if hwm, ok := highWaterMark(); ok {
		peak = hwm
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	defer func() { _ = f.Close() }()
	_, _ = fmt.Fprintf(f, "%d %d\n", cpu.Milliseconds(), peak)
}

// highWaterMark is Linux's VmHWM: the peak resident memory of this process
// image alone. Linux's ru_maxrss is not: exec carries over the peak of the
// image it replaces, and Go starts a plugin from a vfork of Terraform, so
// ru_maxrss reports Terraform's own memory for every plugin smaller than it.
func highWaterMark() (int64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer func() { _ = f.Close() }()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kib, err == nil
		}
	}
	return 0, false
}
