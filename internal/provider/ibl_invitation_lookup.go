package provider

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// The look before an ibl.ai create, batched. Create refuses to take over
// an invitation it did not make, so it first looks for the user's rows in
// the item. One create alone looks with the narrow request (org, item and
// user); once a second comes in the same scope (kind, org and item) and
// operation (provider process), the scope is listed once and the creates
// are answered from it, as the batched refresh does (batch.go).
//
// A listing's miss is no proof of absence: a row deleted on a page already
// read shifts later rows back, and one is skipped. So a listing answers
// only when it is proven complete (provenComplete); any other (failed,
// declined as too large, or not proven) sends each create to the narrow
// look. A proven listing is a snapshot of the scope as it was when its
// page 1 was counted, up to a few seconds (the operation's creates) old: a
// row another client makes meanwhile for the same user is missed, as it
// would be by a narrow look made just before it; the server's
// create-or-update then updates that row.
//
// The provider's own writes do not make the listing stale for other users
// (ownership claims already keep two resources off one user), but a user
// this process wrote in the scope (a create, an update, a removal) is never
// answered from a listing: its look is narrow.
type createLooks struct {
	mu       sync.Mutex
	looks    int
	inflight int             // creates between their look and the end of their create
	wrote    map[string]bool // users (lookUser.key) this process wrote in the scope
	current  *createListing
	listings int
}

// maxCreateListings bounds the listings of a scope in one operation: one
// not proven complete (a server deleting rows while it is paged) is tried
// again, but not without end.
const maxCreateListings = 3

type createListing struct {
	done     chan struct{}
	looks    int // the scope's looks when it started
	snap     createSnapshot
	declined int // pages of a listing declined as too large
}

// createSnapshot is what a listing of a scope found: its rows, newest
// first, and whether they are proven to be all of them.
type createSnapshot struct {
	rows     []ibl.Invitation
	complete bool
}

// lookUser is the user a create looks for: by email compared without case
// (a superset of what a server comparing exactly returns: the safe side),
// else by username.
type lookUser struct {
	email, username string
}

func (u lookUser) key() string {
	if u.email != "" {
		return "email:" + strings.ToLower(u.email)
	}
	return "username:" + u.username
}

func (u lookUser) matches(row ibl.Invitation) bool {
	if u.email != "" {
		return strings.EqualFold(deref(row.Email), u.email)
	}
	return deref(row.Username) == u.username
}

// stale tells whether a new listing should replace l. Called locked.
func (l *createListing) stale(looks int) bool {
	select {
	case <-l.done:
	default:
		return false // still being read
	}
	switch {
	case l.snap.complete:
		return false
	case l.declined > 0:
		return looks-l.looks >= l.declined
	}
	return true
}

// createListFunc lists a scope; worth tells, given its pages, whether
// reading it whole is worth it.
type createListFunc func(ctx context.Context, worth func(pages int) bool) (createSnapshot, int)

// look answers a create's look for user: the user's rows and whether the
// listing answered (when not, the caller makes the narrow look). done must
// be called once the create has finished writing, served or not: a listing
// waits (briefly) for the creates in flight, so that the scope holds still
// while it is counted.
func (b *createLooks) look(ctx context.Context, user lookUser, list createListFunc) (rows []ibl.Invitation, served bool, done func()) {
	var once sync.Once
	done = func() {
		once.Do(func() {
			b.mu.Lock()
			b.inflight--
			b.mu.Unlock()
		})
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.looks++
	narrow := func() ([]ibl.Invitation, bool, func()) {
		b.inflight++
		b.wroteLocked(user)
		return nil, false, done
	}
	if b.looks == 1 || b.wrote[user.key()] {
		// The first look of a scope is narrow: a create alone stays one look
		// and one POST. A user this process wrote is never answered from a
		// listing that may predate the write.
		return narrow()
	}
	l := b.current
	if l == nil || l.stale(b.looks) {
		if b.listings >= maxCreateListings {
			return narrow()
		}
		b.listings++
		l = &createListing{done: make(chan struct{}), looks: b.looks}
		b.current = l
		b.settleLocked(ctx)
		b.mu.Unlock()
		var declined int
		l.snap, declined = list(ctx, b.worth)
		b.mu.Lock()
		l.declined = declined
		close(l.done)
	} else {
		b.mu.Unlock()
		awaited(ctx, l.done) // a cancelled look is narrow (below)
		b.mu.Lock()
	}
	if ctx.Err() != nil || !l.snap.complete || b.wrote[user.key()] {
		return narrow()
	}
	b.inflight++
	b.wroteLocked(user)
	for _, row := range l.snap.rows {
		if user.matches(row) {
			rows = append(rows, row)
		}
	}
	return rows, true, done
}

// settleLocked waits, up to a second, until no create of the scope is
// between its look and its end, so that the listing is not counted while
// the provider's own POSTs change the scope (a listing counted meanwhile
// is still sound, only less often proven complete). Called locked; returns
// locked.
func (b *createLooks) settleLocked(ctx context.Context) {
	start := time.Now()
	for b.inflight > 0 && ctx.Err() == nil && time.Since(start) < time.Second {
		b.mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		b.mu.Lock()
	}
}

// worth: a listing of pages pages replaces at least as many looks (as
// readBatch.worth, counted by looks).
func (b *createLooks) worth(pages int) bool {
	return worthListing(pages, func() int {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.looks
	})
}

// wrote records that this process wrote user in the scope.
func (b *createLooks) wroteUser(user lookUser) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.wroteLocked(user)
}

func (b *createLooks) wroteLocked(user lookUser) {
	if b.wrote == nil {
		b.wrote = map[string]bool{}
	}
	b.wrote[user.key()] = true
}

// provenComplete tells whether a listing holds every row the scope had
// when its page 1 was counted. probeMax is the largest id a request made
// before page 1 saw (page_size=1, sorted by -id); rows are the listing's
// distinct rows, count the count page 1 reported.
//
// Why this suffices, with the server's default sort=-id and ids given in
// increasing order (a new row gets an id larger than any before it, and
// is visible once it has it: the model of a database sequence whose
// inserts commit in order):
//
//   - Every row seen has an id <= probeMax, so each existed when the probe
//     was answered (a row made later has a larger id), and still existed
//     when its page was answered, after page 1 was counted: every row seen
//     is in S, the scope when page 1 was counted. So U (distinct rows
//     seen) <= |S|.
//   - count is |S|. With U == count, the rows seen are exactly S: nothing
//     of S was skipped.
//
// Deletions during paging shift rows back and skip one: U < count. A
// deletion balanced by an insert keeps the counts equal, but the new row
// is either seen (id > probeMax) or not, and the skipped row still makes U
// < count. An insert between the probe and page 1 that page 1 counts is
// either seen (id > probeMax) or missing from U. Only the count of page 1
// is used, so a server that counts and slices a page in separate queries
// (Django's paginator) cannot fool it: an insert between them shows on
// page 1 with an id above probeMax. A count taken after the listing would
// add nothing: it cannot tell a deletion balanced by an insert.
func provenComplete(probeMax int64, rows []ibl.Invitation, count int) bool {
	if len(rows) != count {
		return false
	}
	for _, row := range rows {
		if row.ID > probeMax {
			return false
		}
	}
	return true
}

// looks are the create looks of a kind's scope (org and item) in this
// provider process.
func (r *iblInvitationResource) looks(org, item string) *createLooks {
	return r.data.CreateLooks.scope(r.kind.name + "|" + org + "|" + item)
}

// lookBeforeCreate finds the rows the user already has in the item: from
// the scope's listing when it is proven complete, else with the narrow
// request. done is called once the create has finished.
func (r *iblInvitationResource) lookBeforeCreate(ctx context.Context, org, item string, user lookUser) (rows []ibl.Invitation, done func(), err error) {
	rows, served, done := r.looks(org, item).look(ctx, user, func(ctx context.Context, worth func(int) bool) (createSnapshot, int) {
		return r.listForCreate(ctx, org, item, worth)
	})
	if served {
		return rows, done, nil
	}
	rows, err = r.api().FindUser(ctx, org, item, user.email, user.username)
	return rows, done, err
}

// listForCreate lists a scope for the creates' looks: a probe for its
// newest row, then the listing (see provenComplete). A probe that finds
// the scope empty proves it empty on its own. It returns the pages of a
// listing declined as too large.
func (r *iblInvitationResource) listForCreate(ctx context.Context, org, item string, worth func(int) bool) (createSnapshot, int) {
	probe, _, err := r.api().List(ctx, ibl.Filter{Org: org, Key: item, Sort: "-id", Max: 1})
	switch {
	case err != nil:
		return createSnapshot{}, 0
	case len(probe) == 0:
		return createSnapshot{complete: true}, 0
	}
	declined := 0
	rows, count, err := r.api().List(ctx, ibl.Filter{Org: org, Key: item, Sort: "-id", Worth: func(pages int) bool {
		w := worth(pages)
		if !w {
			declined = pages
		}
		return w
	}})
	if err != nil {
		return createSnapshot{}, declined
	}
	return createSnapshot{rows: rows, complete: provenComplete(probe[0].ID, rows, count)}, 0
}

// wroteUser records a write of m's user outside Create (an update, a
// removal): the scope's creates look for that user narrowly from now on.
func (r *iblInvitationResource) wroteUser(m iblInvitationModel) {
	r.looks(m.Org.ValueString(), m.Key.ValueString()).wroteUser(lookUser{email: m.Email.ValueString(), username: usernameFilter(m)})
}
