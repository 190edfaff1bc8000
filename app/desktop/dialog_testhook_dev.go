//go:build dev

package desktop

import "os"

// testDialogDir is, in development builds only, the folder where exports are
// saved and imports read without the native file dialog, when
// SPORTELLO_E2E_EXPORT_DIR is set: the end-to-end test's browser cannot drive
// native dialogs. Template imports read sportello-templates-import.json there.
func testDialogDir() string { return os.Getenv("SPORTELLO_E2E_EXPORT_DIR") }
