package provider

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// move asks the provider, as Terraform does for a moved block, to move a
// state of typ from provider addr into target; it returns the target's
// attributes (nil when refused), its identity and the diagnostics.
func move(t *testing.T, addr, typ, target string, state map[string]any) (map[string]tftypes.Value, map[string]tftypes.Value, []*tfprotov6.Diagnostic) {
	t.Helper()
	srv, err := protoV6ProviderFactories["invitations"]()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(state)
	resp, err := srv.MoveResourceState(t.Context(), &tfprotov6.MoveResourceStateRequest{
		SourceProviderAddress: addr, SourceTypeName: typ, SourceState: &tfprotov6.RawState{JSON: raw}, TargetTypeName: target,
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.TargetState == nil {
		return nil, nil, resp.Diagnostics
	}
	v, err := resp.TargetState.Unmarshal(schemas.ResourceSchemas[target].ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var identity map[string]tftypes.Value
	if resp.TargetIdentity != nil {
		ids, err := srv.GetResourceIdentitySchemas(t.Context(), &tfprotov6.GetResourceIdentitySchemasRequest{})
		if err != nil {
			t.Fatal(err)
		}
		iv, err := resp.TargetIdentity.IdentityData.Unmarshal(ids.IdentitySchemas[target].ValueType())
		if err != nil {
			t.Fatal(err)
		}
		if err := iv.As(&identity); err != nil {
			t.Fatal(err)
		}
	}
	return attrs, identity, resp.Diagnostics
}

func str(t *testing.T, v tftypes.Value) string {
	t.Helper()
	if v.IsNull() {
		return "<null>"
	}
	var s string
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

const movedPK = "5b1f6b61-7e4b-4c57-9d0e-2f6c1a9b8e11"

// restapi 1.x/2.x state (SDKv2): read_search is a map of strings.
func restapiV1Stage() map[string]any {
	return map[string]any{
		"id": movedPK, "path": "/api/v3/stages/invitation/invitations/", "create_path": nil, "read_path": "/api/v3/stages/invitation/invitations/{id}/",
		"id_attribute": "pk", "object_id": nil, "debug": false, "read_search": map[string]any{}, "query_string": "", "force_new": nil,
		"data":         `{"name":"contractors","expires":"2099-01-31T23:59:59Z","single_use":true,"fixed_data":{"team":"a"},"flow":"0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10"}`,
		"api_response": `{"pk":"` + movedPK + `","name":"contractors","expires":"2099-01-31T23:59:59Z","single_use":true,"fixed_data":{"team":"a"},"flow":"0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10","flow_obj":{"slug":"default-enrollment-flow"},"created_by":{"pk":1,"username":"akadmin"}}`,
		"api_data":     map[string]any{"name": "contractors", "pk": movedPK},
	}
}

func TestMoveStateFromRestAPIObject_stage(t *testing.T) {
	// Terraform's address, OpenTofu's, and a bare one.
	for _, addr := range []string{"registry.terraform.io/mastercard/restapi", "registry.opentofu.org/Mastercard/restapi", "restapi"} {
		attrs, identity, diags := move(t, addr, "restapi_object", "invitations_stage_invitation", restapiV1Stage())
		if len(diags) != 0 || attrs == nil {
			t.Fatalf("%s: %v", addr, diags)
		}
		for name, want := range map[string]string{"id": movedPK, "name": "contractors", "expires": "2099-01-31T23:59:59Z",
			"flow": "0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10", "flow_slug": "default-enrollment-flow", "created_by": "akadmin", "status": "active", "invite_url": "<null>"} {
			if got := str(t, attrs[name]); got != want {
				t.Errorf("%s: %s = %q, want %q", addr, name, got, want)
			}
		}
		if got := str(t, attrs["fixed_data"]); got != `{"team":"a"}` {
			t.Errorf("fixed_data = %s", got)
		}
		// An identity as well: Terraform refuses a move without one.
		if got := str(t, identity["token_sha256"]); got != tokenSHA256(movedPK) {
			t.Errorf("%s: identity %v", addr, identity)
		}
	}
}

// restapi 3.x state (the plugin framework): read_search is an object, and
// attributes 1.x has not (ignore_changes_to, ignore_server_additions).
func TestMoveStateFromRestAPIObject_v3Course(t *testing.T) {
	state := map[string]any{
		"id": "42", "path": "/catalog/invitations/course/", "create_path": nil, "read_path": "/catalog/invitations/course/",
		"read_search":       map[string]any{"search_key": "id", "search_value": "42", "results_key": "results", "query_string": "org=acme&course_id=x", "search_data": nil, "search_patch": nil},
		"ignore_changes_to": []any{"metadata"}, "ignore_all_server_changes": false, "ignore_server_additions": true, "create_response": `{"id":42}`,
		"data": `{"course_id":"course-v1:acme+DS101+2027","email":"ada@example.com","source":"hr","enrollment_config":{"started":"2027-01-10T00:00:00Z"},` +
			`"course_access_start_date":"2027-01-10T00:00:00Z"}`,
		"api_response": "", "api_data": map[string]any{},
	}
	attrs, identity, diags := move(t, "registry.terraform.io/mastercard/restapi", "restapi_object", "invitations_course_invitation", state)
	if len(diags) != 0 || attrs == nil {
		t.Fatalf("%v", diags)
	}
	for name, want := range map[string]string{"id": "42", "org": "acme", "course_id": "course-v1:acme+DS101+2027", "email": "ada@example.com",
		"source": "hr", "course_access_start_date": "2027-01-10T00:00:00Z", "course_access_expiration_date": "<null>"} {
		if got := str(t, attrs[name]); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if got := str(t, attrs["enrollment_config"]); !strings.Contains(got, `"started":"2027-01-10T00:00:00Z"`) {
		t.Errorf("enrollment_config = %s", got)
	}
	if str(t, identity["org"]) != "acme" || str(t, identity["id"]) != "42" {
		t.Errorf("identity %v", identity)
	}
}

func TestMoveStateFromRestAPIObject_programBehindAGateway(t *testing.T) {
	state := map[string]any{"id": "7", "path": "/dm/api/catalog/invitations/program/",
		"data":         `{"program_key":"acme+onboarding","email":"ada@example.com"}`,
		"api_response": `{"id":7,"program_key":"acme+onboarding","email":"ada@example.com","active":true,"created":"2026-01-01T00:00:00Z"}`}
	attrs, _, diags := move(t, "registry.terraform.io/mastercard/restapi", "restapi_object", "invitations_program_invitation", state)
	if len(diags) != 0 || str(t, attrs["org"]) != "acme" || str(t, attrs["status"]) != "pending" || str(t, attrs["created"]) != "2026-01-01T00:00:00Z" {
		t.Fatalf("%v %v", diags, attrs)
	}
}

func TestMoveStateFromRestAPIObject_refusals(t *testing.T) {
	program := map[string]any{"id": "7", "path": "/api/catalog/invitations/program/", "data": `{"program_key":"acme+x","email":"a@example.com"}`}
	for _, tc := range []struct {
		name, addr, typ, target string
		state                   map[string]any
		want                    string
	}{
		{"another collection", "registry.terraform.io/mastercard/restapi", "restapi_object", "invitations_stage_invitation", program,
			`managed objects at "/api/catalog/invitations/program/", not invitations_stage_invitation's collection (/api/v3/stages/invitation/invitations/). It belongs to invitations_program_invitation`},
		{"a path nobody manages", "registry.terraform.io/mastercard/restapi", "restapi_object", "invitations_program_invitation",
			map[string]any{"id": "1", "path": "/api/v1/things", "data": `{}`}, `No resource of this provider manages that path`},
		{"data that is no JSON", "registry.terraform.io/mastercard/restapi", "restapi_object", "invitations_stage_invitation",
			map[string]any{"id": movedPK, "path": "/api/v3/stages/invitation/invitations/", "data": `{"name": `}, "Its data is not a JSON object"},
		{"an id that is no pk", "registry.terraform.io/mastercard/restapi", "restapi_object", "invitations_stage_invitation",
			map[string]any{"id": "contractors", "path": "/api/v3/stages/invitation/invitations/", "data": `{"name":"contractors"}`}, "restapi's id_attribute must have been pk"},
		{"a course without its org", "registry.terraform.io/mastercard/restapi", "restapi_object", "invitations_course_invitation",
			map[string]any{"id": "3", "path": "/api/catalog/invitations/course/", "data": `{"course_id":"course-v1:acme+DS101+2027","email":"a@example.com"}`},
			`import { to = ..., id = "<org>/3" }`},
		// Another provider's type: no mover takes it, and the framework says so.
		{"another provider's type", "registry.terraform.io/hashicorp/http", "http", "invitations_program_invitation", program, "Unable to Move Resource State"},
		{"another type of restapi", "registry.terraform.io/mastercard/restapi", "restapi_object_list", "invitations_program_invitation", program, "Unable to Move Resource State"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attrs, _, diags := move(t, tc.addr, tc.typ, tc.target, tc.state)
			if attrs != nil || len(diags) != 1 || !strings.Contains(diags[0].Summary+" "+diags[0].Detail, tc.want) {
				t.Fatalf("want one error with %q, got %v and %v", tc.want, attrs, diags)
			}
			if strings.Contains(diags[0].Detail, movedPK) {
				t.Errorf("the token appears in the error: %s", diags[0].Detail)
			}
		})
	}
}

func TestSameCollection(t *testing.T) {
	for p, want := range map[string]bool{
		"/api/v3/stages/invitation/invitations/":    true,
		"/stages/invitation/invitations":            true, // the rest in restapi's uri
		"/invitation/invitations/":                  true,
		"/invitations/":                             false, // too little to tell
		"/x/api/v3/stages/invitation/invitations/":  true,  // a prefix of a proxy's
		"/api/v3/stages/invitation/invitations/?a=": true,
		"/api/v3/stages/prompt/prompts/":            false,
		"":                                          false,
	} {
		if got := sameCollection(p, stageCollection); got != want {
			t.Errorf("sameCollection(%q) = %v, want %v", p, got, want)
		}
	}
}
