// Package provider implements the invitations Terraform provider.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// Environment variables the provider reads when a setting is not in the
// configuration.
const (
	EnvIBLURL             = "IBLAI_URL"
	EnvIBLAPIKey          = "IBLAI_API_KEY"
	EnvIBLOrg             = "IBLAI_ORG"
	EnvAuthentikURL       = "AUTHENTIK_URL"
	EnvAuthentikPublicURL = "AUTHENTIK_PUBLIC_URL"
	EnvAuthentikToken     = "AUTHENTIK_TOKEN"
	EnvAuthentikInsecure  = "AUTHENTIK_INSECURE"
)

const (
	defaultMaxRetries     = 4
	defaultRetryWaitMin   = time.Second
	defaultRetryWaitMax   = 30 * time.Second
	defaultRequestTimeout = 60 * time.Second
)

var (
	_ provider.Provider                       = &invitationsProvider{}
	_ provider.ProviderWithListResources      = &invitationsProvider{}
	_ provider.ProviderWithActions            = &invitationsProvider{}
	_ provider.ProviderWithEphemeralResources = &invitationsProvider{}
)

type invitationsProvider struct {
	version string
	// now is the clock for expiry decisions; tests share theirs with the mock.
	now func() time.Time
}

// New returns the provider factory for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &invitationsProvider{version: version, now: time.Now} }
}

type providerModel struct {
	IBL            types.Object         `tfsdk:"ibl"`
	Authentik      types.Object         `tfsdk:"authentik"`
	MaxRetries     types.Int64          `tfsdk:"max_retries"`
	RetryWaitMin   timetypes.GoDuration `tfsdk:"retry_wait_min"`
	RetryWaitMax   timetypes.GoDuration `tfsdk:"retry_wait_max"`
	RequestTimeout timetypes.GoDuration `tfsdk:"request_timeout"`
	Headers        types.Map            `tfsdk:"headers"`
	CABundle       types.String         `tfsdk:"ca_bundle"`
	Insecure       types.Bool           `tfsdk:"insecure"`
}

type iblConfigModel struct {
	URL        types.String `tfsdk:"url"`
	APIKey     types.String `tfsdk:"api_key"`
	Org        types.String `tfsdk:"org"`
	AuthScheme types.String `tfsdk:"auth_scheme"`
	Upsert     types.Bool   `tfsdk:"upsert"`
}

type authentikConfigModel struct {
	URL       types.String `tfsdk:"url"`
	PublicURL types.String `tfsdk:"public_url"`
	Token     types.String `tfsdk:"token"`
	Insecure  types.Bool   `tfsdk:"insecure"`
}

func (p *invitationsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "invitations"
	resp.Version = p.version
}

func (p *invitationsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	notEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages invitations as code: program, course and platform invitations in the ibl.ai data manager and " +
			"enrollment (stage) invitations in authentik. Each platform block is optional; a resource of a " +
			"platform that is not configured fails with a diagnostic naming the missing setting.",
		Attributes: map[string]schema.Attribute{
			"ibl": schema.SingleNestedAttribute{
				MarkdownDescription: "Connection to the ibl.ai data manager. Needed by the program, course and platform invitations: their resources, data sources and list resources.",
				Optional:            true,
				Attributes: connectionAttributes(
					"Base URL of the data manager, with any gateway prefix, e.g. `https://api.iblai.app/dm` or `https://base.manager.iblai.app`. Defaults to the `"+EnvIBLURL+"` environment variable.",
					"api_key", "Platform API key. Defaults to the `"+EnvIBLAPIKey+"` environment variable.", map[string]schema.Attribute{
						"org": schema.StringAttribute{
							MarkdownDescription: "Default platform organization (tenant) for resources and data sources that do not set their own. Defaults to the `" + EnvIBLOrg + "` environment variable.",
							Optional:            true,
							Validators:          notEmpty,
						},
						"auth_scheme": schema.StringAttribute{
							MarkdownDescription: "Prefix of the `Authorization` header: `Api-Token` (default, as the official SDK sends it) or `Api-Key` (as newer API documents write it).",
							Optional:            true,
							Validators:          []validator.String{stringvalidator.OneOf("Api-Token", "Api-Key", "Token", "Bearer")},
						},
						"upsert": schema.BoolAttribute{
							MarkdownDescription: "Whether the server's `POST` updates the invitation of the same program and user (`true`, the default: current servers). " +
								"Set `false` for older servers that insert a new invitation on every `POST`: changing an argument of `invitations_program_invitation` then replaces it instead of updating it in place.",
							Optional: true,
						},
					}),
			},
			"authentik": schema.SingleNestedAttribute{
				MarkdownDescription: "Connection to authentik. Needed by the stage invitation's resource, data source and list resource, the `invitations_stage_invitation_link` ephemeral resource and the `invitations_stage_invitation_send_email` action.",
				Optional:            true,
				Attributes: connectionAttributes(
					"URL of the authentik instance, e.g. `https://auth.example.com`; `/api/v3` is appended when missing. Defaults to the `"+EnvAuthentikURL+"` environment variable.",
					"token", "API token of a user allowed to manage invitations: a non-expiring API token (intent API) of a dedicated service account, "+
						"whose user holds the permissions the types it is used with need (see the provider's documentation). "+
						"Defaults to the `"+EnvAuthentikToken+"` environment variable.", map[string]schema.Attribute{
						"public_url": schema.StringAttribute{
							MarkdownDescription: "The address people open authentik at, for the enrollment links the provider builds (`invite_url`), " +
								"when `url` is an internal one. Defaults to the `" + EnvAuthentikPublicURL + "` environment variable, else `url`. " +
								"authentik's own emails (`invitations_stage_invitation_send_email`) do not use it: authentik builds their link from the API request.",
							Optional:   true,
							Validators: []validator.String{fwvalidators.HTTPURL()},
						},
						"insecure": schema.BoolAttribute{
							MarkdownDescription: "Skip TLS certificate verification for authentik only (a self-signed test instance). Defaults to the `" + EnvAuthentikInsecure + "` environment variable, else `false`.",
							Optional:            true,
						},
					}),
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a failed request is retried when retrying is safe (default %d). Writes that may have taken effect are reconciled instead of repeated.", defaultMaxRetries),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 20)},
			},
			"retry_wait_min": schema.StringAttribute{
				MarkdownDescription: "Shortest wait between retries, as a Go duration (default `1s`). Waits grow exponentially, with jitter.",
				Optional:            true,
				CustomType:          timetypes.GoDurationType{},
			},
			"retry_wait_max": schema.StringAttribute{
				MarkdownDescription: "Longest wait between retries, as a Go duration (default `30s`). It also caps how long a server's `Retry-After` is honoured.",
				Optional:            true,
				CustomType:          timetypes.GoDurationType{},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit of one HTTP attempt, as a Go duration (default `60s`).",
				Optional:            true,
				CustomType:          timetypes.GoDurationType{},
			},
			"headers": schema.MapAttribute{
				MarkdownDescription: "Extra HTTP headers sent with every request (a gateway's routing header, say). They cannot replace `Authorization`. " +
					"Their values are treated as secrets: masked in logs and errors, and never sent to another address than the configured one.",
				Optional:    true,
				Sensitive:   true,
				ElementType: types.StringType,
				Validators: []validator.Map{
					mapvalidator.KeysAre(fwvalidators.HeaderName()),
					mapvalidator.ValueStringsAre(fwvalidators.HeaderValue()),
				},
			},
			"ca_bundle": schema.StringAttribute{
				MarkdownDescription: "PEM certificates to trust in addition to the system's, e.g. `file(\"ca.pem\")`.",
				Optional:            true,
				Validators:          []validator.String{fwvalidators.PEMCertificates()},
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: "Skip TLS certificate verification for every platform. Only for tests; never in production. Proxies are taken from `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`.",
				Optional:            true,
			},
		},
	}
}

// providerData is what Configure hands every resource, data source, list
// resource, ephemeral resource and action: the platform clients, built once
// and never changed afterwards, and the run they share. A platform whose
// settings are missing has no client and the reason in its missing field.
type providerData struct {
	authentik        *authentik.Client
	authentikMissing string
	// authentikURL and authentikPublicURL are the instance's API address
	// and the one its links are built on, both without the API path.
	authentikURL, authentikPublicURL string
	// ibl holds a client for each kind of invitation.
	ibl        map[ibl.Kind]*ibl.Client
	iblMissing string
	// authentikUnknown and iblUnknown are set while settings depend on
	// values known only at apply: plans go ahead without a client.
	authentikUnknown, iblUnknown bool
	// iblOrg is the default platform organization, possibly empty.
	iblOrg string
	// iblUpsert is false for servers whose POST always inserts.
	iblUpsert bool
	// now is the clock for expiry decisions.
	now func() time.Time
	run *run
}

// run is what the types of one configured provider share while Terraform
// plans or applies: Terraform configures the provider afresh for each, so a
// run lasts one plan or one apply. Its parts are the only state a resource
// holds beyond its own call.
type run struct {
	// owned: the invitations resources of this run created or adopted, so
	// that no two hold the same one (create.go).
	owned ownership
	// stageReads and iblReads serve refreshes from shared listings (batch.go).
	stageReads readBatches[authentik.Invitation]
	iblReads   readBatches[ibl.Invitation]
	// iblDelete is what ibl.ai's DELETE turned out to do (ibl_invitation_finder.go).
	iblDelete iblDeleteBehaviour
	// stageOwnViews is whether the authentik token may view the invitations
	// it creates, learnt from the run's first create (ownViews).
	stageOwnViews struct {
		once   sync.Once
		denied bool
	}
}

// configured is the provider data a type's Configure receives; nil before
// the provider is configured (validation), or after an error.
func configured(given any, diags *diag.Diagnostics) *providerData {
	if given == nil {
		return nil
	}
	data, ok := given.(*providerData)
	if !ok {
		diags.AddError("Unexpected Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got: %T. Please report this issue to the provider developers.", given))
	}
	return data
}

// authentikClient is the authentik client, with an error naming typeName
// when authentik is not configured; nil also while its settings are unknown.
func (d *providerData) authentikClient(typeName string, diags *diag.Diagnostics) *authentik.Client {
	if d.authentik == nil && !d.authentikUnknown {
		diags.AddError("authentik is not configured", typeName+" needs authentik: "+d.authentikMissing+".")
	}
	return d.authentik
}

// iblClient is the ibl.ai client of a kind, as authentikClient.
func (d *providerData) iblClient(k ibl.Kind, typeName string, diags *diag.Diagnostics) *ibl.Client {
	if d.ibl == nil && !d.iblUnknown {
		diags.AddError("ibl.ai is not configured", typeName+" needs ibl.ai: "+d.iblMissing+".")
	}
	return d.ibl[k]
}

func (p *invitationsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	shared, ok := p.sharedConfig(ctx, cfg, req.TerraformVersion, resp)
	if !ok {
		return
	}
	data := &providerData{now: p.now, run: &run{}}
	if !p.configureAuthentik(ctx, cfg.Authentik, shared, data, resp) || !p.configureIBL(ctx, cfg.IBL, shared, data, resp) {
		return
	}

	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	resp.EphemeralResourceData = data
	resp.ActionData = data
	tflog.Debug(ctx, "configured provider", map[string]any{"authentik": data.authentik != nil, "ibl": data.ibl != nil})
}

func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func boolOrEnv(v types.Bool, env string) (bool, error) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool(), nil
	}
	s := os.Getenv(env)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%s=%q is not a boolean", env, s)
	}
	return b, nil
}

func (p *invitationsProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewStageInvitationResource,
		NewProgramInvitationResource, NewCourseInvitationResource, NewPlatformInvitationResource,
	}
}

func (p *invitationsProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewStageInvitationListResource,
		NewProgramInvitationListResource, NewCourseInvitationListResource, NewPlatformInvitationListResource,
	}
}

func (p *invitationsProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{NewStageInvitationSendEmailAction}
}

func (p *invitationsProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewStageInvitationLinkEphemeralResource}
}

func (p *invitationsProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewStageInvitationsDataSource,
		NewProgramInvitationsDataSource, NewCourseInvitationsDataSource, NewPlatformInvitationsDataSource,
	}
}

// RegistryAddress is the provider's address in the Terraform registry; the
// one place it is written down for the server, the tests and the demo.
const RegistryAddress = "registry.terraform.io/invitations-dev/invitations"

// connectionAttributes are a platform block's url and credential (named
// secret), with the block's other attributes.
func connectionAttributes(urlDescription, secret, secretDescription string, others map[string]schema.Attribute) map[string]schema.Attribute {
	others["url"] = schema.StringAttribute{
		MarkdownDescription: urlDescription,
		Optional:            true,
		Validators:          []validator.String{fwvalidators.HTTPURL()},
	}
	others[secret] = schema.StringAttribute{
		MarkdownDescription: secretDescription + " White space around it (the newline `file()` keeps) is ignored.",
		Optional:            true,
		Sensitive:           true,
		Validators:          []validator.String{fwvalidators.Credential()},
	}
	return others
}
