package client

import "net/url"

// PageSize is the page size a listing asks for: the API's largest, and no
// more than the listing will keep.
func PageSize(largest, limit int) int {
	if limit > 0 && limit < largest {
		return limit
	}
	return largest
}

// Query builds query parameters from name and value pairs, leaving out
// empty values: a filter that is not set is not sent.
func Query(pairs ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	return q
}
