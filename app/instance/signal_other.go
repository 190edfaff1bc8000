//go:build !linux && !windows

package instance

import (
	"errors"
	"fmt"
)

// On macOS Wails v2 signals through NSDistributedNotificationCenter, which
// needs cgo; launching the app bundle again already activates the running
// one, so only a second start from a terminal ends on the store's message.
func signal(string, string) error {
	return fmt.Errorf("bringing the running window forward: %w", errors.ErrUnsupported)
}
