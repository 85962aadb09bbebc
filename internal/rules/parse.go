package rules

import (
	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	exprpb "google.golang.org/genproto/googleapis/api/expr/v1alpha1"
)

// parse parses a rule with cel-go's Pratt parser, about twenty times
// faster than its ANTLR parser on rules like ours, which is what lets
// ten thousand segments compile in a second. When the Pratt parser reports
// a problem the ANTLR parser, cel-go's reference, parses again: its
// messages are the ones users see, and its answer is the one that counts.
// The parser's limits (250 levels of nesting, 100,000 code points, 100,000
// nodes) apply to each rule on its own.
func (e *Env) parse(src string) (*ast.AST, *cel.Ast, *cel.Issues) {
	text := common.NewTextSource(src)
	parsed, errs := e.pratt.Parse(text)
	if errs != nil && len(errs.GetErrors()) > 0 {
		return e.parseReference(src)
	}
	a, err := toCEL(parsed, text)
	if err != nil {
		return e.parseReference(src)
	}
	return parsed, a, nil
}

// parseReference parses with the ANTLR parser.
func (e *Env) parseReference(src string) (*ast.AST, *cel.Ast, *cel.Issues) {
	a, iss := e.cel.Parse(src)
	if iss != nil && iss.Err() != nil {
		return nil, nil, iss
	}
	return a.NativeRep(), a, nil
}

// toCEL turns a parsed AST into the form cel-go checks, through its proto
// representation, the only public road from one to the other.
func toCEL(parsed *ast.AST, src common.Source) (*cel.Ast, error) {
	x, err := ast.ExprToProto(parsed.Expr())
	if err != nil {
		return nil, err
	}
	info, err := ast.SourceInfoToProto(parsed.SourceInfo())
	if err != nil {
		return nil, err
	}
	pe := &exprpb.ParsedExpr{Expr: x, SourceInfo: info}
	if src == nil {
		return cel.ParsedExprToAst(pe), nil
	}
	return cel.ParsedExprToAstWithSource(pe, src), nil
}
