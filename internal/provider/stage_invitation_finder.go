package provider

// Finding stage invitations beyond one request: after a create whose
// outcome is unknown, what the create made (createOnce, create.go); after a
// 404, whether the invitation is gone or only not visible to the token.

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
)

func createdBy(inv *authentik.Invitation) string {
	if inv.CreatedBy == nil || inv.CreatedBy.Username == "" {
		return "an unknown user"
	}
	return inv.CreatedBy.Username
}

// stageFinder looks, after a create whose outcome is unknown, for the
// invitation it may have made. authentik names are not unique, so a match
// has every argument as planned and is not held by another resource of this
// run. Once a look-up has found none, every match found later was made by
// this create's own attempts: one is kept and the others deleted, so that
// no duplicate, and no untracked invite token, is left.
type stageFinder struct {
	r    *stageInvitationResource
	plan stageInvitationModel
	// sawNone is set once a look-up found no match.
	sawNone bool
}

// sweep deletes matches other than keep that an earlier attempt made after
// the look-up that found none.
func (f *stageFinder) sweep(ctx context.Context, keep string) {
	extras, err := f.matches(ctx, keep)
	if err != nil {
		tflog.Warn(ctx, "checking for late duplicates failed", map[string]any{"error": err.Error()})
	}
	for _, c := range extras {
		if err := f.r.client.Delete(ctx, c.PK); err != nil && !client.IsNotFound(err) {
			tflog.Warn(ctx, "deleting a late duplicate failed", map[string]any{"error": err.Error()})
		}
	}
}

// matches lists the invitations, but exclude, that have the planned name
// and arguments and that no resource of this run holds.
func (f *stageFinder) matches(ctx context.Context, exclude string) ([]authentik.Invitation, error) {
	candidates, err := f.r.client.FindByName(ctx, f.plan.Name.ValueString())
	var out []authentik.Invitation
	for _, c := range candidates {
		if c.PK != exclude && f.plan.matchesPlan(c) && !f.r.data.run.owned.isClaimed(stageOwnerKey(c.PK)) {
			out = append(out, c)
		}
	}
	return out, err
}

func (f *stageFinder) find(ctx context.Context) (*authentik.Invitation, bool, error) {
	matches, err := f.matches(ctx, "")
	if err != nil {
		return nil, false, err
	}
	switch {
	case len(matches) == 0:
		f.sawNone = true
		return nil, false, nil
	case len(matches) > 1 && !f.sawNone:
		return nil, false, fmt.Errorf("%w: %d invitations named %q have every argument as configured, and the provider cannot tell which one this create made. "+
			"Import the right one (by UUID) and delete the others", errAmbiguousLookAlikes, len(matches), f.plan.Name.ValueString())
	}
	for _, extra := range matches[1:] {
		if err := f.r.client.Delete(ctx, extra.PK); err != nil && !client.IsNotFound(err) {
			return nil, false, fmt.Errorf("deleting a duplicate that a repeated create made: %w", err)
		}
		tflog.Warn(ctx, "deleted a duplicate invitation made by a repeated create", map[string]any{"name": extra.Name})
	}
	if !f.r.data.run.owned.claim(stageOwnerKey(matches[0].PK)) {
		return nil, false, nil // taken by another resource meanwhile
	}
	return &matches[0], true, nil
}

// unviewableKey marks, in private state, an invitation created with a
// token that may not view the invitations it creates (ownViews).
const unviewableKey = "unviewable"

// confirmGone tells whether a 404 for the invitation in state proves it
// gone: authentik answers 404 too for an invitation the token may not view.
// A listing by its name tells: a 403 is a token that may view no
// invitation, and the invitation among the results is one after all. One
// created with a token that may not view what it creates cannot be told
// gone. nil, nil is gone.
func (r *stageInvitationResource) confirmGone(ctx context.Context, m stageInvitationModel, private privateKeys) (*authentik.Invitation, error) {
	found, err := r.client.FindByName(ctx, m.Name.ValueString())
	if client.StatusOf(err) == http.StatusForbidden {
		return nil, fmt.Errorf("authentik answered 404 for the invitation and 403 to listing invitations: the token may not view invitations, "+
			"so whether this one still exists cannot be told, and nothing is re-created. %w", err)
	}
	if err != nil {
		return nil, err
	}
	for i := range found {
		if strings.EqualFold(found[i].PK, m.ID.ValueString()) {
			return &found[i], nil
		}
	}
	if unviewable, _ := private.GetKey(ctx, unviewableKey); len(unviewable) > 0 {
		return nil, fmt.Errorf("authentik answers 404 for the invitation %q, created with a token that may not view the invitations it creates: "+
			"whether it still exists cannot be told, and nothing is re-created. Grant the token's user authentik_stages_invitation.view_invitation "+
			"(or remove the invitation from the state, terraform state rm, if it is gone)", m.Name.ValueString())
	}
	return nil, nil
}

// ownViews tells, once a run, whether the token may view the invitations
// it creates: the creator gets no view permission unless the instance
// grants it, and then a refresh could not tell such an invitation from one
// that is gone. The first create of a run reads its invitation back (one
// GET a run); a failure to read other than a 404 is taken for yes.
func (r *stageInvitationResource) ownViews(ctx context.Context, pk string) bool {
	c := &r.data.run.stageOwnViews
	c.once.Do(func() {
		_, err := r.client.Get(ctx, pk)
		c.denied = client.IsNotFound(err)
	})
	return !c.denied
}
