package prefs

import (
	"errors"
	"os"
	"path/filepath"
)

// DataDir is the per-user data folder, %AppData%\Sportello (the roaming
// application data folder). The installer's uninstaller erases it only when
// asked to.
func DataDir() (string, error) {
	d := os.Getenv("AppData")
	if d == "" {
		return "", errors.New("%AppData% is not set")
	}
	return filepath.Join(d, "Sportello"), nil
}
