package ibl

import (
	"encoding/json"
	"fmt"
)

// Kind is one of the data manager's invitation kinds. The three share one
// view family (envelope, create-or-update POST keyed by item and user,
// DELETE that keeps the row, filters) and differ only in their path, the
// field that names the item and their extra fields. The zero Kind is
// Program.
type Kind int

// The invitation kinds.
const (
	// Program invitations: program_key "org+program", whose org is the part
	// before "+"; extra field enrollment_config.
	Program Kind = iota
	// Course invitations: course_id, an edX key "course-v1:ORG+COURSE+RUN"
	// whose org is the platform's (the caller's), never a part of the key;
	// extra field enrollment_config.
	Course
	// Platform invitations: platform_key, which is the org; extra fields
	// company_name, first_name, last_name, user_group and
	// user_group_owner_email. Creating one emails the invitee.
	Platform
)

// Kinds are the kinds, in a stable order.
func Kinds() []Kind { return []Kind{Program, Course, Platform} }

type kindSpec struct {
	name, path, keyField string
	// own are the list parameters only this kind knows (its key field, and
	// program_id for programs).
	own []string
	// enrollmentConfig: the POST body takes enrollment_config.
	enrollmentConfig bool
	// accessDates are the fields of the access start and expiration dates
	// (SDK 4.202), when the kind has them.
	accessDates [2]string
	// userFields: the POST body takes the platform invitation's user fields.
	userFields bool
}

var kindSpecs = [...]kindSpec{
	Program: {name: "program", path: "/api/catalog/invitations/program/", keyField: "program_key", own: []string{"program_key", "program_id"}, enrollmentConfig: true,
		accessDates: [2]string{"program_access_start_date", "program_access_expiration_date"}},
	Course: {name: "course", path: "/api/catalog/invitations/course/", keyField: "course_id", own: []string{"course_id"}, enrollmentConfig: true,
		accessDates: [2]string{"course_access_start_date", "course_access_expiration_date"}},
	Platform: {name: "platform", path: "/api/catalog/invitations/platform/", keyField: "platform_key", own: []string{"platform_key"}, userFields: true},
}

func (k Kind) spec() kindSpec {
	if k < 0 || int(k) >= len(kindSpecs) {
		panic(fmt.Sprintf("ibl: no invitation kind %d", int(k)))
	}
	return kindSpecs[k]
}

// String is the kind's name: program, course or platform.
func (k Kind) String() string { return k.spec().name }

// Path is the kind's collection path under the data manager's base URL.
func (k Kind) Path() string { return k.spec().path }

// KeyField is the field that names the item: program_key, course_id or
// platform_key.
func (k Kind) KeyField() string { return k.spec().keyField }

// commonParams are the list parameters every kind gives a meaning of its own.
var commonParams = []string{"org", "email", "username", "source", "active", "sort",
	"page", "page_size", "verbose", "platform_key", "key", "platform_org", "format"}

// ReservedParams are the list parameters the kind's endpoint gives a
// meaning of its own; a metadata key with one of these names cannot be
// filtered on (the server reads any other parameter as a metadata filter).
func (k Kind) ReservedParams() []string {
	out := append([]string(nil), k.spec().own...)
	for _, p := range commonParams {
		if p != k.KeyField() {
			out = append(out, p)
		}
	}
	return out
}

func (k Kind) reserved(param string) bool {
	for _, p := range k.ReservedParams() {
		if p == param {
			return true
		}
	}
	return false
}

// Decode reads an invitation of the kind from JSON the API returned
// elsewhere (another tool's copy of it), with the checks a client's answer
// gets: it must have an id and a key.
func (k Kind) Decode(raw []byte) (*Invitation, error) {
	var inv Invitation
	if err := json.Unmarshal(raw, &inv); err != nil {
		return nil, fmt.Errorf("ibl: not a %s invitation: %w", k, err)
	}
	inv.kind = k
	switch {
	case inv.ID <= 0:
		return nil, fmt.Errorf("ibl: the %s invitation has no id", k)
	case inv.Key() == "":
		return nil, fmt.Errorf("ibl: the %s invitation has no %s", k, k.KeyField())
	}
	return &inv, nil
}
