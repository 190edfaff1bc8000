//go:build !windows && !darwin

package prefs

import "testing"

func TestDataDir(t *testing.T) {
	tests := []struct{ home, xdg, want string }{
		{"/home/ada", "", "/home/ada/.local/share/sportello"},
		{"/home/ada", "/data/ada", "/data/ada/sportello"},
		{"/home/ada", "relative/dir", "/home/ada/.local/share/sportello"},
	}
	for _, tt := range tests {
		t.Setenv("HOME", tt.home)
		t.Setenv("XDG_DATA_HOME", tt.xdg)
		if got, err := DataDir(); got != tt.want || err != nil {
			t.Errorf("DataDir() with HOME=%q XDG_DATA_HOME=%q = %q, %v, want %q", tt.home, tt.xdg, got, err, tt.want)
		}
	}
	t.Setenv("HOME", "")
	t.Setenv("XDG_DATA_HOME", "")
	if got, err := DataDir(); err == nil {
		t.Errorf("DataDir() with no HOME = %q, nil, want an error", got)
	}
}
