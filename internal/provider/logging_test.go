package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
)

// logsChildEnv makes the test binary the served provider of
// TestQuietLogs_helper; its value says whether it serves as Serve does
// ("serve") or with the libraries' defaults ("defaults").
const logsChildEnv = "INVITATIONS_LOGS_CHILD"

// TestQuietLogs_helper is the child process of the TestQuietLogs tests: it
// serves the provider's gRPC server in-process, with Serve's options, makes
// three calls that log on every logger (the protocol's, the framework's,
// the provider's Configure), and leaves on stderr what the loggers wrote
// (terraform-plugin-log writes to the stderr the process started with).
func TestQuietLogs_helper(t *testing.T) {
	mode := os.Getenv(logsChildEnv)
	if mode == "" {
		t.Skip("the child process of TestQuietLogs")
	}
	var opts []tf6server.ServeOpt
	if mode == "serve" {
		opts = serveOptions(false)
	}
	factory, err := fwfix.ProtocolServer(New("test")())
	if err != nil {
		t.Fatal(err)
	}
	downstream := factory()
	schema, err := downstream.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schema.Provider.ValueType().(tftypes.Object)
	nulls := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		nulls[name] = tftypes.NewValue(at, nil)
	}
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nulls))
	if err != nil {
		t.Fatal(err)
	}
	// The gRPC side's types are internal to terraform-plugin-go: the calls
	// go through reflection, with zero requests but for the config.
	grpc := reflect.ValueOf(tf6server.New(RegistryAddress, downstream, opts...))
	call := func(method string, fill func(req reflect.Value)) {
		m := grpc.MethodByName(method)
		req := reflect.New(m.Type().In(1).Elem())
		if fill != nil {
			fill(req.Elem())
		}
		out := m.Call([]reflect.Value{reflect.ValueOf(context.Background()), req})
		if err, _ := out[1].Interface().(error); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
	}
	call("GetMetadata", nil)
	call("GetProviderSchema", nil)
	call("ConfigureProvider", func(req reflect.Value) {
		dv := req.FieldByName("Config")
		dv.Set(reflect.New(dv.Type().Elem()))
		dv.Elem().FieldByName("Msgpack").SetBytes(config.MsgPack)
	})
}

// logLines runs the child with exactly the given TF_LOG* variables and
// returns the log lines it wrote, as module and message.
func logLines(t *testing.T, mode string, env ...string) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestQuietLogs_helper$", "-test.count=1")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_LOG") && !strings.HasPrefix(kv, "AUTHENTIK_") && !strings.HasPrefix(kv, "IBLAI_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, append(env, logsChildEnv+"="+mode)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err != nil {
		t.Fatalf("child: %v\n%s\n%s", err, out, stderr.String())
	}
	var lines []string
	sc := bufio.NewScanner(&stderr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l struct {
			Module  string `json:"@module"`
			Message string `json:"@message"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("stderr holds a line that is not a log line: %q", sc.Text())
		}
		lines = append(lines, l.Module+": "+l.Message)
	}
	return lines
}

func modules(lines []string) []string {
	var out []string
	for _, l := range lines {
		m, _, _ := strings.Cut(l, ": ")
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	slices.Sort(out)
	return out
}

// TestQuietLogs_noLevelNoLines: with no TF_LOG* variable, the served
// provider writes nothing, where the libraries' defaults write the lines of
// every logger.
func TestQuietLogs_noLevelNoLines(t *testing.T) {
	if lines := logLines(t, "serve"); len(lines) != 0 {
		t.Errorf("with no log level the provider wrote %d log lines, want none; the first: %s", len(lines), lines[0])
	}
	defaults := logLines(t, "defaults")
	if got, want := modules(defaults), []string{"invitations", "sdk.framework", "sdk.proto"}; !slices.Equal(got, want) {
		t.Errorf("with the libraries' defaults the loggers %v wrote, want %v: the test no longer sees every logger", got, want)
	}
}

// TestQuietLogs_anyLevelEveryLine: with any TF_LOG* variable set, the lines
// are exactly those of the libraries' defaults.
func TestQuietLogs_anyLevelEveryLine(t *testing.T) {
	for _, env := range []string{"TF_LOG=trace", "TF_LOG_PROVIDER=trace", "TF_LOG_PATH=/dev/null",
		"TF_LOG_SDK=trace", "TF_LOG_SDK_PROTO=trace", "TF_LOG_SDK_FRAMEWORK=trace", "TF_LOG_PROVIDER_INVITATIONS=debug"} {
		t.Run(env, func(t *testing.T) {
			got, want := logLines(t, "serve", env), logLines(t, "defaults", env)
			if len(want) == 0 {
				t.Fatal("the libraries' defaults wrote nothing")
			}
			if !slices.Equal(got, want) {
				t.Errorf("with %s the provider wrote %d lines, the libraries' defaults %d:\n%s\nwant\n%s",
					env, len(got), len(want), strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestLogsAsked(t *testing.T) {
	for env, want := range map[string]bool{
		"":                                       false,
		"PATH=/bin HOME=/root":                   false,
		"TF_LOG=":                                false,
		"TF_ACC=1 TF_CLI_CONFIG_FILE=x":          false,
		"TF_LOG=trace":                           true,
		"TF_LOG_PATH=/tmp/log":                   true,
		"TF_LOG_CORE=trace":                      true,
		"TF_LOG_SDK_FRAMEWORK=debug":             true,
		"TF_LOG_PROVIDER_INVITATIONS_HTTP=trace": true,
	} {
		if got := logsAsked(strings.Fields(env)); got != want {
			t.Errorf("logsAsked(%q) = %v, want %v", env, got, want)
		}
	}
}
