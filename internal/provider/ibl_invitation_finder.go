package provider

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// iblFinder looks, after a create whose outcome is unknown, for the
// invitation it may have made: a row of this item and user with every
// argument as planned, held by no other resource of this run. On servers
// that update in place, that is the one row of the user; on servers that
// insert on every POST it is a row that did not exist before the create
// (before), and when repeated attempts made several, one is kept and the
// others deleted.
type iblFinder struct {
	r      *iblInvitationResource
	plan   iblInvitationModel
	before map[int64]bool
}

func (f *iblFinder) rows(ctx context.Context, exclude int64) ([]ibl.Invitation, error) {
	p, k := f.plan, f.r.kind
	rows, err := f.r.api().FindUser(ctx, p.Org.ValueString(), p.Key.ValueString(), p.Email.ValueString(), usernameFilter(p))
	if err != nil {
		return nil, err
	}
	var out []ibl.Invitation
	for _, row := range rows {
		switch {
		case row.ID == exclude, !p.matchesPlan(row), f.r.owned().isClaimed(k.ownerKey(p.Org.ValueString(), row.ID)),
			f.before[row.ID] && !f.r.upsert():
			continue
		}
		out = append(out, row)
	}
	return out, nil
}

func (f *iblFinder) find(ctx context.Context) (*ibl.Invitation, bool, error) {
	matches, err := f.rows(ctx, 0)
	if err != nil || len(matches) == 0 {
		return nil, false, err
	}
	for _, extra := range matches[1:] {
		if diags := f.r.remove(ctx, f.withID(extra.ID), deref(extra.Email)); diags.HasError() {
			return nil, false, fmt.Errorf("deleting duplicate %s invitation %d that a repeated create made failed: %s", f.r.kind.name, extra.ID, diags[0].Detail())
		}
	}
	if !f.r.owned().claim(f.r.kind.ownerKey(f.plan.Org.ValueString(), matches[0].ID)) {
		return nil, false, nil
	}
	return &matches[0], true, nil
}

// sweep deletes rows an earlier attempt made after the look-up that found
// none (servers that insert on every POST only: the others update in place).
func (f *iblFinder) sweep(ctx context.Context, keep int64) {
	if f.r.upsert() {
		return
	}
	extras, err := f.rows(ctx, keep)
	if err != nil {
		tflog.Warn(ctx, "checking for late duplicates failed", map[string]any{"error": err.Error()})
		return
	}
	for _, extra := range extras {
		f.r.remove(ctx, f.withID(extra.ID), deref(extra.Email))
	}
}

func (f *iblFinder) withID(id int64) iblInvitationModel {
	m := f.plan
	m.ID = types.StringValue(strconv.FormatInt(id, 10))
	return m
}

// ownerKey is an invitation of the kind, by org and id (programs keep the
// key they had before the other kinds came).
func (k *iblKind) ownerKey(org string, id int64) ownerKey {
	key := programOwnerKey(org, id)
	if k.kind != ibl.Program {
		key.scope = k.name + ":" + org
	}
	return key
}

// userKey is an item's invitee, email compared without case.
func (k *iblKind) userKey(org, item, user string) ownerKey {
	key := programUserKey(org, item, user)
	if k.kind != ibl.Program {
		key.scope = k.name + ":" + key.scope
	}
	return key
}

// How the server answers DELETE, learnt once per provider process (one
// Terraform operation) from the first invitation it destroys.
const (
	deleteUnknown int32 = iota
	deleteKeepsRows
	deleteDeletes
)

// iblRetirement is what one provider process knows about the server's
// DELETE, and whether it has said so. All kinds share it: they are one view
// family, whose DELETE behaves alike.
type iblRetirement struct {
	probe  sync.Mutex
	mode   atomic.Int32
	warned sync.Map // kind name -> bool: one warning per kind and operation
}

func (r *iblInvitationResource) retirement() *iblRetirement { return &r.data.IBLRetirement }

// remove retires an invitation. Real servers answer 200 to DELETE and keep
// the row (the vendor documents the handler as unimplemented); the only way
// to retire an invitation there is to deactivate it. The first removal of
// an operation sends the DELETE and confirms with the narrow read what the
// server did; the others follow what it learnt: on a server that keeps
// rows, one deactivating POST (the DELETE it ignores is not sent again); on
// one that deletes, the DELETE alone. That is at most 3 requests for the
// first invitation and 1 for each other one, and one warning per operation.
// email is the server's spelling of the invitation's email.
func (r *iblInvitationResource) remove(ctx context.Context, m iblInvitationModel, email string) diag.Diagnostics {
	var diags diag.Diagnostics
	id, ok := r.parseID(m, &diags)
	if !ok {
		return diags
	}
	org := m.Org.ValueString()
	defer r.reads(org, m.Key.ValueString()).wrote()
	r.wroteUser(m)
	ret := r.retirement()
	if ret.mode.Load() == deleteUnknown {
		ret.probe.Lock()
		if ret.mode.Load() == deleteUnknown {
			defer ret.probe.Unlock()
			return r.deleteAndConfirm(ctx, ret, m, id, email)
		}
		ret.probe.Unlock()
	}
	switch {
	case ret.mode.Load() == deleteDeletes:
		if err := r.api().Delete(ctx, org, id); err != nil {
			diags.AddError("Deleting the ibl.ai "+r.kind.name+" invitation failed", describe(err))
		}
		return diags
	case !r.upsert():
		// A POST would insert a new row rather than deactivate this one.
		return r.deleteAndConfirm(ctx, ret, m, id, email)
	}
	user := ibl.Upsert{Key: m.Key.ValueString()}
	if email != "" {
		user.Email = &email
	} else {
		user.Username = m.Username.ValueStringPointer()
	}
	diags.Append(r.deactivate(ctx, ret, m, id, user)...)
	return diags
}

// deleteAndConfirm sends the DELETE, confirms with the narrow read and
// deactivates what the server kept; it records what the server did.
func (r *iblInvitationResource) deleteAndConfirm(ctx context.Context, ret *iblRetirement, m iblInvitationModel, id int64, email string) diag.Diagnostics {
	var diags diag.Diagnostics
	org := m.Org.ValueString()
	if err := r.api().Delete(ctx, org, id); err != nil {
		diags.AddError("Deleting the ibl.ai "+r.kind.name+" invitation failed", describe(err))
		return diags
	}
	left, err := r.api().Find(ctx, org, m.Key.ValueString(), email, usernameFilter(m), id)
	if err != nil {
		diags.AddError("Confirming the deletion of the ibl.ai "+r.kind.name+" invitation failed", describe(err))
		return diags
	}
	if left == nil {
		ret.mode.CompareAndSwap(deleteUnknown, deleteDeletes)
		return diags
	}
	ret.mode.CompareAndSwap(deleteUnknown, deleteKeepsRows)
	if !left.Active {
		r.warnRetired(&diags, ret, id)
		return diags
	}
	body := ibl.Upsert{Key: left.Key(), Email: left.Email}
	if left.Email == nil {
		body.Username = left.Username
	}
	diags.Append(r.deactivate(ctx, ret, m, id, body)...)
	return diags
}

// deactivate retires invitation id with a POST of active = false for its
// item and user.
func (r *iblInvitationResource) deactivate(ctx context.Context, ret *iblRetirement, m iblInvitationModel, id int64, body ibl.Upsert) diag.Diagnostics {
	var diags diag.Diagnostics
	off := false
	body.Active = &off
	inv, err := r.api().Update(ctx, body)
	k := r.kind
	if err != nil {
		diags.AddError("The server keeps "+k.name+" invitations after DELETE, and deactivating this one failed",
			fmt.Sprintf("Invitation %d (%s in %s) is still active on the server. %s", id, userLabel(m), m.Key.ValueString(), describe(err)))
		return diags
	}
	if inv.ID != id {
		diags.AddError("The server keeps "+k.name+" invitations after DELETE and cannot deactivate this one",
			fmt.Sprintf("The deactivating POST for invitation %d (%s in %s) changed invitation %d instead. Deactivate %d by hand, and check %d.",
				id, userLabel(m), m.Key.ValueString(), inv.ID, id, inv.ID))
		return diags
	}
	r.warnRetired(&diags, ret, id)
	return diags
}

// warnRetired says once per operation (and kind) that invitations are
// deactivated, not deleted.
func (r *iblInvitationResource) warnRetired(diags *diag.Diagnostics, ret *iblRetirement, id int64) {
	k := r.kind
	if _, said := ret.warned.LoadOrStore(k.name, true); said {
		return
	}
	diags.AddWarning("ibl.ai keeps "+k.name+" invitations after DELETE: they are deactivated instead",
		fmt.Sprintf("The ibl.ai server answered 200 to the first DELETE of this operation but kept the invitation, as the vendor documents (the DELETE of program, "+
			"course and platform invitations is not implemented). Every %s invitation this operation destroys is retired instead, %s invitation %d among them: "+
			"deactivated (active = false) so that it cannot be used, and removed from state. "+
			"The rows stay on the server; creating an invitation for the same %s and user later re-activates the same row. This warning is shown once per operation.",
			k.name, k.name, id, k.name))
}
