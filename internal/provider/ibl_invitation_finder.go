package provider

// What the ibl.ai lifecycle needs beyond one request: the finder that
// reconciles a create whose outcome is unknown, and the retirement of an
// invitation on servers whose DELETE keeps the row.

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// iblFinder looks, after a create whose outcome is unknown, for the
// invitation it may have made: a row of this item and user with every
// argument as planned, held by no other resource of this run. On servers
// that update in place, that is the one row of the user; on servers that
// insert on every POST it is a row that did not exist before the create
// (before), and when repeated attempts made several, one is kept and the
// others are retired.
type iblFinder struct {
	r      *iblInvitationResource
	plan   iblModel
	before map[int64]bool
}

func (f *iblFinder) rows(ctx context.Context, exclude int64) ([]ibl.Invitation, error) {
	p, k := f.plan.shared(), f.r.kind
	rows, err := f.r.client.FindUser(ctx, p.Org.ValueString(), f.plan.key().ValueString(), p.Email.ValueString(), usernameFilter(p))
	if err != nil {
		return nil, err
	}
	var out []ibl.Invitation
	for _, row := range rows {
		switch {
		case row.ID == exclude, !iblMatches(f.plan, row), f.r.data.run.owned.isClaimed(iblOwnerKey(k.kind, p.Org.ValueString(), row.ID)),
			f.before[row.ID] && !f.r.data.iblUpsert:
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
		if diags := f.r.remove(ctx, f.plan, extra.ID, deref(extra.Email)); diags.HasError() {
			return nil, false, fmt.Errorf("deleting duplicate %s invitation %d that a repeated create made failed: %s", f.r.kind.name, extra.ID, diags[0].Detail())
		}
	}
	if !f.r.data.run.owned.claim(iblOwnerKey(f.r.kind.kind, f.plan.shared().Org.ValueString(), matches[0].ID)) {
		return nil, false, nil
	}
	return &matches[0], true, nil
}

// sweep retires rows an earlier attempt made after the look-up that found
// none (servers that insert on every POST only: the others update in place).
func (f *iblFinder) sweep(ctx context.Context, keep int64) {
	if f.r.data.iblUpsert {
		return
	}
	extras, err := f.rows(ctx, keep)
	if err != nil {
		tflog.Warn(ctx, "checking for late duplicates failed", map[string]any{"error": err.Error()})
		return
	}
	for _, extra := range extras {
		f.r.remove(ctx, f.plan, extra.ID, deref(extra.Email))
	}
}

// iblDeleteBehaviour is what a run learnt of the server's DELETE from the
// first invitation it removed, and whether it has said so. All kinds share
// it: they are one view family, whose DELETE behaves alike.
type iblDeleteBehaviour struct {
	// probe lets one removal at a time find out what DELETE does, while
	// the others wait for what it learns.
	probe  sync.Mutex
	mu     sync.Mutex
	known  bool
	keeps  bool            // DELETE answers 200 and keeps the row
	warned map[string]bool // by kind: one warning per kind and run
	// inserts: a deactivating POST inserted a row instead, although the
	// provider was told the server updates in place (ibl.upsert).
	inserts bool
}

// learnt tells what the run knows of DELETE: whether it keeps rows, and
// whether that is known yet.
func (b *iblDeleteBehaviour) learnt() (keeps, known bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.keeps, b.known
}

func (b *iblDeleteBehaviour) learn(keeps bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.known, b.keeps = true, keeps
}

// mayPost tells whether a deactivating POST may be sent: not to a server
// that inserts on every POST, which would add a row and leave the
// invitation active.
func (r *iblInvitationResource) mayPost() bool {
	b := &r.data.run.iblDelete
	b.mu.Lock()
	defer b.mu.Unlock()
	return r.data.iblUpsert && !b.inserts
}

// firstWarning is true once per kind.
func (b *iblDeleteBehaviour) firstWarning(kind string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.warned[kind] {
		return false
	}
	if b.warned == nil {
		b.warned = map[string]bool{}
	}
	b.warned[kind] = true
	return true
}

// remove retires invitation id of m's item and user. Real servers answer
// 200 to DELETE and keep the row (the vendor documents the handler as
// unimplemented); the only way to retire an invitation there is to
// deactivate it. Until the run knows what the server's DELETE does, a
// removal sends it and confirms with the narrow read; once it knows, a
// server that keeps rows gets one deactivating POST (the DELETE it ignores
// is not sent again), one that deletes gets the DELETE alone. That is at
// most 3 requests for the first invitation and 1 for each other one, and
// one warning per run. A server that inserts on every POST (ibl.upsert =
// false) gets no deactivating POST: it would add a row and leave this one
// active. email is the server's spelling of the email.
func (r *iblInvitationResource) remove(ctx context.Context, m iblModel, id int64, email string) diag.Diagnostics {
	var diags diag.Diagnostics
	s := m.shared()
	org := s.Org.ValueString()
	behaviour := &r.data.run.iblDelete
	keeps, known := behaviour.learnt()
	if !known {
		behaviour.probe.Lock()
		if keeps, known = behaviour.learnt(); !known {
			defer behaviour.probe.Unlock()
			return r.deleteAndConfirm(ctx, m, id, email, r.mayPost())
		}
		behaviour.probe.Unlock()
	}
	switch {
	case !r.mayPost():
		return r.deleteAndConfirm(ctx, m, id, email, false)
	case !keeps:
		if err := r.client.Delete(ctx, org, id); err != nil {
			diags.AddError("Deleting the ibl.ai "+r.kind.name+" invitation failed", describe(err))
		}
		return diags
	}
	body := ibl.Upsert{Key: m.key().ValueString()}
	if email != "" {
		body.Email = &email
	} else {
		body.Username = s.Username.ValueStringPointer()
	}
	return r.deactivate(ctx, m, id, body)
}

// deleteAndConfirm sends the DELETE, confirms with the narrow read and,
// when post allows it, deactivates what the server kept; the run learns
// what the server did. Without post, an invitation left active is an
// error: nothing can retire it through the API.
func (r *iblInvitationResource) deleteAndConfirm(ctx context.Context, m iblModel, id int64, email string, post bool) diag.Diagnostics {
	var diags diag.Diagnostics
	s := m.shared()
	org := s.Org.ValueString()
	if err := r.client.Delete(ctx, org, id); err != nil {
		diags.AddError("Deleting the ibl.ai "+r.kind.name+" invitation failed", describe(err))
		return diags
	}
	left, err := r.client.Find(ctx, org, m.key().ValueString(), email, usernameFilter(s), id)
	if err != nil {
		diags.AddError("Confirming the deletion of the ibl.ai "+r.kind.name+" invitation failed", describe(err))
		return diags
	}
	r.data.run.iblDelete.learn(left != nil)
	if left == nil {
		return diags
	}
	if !left.Active {
		r.warnRetired(&diags, id)
		return diags
	}
	if !post {
		k := r.kind
		diags.AddError("The ibl.ai server can neither delete nor deactivate this "+k.name+" invitation",
			fmt.Sprintf("%s invitation %d (%s in %s) is still active. The server answered its DELETE without deleting it, and it inserts a new invitation "+
				"on every POST, so a POST of active = false would add a row and leave this one active: nothing was sent besides the DELETE and a read. "+
				"Deactivate it by hand (or upgrade the server), and let go of it in Terraform without destroying it: a removed block with "+
				"lifecycle { destroy = false } (Terraform 1.7 and later, OpenTofu), or lifecycle { destroy = false } on the resource (Terraform 1.16 and later).",
				k.title, id, userLabel(s), m.key().ValueString()))
		return diags
	}
	body := ibl.Upsert{Key: left.Key(), Email: left.Email}
	if left.Email == nil {
		body.Username = left.Username
	}
	return r.deactivate(ctx, m, id, body)
}

// deactivate retires invitation id with a POST of active = false for its
// item and user.
func (r *iblInvitationResource) deactivate(ctx context.Context, m iblModel, id int64, body ibl.Upsert) diag.Diagnostics {
	var diags diag.Diagnostics
	off := false
	body.Active = &off
	inv, err := r.client.Update(ctx, body)
	k, s := r.kind, m.shared()
	if err != nil {
		diags.AddError("The server keeps "+k.name+" invitations after DELETE, and deactivating this one failed",
			fmt.Sprintf("Invitation %d (%s in %s) is still active on the server. %s", id, userLabel(s), m.key().ValueString(), describe(err)))
		return diags
	}
	if inv.ID != id {
		// The server inserts on every POST: no more deactivating POSTs.
		b := &r.data.run.iblDelete
		b.mu.Lock()
		b.inserts = true
		b.mu.Unlock()
		diags.AddError("The server keeps "+k.name+" invitations after DELETE and cannot deactivate this one",
			fmt.Sprintf("The deactivating POST for invitation %d (%s in %s) made the server insert invitation %d instead: it inserts on every POST. "+
				"Set upsert = false in the provider's ibl block. Deactivate %d by hand; %d is inactive.",
				id, userLabel(s), m.key().ValueString(), inv.ID, id, inv.ID))
		return diags
	}
	r.warnRetired(&diags, id)
	return diags
}

// warnRetired says once per run (and kind) that invitations are
// deactivated, not deleted.
func (r *iblInvitationResource) warnRetired(diags *diag.Diagnostics, id int64) {
	k := r.kind
	if !r.data.run.iblDelete.firstWarning(k.name) {
		return
	}
	diags.AddWarning("ibl.ai keeps "+k.name+" invitations after DELETE: they are deactivated instead",
		fmt.Sprintf("The ibl.ai server answered 200 to the first DELETE of this operation but kept the invitation, as the vendor documents (the DELETE of program, "+
			"course and platform invitations is not implemented). Every %s invitation this operation destroys is retired instead, %s invitation %d among them: "+
			"deactivated (active = false) so that it cannot be used, and removed from state. "+
			"The rows stay on the server; creating an invitation for the same %s and user later re-activates the same row. This warning is shown once per operation.",
			k.name, k.name, id, k.name))
}
