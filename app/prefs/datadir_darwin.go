package prefs

import (
	"os"
	"path/filepath"
)

// DataDir is the per-user data folder, ~/Library/Application Support/Sportello.
func DataDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "Library", "Application Support", "Sportello"), nil
}
