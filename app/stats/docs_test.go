package stats_test

import (
	"os"
	"strings"
	"testing"

	"sportello/app/stats"
)

// The definitions the exports carry are docs/metrics.md's, word for word.
func TestDefinitionsMatchDocs(t *testing.T) {
	b, err := os.ReadFile("../../docs/metrics.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, m := range stats.Metrics {
		if row := "| " + m.Label + " | " + m.Definition + " |"; !strings.Contains(doc, row) {
			t.Errorf("docs/metrics.md has no row %q", row)
		}
	}
}
