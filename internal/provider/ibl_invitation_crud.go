package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// The lifecycle of an ibl.ai invitation of any kind: look before create,
// the exactly-once create, ownership of a user's one row, the batched
// refresh and in-place updates. Removal is in ibl_invitation_finder.go.

func (r *iblInvitationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	k := r.kind
	plan := k.get(ctx, req.Plan.Get, &resp.Diagnostics)
	ctx, cancel, ok := r.start(ctx, &resp.Diagnostics, plan.Timeouts.Create, defaultWriteTimeout)
	if !ok {
		return
	}
	defer cancel()

	org, item, user := plan.Org.ValueString(), plan.Key.ValueString(), userLabel(plan)
	// The server keeps one invitation per item and user, emails compared
	// without regard to case: two resources for one user would share it.
	if !r.owned().claim(k.userKey(org, item, user)) {
		resp.Diagnostics.AddError("Two resources invite the same user",
			fmt.Sprintf("Another %s of this configuration already invites %s to %s. The server keeps one invitation per %s and user "+
				"and compares emails without regard to case, so both resources would hold, and destroy, the same invitation. Remove one of them.", k.typeName(), user, item, k.name))
		return
	}
	// Never take over an invitation this resource did not create: the
	// create-or-update POST would silently rewrite it.
	// The look is shared by the scope's creates of this operation
	// (ibl_invitation_lookup.go): a snapshot up to a few seconds old.
	existing, looked, err := r.lookBeforeCreate(ctx, org, item, lookUser{email: plan.Email.ValueString(), username: usernameFilter(plan)})
	defer looked()
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
		if iblWasAccepted(row) && !plan.Reissue.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root("reissue"), "The invitee accepted the existing "+k.name+" invitation",
				fmt.Sprintf("%s already has an invitation to %s that the invitee accepted: %s invitation %d, started %s. The server keeps one invitation per %s and user, "+
					"so creating this one would re-open that accepted invitation. Set reissue = true to re-open it on purpose, or import it (ID %s/%d) to manage it as it is.",
					user, item, k.name, row.ID, deref(row.Started), k.name, org, row.ID))
			return
		}
		f.before[row.ID] = true
	}

	defer r.reads(org, item).wrote()
	body := plan.toRequest(nil)
	res, err := createOnce(ctx, func(ctx context.Context) (*ibl.Invitation, error) { return r.api().Create(ctx, body) }, f.find)
	if err != nil {
		addWriteError(&resp.Diagnostics, "Creating the ibl.ai "+k.name+" invitation failed", err, k.arguments()...)
		return
	}
	inv := res.Value
	switch res.Outcome {
	case createdFirstTime, createdAgain:
		if !r.owned().claim(k.ownerKey(org, inv.ID)) {
			resp.Diagnostics.AddError("The server answered with an invitation another resource holds",
				fmt.Sprintf("Creating the invitation of %s to %s returned %s invitation %d, which another resource of this configuration created or holds: "+
					"the server sees both as the same user. Remove one of the two resources.", user, item, k.name, inv.ID))
			return
		}
		if res.Outcome == createdAgain {
			f.sweep(ctx, inv.ID)
		}
		if f.before[inv.ID] {
			resp.Diagnostics.AddWarning(fmt.Sprintf("%s invitation %d was reactivated", k.title(), inv.ID),
				fmt.Sprintf("%s had an inactive invitation to %s (%d), such as one a server kept after a DELETE; the server's create-or-update reused it, and it is now managed by this resource.",
					user, item, inv.ID))
		}
	case createInterrupted:
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s invitation %d was created as Terraform stopped", k.title(), inv.ID),
			fmt.Sprintf("Terraform stopped while creating the invitation of %s to %s, after the server had created it. It was found and is recorded in state.", user, item))
	case createAdopted:
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s invitation %d: the create's outcome was unknown", k.title(), inv.ID),
			fmt.Sprintf("Creating the invitation of %s to %s failed without proof that nothing happened (%s). The provider looked before sending it again "+
				"and found %s invitation %d with every argument as configured; it is now managed by this resource.", user, item, res.Cause, k.name, inv.ID))
	}
	unset, _ := k.unset(ctx, req.Config, &resp.Diagnostics)
	prior := plan
	plan.fromAPI(inv)
	plan.Status = types.StringValue(iblStatus(inv, prior))
	plan.KeptByServer = k.keptByServer(unset, plan)
	k.checkEcho(&resp.Diagnostics, body, prior, inv)
	r.setAll(ctx, &resp.State, resp.Identity, resp.Private, &resp.Diagnostics, plan, inv)
}

func (r *iblInvitationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	k := r.kind
	state := k.get(ctx, req.State.Get, &resp.Diagnostics)
	ctx, cancel, ok := r.start(ctx, &resp.Diagnostics, state.Timeouts.Read, defaultReadTimeout)
	if !ok {
		return
	}
	defer cancel()
	id, ok := r.parseID(state, &resp.Diagnostics)
	if !ok {
		return
	}
	var inv *ibl.Invitation
	var err error
	if state.Key.IsNull() {
		// Just imported: only org and id are known. (The look-up is left to
		// this first read, so that an import costs the one request.)
		inv, err = r.api().FindInOrg(ctx, state.Org.ValueString(), id)
	} else {
		m := state
		if !state.Email.IsNull() {
			e := serverEmail(ctx, req.Private, state)
			m.Email = fwtypes.CaseInsensitivePointer(&e)
		}
		inv, err = r.find(ctx, m, id)
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading the ibl.ai "+k.name+" invitation failed", describe(err))
		return
	}
	if inv == nil {
		if state.Key.IsNull() {
			resp.Diagnostics.AddError(k.title()+" invitation not found",
				fmt.Sprintf("No %s invitation with id %d exists in org %q.", k.name, id, state.Org.ValueString()))
			return
		}
		resp.Diagnostics.AddWarning(k.title()+" invitation deleted outside Terraform",
			fmt.Sprintf("The %s invitation %d (%s in %s) no longer exists. It is removed from state and will be planned for creation again.",
				k.name, id, userLabel(state), state.Key.ValueString()))
		// A read that removes it still returns its identity: a state written
		// before identities existed has none to fall back on.
		resp.Diagnostics.Append(setIBLIdentity(ctx, resp.Identity, state)...)
		resp.State.RemoveResource(ctx)
		return
	}
	prior := state
	state.fromAPI(inv)
	state.Status = types.StringValue(iblStatus(inv, prior))
	if state.Status.ValueString() == programAccepted && prior.Status.ValueString() != programAccepted {
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s invitation %d was accepted", k.title(), inv.ID),
			fmt.Sprintf("The invitee (%s) registered with %s invitation %d to %s (started %s): the server now reports it inactive. It is kept in state with status \"accepted\" "+
				"and no plan re-activates it unless reissue is true.", userLabel(state), k.name, inv.ID, inv.Key(), deref(inv.Started)))
	}
	r.setAll(ctx, &resp.State, resp.Identity, resp.Private, &resp.Diagnostics, state, inv)
}

// find reads the invitation for a refresh: from the operation's listing of
// its org and item when there is one (read batch), else with the narrowest
// request, org, item and user. Either way an invitation whose user no
// longer matches is not the one in state, as the narrow request would not
// return it.
func (r *iblInvitationResource) find(ctx context.Context, m iblInvitationModel, id int64) (*ibl.Invitation, error) {
	org, item := m.Org.ValueString(), m.Key.ValueString()
	inv, found, served := r.reads(org, item).lookup(ctx, strconv.FormatInt(id, 10),
		func(ctx context.Context, worth func(int) bool) (map[string]*ibl.Invitation, bool) {
			rows, _, err := r.api().List(ctx, ibl.Filter{Org: org, Key: item, Sort: "-id", Worth: worth})
			byID := make(map[string]*ibl.Invitation, len(rows))
			for i := range rows {
				byID[strconv.FormatInt(rows[i].ID, 10)] = &rows[i]
			}
			return byID, err == nil
		})
	if !served || !found {
		// A listing's miss is no proof of absence (rows shift between pages
		// while others change them): the narrow request decides.
		return r.api().Find(ctx, org, item, m.Email.ValueString(), usernameFilter(m), id)
	}
	if (!m.Email.IsNull() && !fwtypes.CaseInsensitivePointer(inv.Email).SameAs(m.Email)) ||
		(m.Email.IsNull() && deref(inv.Username) != m.Username.ValueString()) {
		return nil, nil
	}
	return inv, nil
}

// reads is the read batch of an org and item (programs keep the scope
// they had before the other kinds came).
func (r *iblInvitationResource) reads(org, item string) *readBatch[ibl.Invitation] {
	if r.kind.kind == ibl.Program {
		return r.data.ProgramReads.scope(org + "|" + item)
	}
	return r.data.ProgramReads.scope(r.kind.name + "|" + org + "|" + item)
}

func (r *iblInvitationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	k := r.kind
	plan := k.get(ctx, req.Plan.Get, &resp.Diagnostics)
	state := k.get(ctx, req.State.Get, &resp.Diagnostics)
	ctx, cancel, ok := r.start(ctx, &resp.Diagnostics, plan.Timeouts.Update, defaultWriteTimeout)
	if !ok {
		return
	}
	defer cancel()

	plan.ID = state.ID
	if len(plan.changedArguments(state)) == 0 {
		// Only timeouts changed: nothing to send.
		plan.UserID, plan.Created, plan.Started = state.UserID, state.Created, state.Started
		k.set(ctx, &resp.State, resp.State.Schema.Type(), plan, &resp.Diagnostics)
		resp.Diagnostics.Append(setIBLIdentity(ctx, resp.Identity, plan)...)
		return
	}
	defer r.reads(plan.Org.ValueString(), plan.Key.ValueString()).wrote()
	r.wroteUser(state) // creates of these users look narrowly (ibl_invitation_lookup.go)
	r.wroteUser(plan)
	body := plan.toRequest(&state)
	if body.Email != nil {
		// The server's spelling: a server that compares emails exactly
		// would otherwise make a second invitation.
		e := serverEmail(ctx, req.Private, state)
		if strings.EqualFold(e, *body.Email) {
			body.Email = &e
		}
	}
	inv, err := r.api().Update(ctx, body)
	if err != nil {
		addWriteError(&resp.Diagnostics, "Updating the ibl.ai "+k.name+" invitation failed", err, k.arguments()...)
		return
	}
	if oldID := state.ID.ValueString(); strconv.FormatInt(inv.ID, 10) != oldID {
		// The server inserted a new row instead of updating: it predates
		// create-or-update. Undo the insert, so that the server holds what
		// state says, and ask for the setting that makes changes replacements.
		extra := state
		extra.ID = types.StringValue(strconv.FormatInt(inv.ID, 10))
		resp.Diagnostics.Append(r.remove(ctx, extra, deref(inv.Email))...)
		resp.Diagnostics.AddError("The ibl.ai server does not update invitations in place",
			fmt.Sprintf("The update of %s invitation %s made the server create a new invitation (%d) instead: servers that predate create-or-update do this. "+
				"The new invitation was removed again and nothing changed. Set upsert = false in the provider's ibl block; changes are then planned as replacements.",
				k.name, oldID, inv.ID))
		return
	}
	planned := plan
	plan.fromAPI(inv)
	if planned.Status.IsUnknown() {
		plan.Status = types.StringValue(iblStatus(inv, state))
	}
	if planned.KeptByServer.IsUnknown() {
		unset, _ := k.unset(ctx, req.Config, &resp.Diagnostics)
		plan.KeptByServer = k.keptByServer(unset, plan)
	}
	k.checkEcho(&resp.Diagnostics, body, planned, inv)
	r.setAll(ctx, &resp.State, resp.Identity, resp.Private, &resp.Diagnostics, plan, inv)
}

func (r *iblInvitationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state := r.kind.get(ctx, req.State.Get, &resp.Diagnostics)
	ctx, cancel, ok := r.start(ctx, &resp.Diagnostics, state.Timeouts.Delete, defaultWriteTimeout)
	if !ok {
		return
	}
	defer cancel()
	resp.Diagnostics.Append(r.remove(ctx, state, serverEmail(ctx, req.Private, state))...)
}
