//go:build !windows && !darwin

package prefs

import (
	"os"
	"path/filepath"
)

// DataDir is the per-user data folder of the XDG base directory spec:
// $XDG_DATA_HOME/sportello, or ~/.local/share/sportello when XDG_DATA_HOME is
// unset or not an absolute path (the spec says to ignore relative ones).
func DataDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "sportello"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "sportello"), nil
}
