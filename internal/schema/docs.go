package schema

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ReadDocs reads the Go files of the package in dir (tests excluded) and
// records, under pkg ("tiering"), each type's and struct field's doc
// comment and the string constants declared with each named type.
func ReadDocs(dir, pkg string, into *Docs) error {
	if into.Text == nil {
		into.Text = map[string]string{}
	}
	if into.Enums == nil {
		into.Enums = map[string][]string{}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			switch gd.Tok {
			case token.TYPE:
				readTypes(gd, pkg, into)
			case token.CONST:
				readEnums(gd, pkg, into)
			}
		}
	}
	return nil
}

func readTypes(gd *ast.GenDecl, pkg string, into *Docs) {
	for _, spec := range gd.Specs {
		ts := spec.(*ast.TypeSpec)
		doc := ts.Doc
		if doc == nil && len(gd.Specs) == 1 {
			doc = gd.Doc
		}
		if doc != nil {
			into.Text[pkg+"."+ts.Name.Name] = clean(doc.Text())
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			continue
		}
		for _, f := range st.Fields.List {
			text := ""
			switch {
			case f.Doc != nil:
				text = f.Doc.Text()
			case f.Comment != nil:
				text = f.Comment.Text()
			}
			for _, n := range f.Names {
				if text != "" {
					into.Text[pkg+"."+ts.Name.Name+"."+n.Name] = clean(text)
				}
			}
		}
	}
}

func readEnums(gd *ast.GenDecl, pkg string, into *Docs) {
	for _, spec := range gd.Specs {
		vs := spec.(*ast.ValueSpec)
		id, ok := vs.Type.(*ast.Ident)
		if !ok {
			continue
		}
		for _, v := range vs.Values {
			lit, ok := v.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				continue
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil {
				key := pkg + "." + id.Name
				into.Enums[key] = append(into.Enums[key], s)
			}
		}
	}
}

// clean joins a doc comment's lines into one paragraph per blank line.
func clean(s string) string {
	paras := strings.Split(strings.TrimSpace(s), "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(paras, "\n\n")
}
