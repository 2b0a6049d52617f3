package bench

import (
	"fmt"
	"sort"
	"strings"
)

// figures gathers the bench's figures over the runs of one make bench, each
// with its target, so that the summary can say per figure what every run
// gave (min–max) and whether the target was met in each.
type figures struct {
	order []string
	by    map[string]*figure
}

type figure struct {
	target string
	// shown is what each run measured, as printed; value its number, for
	// the spread.
	shown  []string
	values []float64
	met    []bool
	// unit formats a value for the spread ("%.2fx", "%.0f MiB").
	unit string
}

// add records one run's value of a figure.
func (fs *figures) add(name, target, unit string, value float64, shown string, met bool) {
	if fs.by == nil {
		fs.by = map[string]*figure{}
	}
	f, ok := fs.by[name]
	if !ok {
		f = &figure{target: target, unit: unit}
		fs.by[name] = f
		fs.order = append(fs.order, name)
	}
	if shown == "" {
		shown = fmt.Sprintf(unit, value)
	}
	f.shown = append(f.shown, shown)
	f.values = append(f.values, value)
	f.met = append(f.met, met)
}

// ratio records a ratio to the floor against its ceiling.
func (fs *figures) ratio(name string, value, ceiling float64) {
	fs.add(name, fmt.Sprintf("≤ %.2fx", ceiling), "%.2fx", value, "", value <= ceiling)
}

// write prints the summary: one line a figure, its target, the runs'
// values (min–max when they differ) and the verdict over the runs.
func (fs *figures) write(b *strings.Builder, runs int) {
	fmt.Fprintf(b, "\nFigures over %d run(s): target, measured (min–max over runs), verdict\n", runs)
	// By target, as numbered; in the order measured within one.
	sort.SliceStable(fs.order, func(i, j int) bool { return fs.order[i][:3] < fs.order[j][:3] })
	width := 0
	for _, name := range fs.order {
		width = max(width, len([]rune(name)))
	}
	for _, name := range fs.order {
		f := fs.by[name]
		met := 0
		for _, m := range f.met {
			if m {
				met++
			}
		}
		verdict := "met"
		switch {
		case met == 0:
			verdict = "missed"
		case met < len(f.met):
			verdict = fmt.Sprintf("missed (met in %d of %d runs)", met, len(f.met))
		case len(f.met) > 1:
			verdict = fmt.Sprintf("met (%d of %d runs)", met, len(f.met))
		}
		fmt.Fprintf(b, "  %s%s  %-28s %-30s %s\n", name, strings.Repeat(" ", width-len([]rune(name))), f.target, f.spread(), verdict)
	}
}

// spread is the one value every run gave, or min–max.
func (f *figure) spread() string {
	lo, hi := 0, 0
	for i, v := range f.values {
		if v < f.values[lo] {
			lo = i
		}
		if v > f.values[hi] {
			hi = i
		}
	}
	if f.shown[lo] == f.shown[hi] {
		return f.shown[lo]
	}
	return f.shown[lo] + " – " + f.shown[hi]
}
