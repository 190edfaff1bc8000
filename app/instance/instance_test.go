package instance

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestID(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(data, link); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)

	want := ID(data)
	// Letters, digits and underscores only, not starting with a digit: valid in a
	// D-Bus name element, a Windows object name and a file name.
	if !regexp.MustCompile(`^[a-z][a-z0-9_]{8,60}$`).MatchString(want) {
		t.Errorf("ID(%q) = %q, want a short identifier", data, want)
	}
	for _, same := range []string{data + "/", filepath.Join(dir, ".", "data"), "data", "./data/", link} {
		if got := ID(same); got != want {
			t.Errorf("ID(%q) = %q, want %q (the same folder as %q)", same, got, want, data)
		}
	}
	for _, other := range []string{dir, filepath.Join(dir, "data2"), filepath.Join(dir, "Data")} {
		if got := ID(other); got == want {
			t.Errorf("ID(%q) = %q, the same as for %q", other, got, data)
		}
	}
}
