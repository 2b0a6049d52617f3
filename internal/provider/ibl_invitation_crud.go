package provider

// Create, read, update and delete of the three kinds of ibl.ai invitation
// (the resource's schema and plan: ibl_invitation_resource.go).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

func (r *iblInvitationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	k := r.kind
	plan, config := k.newModel(), k.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, config)...)
	p := plan.shared()
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, r.client, p.Timeouts.Create, defaultWriteTimeout)
	if !ok {
		return
	}
	defer cancel()

	org, item, user := p.Org.ValueString(), plan.key().ValueString(), userLabel(p)
	// The server keeps one invitation per item and user, emails compared
	// without regard to case: two resources for one user would share it.
	if !r.data.run.owned.claim(iblUserKey(k.kind, org, item, user)) {
		resp.Diagnostics.AddError("Two resources invite the same user",
			fmt.Sprintf("Another %s of this configuration already invites %s to %s. The server keeps one invitation per %s and user "+
				"and compares emails without regard to case, so both resources would hold, and destroy, the same invitation. Remove one of them.", k.typeName(), user, item, k.name))
		return
	}
	// Never take over an invitation this resource did not create: the
	// create-or-update POST would silently rewrite it.
	existing, err := r.client.FindUser(ctx, org, item, p.Email.ValueString(), usernameFilter(p))
	if err != nil {
		resp.Diagnostics.AddError("Checking for an existing ibl.ai "+k.name+" invitation failed", describe(err))
		return
	}
	f := &iblFinder{r: r, plan: plan, before: map[int64]bool{}}
	for _, row := range existing {
		if row.Active {
			resp.Diagnostics.AddError("The "+k.name+" invitation already exists",
				fmt.Sprintf("%s already has an active invitation to %s: %s invitation %d, created %s. The provider does not take over an invitation it did not create. "+
					"Bring it under management with an import (ID %s/%d), or delete it on the server, then apply again. "+
					"If another resource of this configuration held it and is being destroyed in this apply (a rename), use a moved block instead, or apply again once it is gone.",
					user, item, k.name, row.ID, deref(row.Created), org, row.ID))
			return
		}
		if iblWasAccepted(row) && !p.Reissue.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root("reissue"), "The invitee accepted the existing "+k.name+" invitation",
				fmt.Sprintf("%s already has an invitation to %s that the invitee accepted: %s invitation %d, started %s. The server keeps one invitation per %s and user, "+
					"so creating this one would re-open that accepted invitation. Set reissue = true to re-open it on purpose, or import it (ID %s/%d) to manage it as it is.",
					user, item, k.name, row.ID, deref(row.Started), k.name, org, row.ID))
			return
		}
		f.before[row.ID] = true
	}

	body := iblRequest(plan)
	res, err := createOnce(ctx, func(ctx context.Context) (*ibl.Invitation, error) { return r.client.Create(ctx, body) }, f.find)
	if err != nil {
		addWriteError(&resp.Diagnostics, "Creating the ibl.ai "+k.name+" invitation failed", err, append([]string{k.key}, iblArguments...)...)
		return
	}
	inv := res.Value
	switch res.Outcome {
	case createdFirstTime, createdAgain:
		if !r.data.run.owned.claim(iblOwnerKey(k.kind, org, inv.ID)) {
			resp.Diagnostics.AddError("The server answered with an invitation another resource holds",
				fmt.Sprintf("Creating the invitation of %s to %s returned %s invitation %d, which another resource of this configuration created or holds: "+
					"the server sees both as the same user. Remove one of the two resources.", user, item, k.name, inv.ID))
			return
		}
		if res.Outcome == createdAgain {
			f.sweep(ctx, inv.ID)
		}
		if f.before[inv.ID] {
			resp.Diagnostics.AddWarning(fmt.Sprintf("%s invitation %d was reactivated", k.title, inv.ID),
				fmt.Sprintf("%s had an inactive invitation to %s (%d), such as one a server kept after a DELETE; the server's create-or-update reused it, and it is now managed by this resource.",
					user, item, inv.ID))
		}
	case createInterrupted:
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s invitation %d was created as Terraform stopped", k.title, inv.ID),
			fmt.Sprintf("Terraform stopped while creating the invitation of %s to %s, after the server had created it. It was found and is recorded in state.", user, item))
	case createAdopted:
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s invitation %d: the create's outcome was unknown", k.title, inv.ID),
			fmt.Sprintf("Creating the invitation of %s to %s failed without proof that nothing happened (%s). The provider looked before sending it again "+
				"and found %s invitation %d with every argument as configured; it is now managed by this resource.", user, item, res.Cause, k.name, inv.ID))
	}
	checkEcho(&resp.Diagnostics, k, body, inv)
	prior := *p
	resp.Diagnostics.Append(iblFromAPI(plan, inv)...)
	p.Status = types.StringValue(iblStatus(inv, prior))
	var kept diag.Diagnostics
	p.KeptByServer, kept = iblKept(plan, config)
	resp.Diagnostics.Append(kept...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setIBLIdentity(ctx, resp.Identity, p)...)
	resp.Diagnostics.Append(setServerEmail(ctx, resp.Private, inv)...)
}

func (r *iblInvitationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	k := r.kind
	state := k.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	s := state.shared()
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, r.client, s.Timeouts.Read, defaultReadTimeout)
	if !ok {
		return
	}
	defer cancel()
	id, ok := parseIBLID(s, k, &resp.Diagnostics)
	if !ok {
		return
	}
	var inv *ibl.Invitation
	var err error
	if state.key().IsNull() {
		// Just imported: only org and id are known. (The look-up is left to
		// this first read, so that an import costs one request.)
		inv, err = r.client.FindInOrg(ctx, s.Org.ValueString(), id)
	} else {
		inv, err = r.find(ctx, state, id, serverEmail(ctx, req.Private, s))
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading the ibl.ai "+k.name+" invitation failed", describe(err))
		return
	}
	if inv == nil {
		if state.key().IsNull() {
			resp.Diagnostics.AddError(k.title+" invitation not found",
				fmt.Sprintf("No %s invitation with id %d exists in org %q.", k.name, id, s.Org.ValueString()))
			return
		}
		resp.Diagnostics.AddWarning(k.title+" invitation deleted outside Terraform",
			fmt.Sprintf("The %s invitation %d (%s in %s) no longer exists. It is removed from state and will be planned for creation again.",
				k.name, id, userLabel(s), state.key().ValueString()))
		// A read that removes it still returns its identity: a state written
		// before identities existed has none to fall back on.
		resp.Diagnostics.Append(setIBLIdentity(ctx, resp.Identity, s)...)
		resp.State.RemoveResource(ctx)
		return
	}
	prior := *s
	resp.Diagnostics.Append(iblFromAPI(state, inv)...)
	s.Status = types.StringValue(iblStatus(inv, prior))
	if s.Status.ValueString() == iblAccepted && prior.Status.ValueString() != iblAccepted {
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s invitation %d was accepted", k.title, inv.ID),
			fmt.Sprintf("The invitee (%s) registered with %s invitation %d to %s (started %s): the server now reports it inactive. It is kept in state with status \"accepted\" "+
				"and no plan re-activates it unless reissue is true.", userLabel(s), k.name, inv.ID, inv.Key(), deref(inv.Started)))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(setIBLIdentity(ctx, resp.Identity, s)...)
	resp.Diagnostics.Append(setServerEmail(ctx, resp.Private, inv)...)
}

// find reads the invitation in state, id, for a refresh: from the run's
// listing of its org and item when one holds it (batch.go), else with the
// narrowest request (org, item and user). email is the server's spelling of
// the user's email. An invitation whose user no longer matches is not the
// one in state, as the narrow request would not return it.
func (r *iblInvitationResource) find(ctx context.Context, m iblModel, id int64, email string) (*ibl.Invitation, error) {
	s := m.shared()
	org, item := s.Org.ValueString(), m.key().ValueString()
	batch := r.data.run.iblReads.scope(r.kind.name+" "+org+" "+item, func(ctx context.Context, maxPages int) (map[string]*ibl.Invitation, bool, error) {
		rows, _, err := r.client.List(ctx, ibl.Filter{Org: org, Key: item, Sort: "-id", MaxPages: maxPages})
		partial := errors.Is(err, client.ErrTooManyPages)
		if err != nil && !partial {
			return nil, false, err
		}
		byID := make(map[string]*ibl.Invitation, len(rows))
		for i := range rows {
			byID[strconv.FormatInt(rows[i].ID, 10)] = &rows[i]
		}
		return byID, partial, nil
	})
	inv, err := batch.read(ctx, strconv.FormatInt(id, 10), func(ctx context.Context) (*ibl.Invitation, error) {
		return r.client.Find(ctx, org, item, email, usernameFilter(s), id)
	})
	if inv == nil || err != nil {
		return inv, err
	}
	if (!s.Email.IsNull() && !fwtypes.CaseInsensitivePointer(inv.Email).SameAs(s.Email)) ||
		(s.Email.IsNull() && deref(inv.Username) != s.Username.ValueString()) {
		return nil, nil
	}
	return inv, nil
}

func (r *iblInvitationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	k := r.kind
	plan, state := k.newModel(), k.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	p, s := plan.shared(), state.shared()
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, r.client, p.Timeouts.Update, defaultWriteTimeout)
	if !ok {
		return
	}
	defer cancel()

	p.ID = s.ID
	if len(iblChanged(k, plan, state)) == 0 {
		// Only timeouts or reissue changed: nothing to send.
		p.UserID, p.Created, p.Started = s.UserID, s.Created, s.Started
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		resp.Diagnostics.Append(setIBLIdentity(ctx, resp.Identity, p)...)
		return
	}
	body := iblRequest(plan)
	if body.Email != nil {
		// The server's spelling: a server that compares emails exactly
		// would otherwise make a second invitation.
		if e := serverEmail(ctx, req.Private, s); strings.EqualFold(e, *body.Email) {
			body.Email = &e
		}
	}
	inv, err := r.client.Update(ctx, body)
	if err != nil {
		addWriteError(&resp.Diagnostics, "Updating the ibl.ai "+k.name+" invitation failed", err, append([]string{k.key}, iblArguments...)...)
		return
	}
	if oldID := s.ID.ValueString(); strconv.FormatInt(inv.ID, 10) != oldID {
		// The server inserted a new row instead of updating: it predates
		// create-or-update. Undo the insert without a POST, which would
		// insert again, so that the server holds what state says, and ask
		// for the setting that makes changes replacements.
		resp.Diagnostics.Append(r.deleteAndConfirm(ctx, state, inv.ID, deref(inv.Email), false)...)
		resp.Diagnostics.AddError("The ibl.ai server does not update invitations in place",
			fmt.Sprintf("The update of %s invitation %s made the server create a new invitation (%d) instead: servers that predate create-or-update do this. "+
				"The new invitation was removed again and nothing changed. Set upsert = false in the provider's ibl block; changes are then planned as replacements.",
				k.name, oldID, inv.ID))
		return
	}
	checkEcho(&resp.Diagnostics, k, body, inv)
	planned := *p
	resp.Diagnostics.Append(iblFromAPI(plan, inv)...)
	if planned.Status.IsUnknown() {
		p.Status = types.StringValue(iblStatus(inv, *s))
	}
	if planned.KeptByServer.IsUnknown() {
		config := k.newModel()
		resp.Diagnostics.Append(req.Config.Get(ctx, config)...)
		var kept diag.Diagnostics
		p.KeptByServer, kept = iblKept(plan, config)
		resp.Diagnostics.Append(kept...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setIBLIdentity(ctx, resp.Identity, p)...)
	resp.Diagnostics.Append(setServerEmail(ctx, resp.Private, inv)...)
}

func (r *iblInvitationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state := r.kind.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	s := state.shared()
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, r.client, s.Timeouts.Delete, defaultWriteTimeout)
	if !ok {
		return
	}
	defer cancel()
	id, ok := parseIBLID(s, r.kind, &resp.Diagnostics)
	if ok {
		resp.Diagnostics.Append(r.remove(ctx, state, id, serverEmail(ctx, req.Private, s))...)
	}
}

// parseIBLID is the numeric id in state.
func parseIBLID(m *iblInvitationModel, k *iblKind, diags *diag.Diagnostics) (int64, bool) {
	id, err := strconv.ParseInt(m.ID.ValueString(), 10, 64)
	if err != nil {
		diags.AddError("Invalid id in state", fmt.Sprintf("%q is not a %s invitation id.", m.ID.ValueString(), k.name))
	}
	return id, err == nil
}

// setServerEmail keeps the server's spelling of the email in private state:
// state keeps the configuration's (emails compare without regard to case),
// but a server that compares them exactly must be sent its own.
func setServerEmail(ctx context.Context, private privateKeys, inv *ibl.Invitation) diag.Diagnostics {
	if private == nil || inv.Email == nil {
		return nil
	}
	b, _ := json.Marshal(*inv.Email)
	return private.SetKey(ctx, "server_email", b)
}

// serverEmail is the server's spelling of the email, else the state's.
func serverEmail(ctx context.Context, private privateKeys, m *iblInvitationModel) string {
	if private != nil {
		if b, _ := private.GetKey(ctx, "server_email"); len(b) > 0 {
			var e string
			if json.Unmarshal(b, &e) == nil && strings.EqualFold(e, m.Email.ValueString()) {
				return e
			}
		}
	}
	return m.Email.ValueString()
}
