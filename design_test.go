package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDesignNamesExist holds docs/DESIGN.md and README.md to the code:
// every file, directory and Go identifier they name in code spans exists.
// A code span is taken for a name when it is a path (with a / or ending in
// .go), a call (name(...)), a qualified name (pkg.Name), or a Go
// identifier with an upper-case letter after its first (createOnce,
// ProtocolServer); a trailing * names a prefix (TestQuietLogs_*).
func TestDesignNamesExist(t *testing.T) {
	declared, byPackage, files := declaredNames(t)
	span := regexp.MustCompile("`([^`\n]+)`")
	ident := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*\*?$`)
	// The README is for users and names little code; the design map names much.
	for doc, least := range map[string]int{"docs/DESIGN.md": 50, "README.md": 1} {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, m := range span.FindAllStringSubmatch(string(raw), -1) {
			name := m[1]
			switch {
			case strings.HasSuffix(name, ".go") && !strings.ContainsAny(name, " ("):
				checked++
				if _, err := os.Stat(name); err != nil && !matchesFile(files, filepath.Base(name)) {
					t.Errorf("%s names the file %s, which does not exist", doc, name)
				}
			case strings.HasPrefix(name, "internal/") || strings.HasPrefix(name, "cmd/"):
				checked++
				if _, err := os.Stat(strings.Fields(name)[0]); err != nil {
					t.Errorf("%s names %s, which does not exist", doc, name)
				}
			default:
				id, _, isCall := strings.Cut(name, "(")
				isCall = isCall && strings.HasSuffix(name, ")")
				in := declared
				if pkg, rest, qualified := strings.Cut(id, "."); qualified && byPackage[pkg] != nil && rest != "" {
					// pkg.Exported names code; authentik.public_url a setting.
					id, in = rest, byPackage[pkg]
					isCall = isCall || (rest[0] >= 'A' && rest[0] <= 'Z')
				}
				if !ident.MatchString(id) || (!isCall && !codeLike(id)) {
					continue
				}
				checked++
				if !exists(in, id) {
					t.Errorf("%s names %s, which the code does not declare", doc, name)
				}
			}
		}
		if checked < least {
			t.Errorf("%s: only %d names checked; the test no longer reads it", doc, checked)
		}
	}
}

// codeLike tells a Go identifier from a word, an acronym or a snake_case
// attribute: a lower-case letter followed by an upper-case one, and no
// underscore but a test's.
func codeLike(id string) bool {
	base := strings.TrimSuffix(id, "*")
	if strings.Contains(base, "_") && !strings.HasPrefix(base, "Test") {
		return false
	}
	return camel.MatchString(base)
}

var camel = regexp.MustCompile(`[a-z][A-Z]`)

// matchesFile tells a file base name, or a pattern (*_import.go) one matches.
func matchesFile(files map[string]bool, pattern string) bool {
	for name := range files {
		if ok, _ := filepath.Match(pattern, name); ok {
			return true
		}
	}
	return false
}

func exists(declared map[string]bool, id string) bool {
	prefix, isPrefix := strings.CutSuffix(id, "*")
	if !isPrefix {
		return declared[id]
	}
	for name := range declared {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// declaredNames are the names the repository's Go code declares (functions,
// methods, types, values, fields and interface methods), in all and by
// package (its directory's name), and its files' base names; the tools/
// modules aside.
func declaredNames(t *testing.T) (names map[string]bool, byPackage map[string]map[string]bool, files map[string]bool) {
	names, byPackage, files = map[string]bool{}, map[string]map[string]bool{}, map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (path == "tools" || path == ".git" || path == "bin" || path == "dist") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		files[d.Name()] = true
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		pkg := filepath.Base(filepath.Dir(path))
		if byPackage[pkg] == nil {
			byPackage[pkg] = map[string]bool{}
		}
		add := func(id *ast.Ident) { names[id.Name], byPackage[pkg][id.Name] = true, true }
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				add(n.Name)
			case *ast.TypeSpec:
				add(n.Name)
			case *ast.ValueSpec:
				for _, id := range n.Names {
					add(id)
				}
			case *ast.Field:
				for _, id := range n.Names {
					add(id)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names, byPackage, files
}
