//go:build release

package main

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestReleaseSnapshot checks the snapshot release make release builds with
// goreleaser (RELEASE_DIST, from the configuration RELEASE_CONFIG): one zip
// per target the configuration names, as the registry expects it, each
// holding one binary of that target; a SHA256SUMS file that covers every
// zip and the registry manifest, with their true sums, and nothing else;
// its detached signature, which gpg verifies with the keyring that signed
// it (GNUPGHOME), and which fails for sums changed afterwards.
func TestReleaseSnapshot(t *testing.T) {
	dist := os.Getenv("RELEASE_DIST")
	if dist == "" {
		t.Fatal("RELEASE_DIST must name goreleaser's dist folder: run make release")
	}
	var meta struct {
		ProjectName string `json:"project_name"`
		Version     string `json:"version"`
	}
	readJSON(t, filepath.Join(dist, "metadata.json"), &meta)
	if meta.ProjectName != "terraform-provider-invitations" || meta.Version == "" {
		t.Fatalf("metadata.json: %+v", meta)
	}
	prefix := meta.ProjectName + "_" + meta.Version + "_"

	sums := readSums(t, filepath.Join(dist, prefix+"SHA256SUMS"))
	targets := releaseTargets(t)
	for _, target := range targets {
		goos, goarch, _ := strings.Cut(target, "/")
		name := prefix + goos + "_" + goarch + ".zip"
		path := filepath.Join(dist, name)
		if got, want := sums[name], fileSum(t, path); got != want {
			t.Errorf("SHA256SUMS has %q for %s, the file's sum is %s", got, name, want)
		}
		delete(sums, name)
		checkArchive(t, path, "terraform-provider-invitations_v"+meta.Version, goos, goarch)
	}
	manifest := prefix + "manifest.json"
	if got, want := sums[manifest], fileSum(t, "terraform-registry-manifest.json"); got != want {
		t.Errorf("SHA256SUMS has %q for %s, terraform-registry-manifest.json's sum is %s", got, manifest, want)
	}
	delete(sums, manifest)
	if len(sums) > 0 {
		t.Errorf("SHA256SUMS lists files the registry does not expect: %v", sums)
	}
	checkSignature(t, filepath.Join(dist, prefix+"SHA256SUMS"))
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	readJSON(t, "terraform-registry-manifest.json", &m)
	if m.Version != 1 || !slices.Equal(m.Metadata.ProtocolVersions, []string{"6.0"}) {
		t.Errorf("terraform-registry-manifest.json: %+v, want version 1 and protocol 6.0", m)
	}
	if t.Failed() {
		return
	}
	t.Logf("release %s: %d archives, each one binary of its target, and SHA256SUMS", meta.Version, len(targets))
}

// checkSignature verifies SHA256SUMS.sig as the registry does, and checks
// that the check can fail: a copy of the sums with one byte changed does
// not verify.
func checkSignature(t *testing.T, sums string) {
	t.Helper()
	if os.Getenv("GNUPGHOME") == "" {
		t.Fatal("GNUPGHOME must name the keyring that signed the release: run make release")
	}
	if out, err := exec.Command("gpg", "--batch", "--verify", sums+".sig", sums).CombinedOutput(); err != nil {
		t.Errorf("gpg --verify of %s: %v\n%s", filepath.Base(sums), err, out)
	}
	raw, err := os.ReadFile(sums)
	if err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(t.TempDir(), filepath.Base(sums))
	raw[0] ^= 1
	if err := os.WriteFile(tampered, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("gpg", "--batch", "--verify", sums+".sig", tampered).Run(); err == nil {
		t.Errorf("gpg --verify accepted changed sums: the signature proves nothing")
	}
}

// releaseTargets are the os/arch pairs the release configuration builds
// (RELEASE_CONFIG, .goreleaser.yml by default): its goos and goarch less
// its ignores, or its targets.
func releaseTargets(t *testing.T) []string {
	t.Helper()
	config := os.Getenv("RELEASE_CONFIG")
	if config == "" {
		config = ".goreleaser.yml"
	}
	raw, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	type pair struct {
		Goos   string `yaml:"goos"`
		Goarch string `yaml:"goarch"`
	}
	var cfg struct {
		Builds []struct {
			Goos    []string `yaml:"goos"`
			Goarch  []string `yaml:"goarch"`
			Ignore  []pair   `yaml:"ignore"`
			Targets []string `yaml:"targets"`
		} `yaml:"builds"`
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range cfg.Builds {
		for _, target := range b.Targets {
			// goos_goarch, with an optional _<variant> (amd64_v1).
			parts := strings.Split(target, "_")
			out = append(out, parts[0]+"/"+parts[1])
		}
		for _, goos := range b.Goos {
			for _, goarch := range b.Goarch {
				if !slices.Contains(b.Ignore, pair{goos, goarch}) {
					out = append(out, goos+"/"+goarch)
				}
			}
		}
	}
	if len(out) == 0 || (config == ".goreleaser.yml" && len(out) < 10) {
		t.Fatalf("only %d release targets in %s: the configuration was not read", len(out), config)
	}
	return out
}

// checkArchive opens the zip and its one binary, and checks that the binary
// is an executable of the target: its format, OS and architecture.
func checkArchive(t *testing.T, path, binary, goos, goarch string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Errorf("%s: %v", filepath.Base(path), err)
		return
	}
	defer zr.Close()
	if goos == "windows" {
		binary += ".exe"
	}
	var names []string
	for _, f := range zr.File {
		if !f.FileInfo().IsDir() {
			names = append(names, f.Name)
		}
	}
	if len(names) != 1 || names[0] != binary {
		t.Errorf("%s holds %v, want only %s", filepath.Base(path), names, binary)
		return
	}
	rc, err := zr.File[slices.IndexFunc(zr.File, func(f *zip.File) bool { return f.Name == binary })].Open()
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), binary)
	out, err := os.Create(tmp)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(out, rc)
	_ = rc.Close()
	_ = out.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := binaryTarget(t, tmp); got != goos+"/"+goarch {
		t.Errorf("%s holds a binary for %s, want %s/%s", filepath.Base(path), got, goos, goarch)
	}
}

// binaryTarget reads an executable's OS and architecture from its headers.
func binaryTarget(t *testing.T, path string) string {
	t.Helper()
	if f, err := elf.Open(path); err == nil {
		defer f.Close()
		goos := map[elf.OSABI]string{elf.ELFOSABI_NONE: "linux", elf.ELFOSABI_LINUX: "linux", elf.ELFOSABI_FREEBSD: "freebsd"}[f.OSABI]
		goarch := map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_386: "386", elf.EM_ARM: "arm", elf.EM_AARCH64: "arm64"}[f.Machine]
		if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
			return "elf, not an executable"
		}
		return goos + "/" + goarch
	}
	if f, err := macho.Open(path); err == nil {
		defer f.Close()
		return "darwin/" + map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}[f.Cpu]
	}
	if f, err := pe.Open(path); err == nil {
		defer f.Close()
		return "windows/" + map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_I386: "386", pe.IMAGE_FILE_MACHINE_ARM64: "arm64"}[f.Machine]
	}
	return "unknown format"
}

func readSums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("%s: bad line %q", filepath.Base(path), sc.Text())
		}
		sums[name] = sum
	}
	return sums
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return ""
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
