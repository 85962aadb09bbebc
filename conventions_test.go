package strata_test

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// publicPackage is one public package of the module, parsed without its
// tests.
type publicPackage struct {
	dir   string // relative to the module root, "." for the root
	files []*ast.File
}

// publicPackages parses every public package of the module: not under
// internal/ or examples/, not testdata, not a nested module.
func publicPackages(t *testing.T) []publicPackage {
	t.Helper()
	var out []publicPackage
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		base := d.Name()
		if path != "." && (base == "internal" || base == "examples" || base == "testdata" || strings.HasPrefix(base, ".")) {
			return filepath.SkipDir
		}
		if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != "." {
			return filepath.SkipDir // a nested module (routing/pgstore)
		}
		bp, err := build.ImportDir(path, 0) // the files the build uses, tests excluded
		if _, none := err.(*build.NoGoError); none {
			return nil
		} else if err != nil {
			return err
		}
		pp := publicPackage{dir: filepath.ToSlash(path)}
		for _, name := range bp.GoFiles {
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(path, name), nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			pp.files = append(pp.files, f)
		}
		out = append(out, pp)
		return nil
	})
	require.NoError(t, err)
	return out
}

// TestNoAliasesOfInternalTypes: no public package re-exports a type of an
// internal package by alias (the alias blocks the issue found): each type
// a user sees is declared where godoc shows it.
func TestNoAliasesOfInternalTypes(t *testing.T) {
	for _, p := range publicPackages(t) {
		for _, f := range p.files {
			internal := map[string]string{} // local import name -> path
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if !strings.Contains(path, "/internal/") {
					continue
				}
				name := path[strings.LastIndex(path, "/")+1:]
				if imp.Name != nil {
					name = imp.Name.Name
				}
				internal[name] = path
			}
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.TYPE {
					continue
				}
				for _, spec := range gd.Specs {
					ts := spec.(*ast.TypeSpec)
					if !ts.Assign.IsValid() || !ts.Name.IsExported() {
						continue
					}
					ast.Inspect(ts.Type, func(n ast.Node) bool {
						if sel, ok := n.(*ast.SelectorExpr); ok {
							if id, ok := sel.X.(*ast.Ident); ok && internal[id.Name] != "" {
								t.Errorf("%s: type %s is an alias of %s.%s (%s): declare it in the public package",
									p.dir, ts.Name.Name, id.Name, sel.Sel.Name, internal[id.Name])
							}
						}
						return true
					})
				}
			}
		}
	}
}

// exported lists a package's exported top-level functions, with the names
// of the types each returns, and its configurations: the exported struct
// types whose names end in "Config", but for those that are only a part of
// another (tiering.TeamConfig inside ScheduleConfig).
func exported(p publicPackage) (funcs map[string][]string, configs []string) {
	funcs = map[string][]string{}
	nested := map[string]bool{} // configs that are parts of another one
	for _, f := range p.files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil || !d.Name.IsExported() {
					continue
				}
				var results []string
				if d.Type.Results != nil {
					for _, r := range d.Type.Results.List {
						if id, ok := r.Type.(*ast.Ident); ok {
							results = append(results, id.Name)
						}
					}
				}
				funcs[d.Name.Name] = results
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok || !ts.Name.IsExported() || !strings.HasSuffix(ts.Name.Name, "Config") {
						continue
					}
					if st, isStruct := ts.Type.(*ast.StructType); isStruct {
						configs = append(configs, ts.Name.Name)
						ast.Inspect(st, func(n ast.Node) bool {
							if id, ok := n.(*ast.Ident); ok && strings.HasSuffix(id.Name, "Config") {
								nested[id.Name] = true
							}
							return true
						})
					}
				}
			}
		}
	}
	configs = slices.DeleteFunc(configs, func(c string) bool { return nested[c] })
	slices.Sort(configs)
	return funcs, configs
}

// TestConventions checks doc.go's Conventions in every public package
// with a configuration: Config (or XxxConfig) is read by ParseConfig (or
// ParseXxxConfig) and built by New (or NewXxx); example and reference
// configurations come from StarterXxx or BuiltinXxx functions, and no other
// exported function hands out a configuration under another name (Default,
// Seed, Sample …).
func TestConventions(t *testing.T) {
	// Built by another verb, documented in the package: a simulation is run;
	// a ScheduleConfig builds a Scheduler.
	buildVerb := map[string]string{"routing/sim.Config": "Run", "tiering.ScheduleConfig": "NewScheduler"}
	// Packages with a configuration but no starter yet. The test fails when
	// one gains a starter, so that the entry is removed.
	noStarter := map[string]bool{"routing": true, "routing/sim": true, "routing/review": true}
	checked := 0
	for _, p := range publicPackages(t) {
		funcs, configs := exported(p)
		if len(configs) == 0 {
			continue
		}
		checked++
		t.Run(p.dir, func(t *testing.T) {
			for _, cfg := range configs {
				prefix := strings.TrimSuffix(cfg, "Config") // "" for Config, "Catalog" for CatalogConfig
				parse := "Parse" + cfg
				assert.Contains(t, funcs, parse, "%s is read by %s(data []byte) (%s, error)", cfg, parse, cfg)
				if res, ok := funcs[parse]; ok {
					assert.Equal(t, []string{cfg, "error"}, res, "%s returns (%s, error)", parse, cfg)
				}
				build := "New" + prefix
				if verb, ok := buildVerb[p.dir+"."+cfg]; ok {
					build = verb
				}
				assert.Contains(t, funcs, build, "%s is built by %s", cfg, build)
			}
			var starters []string
			for name, results := range funcs {
				if strings.HasPrefix(name, "Starter") || strings.HasPrefix(name, "Builtin") {
					starters = append(starters, name)
					continue
				}
				for _, r := range results {
					if slices.Contains(configs, r) && !strings.HasPrefix(name, "Parse") {
						t.Errorf("%s returns a %s: name it StarterXxx (an example to edit) or BuiltinXxx (reference data)", name, r)
					}
				}
			}
			if noStarter[p.dir] {
				assert.Empty(t, starters, "%s has a starter now: remove it from noStarter", p.dir)
			} else {
				assert.NotEmpty(t, starters, "%s has a configuration but no StarterXxx or BuiltinXxx", p.dir)
			}
		})
	}
	assert.GreaterOrEqual(t, checked, 8, "the walk found too few packages with a configuration")
}
