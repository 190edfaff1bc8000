// Package instance lets a second launch of Sportello on the same data folder
// bring the running window forward instead of failing on the store's lock.
//
// The running instance listens through Wails' SingleInstanceLock with the
// UniqueId from ID; Signal speaks the same per-OS protocol as Wails v2.13
// (D-Bus on Linux, WM_COPYDATA on Windows). It is called only after the store
// said the folder is locked, since Wails itself checks for a running instance
// later than the store is opened.
package instance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ErrNoInstance means no running Sportello listens for this data folder.
var ErrNoInstance = errors.New("no running Sportello answers for this data folder")

// ID is the single-instance key of a data folder: the same folder gives the
// same ID however it is spelled, so one window serves one folder. It is safe
// in a D-Bus name, a Windows object name and a file name.
func ID(dataDir string) string {
	if p, err := filepath.Abs(dataDir); err == nil {
		dataDir = p
	}
	if p, err := filepath.EvalSymlinks(dataDir); err == nil {
		dataDir = p
	}
	dataDir = filepath.Clean(dataDir)
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		dataDir = strings.ToLower(dataDir) // case-insensitive file systems by default
	}
	sum := sha256.Sum256([]byte(dataDir))
	return "sportello_" + hex.EncodeToString(sum[:8])
}

// Signal asks the Sportello running on dataDir to show its window, passing
// this launch's arguments. It returns ErrNoInstance when none answers, and an
// error wrapping errors.ErrUnsupported where it cannot reach one (macOS, where
// the Dock and Finder already bring a running app forward instead of starting it again).
func Signal(dataDir string) error {
	wd, _ := os.Getwd()
	// The fields of Wails' options.SecondInstanceData.
	msg, err := json.Marshal(struct {
		Args             []string
		WorkingDirectory string
	}{os.Args[1:], wd})
	if err != nil {
		return err
	}
	return signal(ID(dataDir), string(msg))
}
