//go:build dev

package desktop

import "os"

// testExportDir is where ExportDialog saves without asking, in development
// builds only, when SPORTELLO_E2E_EXPORT_DIR is set: the end-to-end test's
// browser cannot drive the native save dialog.
func testExportDir() string { return os.Getenv("SPORTELLO_E2E_EXPORT_DIR") }
