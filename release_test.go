package main

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestReleaseTargetsBuild checks that every OS and architecture pair the
// release builds is one this Go toolchain can build: a pair it no longer
// knows fails the whole release.
func TestReleaseTargetsBuild(t *testing.T) {
	raw, err := os.ReadFile(".goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	type pair struct {
		Goos   string `yaml:"goos"`
		Goarch string `yaml:"goarch"`
	}
	var cfg struct {
		Builds []struct {
			Goos   []string `yaml:"goos"`
			Goarch []string `yaml:"goarch"`
			Ignore []pair   `yaml:"ignore"`
		} `yaml:"builds"`
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Fatal(err)
	}
	known := strings.Fields(string(out))
	targets := 0
	for _, b := range cfg.Builds {
		for _, goos := range b.Goos {
			for _, goarch := range b.Goarch {
				if slices.Contains(b.Ignore, pair{goos, goarch}) {
					continue
				}
				targets++
				if !slices.Contains(known, goos+"/"+goarch) {
					t.Errorf("the release builds %s/%s, which go tool dist list does not know: add it to ignore", goos, goarch)
				}
			}
		}
	}
	if targets < 10 {
		t.Fatalf("only %d release targets: the configuration was not read", targets)
	}
}
