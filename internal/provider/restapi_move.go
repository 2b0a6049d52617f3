package provider

// Moving state from the generic restapi provider's restapi_object (a moved
// block between resource types, Terraform 1.8+, OpenTofu 1.10+): the
// object's state is read here; each resource maps it to its model in its
// MoveState (stage_invitation_import.go, ibl_invitation_import.go). Nothing
// is sent to the server: the Read after the move fills what the state lacks.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// stageCollection is authentik's invitation collection.
const stageCollection = "/api/v3/stages/invitation/invitations/"

// restapiCollections are the collections a restapi_object may have managed
// objects of, by the resource type that manages them here.
func restapiCollections() map[string]string {
	out := map[string]string{"invitations_stage_invitation": stageCollection}
	for _, k := range []*iblKind{programKind, courseKind, platformKind} {
		out[k.typeName()] = k.kind.Path()
	}
	return out
}

// restapiObject is what a moved restapi_object holds that the move needs.
type restapiObject struct {
	// id is the object's id in restapi's state.
	id string
	// body is the object as the server last returned it (api_response)
	// with the arguments it was managed with (data) over it: the arguments
	// the object had become the resource's.
	body map[string]any
	// data are the arguments alone.
	data map[string]any
	// org is the org a path or query string names (?org=...), if any.
	org string
}

// restapiState is restapi_object's state, in every shape its versions
// wrote: 1.x and 2.x (SDKv2: read_search is a map) and 3.x (the plugin
// framework: read_search is an object, data a normalized JSON string).
// Attributes the move does not need are not read.
type restapiState struct {
	ID          string          `json:"id"`
	Path        string          `json:"path"`
	CreatePath  string          `json:"create_path"`
	ReadPath    string          `json:"read_path"`
	DestroyPath string          `json:"destroy_path"`
	QueryString string          `json:"query_string"`
	Data        string          `json:"data"`
	APIResponse string          `json:"api_response"`
	ReadSearch  json.RawMessage `json:"read_search"`
}

// isRestAPIObject tells whether the move's source is restapi's
// restapi_object, whatever registry host and namespace name the provider:
// Terraform sends registry.terraform.io/mastercard/restapi, OpenTofu its own
// host or a bare restapi.
func isRestAPIObject(req resource.MoveStateRequest) bool {
	addr := strings.ToLower(req.SourceProviderAddress)
	return req.SourceTypeName == "restapi_object" && (addr == "restapi" || strings.HasSuffix(addr, "/restapi"))
}

// readRestAPIObject reads a moved restapi_object that managed an object of
// typeName: nil, and no diagnostics, when the source is something else (the
// framework then says no mover took it). An object of another collection,
// or one whose JSON cannot be read, is refused.
func readRestAPIObject(req resource.MoveStateRequest, typeName string) (*restapiObject, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !isRestAPIObject(req) {
		return nil, diags
	}
	if req.SourceRawState == nil || req.SourceRawState.JSON == nil {
		diags.AddError("Cannot move the restapi_object",
			"Its state is in a format older than Terraform 0.12's. Refresh it with the restapi provider first (terraform apply -refresh-only), then move it.")
		return nil, diags
	}
	var s restapiState
	if err := json.Unmarshal(req.SourceRawState.JSON, &s); err != nil {
		diags.AddError("Cannot move the restapi_object", "Its state cannot be read: "+err.Error())
		return nil, diags
	}
	collections := restapiCollections()
	want := collections[typeName]
	objectPath := s.Path
	if s.CreatePath != "" {
		objectPath = s.CreatePath
	}
	if !sameCollection(objectPath, want) {
		owner := ""
		for t, c := range collections {
			if sameCollection(objectPath, c) {
				owner = t
			}
		}
		detail := fmt.Sprintf("The restapi_object managed objects at %q, not %s's collection (%s).", objectPath, typeName, want)
		if owner != "" {
			detail += " It belongs to " + owner + ": move it there."
		} else {
			detail += " No resource of this provider manages that path."
		}
		diags.AddError("Cannot move the restapi_object into "+typeName, detail)
		return nil, diags
	}
	if s.ID == "" {
		diags.AddError("Cannot move the restapi_object", "Its state has no id: it was never created, or restapi lost it. Import the invitation instead.")
		return nil, diags
	}
	obj := &restapiObject{id: s.ID, org: orgInPaths(s)}
	if err := json.Unmarshal([]byte(s.Data), &obj.data); err != nil || obj.data == nil {
		diags.AddError("Cannot move the restapi_object",
			fmt.Sprintf("Its data is not a JSON object (%v): the arguments it was managed with cannot be read. Import the invitation instead.", errOrNull(err)))
		return nil, diags
	}
	// api_response is the server's last answer; restapi may have none
	// (an object never read back), and the arguments alone then serve.
	obj.body = map[string]any{}
	_ = json.Unmarshal([]byte(s.APIResponse), &obj.body)
	if obj.body == nil {
		obj.body = map[string]any{}
	}
	for k, v := range obj.data {
		obj.body[k] = v
	}
	return obj, diags
}

func errOrNull(err error) string {
	if err != nil {
		return err.Error()
	}
	return "it is null"
}

// sameCollection tells whether a restapi path is the collection: the
// provider's uri may hold part of it (https://auth.example.com/api/v3 and
// /stages/invitation/invitations/), or the path a gateway's prefix (/dm/api/
// catalog/...). Either is a suffix of the other at a segment boundary, and
// the shorter still names the collection's last two segments.
func sameCollection(objectPath, collection string) bool {
	p, _, _ := strings.Cut(objectPath, "?")
	p, c := strings.Trim(p, "/"), strings.Trim(collection, "/")
	if p == "" {
		return false
	}
	short, long := p, c
	if len(short) > len(long) {
		short, long = long, short
	}
	if short != long && !strings.HasSuffix(long, "/"+short) {
		return false
	}
	segments := strings.Split(c, "/")
	return strings.HasSuffix(short, strings.Join(segments[len(segments)-2:], "/"))
}

// orgInPaths is the org= parameter of the paths and query strings restapi
// read and deleted the object with, for a course, whose key does not name
// its platform.
func orgInPaths(s restapiState) string {
	var search struct {
		QueryString string `json:"query_string"`
	}
	_ = json.Unmarshal(s.ReadSearch, &search)
	for _, q := range []string{s.QueryString, search.QueryString, afterQuery(s.ReadPath), afterQuery(s.DestroyPath), afterQuery(s.Path)} {
		if v, err := url.ParseQuery(q); err == nil && v.Get("org") != "" {
			return v.Get("org")
		}
	}
	return ""
}

func afterQuery(p string) string {
	_, q, _ := strings.Cut(p, "?")
	return q
}

// bodyJSON is the object's JSON, for a client type to decode.
func (o *restapiObject) bodyJSON() []byte {
	raw, _ := json.Marshal(o.body)
	return raw
}

// emptyState is a state of the schema whose attributes are all null, for a
// mover to Get its model from, fill and Set.
func emptyState(ctx context.Context, s tfsdk.State) tfsdk.State {
	typ, ok := s.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		return s // a resource schema is always an object
	}
	attrs := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, t := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(t, nil)
	}
	return tfsdk.State{Schema: s.Schema, Raw: tftypes.NewValue(typ, attrs)}
}
