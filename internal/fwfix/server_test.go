package fwfix

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// notWrapped are the calls of the protocol's servers that server leaves as
// the framework has them, each with the reason.
var notWrapped = map[string]string{
	"GetMetadata":                "once per provider process",
	"GetProviderSchema":          "once per provider process",
	"GetResourceIdentitySchemas": "once per provider process",
	"ValidateProviderConfig":     "once per provider process",
	"ConfigureProvider":          "once per provider process",
	"StopProvider":               "once per provider process; it is what releases the framework's contexts",
	"GetFunctions":               "once per provider process",
	"CallFunction":               "the provider defines no functions",
	"ListResource":               "streams its results after it returns, with the call's context",
	"InvokeAction":               "streams its events after it returns, with the call's context",
}

// Every call of tfprotov6.ProviderServer and of the optional list resource
// and action servers is either wrapped by server (a method declared in
// server.go) or in notWrapped with its reason. A call a new
// terraform-plugin-go adds fails here until someone decides.
func TestEveryPerObjectCallIsWrapped(t *testing.T) {
	wrapped := declaredMethods(t, "server.go", "server")
	for _, iface := range []reflect.Type{
		reflect.TypeFor[tfprotov6.ProviderServer](),
		reflect.TypeFor[tfprotov6.ListResourceServer](),
		reflect.TypeFor[tfprotov6.ActionServer](),
	} {
		for m := range iface.Methods() {
			_, isWrapped := wrapped[m.Name]
			reason, allowed := notWrapped[m.Name]
			switch {
			case isWrapped && allowed:
				t.Errorf("%s.%s is wrapped and also in notWrapped (%s): remove it from notWrapped", iface, m.Name, reason)
			case !isWrapped && !allowed:
				t.Errorf("%s.%s is neither wrapped by fwfix.server nor in notWrapped: wrap it with released, or list it with the reason it may not be", iface, m.Name)
			}
		}
	}
	for name := range notWrapped {
		if !hasMethod(name) {
			t.Errorf("notWrapped names %s, which no protocol server has any more", name)
		}
	}
	// server wraps nothing that is not a call of the protocol.
	for name := range wrapped {
		if !hasMethod(name) {
			t.Errorf("server.%s wraps no call of the protocol", name)
		}
	}
}

func hasMethod(name string) bool {
	for _, iface := range []reflect.Type{
		reflect.TypeFor[tfprotov6.ProviderServer](),
		reflect.TypeFor[tfprotov6.ListResourceServer](),
		reflect.TypeFor[tfprotov6.ActionServer](),
	} {
		if _, ok := iface.MethodByName(name); ok {
			return true
		}
	}
	return false
}

// declaredMethods are the exported methods file declares on receiver typ
// itself, not the ones it promotes from the embedded framework server.
func declaredMethods(t *testing.T, file, typ string) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || len(fn.Recv.List) != 1 || !fn.Name.IsExported() {
			continue
		}
		if id, ok := fn.Recv.List[0].Type.(*ast.Ident); ok && id.Name == typ {
			out[fn.Name.Name] = true
		}
	}
	return out
}

// ProtocolServer's server is the framework's with the wrapped calls: the
// type assertion it makes at start-up holds for this framework version.
func TestProtocolServerAcceptsTheFrameworkServer(t *testing.T) {
	if _, err := ProtocolServer(nil); err != nil {
		t.Fatal(err)
	}
}
